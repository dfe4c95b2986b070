namespace Rankwise.Torch.Neighbors;

/// <summary>
/// The k nearest neighbours of every query row: row-major arrays [queries, k], nearest first.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> Neighbours are sorted by exact float64 score (similarity descending for
/// <see cref="KnnMetric.Cosine"/> and <see cref="KnnMetric.InnerProduct"/>, distance ascending for
/// <see cref="KnnMetric.Euclidean"/>), and equal scores by ascending base index. This is a strict total order, so the
/// first k' ≤ k entries of a row are exactly the k' nearest neighbours (<see cref="Truncate"/>).</para>
/// <para><b>Self.</b> For a self-query with <see cref="IncludesSelf"/> false, the query's own index never appears
/// (rows that merely duplicate it do); with it true, the query competes like any other row, so it is first unless an
/// exact duplicate with a lower index precedes it (or, for inner products, a row scores higher).</para>
/// </remarks>
public sealed class KnnResult
{
    /// <summary>Creates a result from neighbour lists (e.g. computed elsewhere) after checking their shape and range.</summary>
    /// <param name="indices">Row-major [queries, k] base indices in [0, baseCount), no repeats within a row.</param>
    /// <param name="scores">Row-major [queries, k] scores (similarities or distances, see <see cref="Scores"/>); NaN if unknown.</param>
    /// <param name="queries">Number of query rows.</param>
    /// <param name="baseCount">Number of base (data) rows the indices refer to.</param>
    /// <param name="k">Neighbours per query, at least 1.</param>
    /// <param name="metric">The metric the scores refer to.</param>
    /// <param name="isSelfQuery">True when queries and base are the same rows (query i is base row i).</param>
    /// <param name="includesSelf">For a self-query, whether a row may be its own neighbour.</param>
    /// <exception cref="ArgumentException">Lengths or indices are inconsistent.</exception>
    public KnnResult(int[] indices, double[] scores, int queries, int baseCount, int k, KnnMetric metric,
        bool isSelfQuery, bool includesSelf)
        : this(indices, scores, queries, baseCount, k, metric, isSelfQuery, includesSelf, 0, validate: true)
    {
    }

    internal KnnResult(int[] indices, double[] scores, int queries, int baseCount, int k, KnnMetric metric,
        bool isSelfQuery, bool includesSelf, int widenedRows, bool validate)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(scores);
        if (validate)
            Validate(indices, scores, queries, baseCount, k, isSelfQuery, includesSelf);
        Indices = indices;
        Scores = scores;
        Queries = queries;
        BaseCount = baseCount;
        K = k;
        Metric = metric;
        IsSelfQuery = isSelfQuery;
        IncludesSelf = includesSelf;
        WidenedRows = widenedRows;
    }

    /// <summary>Row-major [<see cref="Queries"/>, <see cref="K"/>] base indices, nearest first.</summary>
    public int[] Indices { get; }

    /// <summary>
    /// Row-major [<see cref="Queries"/>, <see cref="K"/>] exact float64 scores matching <see cref="Indices"/>: cosine
    /// similarity or inner product (descending), or Euclidean distance (ascending).
    /// </summary>
    public double[] Scores { get; }

    /// <summary>Number of query rows.</summary>
    public int Queries { get; }

    /// <summary>Number of base (data) rows.</summary>
    public int BaseCount { get; }

    /// <summary>Neighbours per query.</summary>
    public int K { get; }

    /// <summary>The metric of <see cref="Scores"/>.</summary>
    public KnnMetric Metric { get; }

    /// <summary>True when the queries were the base rows themselves.</summary>
    public bool IsSelfQuery { get; }

    /// <summary>For a self-query, whether a row could be its own neighbour (false: its own index was excluded).</summary>
    public bool IncludesSelf { get; }

    /// <summary>
    /// Diagnostic: number of query rows whose float32 candidate set had to be widened because the exact k-th score was
    /// within the float32 error bound of the best excluded candidate (near-ties, duplicates). Does not affect results.
    /// </summary>
    public int WidenedRows { get; }

    /// <summary>The neighbours of query <paramref name="query"/>, nearest first.</summary>
    public ReadOnlySpan<int> NeighborsOf(int query)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(query);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(query, Queries);
        return Indices.AsSpan(query * K, K);
    }

    /// <summary>The scores of query <paramref name="query"/>'s neighbours, in the order of <see cref="NeighborsOf"/>.</summary>
    public ReadOnlySpan<double> ScoresOf(int query)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(query);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(query, Queries);
        return Scores.AsSpan(query * K, K);
    }

    /// <summary>
    /// The first <paramref name="k"/> neighbours of every row (new arrays). Because the order is a strict total order this
    /// equals a direct k-NN search with <paramref name="k"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in [1, <see cref="K"/>].</exception>
    public KnnResult Truncate(int k)
    {
        if (k < 1 || k > K)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, {K}]");
        if (k == K)
            return this;
        var idx = new int[checked(Queries * k)];
        var sc = new double[idx.Length];
        for (int i = 0; i < Queries; i++)
        {
            Indices.AsSpan(i * K, k).CopyTo(idx.AsSpan(i * k, k));
            Scores.AsSpan(i * K, k).CopyTo(sc.AsSpan(i * k, k));
        }
        return new KnnResult(idx, sc, Queries, BaseCount, k, Metric, IsSelfQuery, IncludesSelf, WidenedRows, validate: false);
    }

    private static void Validate(int[] indices, double[] scores, int queries, int baseCount, int k, bool isSelfQuery, bool includesSelf)
    {
        if (queries < 0)
            throw new ArgumentOutOfRangeException(nameof(queries), queries, "the number of queries cannot be negative");
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");
        if (baseCount < 1)
            throw new ArgumentOutOfRangeException(nameof(baseCount), baseCount, "the base must have at least one row");
        if (isSelfQuery && queries != baseCount)
            throw new ArgumentException($"KnnResult: a self-query needs queries == baseCount, got {queries} and {baseCount}", nameof(queries));
        long expected = (long)queries * k;
        if (indices.LongLength != expected)
            throw new ArgumentException($"KnnResult: indices has {indices.LongLength} entries, queries × k = {expected}", nameof(indices));
        if (scores.LongLength != expected)
            throw new ArgumentException($"KnnResult: scores has {scores.LongLength} entries, queries × k = {expected}", nameof(scores));
        var seen = new HashSet<int>();
        for (int i = 0; i < queries; i++)
        {
            seen.Clear();
            for (int j = 0; j < k; j++)
            {
                int v = indices[i * k + j];
                if ((uint)v >= (uint)baseCount)
                    throw new ArgumentException($"KnnResult: row {i} has index {v}, outside [0, {baseCount})", nameof(indices));
                if (!seen.Add(v))
                    throw new ArgumentException($"KnnResult: row {i} lists neighbour {v} twice", nameof(indices));
                if (isSelfQuery && !includesSelf && v == i)
                    throw new ArgumentException($"KnnResult: row {i} lists itself although self is excluded", nameof(indices));
            }
        }
    }
}
