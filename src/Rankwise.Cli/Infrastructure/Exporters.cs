using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Rankwise.Cli.Infrastructure;

/// <summary>Writes a <see cref="CommandOutput"/> in one of the <see cref="OutputFormat"/>s.</summary>
public static class Exporters
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Renders <paramref name="output"/> as text in <paramref name="format"/>.</summary>
    /// <param name="output">The result.</param>
    /// <param name="format">The format.</param>
    /// <param name="ansi">Whether ANSI colour may be used (a terminal, table format).</param>
    public static string Render(CommandOutput output, OutputFormat format, bool ansi = false) => format switch
    {
        OutputFormat.Json => output.Json.ToJsonString(JsonOptions) + "\n",
        OutputFormat.Csv => RenderCsv(output),
        OutputFormat.Markdown => RenderMarkdown(output),
        _ => RenderTable(output, ansi),
    };

    /// <summary>A JSON number, or null for NaN and infinities (JSON has no representation for them).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>Formats a cell for text output: shortest round-trip for doubles, "NaN"/"inf" spelled out.</summary>
    public static string FormatCell(object? cell, bool compact = false) => cell switch
    {
        null => "",
        double d when double.IsNaN(d) => "NaN",
        double d when double.IsPositiveInfinity(d) => "inf",
        double d when double.IsNegativeInfinity(d) => "-inf",
        double d => compact ? Compact(d) : d.ToString("R", CultureInfo.InvariantCulture),
        float f => FormatCell((double)f, compact),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    private static string Compact(double d)
    {
        double a = Math.Abs(d);
        if (a != 0 && (a < 1e-4 || a >= 1e7))
            return d.ToString("0.#####e+0", CultureInfo.InvariantCulture);
        return d.ToString("0.######", CultureInfo.InvariantCulture);
    }

    private static string RenderCsv(CommandOutput output)
    {
        var sb = new StringBuilder();
        if (output.Tables.Count == 0)
            return sb.ToString();
        var table = output.Tables[0];
        sb.AppendLine(string.Join(',', table.Columns.Select(CsvEscape)));
        foreach (var row in table.Rows)
            sb.AppendLine(string.Join(',', row.Select(c => CsvEscape(FormatCell(c)))));
        return sb.ToString();
    }

    private static string CsvEscape(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static string RenderMarkdown(CommandOutput output)
    {
        var sb = new StringBuilder();
        foreach (var table in output.Tables)
        {
            if (table.Title is not null)
                sb.AppendLine($"**{table.Title}**").AppendLine();
            sb.AppendLine("| " + string.Join(" | ", table.Columns) + " |");
            sb.AppendLine("|" + string.Concat(table.Columns.Select(_ => " --- |")));
            foreach (var row in table.Rows)
                sb.AppendLine("| " + string.Join(" | ", row.Select(c => FormatCell(c, compact: true).Replace("|", "\\|"))) + " |");
            sb.AppendLine();
        }
        foreach (var note in output.Notes)
            sb.AppendLine("> " + note).AppendLine();
        return sb.ToString();
    }

    private static string RenderTable(CommandOutput output, bool ansi)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 120;
        foreach (var t in output.Tables)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var c in t.Columns)
                table.AddColumn(new TableColumn(Markup.Escape(c)));
            foreach (var row in t.Rows)
                table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(FormatCell(c, compact: true))).ToArray());
            if (t.Title is not null)
            {
                // Spectre cuts a title to the table's width: a title wider than its table goes on a line of its own.
                var width = ((Spectre.Console.Rendering.IRenderable)table)
                    .Measure(Spectre.Console.Rendering.RenderOptions.Create(console, console.Profile.Capabilities), console.Profile.Width).Max;
                if (t.Title.Length <= width)
                    table.Title(Markup.Escape(t.Title));
                else
                    console.Write(new Text(t.Title + "\n", new Style(decoration: Decoration.Bold)));
            }
            console.Write(table);
        }
        foreach (var note in output.Notes)
            console.Write(new Text("note: " + note + "\n"));
        return writer.ToString();
    }
}
