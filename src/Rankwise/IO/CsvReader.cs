using System.Globalization;
using System.Numerics;
using System.Text;

namespace Rankwise.IO;

/// <summary>
/// Reads delimited text (CSV, TSV, semicolon- or whitespace-separated) into a <see cref="Matrix{T}"/> or a
/// <see cref="CsvTable"/>.
/// </summary>
/// <remarks>
/// <para>Parsing follows RFC 4180 (quoted fields with embedded delimiters, newlines and doubled quotes; LF, CRLF
/// or CR line ends); a UTF-8 byte-order mark is skipped; blank lines are skipped. The delimiter and the presence of
/// a header are detected unless given (see <see cref="CsvOptions"/>). Numbers are parsed in the invariant culture
/// (<c>1.5</c>, <c>-2e-3</c>, <c>inf</c>); empty cells and <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>,
/// <c>None</c> are missing values and become NaN.</para>
/// <para>Every record must have as many fields as the first one (header or first data row).</para>
/// </remarks>
public static class CsvReader
{
    private const int SampleChars = 1 << 16;
    private const int SampleRecords = 20;

    /// <summary>Reads all columns, or one selected column, as numbers.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="column">Null to read all columns (every cell must be a number or missing), or one column by
    /// header name (exact match, tried first) or 0-based index; the other columns may then hold anything.</param>
    /// <param name="options">Delimiter and header options; null detects both.</param>
    /// <returns>A rows × columns matrix (rows × 1 for a selected column) with <see cref="Matrix{T}.ColumnNames"/>
    /// from the header when there is one.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or empty, a row has the wrong number of fields,
    /// the column does not exist, or a cell is not a number (naming the line and column).</exception>
    public static Matrix<T> Read<T>(string path, string? column = null, CsvOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= CsvOptions.Default;
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            var records = OpenRecords<T>(stream, path, options, out _, out bool hasHeader);
            int columns = records.FieldCount;
            string[]? names = hasHeader ? records.GetAll() : null;
            int selected = column is null ? -1 : ResolveColumn(names, columns, column, path);
            bool pending = !hasHeader;
            int width = selected < 0 ? columns : 1;
            var values = new GrowableBuffer<T>();
            long rows = 0;
            while (pending || records.Read())
            {
                pending = false;
                CheckWidth(records, columns, hasHeader, path);
                if (selected >= 0)
                    values.Add(ParseCell<T>(records, selected, names, path), path);
                else
                    for (int j = 0; j < columns; j++)
                        values.Add(ParseCell<T>(records, j, names, path), path);
                rows++;
            }
            var data = values.ToArray();
            IReadOnlyList<string>? columnNames = names is null ? null : selected < 0 ? names : [names[selected]];
            return new Matrix<T>((int)rows, width, data, columnNames: columnNames);
        });
    }

    /// <summary>Reads the whole file as a table of strings.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Delimiter and header options; null detects both (header detection as for numbers).</param>
    /// <returns>The table.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or empty, or a row has the wrong number of fields.</exception>
    public static CsvTable ReadTable(string path, CsvOptions? options = null)
    {
        options ??= CsvOptions.Default;
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            var records = OpenRecords<double>(stream, path, options, out char delimiter, out bool hasHeader);
            int columns = records.FieldCount;
            string[] names = hasHeader
                ? records.GetAll()
                : Enumerable.Range(0, columns).Select(j => j.ToString(CultureInfo.InvariantCulture)).ToArray();
            var rows = new List<string[]>();
            var lines = new List<int>();
            bool pending = !hasHeader;
            while (pending || records.Read())
            {
                pending = false;
                CheckWidth(records, columns, hasHeader, path);
                rows.Add(records.GetAll());
                lines.Add(records.RecordLine);
            }
            return new CsvTable(path, names, hasHeader, delimiter, rows, lines);
        });
    }

    /// <summary>Detects the delimiter of a file with the rule described at <see cref="CsvOptions.Delimiter"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Tab, comma, semicolon, or <c>' '</c> for whitespace runs.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or unreadable.</exception>
    public static char DetectDelimiter(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () => DetectDelimiter(stream, path));
    }

    /// <summary>Detects the delimiter (unless given), reads the first record and decides whether it is a header
    /// (unless given: it is when a cell does not parse as a number).</summary>
    private static CsvRecordReader OpenRecords<T>(Stream stream, string path, CsvOptions options, out char delimiter, out bool hasHeader)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        delimiter = options.Delimiter ?? DetectDelimiter(stream, path);
        var records = new CsvRecordReader(OpenText(stream), delimiter, path);
        if (!records.Read())
            throw new RankwiseInputException(path, "file is empty (no rows)");
        hasHeader = options.HasHeader ?? LooksLikeHeader<T>(records);
        return records;
    }

    private static StreamReader OpenText(Stream stream) =>
        new(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);

    // Reads a sample from the start of the stream, then rewinds it.
    private static char DetectDelimiter(Stream stream, string path)
    {
        string sample;
        using (var text = OpenText(stream))
        {
            var chars = new char[SampleChars];
            int n = text.ReadBlock(chars, 0, chars.Length);
            sample = new string(chars, 0, n);
        }
        stream.Position = 0;
        bool cut = sample.Length == SampleChars;

        char best = '\0';
        int bestFields = 1;
        foreach (char candidate in "\t,;")
        {
            int fields = ConsistentFieldCount(sample, candidate, cut, path);
            if (fields > bestFields)
            {
                best = candidate;
                bestFields = fields;
            }
        }
        if (best != '\0')
            return best;
        if (ConsistentFieldCount(sample, ' ', cut, path) > 1)
            return ' ';
        return ',';
    }

    // The common field count of the first records under a delimiter, or 0 when they disagree.
    private static int ConsistentFieldCount(string sample, char delimiter, bool cut, string path)
    {
        var counts = new List<int>();
        var records = new CsvRecordReader(new StringReader(sample), delimiter, path);
        try
        {
            while (counts.Count < SampleRecords + 1 && records.Read())
                counts.Add(records.FieldCount);
        }
        catch (RankwiseInputException)
        {
            // An unterminated quote at the end of the sample: judge by the complete records.
            cut = false;
        }
        if (cut && counts.Count > 1)
            counts.RemoveAt(counts.Count - 1);
        if (counts.Count > SampleRecords)
            counts.RemoveAt(counts.Count - 1);
        if (counts.Count == 0)
            return 0;
        return counts.All(c => c == counts[0]) ? counts[0] : 0;
    }

    private static bool LooksLikeHeader<T>(CsvRecordReader records) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < records.FieldCount; j++)
            if (!TextNumbers.TryParseCell<T>(records[j], out _))
                return true;
        return false;
    }

    private static void CheckWidth(CsvRecordReader records, int columns, bool hasHeader, string path)
    {
        if (records.FieldCount != columns)
            throw new RankwiseInputException(path,
                $"line {records.RecordLine} has {records.FieldCount} fields, expected {columns} (as in the {(hasHeader ? "header" : "first row")})");
    }

    private static T ParseCell<T>(CsvRecordReader records, int j, string[]? names, string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!TextNumbers.TryParseCell(records[j], out T value))
            throw NotANumber(path, records.RecordLine, names, j, records[j]);
        return value;
    }

    internal static RankwiseInputException NotANumber(string path, int line, IReadOnlyList<string>? names, int column, ReadOnlySpan<char> cell)
    {
        string where = names is null ? $"column {column}" : $"column '{Display.Text(names[column])}' (index {column})";
        return new RankwiseInputException(path, $"line {line}, {where}: '{Display.Text(cell)}' is not a number");
    }

    /// <summary>Column selector resolution: exact header name first, then 0-based index.</summary>
    internal static int ResolveColumn(IReadOnlyList<string>? names, int columns, string column, string path)
    {
        if (names is not null)
        {
            for (int j = 0; j < names.Count; j++)
                if (names[j] == column)
                    return j;
        }
        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < columns)
            return index;
        string available = names is null
            ? $"the file has no header; use a 0-based index below {columns}"
            : $"columns: {string.Join(", ", names.Take(20).Select(n => $"'{Display.Text(n)}'"))}{(names.Count > 20 ? $", ... ({names.Count} in all)" : "")} (or a 0-based index below {columns})";
        return Fail(path, column, available);

        static int Fail(string path, string column, string available) =>
            throw new RankwiseInputException(path, $"no column '{Display.Text(column)}'; {available}");
    }
}
