using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;

namespace Rankwise.Tests.Cli;

/// <summary>Terminal tables keep their titles whole.</summary>
public class TableExportTests
{
    private static CommandOutput Output(string title)
    {
        var output = new CommandOutput(new JsonObject());
        output.Tables.Add(new ResultTable(title, ["row", "col"]).Add(0L, 1L));
        return output;
    }

    [Fact]
    public void ATitleWiderThanItsTableIsPrintedWholeOnItsOwnLine()
    {
        const string title = "assignment of a 3 × 3 matrix, total 5 (maximised)";
        string text = Exporters.Render(Output(title), OutputFormat.Table);
        string[] lines = text.Split('\n');
        Assert.Equal(title, lines[0]);
        Assert.StartsWith("╭", lines[1]);
    }

    [Fact]
    public void ANarrowTitleStaysCentredAboveTheTable()
    {
        string text = Exporters.Render(Output("pairs"), OutputFormat.Table);
        string[] lines = text.Split('\n');
        Assert.Equal("pairs", lines[0].Trim());
        Assert.NotEqual("pairs", lines[0]); // centred over the table, not a bare line
        Assert.StartsWith("╭", lines[1]);
    }
}
