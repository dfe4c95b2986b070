using System.Globalization;

namespace Rankwise.IO;

/// <summary>How a file of per-subject responses is laid out (see <see cref="ResponseTable.Read"/>).</summary>
public enum ResponseLayout
{
    /// <summary>Decide from the file: <see cref="Long"/> when a header names subject, item and response columns,
    /// <see cref="Wide"/> for binary arrays and other tables; a header-less text file with exactly three columns is
    /// ambiguous and rejected (say which layout it is).</summary>
    Auto,

    /// <summary>One response per row: <c>subject,item,response</c> (CSV or TSV).</summary>
    Long,

    /// <summary>A subjects × items matrix (one row per subject, one column per item), NaN or empty for "not seen".</summary>
    Wide,
}

/// <summary>Options for <see cref="ResponseTable.Read"/>.</summary>
public sealed record ResponseTableOptions
{
    /// <summary>The default options: layout detected, columns found by name, delimiter and header detected.</summary>
    public static ResponseTableOptions Default { get; } = new();

    /// <summary>The layout; default <see cref="ResponseLayout.Auto"/>.</summary>
    public ResponseLayout Layout { get; init; } = ResponseLayout.Auto;

    /// <summary>Long layout: the subject column (header name or 0-based index), or null to find it by name
    /// (<c>subject</c>, <c>participant</c>, <c>worker</c>, <c>worker_id</c>, <c>rater</c>, <c>user</c>; case-insensitive),
    /// else column 0 of a three-column file.</summary>
    public string? SubjectColumn { get; init; }

    /// <summary>Long layout: the item column, or null to find it by name (<c>item</c>, <c>image</c>, <c>stimulus</c>,
    /// <c>video</c>, <c>word</c>, <c>item_id</c>, <c>image_id</c>), else column 1 of a three-column file.</summary>
    public string? ItemColumn { get; init; }

    /// <summary>Long layout: the response column, or null to find it by name (<c>response</c>, <c>hit</c>,
    /// <c>score</c>, <c>rating</c>, <c>value</c>, <c>correct</c>), else column 2 of a three-column file.</summary>
    public string? ResponseColumn { get; init; }

    /// <summary>Delimiter and header options for text files; null detects both.</summary>
    public CsvOptions? Csv { get; init; }
}

/// <summary>
/// Per-subject responses to items — the raw data of a human rating or memory experiment (e.g. the repeat-detection
/// hits of a memorability study, Isola et al. 2011/2014; Khosla et al. 2015) — stored subject by subject.
/// </summary>
/// <remarks>
/// <para>Responses are numbers (ratings, or 0/1 for a miss/hit). A subject may answer an item several times; every
/// response counts. Missing responses (NaN, empty, <c>NA</c>) are skipped and counted in
/// <see cref="MissingCount"/>; infinite responses are rejected.</para>
/// <para>Subjects and items are numbered in order of first appearance (long layout; a record with a missing response
/// counts as an appearance) or by row and column (wide layout); <see cref="Subjects"/> and <see cref="Items"/> hold
/// their names. A subject or item without any response is kept (it is left out of every split-half score).</para>
/// </remarks>
public sealed class ResponseTable
{
    private static readonly string[] SubjectNames = ["subject", "participant", "worker", "worker_id", "workerid", "rater", "user", "subject_id"];
    private static readonly string[] ItemNames = ["item", "image", "stimulus", "video", "word", "item_id", "image_id", "stimulus_id"];
    private static readonly string[] ResponseNames = ["response", "hit", "score", "rating", "value", "correct"];

    private readonly int[] _subjectOffsets;
    private readonly int[] _items;
    private readonly double[] _values;

    private ResponseTable(string? source, string[] subjects, string[] items, int[] subjectOffsets, int[] itemIndices, double[] values, long missing)
    {
        Source = source;
        Subjects = subjects;
        Items = items;
        _subjectOffsets = subjectOffsets;
        _items = itemIndices;
        _values = values;
        MissingCount = missing;
    }

    /// <summary>The file the responses came from, or null.</summary>
    public string? Source { get; }

    /// <summary>Subject names, one per subject.</summary>
    public IReadOnlyList<string> Subjects { get; }

    /// <summary>Item names, one per item (the order of every per-item output).</summary>
    public IReadOnlyList<string> Items { get; }

    /// <summary>Number of subjects.</summary>
    public int SubjectCount => Subjects.Count;

    /// <summary>Number of items.</summary>
    public int ItemCount => Items.Count;

    /// <summary>Number of (non-missing) responses.</summary>
    public int ResponseCount => _values.Length;

    /// <summary>Number of missing responses skipped (NaN cells of a wide matrix, NaN or empty response cells).</summary>
    public long MissingCount { get; }

