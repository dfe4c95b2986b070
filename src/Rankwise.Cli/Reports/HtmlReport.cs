using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Rankwise.Cli.Infrastructure;

namespace Rankwise.Cli.Reports;

/// <summary>An input file named in a report, with its SHA-256 so a reader can check they have the same data.</summary>
/// <param name="Path">The path as given.</param>
/// <param name="Bytes">File size.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
public sealed record ReportInput(string Path, long Bytes, string Sha256)
{
    /// <summary>Hashes a file.</summary>
    public static ReportInput Of(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = SHA256.HashData(stream);
        return new ReportInput(path, stream.Length, Convert.ToHexStringLower(hash));
    }
}

/// <summary>What makes a report reproducible: the exact command line, version, inputs and seed.</summary>
/// <param name="CommandLine">The command line as typed (arguments joined with spaces, quoted where needed).</param>
/// <param name="Version">Rankwise version.</param>
/// <param name="Inputs">Input files with hashes.</param>
/// <param name="Seed">The seed, when the command has one.</param>
/// <param name="CreatedUtc">When the report was written.</param>
public sealed record ReportMetadata(string CommandLine, string Version, IReadOnlyList<ReportInput> Inputs, string? Seed, DateTime CreatedUtc);

/// <summary>
/// Writes a <see cref="CommandOutput"/> as one self-contained HTML file: inline SVG plots (no scripts, no network
/// access, no CDN), the tables with the numbers behind every plot, notes, and a "reproduce" section. Readable on a
/// phone and a laptop (fluid width, scalable SVG) and printable (print styles avoid breaking figures).
/// </summary>
public static class HtmlReport
{
    /// <summary>Renders the report.</summary>
    public static string Render(CommandOutput output, ReportMetadata meta)
    {
        var sb = new StringBuilder();
        string title = Encode(output.Title);
        sb.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="Rankwise {{Encode(meta.Version)}}">
            <title>{{title}}</title>
            <style>
            :root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; }
            * { box-sizing: border-box; }
            body { margin: 0 auto; max-width: 980px; padding: 1rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
            h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
            .meta { color: var(--muted); font-size: .9rem; }
            figure { margin: 1.2rem 0; break-inside: avoid; page-break-inside: avoid; }
            figure .plot svg { width: 100%; height: auto; display: block; }
            figure .plot svg image { image-rendering: pixelated; }
            figcaption { color: var(--muted); font-size: .92rem; }
            .table-wrap { overflow-x: auto; }
            table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; font-variant-numeric: tabular-nums; }
            th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: right; white-space: nowrap; }
            th { background: #f6f8fa; } td:first-child, th:first-child { text-align: left; }
            caption { text-align: left; font-weight: 600; padding: .3rem 0; }
            .note { border-left: 4px solid var(--accent); background: #f3f8fe; padding: .5rem .8rem; margin: .6rem 0; }
            code, pre { font: .85rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
            pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
            @media print { body { max-width: none; } a { color: inherit; } }
            </style>
            </head>
            <body>
            <header>
            <h1>{{title}}</h1>
            <p class="meta">Rankwise {{Encode(meta.Version)}} · {{meta.CreatedUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}}{{(meta.Seed is null ? "" : " · seed " + Encode(meta.Seed))}}</p>
            </header>
            <main>

            """);
        foreach (var note in output.Notes)
            sb.Append("<p class=\"note\">").Append(Encode(note)).Append("</p>\n");

        if (output.Figures.Count > 0)
        {
            sb.Append("<h2>Plots</h2>\n");
            foreach (var figure in output.Figures)
            {
                sb.Append($"<figure id=\"{Encode(figure.Id)}\" class=\"rw-figure\">\n<div class=\"plot\">");
                sb.Append(Inline(PlotRenderer.Svg(figure)));
                sb.Append($"</div>\n<figcaption><strong>{Encode(figure.Title)}.</strong> {Encode(figure.Caption)}</figcaption>\n</figure>\n");
            }
        }

        sb.Append("<h2>Numbers</h2>\n");
        foreach (var table in output.Tables)
        {
            sb.Append("<div class=\"table-wrap\"><table>");
            if (table.Title is not null)
                sb.Append("<caption>").Append(Encode(table.Title)).Append("</caption>");
            sb.Append("<thead><tr>");
            foreach (var c in table.Columns)
                sb.Append("<th>").Append(Encode(c)).Append("</th>");
            sb.Append("</tr></thead><tbody>\n");
            foreach (var row in table.Rows)
            {
                sb.Append("<tr>");
                foreach (var cell in row)
                    sb.Append("<td>").Append(Encode(Exporters.FormatCell(cell, compact: true))).Append("</td>");
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody></table></div>\n");
        }

        sb.Append("<h2>Reproduce</h2>\n<pre>").Append(Encode(meta.CommandLine)).Append("</pre>\n");
        if (meta.Inputs.Count > 0)
        {
            sb.Append("<div class=\"table-wrap\"><table><caption>Inputs</caption><thead><tr><th>file</th><th>bytes</th><th>SHA-256</th></tr></thead><tbody>\n");
            foreach (var input in meta.Inputs)
                sb.Append($"<tr><td>{Encode(input.Path)}</td><td>{input.Bytes}</td><td><code>{input.Sha256}</code></td></tr>\n");
            sb.Append("</tbody></table></div>\n");
        }
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Strips the XML declaration and makes the SVG scale with its container (adds a viewBox).</summary>
    private static string Inline(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start > 0) svg = svg[start..];
        svg = svg.Replace("<image ", "<image style=\"image-rendering:pixelated\" ", StringComparison.Ordinal);
        return svg.Replace($"width=\"{PlotRenderer.Width}\" height=\"{PlotRenderer.Height}\"",
            $"viewBox=\"0 0 {PlotRenderer.Width} {PlotRenderer.Height}\" width=\"{PlotRenderer.Width}\" height=\"{PlotRenderer.Height}\" role=\"img\"");
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
