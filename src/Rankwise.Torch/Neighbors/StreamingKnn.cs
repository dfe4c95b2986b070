using System.Runtime.InteropServices;
using Rankwise.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// Exact k-nearest-neighbour search over <c>.npy</c> files larger than memory: queries and base rows are both streamed
/// in row blocks from memory maps (<see cref="NpyRowSource"/>), each pair of blocks is searched by <see cref="ExactKnn"/>,
/// and every query keeps a running top-k. The result is identical to <see cref="ExactKnn"/> on the same rows read into
/// memory (same indices, same scores, same tie order), whatever the block size.
/// </summary>
/// <remarks>
/// <para><b>Why the result is identical.</b> <see cref="ExactKnn"/> defines a query's neighbours by exact float64 scores
/// that depend only on the two rows (fixed summation order, see its remarks), ordered by score and then by ascending
/// base index: a strict total order. The k nearest of all rows are therefore among the k nearest within each block of
/// base rows (block-local index order agrees with global index order), so merging the per-block lists under the same
/// order gives exactly the global list. Euclidean lists are merged on the exact squared distances, recomputed with the
/// same kernel, never on their rounded square roots. Rows are read as float32 (as <c>rankwise neighbors</c> reads them
/// into memory) or, with <c>float64: true</c>, as float64; the search then scores from the same values as
/// <see cref="ExactKnn"/> on a tensor of that type. Only <see cref="KnnResult.WidenedRows"/> (a diagnostic) can
/// differ.</para>
/// <para><b>Blocks.</b> A self-query with B blocks reads block i, searches it against itself, then for every j &gt; i
/// reads block j and searches i against j and j against i, so each pair of blocks is in memory once: the file is read
/// B(B + 1)/2 block-times in all, about B/2 times over. The arithmetic is twice that of the in-memory CPU self-query,
/// which uses the symmetry of one score matrix. A query/base search reads each query block once and the base once per
/// query block. Everything runs on the CPU.</para>
/// <para><b>Memory</b> for b rows per block, m queries, width d, buffer element size e (4, or 8 with float64) and file
/// item size s: m·k·12 (the result: int32 indices and float64 scores, which also hold the running top-k)
/// + 16 MiB + b·(2e·d + 8(d + 1) + 32k + 160) (two row blocks, their float32 screening copies, per-block lists, candidate
/// heaps, norms) + min(4b², 8 MiB) + min(4b², 64 MiB) (score tiles of <see cref="ExactKnn"/>)
/// + c·d·min(b, ⌈2²³/d⌉) (<see cref="ExactKnn"/>'s float64 conversion chunks: c = 24 for cosine, 40 for inner products,
/// 48 for Euclidean distance) + b·d (its finiteness check) + min(b·d·s, 64 MiB) (the mapped view being copied). The block size is the largest whose estimate fits in <see cref="StreamingOptions.Budget"/>.</para>
/// <para><b>Speed.</b> Besides twice the arithmetic of the in-memory CPU self-query, every pair of blocks repeats work
/// that the in-memory search does once per row: float64 screening copies and finiteness checks of both blocks (O(b·d))
/// and the exact re-ranking of about k + 16 candidates per row. With blocks of thousands of rows that adds well under
/// the product's cost; with a few hundred rows of high dimension it dominates, so give the largest budget available.
/// Measured on a shared 2-core machine, n = 32,768 cosine k = 10: d = 768 in memory 8–14 s, streamed 35 s with
/// 6,118-row blocks and 41–61 s with 1,714-row blocks; d = 8,192 in memory 62 s, streamed with 434-row blocks (a
/// 256 MB budget) 1,833 s.</para>
/// <para><b>Input.</b> NaN or ±∞ in a block is a <see cref="RankwiseInputException"/> naming the file and row (neighbours
/// are undefined); the other conditions are those of <see cref="ExactKnn"/>.</para>
/// </remarks>
public sealed class StreamingKnn
{
    private const long EngineConstantBytes = 16L << 20;

