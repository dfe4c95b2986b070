using Rankwise.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// Exact k-nearest-neighbour search over <c>.npy</c> files larger than memory: rows are streamed in blocks from memory
/// maps (<see cref="NpyRowSource"/>) through the machinery of the in-memory CPU search of <see cref="ExactKnn"/> (float32
/// screening tiles, candidate heaps, the float32 error bound, exact float64 scores). The result is identical to
/// <see cref="ExactKnn"/> on the same rows read into memory (same indices, same scores, same tie order), whatever the
/// block size.
/// </summary>
/// <remarks>
/// <para><b>Algorithm (self-query).</b> Every row keeps, for the whole stream, a candidate heap of its k + margin best
/// float32 screening keys (<see cref="KnnOptions.CandidateMargin"/>) and a running exact list: its k nearest, by exact
/// float64 score and then by ascending index, among the rows scored exactly so far (held in the result arrays). Block i
/// is read, then for every j ≥ i block j is read and the score tile X̃_i·X̃_jᵀ is computed <b>once</b>, in column chunks
/// that stay in cache: each chunk feeds the heaps of block i's rows and, in a column pass, those of block j's rows, as
/// the in-memory symmetric search does with later blocks. Before the next pair, the heap entries that came from this pair
/// are scored exactly while both blocks are in memory, nearest key first, and merged into the exact lists; the running
/// k-th exact score is passed into that step, so entries whose key the error bound already proves farther are skipped.
/// After the last pair each row's exact list is proven as in the in-memory search: every row never scored left the heap
/// (or never entered it) with a key at most the heap minimum, and the exact k-th score is separated from that minimum by
/// the float32 error bound. Rows without that proof (near-ties at the k-th place, duplicates) are searched again against
/// every block with twice the heap capacity, and so on, until proven or until the heap holds every row. Inner products
/// and Euclidean distance first make one pass over the file for the screening scale (largest |element|, after centring
/// on the column means for Euclidean), which the in-memory search also computes from the whole input.</para>
/// <para><b>Why the result is identical.</b> <see cref="ExactKnn"/> defines a query's neighbours by exact float64 scores
/// that depend only on the two rows (fixed summation order, see its remarks), ordered by score and then by ascending
/// base index: a strict total order. The float32 stage here, as there, only decides which rows are scored exactly and
/// whether the proof holds, never the result; the exact scores are computed by the same kernels from the same values.
/// Rows are read as float32 (as <c>rankwise neighbors</c> reads them into memory) or, with <c>float64: true</c>, as
/// float64, and then scored from the same values as <see cref="ExactKnn"/> on a tensor of that type. Only
/// <see cref="KnnResult.WidenedRows"/> (a diagnostic) can differ.</para>
/// <para><b>Queries against a base</b> (<see cref="Query"/>): each query block is read once and the base once per query
/// block; the tiles feed the query block's heaps only, survivors are scored per pair as above, and the block's rows are
/// proven (or widened) after its last base block.</para>
/// <para><b>Blocks.</b> A self-query with B blocks reads B(B + 1)/2 blocks in all (about B/2 passes over the file), plus
/// one pass for inner products and Euclidean distance. Products run on row groups of at most 1,024 rows of a block (the
/// in-memory search's block size) against column chunks of about 8 MiB of scores, split by columns over the workers;
/// a diagonal block is computed as the in-memory symmetric search computes its rows (a group gets only the columns from
/// its first row on), so the float32 arithmetic is that of the in-memory CPU self-query. Everything runs on the CPU.</para>
/// <para><b>Memory</b> for b rows per block, m query rows (n for a self-query), width d, c = k + margin candidates per
/// row, buffer element size e (4, or 8 with float64) and file item size s: m·k·12 (the result, which holds the running
/// exact lists: int32 indices and float64 scores) + h·(8c + 8) (candidate heaps: h = n rows for a self-query, whose
/// widening pass reuses that memory; h = 2b for queries against a base) + 16·n (self-query only: per-row norms, zero
/// flags and Euclidean offsets) + 32·d (Euclidean: column sums, minima, maxima and means) + 16 MiB
/// + b·(2d·(e + 4) + 32) (two row blocks, their float32 screening rows and per-row values)
/// + 4·min(b², 2²¹) (a float32 chunk of the score tile) + min(b·d·s, 64 MiB) (the mapped view being copied).
/// The block size is the largest whose estimate fits in <see cref="StreamingOptions.Budget"/>.</para>
/// <para><b>Speed.</b> The float32 products dominate, as in memory; the extra work is reading blocks (O(b·d) per
/// pair, with their screening rows), the column pass and the exact scoring of each pair's survivors, which after the
/// first blocks are few. Measured figures are in bench/README.md ("Bigger than memory").</para>
/// <para><b>Input.</b> NaN or ±∞ is a <see cref="RankwiseInputException"/> naming the file and row (neighbours
/// are undefined); the other conditions are those of <see cref="ExactKnn"/>.</para>
/// </remarks>
public sealed class StreamingKnn
{
    private const long EngineConstantBytes = 16L << 20;