    /// <summary>The responses of subject <paramref name="subject"/>: item indices and values, in input order.</summary>
    /// <param name="subject">0-based subject index.</param>
    /// <param name="items">The items answered.</param>
    /// <param name="values">The responses, same length.</param>
    public void GetSubject(int subject, out ReadOnlySpan<int> items, out ReadOnlySpan<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(subject);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(subject, SubjectCount);
        int start = _subjectOffsets[subject], length = _subjectOffsets[subject + 1] - start;
        items = _items.AsSpan(start, length);
        values = _values.AsSpan(start, length);
    }

    internal ReadOnlySpan<int> SubjectOffsets => _subjectOffsets;

    internal ReadOnlySpan<int> ItemIndices => _items;

    internal ReadOnlySpan<double> Values => _values;

    /// <summary>The mean response of each item over all subjects (e.g. the memorability score: the hit rate);
    /// NaN for an item nobody answered.</summary>
    /// <returns>One value per item, in <see cref="Items"/> order.</returns>
    public double[] ItemMeans()
    {
        var sums = new double[ItemCount];
        var counts = ItemResponseCounts();
        for (int r = 0; r < _values.Length; r++)
            sums[_items[r]] += _values[r];
        for (int i = 0; i < sums.Length; i++)
            sums[i] = counts[i] == 0 ? double.NaN : sums[i] / counts[i];
        return sums;
    }

    /// <summary>The number of responses to each item.</summary>
    /// <returns>One count per item, in <see cref="Items"/> order.</returns>
    public int[] ItemResponseCounts()
    {
        var counts = new int[ItemCount];
        foreach (int item in _items)
            counts[item]++;
        return counts;
    }

    /// <summary>
    /// Builds a table from long-format records: <paramref name="subjects"/>[r] answered <paramref name="items"/>[r] with
    /// <paramref name="responses"/>[r]. NaN responses are skipped (counted as missing).
    /// </summary>
    /// <param name="subjects">Subject of each record.</param>
    /// <param name="items">Item of each record.</param>
    /// <param name="responses">Response of each record.</param>
    /// <param name="source">Name for error messages, or null.</param>
    /// <returns>The table.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ or a response is infinite.</exception>
    public static ResponseTable FromLong(IReadOnlyList<string> subjects, IReadOnlyList<string> items, ReadOnlySpan<double> responses, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(items);
        if (subjects.Count != responses.Length || items.Count != responses.Length)
            throw new RankwiseInputException(source ?? "responses",
                $"{subjects.Count} subjects, {items.Count} items and {responses.Length} responses; the three must have the same length");
        var builder = new Builder(source);
        for (int r = 0; r < responses.Length; r++)
            builder.Add(subjects[r], items[r], responses[r], () => $"record {r}");
        return builder.Build();
    }

    /// <summary>
    /// Builds a table from a subjects × items matrix; NaN means "not answered". Subject names are the row labels
    /// (or <c>"0"</c>, <c>"1"</c>, …), item names the column names (or <c>"0"</c>, <c>"1"</c>, …).
    /// </summary>
    /// <param name="subjectsByItems">One row per subject, one column per item.</param>
    /// <param name="source">Name for error messages, or null.</param>
    /// <returns>The table.</returns>
    /// <exception cref="RankwiseInputException">A response is infinite.</exception>
    public static ResponseTable FromMatrix(Matrix<double> subjectsByItems, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(subjectsByItems);
        int rows = subjectsByItems.Rows, columns = subjectsByItems.Columns;
        string[] subjects = subjectsByItems.RowLabels?.ToArray() ?? Numbered(rows);
        string[] items = subjectsByItems.ColumnNames?.ToArray() ?? Numbered(columns);
        var offsets = new int[rows + 1];
        var itemIndices = new List<int>();
        var values = new List<double>();
        long missing = 0;
        for (int s = 0; s < rows; s++)
        {
            var row = subjectsByItems.Row(s);
            for (int j = 0; j < columns; j++)
            {
                double v = row[j];
                if (double.IsNaN(v))
                {
                    missing++;
                    continue;
                }
                if (double.IsInfinity(v))
                    throw new RankwiseInputException(source ?? "responses", $"row {s}, column {j}: the response is {Exporter(v)}; responses must be finite");
                itemIndices.Add(j);
                values.Add(v);
            }
            offsets[s + 1] = values.Count;
        }
        return new ResponseTable(source, subjects, items, offsets, itemIndices.ToArray(), values.ToArray(), missing);
    }

