using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// Exact k-nearest-neighbour search by blocked matrix products, for a set of rows against itself (self-query) or a
/// query set against a base set, under cosine similarity, Euclidean distance or inner product. Gives the same
/// neighbours as sklearn's <c>NearestNeighbors(algorithm='brute')</c> on data without near-ties, with a documented,
/// deterministic tie rule and results that do not depend on block size, thread count or device.
/// </summary>
/// <remarks>
/// <para><b>Scores.</b> The defining ("exact") score of a pair is computed in float64 on the host from the input values
/// with a fixed summation order (see below): cosine q·b / (‖q‖‖b‖) (0 if either row is zero), inner product q·b, or
/// squared Euclidean distance Σ (q_t − b_t)² (reported as its square root). Neighbours are ordered by this score
/// (similarity descending / distance ascending) and <b>equal scores by ascending base index</b>. Identical rows get
/// bit-identical scores, so duplicates are ordered by index. A row's list is therefore a strict total order, and its
/// first k' entries are its k'-NN for every k' ≤ k.</para>
/// <para><b>Algorithm.</b> Query rows are processed in blocks of <see cref="KnnOptions.BlockRows"/>: one float32 matrix
/// product [block, d] × [d, n] on the data's device gives screening scores (unit rows for cosine; rows centred on the
/// base mean and augmented as [q̃, 1]·[2b̃, −‖b̃‖²] for Euclidean, which avoids n × n distance matrices and most of the
/// cancellation; power-of-two-scaled rows for inner products). Each row keeps its top k + margin float32 candidates
/// (a vectorised managed scan on CPU, <c>torch.topk</c> on other devices), which are re-scored exactly in float64 and
/// sorted. A CPU self-query uses the symmetry of the score matrix: block [r0, r1) computes only the columns ≥ r0
/// (about half the flops overall) and hands its scores for later rows to their candidate heaps, so each row's
/// candidates are complete when its block is reached. If the exact k-th score is not separated from the best excluded float32 score by a rigorous float32 error
/// bound (≈ (d + 32)·2⁻²⁴ relative to the scale of the scores, valid for any summation order), the row's candidate set
/// is doubled (re-scanning the same block of scores) until it is, or until it holds every row. Hence the float32 stage
/// only decides speed, never the result. Peak extra memory is about block × n × 4 bytes, float32 copies of the base and
/// of the queries (a single copy for self-queries, except Euclidean self-queries off the CPU, which use two of width
/// d + 1) and n·(k + margin)·8 bytes of candidate heaps; never n × n.</para>
/// <para><b>Self.</b> In <see cref="SelfQuery"/> with <c>includeSelf: false</c> (default) the query's own index is
/// removed — not merely one point at distance 0: other rows that duplicate the query remain neighbours (sklearn's
/// <c>kneighbors()</c> without X removes one zero-distance point instead, which differs only for duplicates). With
/// <c>includeSelf: true</c> the query is an ordinary candidate (sklearn's <c>kneighbors(X)</c>).</para>
/// <para><b>Device and precision.</b> Works on the input's device (CPU or CUDA; nothing is hard-coded) and on float16,
/// bfloat16, float32 or float64 input (non-float64 input is scored exactly from its float32 values). The exact
/// re-ranking reads the data on the host: CPU tensors are read in place; tensors on other devices are copied to host
/// memory once. Each call probes whether the device's float32 matrix product rounds its inputs to fewer bits (TF32 on
/// CUDA when allowed, bfloat16 in some oneDNN modes) and widens the error bound accordingly, so results stay exact;
/// with full float32 products (libtorch's default) fewer rows need widening. Inputs are never modified.</para>
/// <para><b>Summation order of the exact scores.</b> Four lanes accumulate the products of elements t ≡ 0, 1, 2, 3
/// (mod 4) of the first 4⌊d/4⌋ elements in increasing t; the lanes are combined as (l₀ + l₁) + (l₂ + l₃) and the last
/// d mod 4 products are added in order, without fused multiply–add. For integer-valued data every score is exact.</para>
/// <para><b>Threads.</b> On CPU each block's product is split by columns over .NET workers, each running a
/// single-threaded product, and the same workers scan the scores, so no work is handed between libtorch's OpenMP threads
/// (which busy-wait between parallel regions) and .NET's. libtorch's thread count is per thread: a worker is set to one
/// thread around its product and back to the calling thread's count afterwards. See <see cref="KnnOptions.Threads"/>.</para>
/// <para><b>NaN.</b> NaN or ±∞ in the input raises <see cref="ArgumentException"/> (neighbours are undefined).
/// Values whose squares overflow or underflow float64 (|x| ≳ 1e154, or whole rows ≲ 1e−154) are not supported.</para>
/// </remarks>
public sealed class ExactKnn
{
    /// <summary>Creates the search.</summary>
    /// <param name="metric">The metric (default cosine, as in Collell &amp; Moens' mNNO tables).</param>
    /// <param name="options">Tuning options; null for <see cref="KnnOptions.Default"/>. They never change the result.</param>
    public ExactKnn(KnnMetric metric = KnnMetric.Cosine, KnnOptions? options = null)
    {
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown KnnMetric");
        Metric = metric;
        Options = options ?? KnnOptions.Default;
    }

    /// <summary>The metric.</summary>
    public KnnMetric Metric { get; }

    /// <summary>The tuning options.</summary>
    public KnnOptions Options { get; }

    /// <summary>
    /// The <paramref name="k"/> nearest neighbours of every row of <paramref name="data"/> [n, d] among the rows of
    /// <paramref name="data"/>.
    /// </summary>
    /// <param name="data">Rows to search, [n, d], floating point, any device.</param>
    /// <param name="k">Neighbours per row: 1 ≤ k ≤ n − 1 (n with <paramref name="includeSelf"/>).</param>
    /// <param name="includeSelf">False (default): a row's own index is excluded. True: it competes like any other row.</param>
    /// <param name="cancellationToken">Cancels the search between blocks (throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>Indices and exact scores [n, k], nearest first.</returns>
    /// <exception cref="ArgumentException">Not 2-D floating point, empty, NaN/∞, or k out of range.</exception>
    public KnnResult SelfQuery(Tensor data, int k, bool includeSelf = false, CancellationToken cancellationToken = default) =>
        KnnEngine.Run(null, data, k, includeSelf, Metric, Options, cancellationToken);

    /// <summary>
    /// The <paramref name="k"/> nearest rows of <paramref name="data"/> [n, d] for every row of <paramref name="queries"/> [m, d].
    /// </summary>
    /// <param name="queries">Query rows [m, d], same device as <paramref name="data"/>.</param>
    /// <param name="data">Base rows [n, d].</param>
    /// <param name="k">Neighbours per query, 1 ≤ k ≤ n.</param>
    /// <param name="cancellationToken">Cancels the search between blocks.</param>
    /// <returns>Indices into <paramref name="data"/> and exact scores [m, k], nearest first.</returns>
    /// <exception cref="ArgumentException">Shapes, devices, NaN/∞ or k invalid.</exception>
    public KnnResult Query(Tensor queries, Tensor data, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        return KnnEngine.Run(queries, data, k, includeSelf: true, Metric, Options, cancellationToken);
    }
}
