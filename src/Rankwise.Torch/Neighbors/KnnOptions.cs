namespace Rankwise.Torch.Neighbors;

/// <summary>Tuning options of <see cref="ExactKnn"/>. None of them changes the result, only time and memory.</summary>
public sealed record KnnOptions
{
    /// <summary>The defaults: automatic block size, margin 16, automatic candidate selection, current thread count.</summary>
    public static KnnOptions Default { get; } = new();

    /// <summary>
    /// Query rows per block; null (default) picks it automatically: for self-queries on CPU (symmetric search, scores
    /// produced in cache-sized column chunks) n/16 clamped to [256, 1024] rows; otherwise the largest block whose float32
    /// score matrix [block, n] fits in <see cref="BlockBudgetBytes"/>, between 1 and 4096 rows.
    /// </summary>
    public int? BlockRows { get; init; }

    /// <summary>
    /// Byte budget of one block of float32 scores [block, n] when <see cref="BlockRows"/> is null and the search is not a
    /// CPU self-query. Default 256 MiB.
    /// </summary>
    public long BlockBudgetBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Columns per chunk of scores in the CPU self-query (symmetric search); null (default) keeps a chunk near 8 MiB
    /// (block × columns × 4 bytes), at least 256 columns, so it stays in cache between its product and its scans.
    /// </summary>
    public int? ChunkColumns { get; init; }

    /// <summary>
    /// Extra float32 candidates per query beyond k that are re-scored exactly (default 16). If the exact k-th score is
    /// not separated from the best excluded float32 score by the float32 error bound, the row's candidate set is doubled
    /// until it is, so any margin ≥ 0 gives the same result.
    /// </summary>
    public int CandidateMargin { get; init; } = 16;

    /// <summary>How float32 candidates are selected (default: managed scan on CPU, <c>torch.topk</c> elsewhere).</summary>
    public CandidateSelection Selection { get; init; } = CandidateSelection.Auto;

    /// <summary>
    /// Number of .NET workers for the products (on CPU), scans and exact re-ranking; null (default) uses libtorch's
    /// thread count on the calling thread (<c>torch.get_num_threads()</c>). On CPU each worker runs its share of a product
    /// with libtorch set to one thread on that worker (libtorch's setting is per thread) and sets it back to the
    /// caller's count afterwards, so work is never handed between libtorch's OpenMP threads, which busy-wait, and .NET's.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>Optional progress sink, called with the fraction of query rows finished, in (0, 1], after every block.</summary>
    public IProgress<double>? Progress { get; init; }
}