    /// <summary>Creates the search.</summary>
    /// <param name="metric">The metric (default cosine).</param>
    /// <param name="streaming">Budget, block size and progress; null for <see cref="StreamingOptions.Default"/>.</param>
    /// <param name="options">Tuning of the per-block <see cref="ExactKnn"/> (threads, candidate margin); its block sizes and
    /// progress are replaced by the streaming plan. Null for <see cref="KnnOptions.Default"/>.</param>
    /// <param name="float64">Read rows as float64 instead of float32 (scores then come from the float64 values).</param>
    public StreamingKnn(KnnMetric metric = KnnMetric.Cosine, StreamingOptions? streaming = null, KnnOptions? options = null, bool float64 = false)
    {
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown KnnMetric");
        Metric = metric;
        Streaming = streaming ?? StreamingOptions.Default;
        Options = options ?? KnnOptions.Default;
        Float64 = float64;
    }

    /// <summary>The metric.</summary>
    public KnnMetric Metric { get; }

    /// <summary>The streaming options.</summary>
    public StreamingOptions Streaming { get; }

    /// <summary>The per-block k-NN options.</summary>
    public KnnOptions Options { get; }

    /// <summary>Whether rows are read as float64.</summary>
    public bool Float64 { get; }

    /// <summary>Estimated peak data-dependent bytes for <paramref name="blockRows"/> rows per block (formula in the class remarks).</summary>
    /// <param name="blockRows">b, rows per block.</param>
    /// <param name="queries">m, the number of query rows (the result holds m·k entries).</param>
    /// <param name="columns">d.</param>
    /// <param name="k">Neighbours per query.</param>
    /// <param name="itemSize">Bytes per stored element of the file (4 for float32).</param>
    /// <param name="float64">Whether rows are read as float64.</param>
    /// <param name="metric">The metric (its screening conversions differ in size).</param>
    public static long EstimatePeakBytes(long blockRows, long queries, int columns, int k, int itemSize = 4, bool float64 = false,
        KnnMetric metric = KnnMetric.Cosine)
    {
        long b = blockRows, d = columns, e = float64 ? 8 : 4;
        long result = queries * k * 12L;
        long linear = b * (2 * e * d + 8 * (d + 1) + 32L * k + 160);
        long tiles = Math.Min(4 * b * b, 8L << 20) + Math.Min(4 * b * b, 64L << 20);
        long chunkRows = ((1L << 23) + d - 1) / d;
        long perElement = metric switch { KnnMetric.Cosine => 24, KnnMetric.InnerProduct => 40, _ => 48 };
        long conversions = perElement * d * Math.Min(b, chunkRows) + b * d;
        long view = Math.Min(b * d * itemSize, NpyRowSource.MaxViewBytes);
        return result + EngineConstantBytes + linear + tiles + conversions + view;
    }

    /// <summary>The block plan of <see cref="SelfQuery"/>.</summary>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget (e.g. the n·k·12-byte result alone exceeds it).</exception>
    public StreamingPlan PlanSelfQuery(NpyRowSource data, int k)
    {
        ArgumentNullException.ThrowIfNull(data);
        return StreamingPlan.Choose(data.Rows, b => EstimatePeakBytes(b, data.Rows, data.Columns, Math.Max(k, 1), data.ItemSize, Float64, Metric),
            Streaming, $"streamed k-NN of [{data.Rows}, {data.Columns}] with k = {k}");
    }