    /// <summary>
    /// Reads responses from a file.
    /// </summary>
    /// <remarks>
    /// <para><b>Long</b> (CSV/TSV/TXT): one record per response with a subject, an item and a numeric response. With a
    /// header the columns are found by name (see <see cref="ResponseTableOptions"/>) or given explicitly; a file
    /// with exactly three columns may use them in the order subject, item, response.</para>
    /// <para><b>Wide</b>: a subjects × items matrix. Text files may have a header of item names and a first column
    /// of subject names (detected: a header cell named like a subject column, or non-numeric cells in the first
    /// column); <c>.npy</c>, <c>.npz</c> (<c>path:member</c>) and <c>.safetensors</c> files are read as arrays.</para>
    /// <para>Errors are one line naming the file, the line and the column.</para>
    /// </remarks>
    /// <param name="path">The file (for arrays, optionally <c>path:name</c>).</param>
    /// <param name="options">Layout, columns and CSV options; null for <see cref="ResponseTableOptions.Default"/>.</param>
    /// <returns>The table.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or malformed, a column is missing, a cell is not
    /// a number, or the layout cannot be told.</exception>
    public static ResponseTable Read(string path, ResponseTableOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ResponseTableOptions.Default;
        var selector = ArraySelector.Parse(path);
        ArrayFormat format = ArrayReader.DetectFormat(selector.Path);
        bool text = format is ArrayFormat.Csv or ArrayFormat.Tsv;
        if (!text)
        {
            if (options.Layout == ResponseLayout.Long)
                throw new RankwiseInputException(selector.Path, "the long layout (subject,item,response) needs a CSV or TSV file; array files are read as a subjects × items matrix (--layout wide)");
            var matrix = ArrayReader.ReadMatrix<double>(selector, format);
            return FromMatrix(matrix, selector.ToString());
        }
        if (selector.Name is not null)
            throw new RankwiseInputException(selector.Path, $"a response table is the whole file; remove ':{Display.Text(selector.Name)}'");
        var csv = options.Csv ?? (format == ArrayFormat.Tsv ? new CsvOptions { Delimiter = '\t' } : CsvOptions.Default);
        CsvTable table = CsvReader.ReadTable(selector.Path, csv);
        ResponseLayout layout = options.Layout;
        if (layout == ResponseLayout.Auto)
            layout = DetectLayout(table, options);
        return layout == ResponseLayout.Long ? ParseLong(table, options) : ParseWide(table);
    }

    private static ResponseLayout DetectLayout(CsvTable table, ResponseTableOptions options)
    {
        if (options.SubjectColumn is not null || options.ItemColumn is not null || options.ResponseColumn is not null)
            return ResponseLayout.Long;
        if (table.HasHeader && Find(table, SubjectNames) >= 0 && Find(table, ItemNames) >= 0 && Find(table, ResponseNames) >= 0)
            return ResponseLayout.Long;
        if (!table.HasHeader && table.ColumnCount == 3)
            throw new RankwiseInputException(table.Source,
                "3 columns and no header: this could be long (subject,item,response) or wide (3 items); pass the layout (--layout long or --layout wide) or add a header subject,item,response");
        return ResponseLayout.Wide;
    }

    private static ResponseTable ParseLong(CsvTable table, ResponseTableOptions options)
    {
        string source = table.Source;
        int subject = Column(table, options.SubjectColumn, SubjectNames, 0, "subject");
        int item = Column(table, options.ItemColumn, ItemNames, 1, "item");
        int response = Column(table, options.ResponseColumn, ResponseNames, 2, "response");
        if (subject == item || subject == response || item == response)
            throw new RankwiseInputException(source, "the subject, item and response columns must be three different columns");
        var builder = new Builder(source);
        for (int r = 0; r < table.RowCount; r++)
        {
            string[] row = table.Rows[r];
            int line = table.LineNumbers[r];
            if (!TextNumbers.TryParseCell(row[response], out double value))
                throw CsvReader.NotANumber(source, line, table.HasHeader ? table.ColumnNames : null, response, row[response]);
            string s = row[subject].Trim(), i = row[item].Trim();
            if (s.Length == 0)
                throw new RankwiseInputException(source, $"line {line}, {Where(table, subject)}: the subject is empty");
            if (i.Length == 0)
                throw new RankwiseInputException(source, $"line {line}, {Where(table, item)}: the item is empty");
            builder.Add(s, i, value, () => $"line {line}, {Where(table, response)}");
        }
        return builder.Build();
    }