    /// <summary>Creates the search.</summary>
    /// <param name="metric">The metric (default cosine).</param>
    /// <param name="streaming">Budget, block size and progress; null for <see cref="StreamingOptions.Default"/>.</param>
    /// <param name="options">Tuning of the search: <see cref="KnnOptions.Threads"/> and <see cref="KnnOptions.CandidateMargin"/>
    /// are used; block sizes, candidate selection and progress come from the streaming plan. Null for <see cref="KnnOptions.Default"/>.</param>
    /// <param name="float64">Read rows as float64 instead of float32 (scores then come from the float64 values).</param>
    public StreamingKnn(KnnMetric metric = KnnMetric.Cosine, StreamingOptions? streaming = null, KnnOptions? options = null, bool float64 = false)
    {
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown KnnMetric");
        Metric = metric;
        Streaming = streaming ?? StreamingOptions.Default;
        Options = options ?? KnnOptions.Default;
        if (Options.Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.Threads, "k-NN: Threads must be at least 1");
        Float64 = float64;
    }

    /// <summary>The metric.</summary>
    public KnnMetric Metric { get; }

    /// <summary>The streaming options.</summary>
    public StreamingOptions Streaming { get; }

    /// <summary>The k-NN tuning options (threads and candidate margin).</summary>
    public KnnOptions Options { get; }

    /// <summary>Whether rows are read as float64.</summary>
    public bool Float64 { get; }

    /// <summary>Estimated peak data-dependent bytes for <paramref name="blockRows"/> rows per block (formula in the class remarks).</summary>
    /// <param name="blockRows">b, rows per block.</param>
    /// <param name="queries">m, the number of query rows (n for a self-query; the result holds m·k entries).</param>
    /// <param name="columns">d.</param>
    /// <param name="k">Neighbours per query.</param>
    /// <param name="itemSize">Bytes per stored element of the file (4 for float32).</param>
    /// <param name="float64">Whether rows are read as float64.</param>
    /// <param name="metric">The metric (Euclidean distance keeps per-column statistics and per-row offsets).</param>
    /// <param name="selfQuery">True (default) for <see cref="SelfQuery"/>, whose candidate heaps cover all n rows; false
    /// for <see cref="Query"/>, whose heaps cover one block of queries.</param>
    /// <param name="candidateMargin">The candidate margin (<see cref="KnnOptions.CandidateMargin"/>, default 16).</param>
    public static long EstimatePeakBytes(long blockRows, long queries, int columns, int k, int itemSize = 4, bool float64 = false,
        KnnMetric metric = KnnMetric.Cosine, bool selfQuery = true, int candidateMargin = 16)
    {
        long b = blockRows, d = columns, e = float64 ? 8 : 4, m = queries;
        long c = k + (long)Math.Max(0, candidateMargin);
        long result = m * k * 12L;
        long heaps = (selfQuery ? m : 2 * b) * (8 * c + 8);
        long rowValues = (selfQuery ? 16 * m : 0) + (metric == KnnMetric.Euclidean ? 32 * d : 0);
        long blocks = b * (2 * d * (e + 4) + 32);
        long tile = 4 * Math.Min(b * b, 1L << 21);
        long view = Math.Min(b * d * itemSize, NpyRowSource.MaxViewBytes);
        return result + heaps + rowValues + EngineConstantBytes + blocks + tile + view;
    }

    /// <summary>The block plan of <see cref="SelfQuery"/>.</summary>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget (e.g. the result and the
    /// candidate heaps of all n rows alone exceed it).</exception>
    public StreamingPlan PlanSelfQuery(NpyRowSource data, int k)
    {
        ArgumentNullException.ThrowIfNull(data);
        return StreamingPlan.Choose(data.Rows, b => EstimatePeakBytes(b, data.Rows, data.Columns, Math.Max(k, 1), data.ItemSize, Float64, Metric,
                selfQuery: true, Options.CandidateMargin),
            Streaming, $"streamed k-NN of [{data.Rows}, {data.Columns}] with k = {k}");
    }

