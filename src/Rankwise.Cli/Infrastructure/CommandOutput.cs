using System.Text.Json.Nodes;

namespace Rankwise.Cli.Infrastructure;

/// <summary>
/// A command's result as data: one JSON object (the <c>--format json</c> contract) and one or more
/// tables (for <c>table</c>, <c>csv</c> and <c>markdown</c>). Exporters turn it into text; commands never print directly.
/// </summary>
public sealed class CommandOutput
{
    /// <summary>Creates an output around its JSON object.</summary>
    public CommandOutput(JsonObject json) => Json = json;

    /// <summary>The single JSON object written by <c>--format json</c>.</summary>
    public JsonObject Json { get; }

    /// <summary>Tables for the human-readable formats; the first is the main one (the one CSV writes).</summary>
    public List<ResultTable> Tables { get; } = [];

    /// <summary>Notes shown under the table (warnings, interpretation); also present in the JSON where relevant.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Title of the HTML report (<c>--report</c>).</summary>
    public string Title { get; set; } = "Rankwise report";

    /// <summary>Plots for the HTML report, in order; each is drawn with the table(s) that hold its numbers.</summary>
    public List<Figure> Figures { get; } = [];
}

/// <summary>A titled table of cells; cells are strings, numbers (double/long/int), or null for a missing value.</summary>
/// <param name="Title">Shown above the table in table format; null for none.</param>
/// <param name="Columns">Column headers.</param>
public sealed record ResultTable(string? Title, IReadOnlyList<string> Columns)
{
    /// <summary>Rows, each with one cell per column.</summary>
    public List<object?[]> Rows { get; } = [];

    /// <summary>Adds a row.</summary>
    public ResultTable Add(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"row has {cells.Length} cells, table has {Columns.Count} columns");
        Rows.Add(cells);
        return this;
    }
}
