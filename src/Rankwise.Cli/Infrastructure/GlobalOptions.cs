using System.CommandLine;

namespace Rankwise.Cli.Infrastructure;

/// <summary>Options every command understands (declared once on the root, recursive).</summary>
public static class GlobalOptions
{
    /// <summary><c>--format table|json|csv|markdown</c>.</summary>
    public static readonly Option<string> Format = new Option<string>("--format", "-f")
    {
        Description = "Output format: table (default), json (one object), csv, markdown",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    }.AcceptOnlyFromAmong("table", "json", "csv", "markdown");

    /// <summary><c>--output FILE</c>: write the result to a file (atomically) instead of standard output.</summary>
    public static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = "Write the result to this file (atomically: a failed run leaves no file)",
        Recursive = true,
    };

    /// <summary><c>--report FILE.html</c>: also write a self-contained HTML report with plots.</summary>
    public static readonly Option<string?> Report = new("--report")
    {
        Description = "Also write a self-contained HTML report (plots, tables, command line, input hashes) to this file",
        Recursive = true,
    };

    /// <summary><c>--verbose</c>: stack traces on errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show full error details (stack traces)",
        Recursive = true,
    };

    /// <summary><c>--quiet</c>: no progress output.</summary>
    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "No progress bars or informational messages on standard error",
        Recursive = true,
    };

    /// <summary>Parses the format option value.</summary>
    public static OutputFormat ParseFormat(string? value) => value switch
    {
        "json" => OutputFormat.Json,
        "csv" => OutputFormat.Csv,
        "markdown" => OutputFormat.Markdown,
        _ => OutputFormat.Table,
    };
}