    /// <summary>The block plan of <see cref="Query"/>.</summary>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget.</exception>
    public StreamingPlan PlanQuery(NpyRowSource queries, NpyRowSource data, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(data);
        int item = Math.Max(queries.ItemSize, data.ItemSize);
        return StreamingPlan.Choose(Math.Max(queries.Rows, data.Rows), b => EstimatePeakBytes(b, queries.Rows, data.Columns, Math.Max(k, 1), item, Float64, Metric),
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
        int b = plan.BlockRows, blocks = (int)plan.Blocks;
        var state = new TopK(n, k, Metric);
        var knn = new ExactKnn(Metric, BlockOptions(b));
        var parallel = Parallel(cancellationToken);
        long pairs = (long)blocks * (blocks + 1) / 2, done = 0;
        using var scope = NewDisposeScope();
        var bufA = empty([b, data.Columns], ElementType, device: CPU);
        var bufB = blocks > 1 ? empty([b, data.Columns], ElementType, device: CPU) : null;
        int widened = 0;
        for (int i = 0; i < blocks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var blockScope = NewDisposeScope();
            int startI = i * b, countI = Math.Min(b, n - startI);
            var a = Read(data, bufA, startI, countI);
            int diagonal = includeSelf ? countI : countI - 1;
            if (diagonal >= 1)
            {
                var r = knn.SelfQuery(a, Math.Min(k, diagonal), includeSelf, cancellationToken);
                widened += r.WidenedRows;
                state.Merge(r, a, a, startI, startI, parallel);
            }
            Streaming.Progress?.Report((double)++done / pairs);
            for (int j = i + 1; j < blocks; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var pairScope = NewDisposeScope();
                int startJ = j * b, countJ = Math.Min(b, n - startJ);
                var c = Read(data, bufB!, startJ, countJ);
                var forward = knn.Query(a, c, Math.Min(k, countJ), cancellationToken);
                widened += forward.WidenedRows;
                state.Merge(forward, a, c, startI, startJ, parallel);
                var backward = knn.Query(c, a, Math.Min(k, countI), cancellationToken);
                widened += backward.WidenedRows;
                state.Merge(backward, c, a, startJ, startI, parallel);
                Streaming.Progress?.Report((double)++done / pairs);
            }
        }
        return state.ToResult(n, isSelfQuery: true, includeSelf, widened);
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
        int b = plan.BlockRows;
        int qBlocks = (m + b - 1) / b, bBlocks = (n + b - 1) / b;
        var state = new TopK(m, k, Metric);
        var knn = new ExactKnn(Metric, BlockOptions(b));
        var parallel = Parallel(cancellationToken);
        long pairs = (long)qBlocks * bBlocks, done = 0;
        using var scope = NewDisposeScope();
        var bufQ = empty([Math.Min(b, m), queries.Columns], ElementType, device: CPU);
        var bufB = empty([Math.Min(b, n), data.Columns], ElementType, device: CPU);
        int widened = 0;
        for (int i = 0; i < qBlocks; i++)
        {
            using var blockScope = NewDisposeScope();
            int startI = i * b, countI = Math.Min(b, m - startI);
            var q = Read(queries, bufQ, startI, countI);
            for (int j = 0; j < bBlocks; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var pairScope = NewDisposeScope();
                int startJ = j * b, countJ = Math.Min(b, n - startJ);
                var c = Read(data, bufB, startJ, countJ);
                var r = knn.Query(q, c, Math.Min(k, countJ), cancellationToken);
                widened += r.WidenedRows;
                state.Merge(r, q, c, startI, startJ, parallel);
                Streaming.Progress?.Report((double)++done / pairs);
            }
        }
        return state.ToResult(n, isSelfQuery: false, includeSelf: true, widened);
    }

    private ScalarType ElementType => Float64 ? ScalarType.Float64 : ScalarType.Float32;

    /// <summary>Per-block options: the caller's tuning, with the score-block budget of the plan and no progress of its own.</summary>
    private KnnOptions BlockOptions(int blockRows) => Options with
    {
        BlockRows = null,
        ChunkColumns = null,
        BlockBudgetBytes = Math.Max(4L * blockRows, Math.Min(4L * blockRows * blockRows, 32L << 20)),
        Progress = null,
    };

    private ParallelOptions Parallel(CancellationToken ct) =>
        new() { MaxDegreeOfParallelism = Options.Threads ?? Math.Max(1, get_num_threads()), CancellationToken = ct };

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

    /// <summary>Reads rows into the buffer's prefix and refuses NaN/±∞; returns the [count, d] view.</summary>
    private Tensor Read(NpyRowSource source, Tensor buffer, int start, int count)
    {
        int d = source.Columns;
        if (Float64)
        {
            var span = MemoryMarshal.Cast<byte, double>(buffer.bytes)[..(count * d)];
            source.ReadRows(start, count, span);
            for (int t = 0; t < span.Length; t++)
                if (!double.IsFinite(span[t]))
                    throw NonFinite(source, start + t / d);
        }
        else
        {
            var span = MemoryMarshal.Cast<byte, float>(buffer.bytes)[..(count * d)];
            source.ReadRows(start, count, span);
            for (int t = 0; t < span.Length; t++)
                if (!float.IsFinite(span[t]))
                    throw NonFinite(source, start + t / d);
        }
        return buffer.narrow(0, 0, count);
    }

    private static RankwiseInputException NonFinite(NpyRowSource source, long row) =>
        new(source.Path, $"contains NaN or infinite values (row {row})");

    /// <summary>
    /// The running top-k of every query, stored in the result arrays: keys are "larger is nearer" exact scores (cosine,
    /// inner product, or minus the squared Euclidean distance), sorted with ties by ascending index; −1 marks an empty slot.
    /// </summary>
    private sealed class TopK
    {
        private readonly int _k;
        private readonly KnnMetric _metric;
        private readonly int[] _idx;
        private readonly double[] _key;

        public TopK(int queries, int k, KnnMetric metric)
        {
            _k = k;
            _metric = metric;
            _idx = new int[(long)queries * k];
            _key = new double[_idx.Length];
            Array.Fill(_idx, -1);
        }

        /// <summary>Merges a block result (local indices into <paramref name="baseBlock"/>) into the lists of its queries.</summary>
        public void Merge(KnnResult r, Tensor queryBlock, Tensor baseBlock, int rowOffset, int colOffset, ParallelOptions parallel)
        {
            using var scope = NewDisposeScope();
            HostRows? q = null, b = null;
            if (_metric == KnnMetric.Euclidean)
            {
                q = HostRows.Create(queryBlock, asDouble: false);
                b = ReferenceEquals(queryBlock, baseBlock) ? q : HostRows.Create(baseBlock, asDouble: false);
            }
            int k = _k, kr = r.K;
            System.Threading.Tasks.Parallel.For(0, r.Queries, parallel,
                () => (Idx: new int[k], Key: new double[k], New: new double[kr]),
                (row, _, s) =>
                {
                    long o = (long)(rowOffset + row) * k;
                    var newIdx = r.Indices.AsSpan(row * kr, kr);
                    var newKey = s.New.AsSpan();
                    for (int t = 0; t < kr; t++)
                        newKey[t] = q is null ? r.Scores[row * kr + t] : -q.SquaredDistance(row, b!, newIdx[t]);
                    int filled = 0;
                    while (filled < k && _idx[o + filled] >= 0)
                        filled++;
                    int a = 0, c = 0, w = 0;
                    while (w < k && (a < filled || c < kr))
                    {
                        bool takeOld;
                        if (c >= kr)
                            takeOld = true;
                        else if (a >= filled)
                            takeOld = false;
                        else
                        {
                            double ko = _key[o + a], kn = newKey[c];
                            takeOld = ko > kn || (ko == kn && _idx[o + a] < colOffset + newIdx[c]);
                        }
                        if (takeOld)
                        {
                            s.Idx[w] = _idx[o + a];
                            s.Key[w++] = _key[o + a++];
                        }
                        else
                        {
                            s.Idx[w] = colOffset + newIdx[c];
                            s.Key[w++] = newKey[c++];
                        }
                    }
                    s.Idx.AsSpan(0, w).CopyTo(_idx.AsSpan((int)o, w));
                    s.Key.AsSpan(0, w).CopyTo(_key.AsSpan((int)o, w));
                    return s;
                }, _ => { });
        }

        public KnnResult ToResult(int baseCount, bool isSelfQuery, bool includeSelf, int widened)
        {
            if (_metric == KnnMetric.Euclidean)
                for (int t = 0; t < _key.Length; t++)
                    _key[t] = Math.Sqrt(-_key[t]);
            return new KnnResult(_idx, _key, _idx.Length / _k, baseCount, _k, _metric, isSelfQuery, isSelfQuery && includeSelf, widened, validate: false);
        }
    }
}
