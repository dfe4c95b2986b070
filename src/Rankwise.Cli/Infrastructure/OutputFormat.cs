namespace Rankwise.Cli.Infrastructure;

/// <summary>How a command's result is written.</summary>
public enum OutputFormat
{
    /// <summary>A human-readable table (the default).</summary>
    Table,

    /// <summary>Exactly one JSON object; NaN and infinities are written as <c>null</c>.</summary>
    Json,

    /// <summary>Comma-separated values with a header row.</summary>
    Csv,

    /// <summary>A Markdown table.</summary>
    Markdown,
}