    /// <summary>The block plan of <see cref="Query"/>.</summary>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget.</exception>
    public StreamingPlan PlanQuery(NpyRowSource queries, NpyRowSource data, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(data);
        int item = Math.Max(queries.ItemSize, data.ItemSize);
        return StreamingPlan.Choose(Math.Max(queries.Rows, data.Rows), b => EstimatePeakBytes(b, queries.Rows, data.Columns, Math.Max(k, 1), item, Float64, Metric,
                selfQuery: false, Options.CandidateMargin),
            Streaming, $"streamed k-NN of [{queries.Rows}, {queries.Columns}] queries against [{data.Rows}, {data.Columns}] with k = {k}");
    }

    /// <summary>
    /// The <paramref name="k"/> nearest neighbours of every row of <paramref name="data"/> [n, d] among its rows; same result
    /// as <see cref="ExactKnn.SelfQuery"/> on the array in memory.
    /// </summary>
    /// <param name="data">The rows.</param>
    /// <param name="k">1 ≤ k ≤ n − 1 (n with <paramref name="includeSelf"/>).</param>
    /// <param name="includeSelf">False (default): a row's own index is excluded. True: it competes like any other row.</param>
    /// <param name="cancellationToken">Cancels between and within blocks.</param>
    /// <returns>Indices and exact scores [n, k], nearest first.</returns>
    /// <exception cref="ArgumentException">Empty data, k out of range, or n·k too large for one array.</exception>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget.</exception>
    /// <exception cref="RankwiseInputException">The file contains NaN/±∞ or cannot be read.</exception>
    public KnnResult SelfQuery(NpyRowSource data, int k, bool includeSelf = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckSource(data, nameof(data));
        int n = (int)data.Rows;
        CheckK(k, includeSelf ? n : n - 1, n, $"{n} rows{(includeSelf ? "" : ", self excluded")}");
        var plan = PlanSelfQuery(data, k);
        cancellationToken.ThrowIfCancellationRequested();
        return KnnEngine.Streamed.SelfQuery(data, k, includeSelf, Metric, Float64, plan.BlockRows, Options.CandidateMargin, Threads,
            Streaming.Progress, cancellationToken);
    }

    /// <summary>
    /// The <paramref name="k"/> nearest rows of <paramref name="data"/> [n, d] for every row of <paramref name="queries"/>
    /// [m, d]; same result as <see cref="ExactKnn.Query"/> on the arrays in memory.
    /// </summary>
    /// <param name="queries">Query rows.</param>
    /// <param name="data">Base rows.</param>
    /// <param name="k">1 ≤ k ≤ n.</param>
    /// <param name="cancellationToken">Cancels between and within blocks.</param>
    /// <returns>Indices into <paramref name="data"/> and exact scores [m, k], nearest first.</returns>
    /// <exception cref="ArgumentException">Empty input, widths differ, k out of range, or m·k too large.</exception>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget.</exception>
    /// <exception cref="RankwiseInputException">A file contains NaN/±∞ or cannot be read.</exception>
    public KnnResult Query(NpyRowSource queries, NpyRowSource data, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(data);
        CheckSource(queries, nameof(queries));
        CheckSource(data, nameof(data));
        if (queries.Columns != data.Columns)
            throw new ArgumentException($"k-NN: queries have {queries.Columns} columns but data have {data.Columns}", nameof(queries));
        int m = (int)queries.Rows, n = (int)data.Rows;
        CheckK(k, n, m, $"{n} rows");
        var plan = PlanQuery(queries, data, k);
        cancellationToken.ThrowIfCancellationRequested();
        return KnnEngine.Streamed.Query(queries, data, k, Metric, Float64, plan.BlockRows, Options.CandidateMargin, Threads,
            Streaming.Progress, cancellationToken);
    }

    private int Threads => Options.Threads ?? Math.Max(1, get_num_threads());

    private static void CheckSource(NpyRowSource source, string name)
    {
        if (source.Rows < 1 || source.Columns < 1)
            throw new ArgumentException($"k-NN: {source.Path} is empty (shape [{source.Rows}, {source.Columns}])", name);
        if (source.Rows > int.MaxValue || source.Columns > int.MaxValue - 1)
            throw new ArgumentException($"k-NN: {source.Path} is too large ({source.Rows} rows)", name);
    }

    private static void CheckK(int k, long available, long queries, string what)
    {
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k-NN: k must be at least 1");
        if (k > available)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k-NN: k = {k} exceeds the {available} available neighbours ({what})");
        if (queries * k > Array.MaxLength)
            throw new ArgumentException($"k-NN: {queries} queries × k = {k} neighbours exceed the largest array", nameof(k));
    }
}
