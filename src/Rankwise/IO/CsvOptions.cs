namespace Rankwise.IO;

/// <summary>Options for reading delimited text (CSV, TSV).</summary>
public sealed record CsvOptions
{
    /// <summary>The default options: detect the delimiter and the header.</summary>
    public static CsvOptions Default { get; } = new();

    /// <summary>
    /// The field delimiter, or null (default) to detect it: among tab, comma and semicolon, the one that splits the
    /// first (up to 20) records into the same number (&gt; 1) of fields, preferring more fields and then tab, comma,
    /// semicolon in that order; if none does, runs of spaces/tabs when those split consistently (as
    /// <c>numpy.savetxt</c> writes), else a single column. <c>' '</c> means runs of spaces and tabs (no quoting).
    /// </summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// Whether the first record is a header, or null (default) to detect it: the first record is a header when any
    /// of its cells is neither a number nor a missing-value token.
    /// </summary>
    public bool? HasHeader { get; init; }
}
