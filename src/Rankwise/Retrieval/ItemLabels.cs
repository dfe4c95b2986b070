namespace Rankwise.Retrieval;

/// <summary>
/// Class labels of a set of items, one or several per item, for label-based retrieval: item B is relevant to query A
/// when they share at least one label. Build with <see cref="FromSingle"/>, <see cref="FromMulti"/> or
/// <see cref="FromIndicators"/>. Label ids are plain integers: two sets compared with each other (queries from one
/// modality, database from another) must use the same ids.
/// </summary>
public sealed class ItemLabels
{
    private readonly int[][] _labels;

    private ItemLabels(int[][] labels) => _labels = labels;

    /// <summary>Number of items.</summary>
    public int Count => _labels.Length;

    /// <summary>The sorted, distinct label ids of item <paramref name="item"/> (possibly empty).</summary>
    /// <param name="item">Item index in [0, <see cref="Count"/>).</param>
    /// <returns>A read-only view of the ids.</returns>
    public ReadOnlySpan<int> Of(int item) => _labels[item];

    /// <summary>One label per item (single-label classification data).</summary>
    /// <param name="labels">The label id of every item.</param>
    /// <returns>The label sets.</returns>
    public static ItemLabels FromSingle(ReadOnlySpan<int> labels)
    {
        var sets = new int[labels.Length][];
        for (int i = 0; i < sets.Length; i++)
            sets[i] = [labels[i]];
        return new ItemLabels(sets);
    }

    /// <summary>Any number of labels per item (multi-label data); duplicates are ignored, an empty set is allowed
    /// (such an item is relevant to nothing and, as a query, has no relevant item).</summary>
    /// <param name="labels">The label ids of every item.</param>
    /// <returns>The label sets.</returns>
    public static ItemLabels FromMulti(IReadOnlyList<IReadOnlyCollection<int>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var sets = new int[labels.Count][];
        for (int i = 0; i < sets.Length; i++)
        {
            if (labels[i] is null)
                throw new RankwiseInputException("labels", $"item {i} has a null label collection");
            sets[i] = labels[i].Distinct().Order().ToArray();
        }
        return new ItemLabels(sets);
    }

    /// <summary>A multi-hot indicator matrix <c>[items, classes]</c>: item i has label j when entry (i, j) is 1.</summary>
    /// <param name="indicators">Entries 0 or 1.</param>
    /// <returns>The label sets; label ids are the column indices.</returns>
    /// <exception cref="RankwiseInputException">An entry is neither 0 nor 1.</exception>
    public static ItemLabels FromIndicators(Matrix<double> indicators)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        var sets = new int[indicators.Rows][];
        var buffer = new List<int>();
        for (int i = 0; i < indicators.Rows; i++)
        {
            buffer.Clear();
            Span<double> row = indicators.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                if (row[j] == 1)
                    buffer.Add(j);
                else if (row[j] != 0)
                    throw new RankwiseInputException("labels", $"indicator entry [{i}, {j}] is {row[j]}; entries must be 0 or 1");
            }
            sets[i] = buffer.ToArray();
        }
        return new ItemLabels(sets);
    }

    /// <summary>
    /// A relevance oracle between query items of <paramref name="queries"/> and database items of
    /// <paramref name="database"/>: label sets become bit masks over the labels in use when there are at most 512 of
    /// them (one AND per 64 labels), otherwise sorted-list intersection.
    /// </summary>
    internal static SharedLabelOracle Oracle(ItemLabels queries, ItemLabels database) => new(queries._labels, database._labels);

    internal sealed class SharedLabelOracle
    {
        private const int MaxMaskWords = 8;
        private readonly int[][] _queries;
        private readonly int[][] _database;
        private readonly ulong[]? _queryMasks;
        private readonly ulong[]? _databaseMasks;
        private readonly int _words;

        public SharedLabelOracle(int[][] queries, int[][] database)
        {
            _queries = queries;
            _database = database;
            var ids = new Dictionary<int, int>();
            foreach (int[] set in queries.Concat(database))
            {
                foreach (int label in set)
                    ids.TryAdd(label, ids.Count);
            }
            _words = Math.Max(1, (ids.Count + 63) / 64);
            if (_words <= MaxMaskWords)
            {
                _queryMasks = Masks(queries, ids, _words);
                _databaseMasks = Masks(database, ids, _words);
            }
        }

        public bool Share(int query, int item)
        {
            if (_queryMasks is not null)
            {
                ReadOnlySpan<ulong> a = _queryMasks.AsSpan(query * _words, _words);
                ReadOnlySpan<ulong> b = _databaseMasks.AsSpan(item * _words, _words);
                for (int w = 0; w < a.Length; w++)
                {
                    if ((a[w] & b[w]) != 0)
                        return true;
                }
                return false;
            }
            int[] x = _queries[query], y = _database[item];
            int i = 0, j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (x[i] == y[j])
                    return true;
                if (x[i] < y[j])
                    i++;
                else
                    j++;
            }
            return false;
        }

        private static ulong[] Masks(int[][] sets, Dictionary<int, int> ids, int words)
        {
            var masks = new ulong[sets.Length * words];
            for (int i = 0; i < sets.Length; i++)
            {
                foreach (int label in sets[i])
                {
                    int bit = ids[label];
                    masks[i * words + bit / 64] |= 1UL << (bit % 64);
                }
            }
            return masks;
        }
    }
}