    private static ResponseTable ParseWide(CsvTable table)
    {
        string source = table.Source;
        bool labelled = table.ColumnCount > 1 && (table.HasHeader && SubjectNames.Contains(table.ColumnNames[0].Trim().ToLowerInvariant())
            || table.Rows.Any(row => !TextNumbers.TryParseCell<double>(row[0], out _)));
        int first = labelled ? 1 : 0;
        int items = table.ColumnCount - first;
        if (items < 1)
            throw new RankwiseInputException(source, "no item columns: a wide response file has one row per subject and one column per item");
        var data = new double[(long)table.RowCount * items];
        var subjects = new string[table.RowCount];
        for (int r = 0; r < table.RowCount; r++)
        {
            string[] row = table.Rows[r];
            subjects[r] = labelled ? row[0].Trim() : r.ToString(CultureInfo.InvariantCulture);
            for (int j = first; j < table.ColumnCount; j++)
            {
                if (!TextNumbers.TryParseCell(row[j], out data[(long)r * items + j - first]))
                {
                    var error = CsvReader.NotANumber(source, table.LineNumbers[r], table.HasHeader ? table.ColumnNames : null, j, row[j]);
                    throw new RankwiseInputException(source, error.Problem + (j == 0 ? "" : "; is this a long file (subject,item,response)? use --layout long"));
                }
            }
        }
        string[] names = table.HasHeader ? table.ColumnNames.Skip(first).Select(n => n.Trim()).ToArray() : Numbered(items);
        if (labelled && subjects.Distinct(StringComparer.Ordinal).Count() != subjects.Length)
        {
            string duplicate = subjects.GroupBy(s => s, StringComparer.Ordinal).First(g => g.Count() > 1).Key;
            throw new RankwiseInputException(source, $"subject '{Display.Text(duplicate)}' has more than one row; a wide file has one row per subject");
        }
        return FromMatrix(new Matrix<double>(table.RowCount, items, data, subjects, names), source);
    }

    private static int Column(CsvTable table, string? given, string[] names, int position, string role)
    {
        if (given is not null)
            return table.ColumnIndex(given);
        if (table.HasHeader)
        {
            int found = Find(table, names);
            if (found >= 0)
                return found;
            if (table.ColumnCount != 3)
                throw new RankwiseInputException(table.Source,
                    $"no {role} column: expected a header naming it ({string.Join(", ", names.Take(5))}, ...); columns are {string.Join(", ", table.ColumnNames.Take(10).Select(n => $"'{Display.Text(n)}'"))}");
        }
        else if (table.ColumnCount != 3)
        {
            throw new RankwiseInputException(table.Source,
                $"the long layout needs a header naming the subject, item and response columns, or exactly 3 columns; found {table.ColumnCount} columns and no header");
        }
        return position;
    }

    private static int Find(CsvTable table, string[] names)
    {
        for (int j = 0; j < table.ColumnCount; j++)
        {
            if (names.Contains(table.ColumnNames[j].Trim().ToLowerInvariant()))
                return j;
        }
        return -1;
    }

    private static string Where(CsvTable table, int column) =>
        table.HasHeader ? $"column '{Display.Text(table.ColumnNames[column])}' (index {column})" : $"column {column}";

    private static string[] Numbered(int count) =>
        Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static string Exporter(double v) => double.IsPositiveInfinity(v) ? "inf" : "-inf";

    /// <summary>Collects long-format records into the per-subject layout.</summary>
    private sealed class Builder(string? source)
    {
        private readonly Dictionary<string, int> _subjects = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _items = new(StringComparer.Ordinal);
        private readonly List<string> _subjectNames = [];
        private readonly List<string> _itemNames = [];
        private readonly List<(int Subject, int Item, double Value)> _records = [];
        private long _missing;

        public void Add(string subject, string item, double value, Func<string> where)
        {
            if (double.IsInfinity(value))
                throw new RankwiseInputException(source ?? "responses", $"{where()}: the response is {Exporter(value)}; responses must be finite");
            // Subjects and items are registered even by a missing response: they exist, with no answer there.
            if (!_subjects.TryGetValue(subject, out int s))
            {
                _subjects[subject] = s = _subjectNames.Count;
                _subjectNames.Add(subject);
            }
            if (!_items.TryGetValue(item, out int i))
            {
                _items[item] = i = _itemNames.Count;
                _itemNames.Add(item);
            }
            if (double.IsNaN(value))
            {
                _missing++;
                return;
            }
            _records.Add((s, i, value));
        }

        public ResponseTable Build()
        {
            int subjects = _subjectNames.Count;
            var offsets = new int[subjects + 1];
            foreach (var r in _records)
                offsets[r.Subject + 1]++;
            for (int s = 0; s < subjects; s++)
                offsets[s + 1] += offsets[s];
            var next = offsets[..subjects];
            var items = new int[_records.Count];
            var values = new double[_records.Count];
            foreach (var r in _records)
            {
                int k = next[r.Subject]++;
                items[k] = r.Item;
                values[k] = r.Value;
            }
            return new ResponseTable(source, [.. _subjectNames], [.. _itemNames], offsets, items, values, _missing);
        }
    }
}
