using System.Numerics;

namespace Rankwise.IO;

/// <summary>
/// A delimited text table as strings: column names plus rows of cells (for long-format tables with text
/// columns, e.g. <c>item,rater,score</c>). Every row has <see cref="ColumnCount"/> cells.
/// </summary>
public sealed class CsvTable
{
    internal CsvTable(string source, IReadOnlyList<string> columnNames, bool hasHeader, char delimiter, IReadOnlyList<string[]> rows, IReadOnlyList<int> lineNumbers)
    {
        Source = source;
        ColumnNames = columnNames;
        HasHeader = hasHeader;
        Delimiter = delimiter;
        Rows = rows;
        LineNumbers = lineNumbers;
    }

    /// <summary>The file the table was read from (used in error messages).</summary>
    public string Source { get; }

    /// <summary>Column names: the header cells, or <c>"0"</c>, <c>"1"</c>, … when the file has no header.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>True when the column names came from a header row.</summary>
    public bool HasHeader { get; }

    /// <summary>The delimiter used (<c>' '</c> for runs of whitespace).</summary>
    public char Delimiter { get; }

    /// <summary>The data rows (header excluded), each with <see cref="ColumnCount"/> cells.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>The 1-based file line on which each data row starts.</summary>
    public IReadOnlyList<int> LineNumbers { get; }

    /// <summary>Number of data rows.</summary>
    public int RowCount => Rows.Count;

    /// <summary>Number of columns.</summary>
    public int ColumnCount => ColumnNames.Count;

    /// <summary>
    /// Resolves a column selector: an exact column name, else a 0-based index.
    /// </summary>
    /// <param name="column">Column name or 0-based index.</param>
    /// <returns>The 0-based column index.</returns>
    /// <exception cref="RankwiseInputException">No such column (the message lists the available names).</exception>
    public int ColumnIndex(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return CsvReader.ResolveColumn(HasHeader ? ColumnNames : null, ColumnCount, column, Source);
    }

    /// <summary>The cells of one column.</summary>
    /// <param name="column">Column name or 0-based index.</param>
    /// <returns>A new array with one cell per row.</returns>
    /// <exception cref="RankwiseInputException">No such column.</exception>
    public string[] Column(string column)
    {
        int j = ColumnIndex(column);
        var result = new string[Rows.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = Rows[i][j];
        return result;
    }

    /// <summary>
    /// Parses one column as numbers (invariant culture; empty, <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>,
    /// <c>None</c> → NaN; <c>inf</c>/<c>Infinity</c> accepted).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="column">Column name or 0-based index.</param>
    /// <returns>A new array with one value per row.</returns>
    /// <exception cref="RankwiseInputException">No such column, or a cell is not a number (the message names the line and column).</exception>
    public T[] ParseColumn<T>(string column) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = ColumnIndex(column);
        var result = new T[Rows.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (!TextNumbers.TryParseCell(Rows[i][j], out result[i]))
                throw CsvReader.NotANumber(Source, LineNumbers[i], HasHeader ? ColumnNames : null, j, Rows[i][j]);
        }
        return result;
    }
}
