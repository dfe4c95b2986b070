using System.CommandLine;
using Rankwise.IO;

namespace Rankwise.Cli.Infrastructure;

/// <summary>Where a command writes, and how: standard streams, terminal detection, cancellation.</summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="IsTerminal">Whether standard output is an interactive terminal (enables colour).</param>
/// <param name="Cancellation">Cancelled on Ctrl+C.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool IsTerminal, CancellationToken Cancellation)
{
    /// <summary>Writes a command's result per <c>--format</c> and <c>--output</c>; returns the exit code.</summary>
    public int Emit(ParseResult parse, CommandOutput output)
    {
        var format = GlobalOptions.ParseFormat(parse.GetValue(GlobalOptions.Format));
        var path = parse.GetValue(GlobalOptions.Output);
        string text = Exporters.Render(output, format, ansi: IsTerminal && path is null && format == OutputFormat.Table);
        if (path is null)
        {
            Out.Write(text);
            Out.Flush();
        }
        else
        {
            AtomicFile.WriteAllText(path, text);
        }
        return ExitCodes.Success;
    }

    /// <summary>Whether informational messages and progress may be shown on standard error.</summary>
    public bool ShowProgress(ParseResult parse) => !parse.GetValue(GlobalOptions.Quiet) && !Console.IsErrorRedirected && Error == Console.Error;
}
