using System.Globalization;
using System.Numerics;
using System.Text;

namespace Rankwise.IO;

/// <summary>
/// Writes delimited text atomically (<see cref="AtomicFile"/>): UTF-8 without byte-order mark, <c>\n</c> line
/// ends, RFC 4180 quoting (fields containing the delimiter, a quote, a newline or surrounding spaces are quoted,
/// quotes doubled). Numbers use the invariant culture and the shortest text that round-trips
/// (<c>"R"</c>); NaN is written <c>nan</c> and infinities <c>inf</c> / <c>-inf</c>, as numpy writes them
/// (all three are read back by <see cref="CsvReader"/>, numpy and pandas).
/// </summary>
public static class CsvWriter
{
    /// <summary>Writes a matrix, one row per line.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The destination file.</param>
    /// <param name="matrix">The matrix. A header line is written from <see cref="Matrix{T}.ColumnNames"/> when present.</param>
    /// <param name="delimiter">The field delimiter (default comma; use <c>'\t'</c> for TSV).</param>
    /// <param name="writeRowLabels">When true and the matrix has <see cref="Matrix{T}.RowLabels"/>, they are written
    /// as a first column named <c>label</c>, and a header is always written (column names default to 0, 1, …) so the
    /// file reads back unambiguously.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write<T>(string path, Matrix<T> matrix, char delimiter = ',', bool writeRowLabels = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ValidateDelimiter(delimiter);
        bool labels = writeRowLabels && matrix.RowLabels is not null;
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            IReadOnlyList<string>? names = matrix.ColumnNames;
            if (names is null && labels)
                names = Enumerable.Range(0, matrix.Columns).Select(j => j.ToString(CultureInfo.InvariantCulture)).ToArray();
            if (names is not null)
            {
                var header = labels ? names.Prepend("label") : names;
                writer.Write(string.Join(delimiter, header.Select(n => Quote(n, delimiter))));
                writer.Write('\n');
            }
            for (int i = 0; i < matrix.Rows; i++)
            {
                if (labels)
                {
                    writer.Write(Quote(matrix.RowLabels![i], delimiter));
                    if (matrix.Columns > 0)
                        writer.Write(delimiter);
                }
                var row = matrix.Row(i);
                for (int j = 0; j < row.Length; j++)
                {
                    if (j > 0)
                        writer.Write(delimiter);
                    writer.Write(FormatNumber(row[j]));
                }
                writer.Write('\n');
            }
        });
    }

    /// <summary>Writes a table of strings (e.g. a results table) with a header line.</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="header">The column names.</param>
    /// <param name="rows">The rows; each must have as many cells as <paramref name="header"/>.</param>
    /// <param name="delimiter">The field delimiter (default comma).</param>
    /// <exception cref="ArgumentException">A row has the wrong number of cells (nothing is written).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteTable(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        ValidateDelimiter(delimiter);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            writer.Write(string.Join(delimiter, header.Select(n => Quote(n, delimiter))));
            writer.Write('\n');
            int line = 1;
            foreach (var row in rows)
            {
                line++;
                if (row.Count != header.Count)
                    throw new ArgumentException($"row {line - 1} has {row.Count} cells, the header has {header.Count}", nameof(rows));
                writer.Write(string.Join(delimiter, row.Select(c => Quote(c, delimiter))));
                writer.Write('\n');
            }
        });
    }

    /// <summary>
    /// Formats a number for text output: shortest round-trip form in the invariant culture (<c>0.1</c>,
    /// <c>1E-05</c>, <c>12345678</c>), <c>nan</c>, <c>inf</c>, <c>-inf</c>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string FormatNumber<T>(T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(value))
            return "nan";
        if (T.IsInfinity(value))
            return T.IsNegative(value) ? "-inf" : "inf";
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Quotes a field if needed (RFC 4180).</summary>
    /// <param name="field">The field text.</param>
    /// <param name="delimiter">The delimiter in use.</param>
    /// <returns>The field, quoted with doubled inner quotes when it contains the delimiter, a quote, a line break or leading/trailing spaces.</returns>
    public static string Quote(string field, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(field);
        bool needs = field.Length > 0 && (field[0] == ' ' || field[^1] == ' ');
        foreach (char c in field)
        {
            if (c == delimiter || c is '"' or '\n' or '\r')
            {
                needs = true;
                break;
            }
        }
        return needs ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }

    private static void ValidateDelimiter(char delimiter)
    {
        if (delimiter is '"' or '\n' or '\r' or ' ')
            throw new ArgumentException($"'{delimiter}' cannot be used as a delimiter", nameof(delimiter));
    }
}
