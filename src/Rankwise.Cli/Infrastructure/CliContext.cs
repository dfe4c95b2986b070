using System.CommandLine;
using Rankwise.Cli.Reports;
using Rankwise.IO;

namespace Rankwise.Cli.Infrastructure;

/// <summary>Where a command writes, and how: standard streams, terminal detection, cancellation.</summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="IsTerminal">Whether standard output is an interactive terminal (enables colour).</param>
/// <param name="Cancellation">Cancelled on Ctrl+C.</param>
/// <param name="Args">The command-line arguments as given (for reports).</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool IsTerminal, CancellationToken Cancellation, IReadOnlyList<string>? Args = null)
{
    /// <summary>Writes a command's result per <c>--format</c> and <c>--output</c>; returns the exit code.</summary>
    public int Emit(ParseResult parse, CommandOutput output)
    {
        var format = GlobalOptions.ParseFormat(parse.GetValue(GlobalOptions.Format));
        var path = parse.GetValue(GlobalOptions.Output);
        string text = Exporters.Render(output, format, ansi: IsTerminal && path is null && format == OutputFormat.Table);
        var reportPath = parse.GetValue(GlobalOptions.Report);
        string? html = reportPath is null ? null : HtmlReport.Render(output, Metadata(path, reportPath));
        if (path is null)
        {
            Out.Write(text);
            Out.Flush();
        }
        else
        {
            AtomicFile.WriteAllText(path, text);
        }
        if (html is not null)
            AtomicFile.WriteAllText(reportPath!, html);
        return ExitCodes.Success;
    }

    /// <summary>The report's reproducibility block: command line, version, input files with hashes, seed.</summary>
    public ReportMetadata Metadata(params string?[] outputs)
    {
        var args = Args ?? [];
        var inputs = new List<ReportInput>();
        var seen = new HashSet<string>();
        foreach (var arg in args)
        {
            if (arg.StartsWith('-') || outputs.Contains(arg)) continue;
            string file;
            try
            {
                file = ArraySelector.Parse(arg).Path;
            }
            catch (RankwiseInputException)
            {
                continue;
            }
            if (File.Exists(file) && seen.Add(Path.GetFullPath(file)))
                inputs.Add(ReportInput.Of(file));
        }
        int seedAt = args.ToList().IndexOf("--seed");
        string? seed = seedAt >= 0 && seedAt + 1 < args.Count ? args[seedAt + 1] : null;
        string commandLine = "rankwise " + string.Join(' ', args.Select(a => a.Any(char.IsWhiteSpace) ? $"\"{a}\"" : a));
        return new ReportMetadata(commandLine, CliApp.Version, inputs, seed, DateTime.UtcNow);
    }

    /// <summary>Whether informational messages and progress may be shown on standard error.</summary>
    public bool ShowProgress(ParseResult parse) => !parse.GetValue(GlobalOptions.Quiet) && !Console.IsErrorRedirected && Error == Console.Error;
}
