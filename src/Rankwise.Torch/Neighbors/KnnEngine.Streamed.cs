using System.Numerics;
using System.Runtime.InteropServices;
using Rankwise.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

internal sealed unsafe partial class KnnEngine
{
    /// <summary>
    /// The streamed search behind <see cref="StreamingKnn"/>: the machinery of the in-memory CPU search (float32 screening
    /// rows, chunked score tiles, candidate heaps, the float32 error bound, exact float64 scores) applied to row blocks
    /// read from memory-mapped files. See the remarks of <see cref="StreamingKnn"/> for the algorithm and why its result
    /// equals <see cref="ExactKnn"/>'s.
    /// </summary>
    /// <remarks>
    /// Invariants. Every query keeps a float32 candidate heap (keys α·g + β as in the in-memory search) and an exact list:
    /// its k nearest, by (exact score desc, index asc), among the rows scored exactly so far (in the result arrays,
    /// index −1 for an empty slot). Each query/base pair is offered to the query's heap exactly once per pass; at the end
    /// of every block pair the heap entries from that pair (the "survivors") are scored exactly while both blocks are in
    /// memory, in decreasing key order, unless the float32 bound already proves them farther than the current exact k-th
    /// (the running k-th score is passed into the block search). A row that was offered but never scored left the heap
    /// (or never entered it) with a key at most the final heap minimum, so once the exact k-th is separated from that
    /// minimum by the bound, the exact list is the row's exact k-NN — the same proof as the in-memory
    /// <see cref="FinishRow"/>, whose candidates are a subset of the scored rows here. Rows without the proof are searched
    /// again with twice the heap capacity (each key compared with the same exact list) until they have it or the heap holds
    /// every row.
    /// </remarks>
    internal sealed class Streamed
    {
        private readonly KnnMetric _metric;
        private readonly int _k, _n, _d, _margin, _threads, _blockRows;
        private readonly bool _exclude, _float64;
        private readonly NpyRowSource _data;
        private readonly NpyRowSource? _queries;
        private readonly ParallelOptions _parallel;
        private readonly CancellationToken _ct;
        private readonly double _gamma, _delta, _absoluteSlack;
        private readonly int[] _outIdx;
        private readonly double[] _outScore;
        private double _scale = 1.0, _scale2 = 1.0, _baseScreenMaxNorm;
        private double[]? _mean;
        private int _callerThreads = 1;
        private int _widened;

        private Streamed(NpyRowSource? queries, NpyRowSource data, int k, bool exclude, KnnMetric metric, bool float64,
            int blockRows, int margin, int threads, CancellationToken ct)
        {
            _metric = metric;
            _k = k;
            _queries = queries;
            _data = data;
            _n = (int)data.Rows;
            _d = data.Columns;
            _exclude = exclude;
            _float64 = float64;
            _blockRows = blockRows;
            _margin = Math.Max(0, margin);
            _threads = threads;
            _ct = ct;
            _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct };
            (_gamma, _delta, _absoluteSlack) = ErrorTerms(_d, ProductInputRounding(CPU));
            long m = queries?.Rows ?? data.Rows;
            _outIdx = new int[m * k];
            _outScore = new double[_outIdx.Length];
            Array.Fill(_outIdx, -1);
        }

        /// <summary>Self-query of <paramref name="data"/> with row blocks of <paramref name="blockRows"/> rows.</summary>
        public static KnnResult SelfQuery(NpyRowSource data, int k, bool includeSelf, KnnMetric metric, bool float64, int blockRows,
            int margin, int threads, IProgress<double>? progress, CancellationToken ct)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var s = new Streamed(null, data, k, !includeSelf, metric, float64, blockRows, margin, threads, ct);
            s.Run(progress);
            return new KnnResult(s._outIdx, s._outScore, s._n, s._n, k, metric, true, includeSelf, s._widened, validate: false);
        }

        /// <summary>Rows of <paramref name="queries"/> against <paramref name="data"/>, both in blocks of <paramref name="blockRows"/> rows.</summary>
        public static KnnResult Query(NpyRowSource queries, NpyRowSource data, int k, KnnMetric metric, bool float64, int blockRows,
            int margin, int threads, IProgress<double>? progress, CancellationToken ct)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var s = new Streamed(queries, data, k, false, metric, float64, blockRows, margin, threads, ct);
            s.Run(progress);
            return new KnnResult(s._outIdx, s._outScore, (int)queries.Rows, s._n, k, metric, false, false, s._widened, validate: false);
        }

        private int Available => _exclude ? _n - 1 : _n;

        private float Alpha => _metric == KnnMetric.Euclidean ? 2f : 1f;

        private void Run(IProgress<double>? progress)
        {
            _callerThreads = get_num_threads();
            try
            {
                var a = new Block(this);
                var c = new Block(this);
                using var tile = new Tile(this);
                try
                {
                    PrePass(a);
                    if (_queries is null)
                        RunSelf(a, c, tile, progress);
                    else
                        RunQuery(a, c, tile, progress);
                }
                finally
                {
                    a.Dispose();
                    c.Dispose();
                }
                if (_metric == KnnMetric.Euclidean)
                    for (int t = 0; t < _outScore.Length; t++)
                        _outScore[t] = Math.Sqrt(-_outScore[t]);
            }
            finally
            {
                // Workers restore their own count; this also leaves libtorch's global default at the caller's value.
                set_num_threads(_callerThreads);
            }
        }

        // ------------------------------------------------------------ self-query

        /// <summary>
        /// Block i is read once per row of pairs; for every j ≥ i block j is read and the tile X̃_i·X̃_jᵀ is computed once, in
        /// column chunks, each feeding the heaps of block i's rows (row pass) and of block j's rows (column pass), exactly as
        /// the in-memory symmetric search does with the columns of later blocks.
        /// </summary>
        private void RunSelf(Block a, Block c, Tile tile, IProgress<double>? progress)
        {
            int n = _n, b = _blockRows, blocks = (n + b - 1) / b;
            int capacity = Math.Min(_k + _margin, Available);
            long pairs = (long)blocks * (blocks + 1) / 2, done = 0;
            var info = new double[n];
            var zero = new bool[n];
            float* beta = _metric == KnnMetric.Euclidean ? (float*)NativeMemory.Alloc((nuint)n, sizeof(float)) : null;
            var heaps = new Heaps(n, capacity, withThresholds: true);
            try
            {
                var state = heaps.State(Alpha, beta);
                for (int i = 0; i < blocks; i++)
                {
                    _ct.ThrowIfCancellationRequested();
                    a.Load(_data, i * b, Math.Min(b, n - i * b), checkFinite: _metric == KnnMetric.Cosine && i == 0);
                    a.CopyTo(info, zero, beta);
                    for (int j = i; j < blocks; j++)
                    {
                        _ct.ThrowIfCancellationRequested();
                        var cj = a;
                        if (j > i)
                        {
                            c.Load(_data, j * b, Math.Min(b, n - j * b), checkFinite: _metric == KnnMetric.Cosine && i == 0);
                            c.CopyTo(info, zero, beta);
                            cj = c;
                        }
                        tile.Scan(a, cj, (ptr, s0, rows, c0, width) =>
                            ScanChunk(new ChunkTile(ptr, a.Start + s0, rows, c0, width), state, _exclude, _threads, _parallel));
                        ScoreSurvivors(a, cj, heaps, globalHeaps: true);
                        if (j > i)
                            ScoreSurvivors(cj, a, heaps, globalHeaps: true);
                        progress?.Report((double)++done / pairs);
                    }
                }

                // Every row has now been offered every other row once: prove the exact lists (or collect rows to widen).
                bool complete = capacity >= Available;
                var failed = new bool[n];
                Parallel.For(0, n, _parallel, q =>
                {
                    if (zero[q])
                        WriteZeroQuery(q);
                    else
                        failed[q] = !Proven(q, info[q], heaps.Values[(long)q * capacity], heaps.Counts[q] == capacity, complete);
                });
                // The heaps' memory is free before the widening passes allocate theirs (within the same bytes).
                heaps.Dispose();
                var retry = new List<int>();
                for (int q = 0; q < n; q++)
                    if (failed[q])
                        retry.Add(q);
                if (retry.Count > 0)
                    Widen(_data, retry, capacity, (long)n * capacity, a, c, tile);
            }
            finally
            {
                heaps.Dispose();
                if (beta is not null)
                    NativeMemory.Free(beta);
            }
        }

        // ------------------------------------------------------------ queries against a base

        /// <summary>
        /// Each query block is read once and the base once per query block; the tile Q̃_i·X̃_jᵀ feeds the query block's
        /// heaps (row pass only), survivors are scored per pair and the block's rows are proven after the last base block.
        /// </summary>
        private void RunQuery(Block a, Block c, Tile tile, IProgress<double>? progress)
        {
            int m = (int)_queries!.Rows, n = _n, b = _blockRows;
            int qBlocks = (m + b - 1) / b, bBlocks = (n + b - 1) / b;
            int capacity = Math.Min(_k + _margin, Available);
            long pairs = (long)qBlocks * bBlocks, done = 0;
            using var heaps = new Heaps(Math.Min(b, m), capacity, withThresholds: false);
            for (int i = 0; i < qBlocks; i++)
            {
                _ct.ThrowIfCancellationRequested();
                a.Load(_queries, i * b, Math.Min(b, m - i * b), checkFinite: _metric == KnnMetric.Cosine);
                heaps.Reset(a.Count);
                for (int j = 0; j < bBlocks; j++)
                {
                    _ct.ThrowIfCancellationRequested();
                    c.Load(_data, j * b, Math.Min(b, n - j * b), checkFinite: _metric == KnnMetric.Cosine && i == 0);
                    ScanRows(a, c, heaps, tile);
                    ScoreSurvivors(a, c, heaps, globalHeaps: false);
                    progress?.Report((double)++done / pairs);
                }
                var retry = FinishLocal(a, heaps, capacity >= Available);
                if (retry.Count > 0)
                    Widen(_queries, retry, capacity, (long)Math.Min(b, m) * capacity, a, c, tile);
            }
        }

        // ------------------------------------------------------------ widening

        /// <summary>
        /// Searches the rows <paramref name="ids"/> of <paramref name="source"/> again against every base block with twice
        /// the heap capacity (then four times, …) until each is proven; groups of rows share a pass over the base, their heaps
        /// within <paramref name="slotBudget"/> slots.
        /// </summary>
        private void Widen(NpyRowSource source, List<int> ids, int capacity, long slotBudget, Block a, Block c, Tile tile)
        {
            _widened += ids.Count;
            int n = _n, b = _blockRows, bBlocks = (n + b - 1) / b;
            while (ids.Count > 0)
            {
                capacity = Math.Min(2 * capacity, Available);
                int group = (int)Math.Max(1, Math.Min(Math.Min(b, ids.Count), slotBudget / capacity));
                var next = new List<int>();
                using var heaps = new Heaps(group, capacity, withThresholds: false);
                for (int g0 = 0; g0 < ids.Count; g0 += group)
                {
                    _ct.ThrowIfCancellationRequested();
                    a.Load(source, ids.GetRange(g0, Math.Min(group, ids.Count - g0)).ToArray());
                    heaps.Reset(a.Count);
                    for (int j = 0; j < bBlocks; j++)
                    {
                        _ct.ThrowIfCancellationRequested();
                        c.Load(_data, j * b, Math.Min(b, n - j * b), checkFinite: false);
                        ScanRows(a, c, heaps, tile);
                        ScoreSurvivors(a, c, heaps, globalHeaps: false);
                    }
                    next.AddRange(FinishLocal(a, heaps, capacity >= Available));
                }
                ids = next;
            }
        }

        /// <summary>Proves (or writes, for zero queries) the rows of a block whose local heaps are final; returns the others.</summary>
        private List<int> FinishLocal(Block a, Heaps heaps, bool complete)
        {
            var failed = new bool[a.Count];
            int capacity = heaps.Capacity;
            Parallel.For(0, a.Count, _parallel, p =>
            {
                int q = a.Id(p);
                if (a.Zero[p])
                    WriteZeroQuery(q);
                else
                    failed[p] = !Proven(q, a.Info[p], heaps.Values[(long)p * capacity], heaps.Counts[p] == capacity, complete);
            });
            var retry = new List<int>();
            for (int p = 0; p < a.Count; p++)
                if (failed[p])
                    retry.Add(a.Id(p));
            return retry;
        }

        /// <summary>
        /// True when query q's exact list is its exact k-NN: its heap held every available row (<paramref name="complete"/>),
        /// or the exact k-th score is separated by the error bound from the heap minimum <paramref name="boundary"/>, which
        /// bounds the key of every row that was never scored.
        /// </summary>
        private bool Proven(int q, double info, float boundary, bool full, bool complete)
        {
            long last = (long)q * _k + _k - 1;
            if (_outIdx[last] < 0)
                return false;
            return complete || (full && Separated(_metric, _outScore[last], boundary, info, _gamma, _delta, _absoluteSlack, _scale2, _baseScreenMaxNorm));
        }

        /// <summary>A zero query under cosine or inner product scores 0 against every row: the k lowest indices (shared with the in-memory engine).</summary>
        private void WriteZeroQuery(int q) => KnnEngine.WriteZeroQuery(_outIdx, _outScore, q, _k, _exclude);

        // ------------------------------------------------------------ scans and exact scores

        /// <summary>Row pass of every chunk of the tile of <paramref name="a"/>'s rows against block <paramref name="c"/> into local heaps.</summary>
        private void ScanRows(Block a, Block c, Heaps heaps, Tile tile)
        {
            float alpha = Alpha;
            float* beta = _metric == KnnMetric.Euclidean ? c.Beta - c.Start : null;
            int capacity = heaps.Capacity;
            tile.Scan(a, c, (ptr, s0, rows, c0, width) =>
            {
                int groups = Math.Clamp(rows / 32, 1, 4 * _threads);
                Parallel.For(0, groups, _parallel, g =>
                {
                    int p0 = s0 + (int)((long)rows * g / groups), p1 = s0 + (int)((long)rows * (g + 1) / groups);
                    for (int p = p0; p < p1; p++)
                    {
                        int q = a.Id(p);
                        float* row = ptr + (long)(p - s0) * width - c0;
                        long o = (long)p * capacity;
                        float* v = heaps.Values + o;
                        int* ix = heaps.Indices + o;
                        int count = heaps.Counts[p];
                        if (_exclude && q >= c0 && q < c0 + width)
                        {
                            CandidateHeap.ScanRow(v, ix, ref count, capacity, row, c0, q, alpha, beta);
                            CandidateHeap.ScanRow(v, ix, ref count, capacity, row, q + 1, c0 + width, alpha, beta);
                        }
                        else
                        {
                            CandidateHeap.ScanRow(v, ix, ref count, capacity, row, c0, c0 + width, alpha, beta);
                        }
                        heaps.Counts[p] = count;
                    }
                });
            });
        }

        /// <summary>
        /// Scores exactly, while both blocks are in memory, the heap entries of <paramref name="qs"/>'s rows that came from
        /// block <paramref name="cs"/>, nearest key first, and merges them into the exact lists; stops at the first entry the
        /// error bound proves farther than the current exact k-th (all later keys are smaller).
        /// </summary>
        private void ScoreSurvivors(Block qs, Block cs, Heaps heaps, bool globalHeaps)
        {
            int c0 = cs.Start, c1 = c0 + cs.Count, capacity = heaps.Capacity, k = _k;
            Parallel.For(0, qs.Count, _parallel, () => new KeyedCandidate[capacity], (p, _, order) =>
            {
                int q = qs.Id(p);
                int slot = globalHeaps ? q : p;
                long h = (long)slot * capacity;
                int count = heaps.Counts[slot], found = 0;
                for (int t = 0; t < count; t++)
                {
                    int j = heaps.Indices[h + t];
                    if (j >= c0 && j < c1)
                        order[found++] = new KeyedCandidate { Key = heaps.Values[h + t], Index = j };
                }
                if (found == 0)
                    return order;
                var sorted = order.AsSpan(0, found);
                sorted.Sort();
                long o = (long)q * k;
                double info = qs.Info[p];
                for (int t = 0; t < found; t++)
                {
                    if (_outIdx[o + k - 1] >= 0
                        && Separated(_metric, _outScore[o + k - 1], sorted[t].Key, info, _gamma, _delta, _absoluteSlack, _scale2, _baseScreenMaxNorm))
                        break;
                    int j = sorted[t].Index;
                    Insert(o, Exact(qs, p, cs, j - c0), j);
                }
                return order;
            }, _ => { });
        }

        /// <summary>The exact score of row p of <paramref name="qs"/> against row jl of <paramref name="cs"/>, as <see cref="KnnEngine.Exact"/>.</summary>
        private double Exact(Block qs, int p, Block cs, int jl)
        {
            switch (_metric)
            {
                case KnnMetric.Cosine:
                    double nq = qs.Info[p], nb = cs.Info[jl];
                    return nq == 0 || nb == 0 ? 0.0 : qs.Host.Dot(p, cs.Host, jl) / (nq * nb);
                case KnnMetric.InnerProduct:
                    return qs.Host.Dot(p, cs.Host, jl);
                default:
                    return -qs.Host.SquaredDistance(p, cs.Host, jl);
            }
        }

        /// <summary>
        /// Inserts (score, index) into the exact list at offset <paramref name="o"/>, ordered by score desc then index asc;
        /// ignored if it ranks below the k-th or is already listed (scores depend only on the two rows, so a row scored
        /// twice has the same score and lands next to itself).
        /// </summary>
        private void Insert(long o, double score, int index)
        {
            int k = _k, pos = 0;
            while (pos < k)
            {
                int e = _outIdx[o + pos];
                if (e < 0)
                    break;
                double s = _outScore[o + pos];
                if (score > s || (score == s && index < e))
                    break;
                pos++;
            }
            if (pos == k || (pos > 0 && _outIdx[o + pos - 1] == index))
                return;
            for (int t = k - 1; t > pos; t--)
            {
                _outIdx[o + t] = _outIdx[o + t - 1];
                _outScore[o + t] = _outScore[o + t - 1];
            }
            _outIdx[o + pos] = index;
            _outScore[o + pos] = score;
        }

        // ------------------------------------------------------------ screening scale (first pass)

        /// <summary>
        /// Inner products and Euclidean distance need the whole input before the first screening row: the power-of-two
        /// scale (from the largest |element|, after centring on the base mean for Euclidean), the base mean, and a bound
        /// on the norms of the base's screening rows. One pass over each file, which also refuses NaN/±∞ (cosine screening
        /// rows depend only on their own row, and its blocks are checked as they are first read).
        /// </summary>
        private void PrePass(Block buffer)
        {
            if (_metric == KnnMetric.Cosine)
                return;
            double maxAbs = 0, maxSq = 0;
            double[]? sum = null, min = null, max = null;
            if (_metric == KnnMetric.Euclidean)
            {
                sum = new double[_d];
                min = new double[_d];
                max = new double[_d];
                Array.Fill(min, double.PositiveInfinity);
                Array.Fill(max, double.NegativeInfinity);
            }
            var sources = _queries is null ? new[] { (Source: _data, IsBase: true) } : new[] { (Source: _queries, IsBase: false), (Source: _data, IsBase: true) };
            foreach (var (source, isBase) in sources)
            {
                for (long r0 = 0; r0 < source.Rows; r0 += _blockRows)
                {
                    _ct.ThrowIfCancellationRequested();
                    int count = (int)Math.Min(_blockRows, source.Rows - r0);
                    buffer.Read(source, (int)r0, count, checkFinite: true);
                    if (_metric == KnnMetric.InnerProduct)
                    {
                        var gate = new object();
                        Parallel.For(0, count, _parallel, () => (Abs: 0.0, Sq: 0.0), (p, _, acc) =>
                            (Math.Max(acc.Abs, buffer.Host.MaxAbs(p)), isBase ? Math.Max(acc.Sq, buffer.Host.SquaredNorm(p)) : 0.0),
                            acc => { lock (gate) { maxAbs = Math.Max(maxAbs, acc.Abs); maxSq = Math.Max(maxSq, acc.Sq); } });
                    }
                    else
                    {
                        buffer.ColumnStats(count, isBase ? sum : null, min!, max!);
                    }
                }
            }
            if (_metric == KnnMetric.Euclidean)
            {
                _mean = new double[_d];
                for (int t = 0; t < _d; t++)
                {
                    _mean[t] = sum![t] / _n;
                    // Subtraction is monotone, so the largest |x − mean| of a column is at its minimum or maximum.
                    maxAbs = Math.Max(maxAbs, Math.Max(Math.Abs(max![t] - _mean[t]), Math.Abs(min![t] - _mean[t])));
                }
            }
            _scale = maxAbs > 0 ? Math.ScaleB(1.0, -Math.ILogB(maxAbs)) : 1.0;
            _scale2 = _scale * _scale;
            // ‖fl32(x·s)‖ ≤ s‖x‖(1 + 2⁻²⁴) and the float64 norm is within (d + 2)·2⁻⁵³ of ‖x‖: 2⁻²⁰ covers both (d < 2²⁹);
            // float32 underflow is covered by the absolute slack of the bound.
            _baseScreenMaxNorm = Math.Sqrt(maxSq) * _scale * (1 + Math.ScaleB(1.0, -20));
        }

        // ------------------------------------------------------------ buffers

        /// <summary>Candidate heaps (native memory) of <c>rows</c> rows.</summary>
        private sealed class Heaps : IDisposable
        {
            public float* Values;
            public int* Indices;
            public int* Counts;
            public float* Thresholds;
            public readonly int Capacity;
            private readonly int _rows;

            public Heaps(int rows, int capacity, bool withThresholds)
            {
                _rows = rows;
                Capacity = capacity;
                long slots = (long)rows * capacity;
                Values = (float*)NativeMemory.Alloc((nuint)Math.Max(1, slots), sizeof(float));
                Indices = (int*)NativeMemory.Alloc((nuint)Math.Max(1, slots), sizeof(int));
                Counts = (int*)NativeMemory.AllocZeroed((nuint)Math.Max(1, rows), sizeof(int));
                if (withThresholds)
                {
                    Thresholds = (float*)NativeMemory.Alloc((nuint)Math.Max(1, rows), sizeof(float));
                    new Span<float>(Thresholds, rows).Fill(float.NegativeInfinity);
                }
            }

            public HeapState State(float alpha, float* beta) => new(Values, Indices, Counts, Thresholds, Capacity, alpha, beta);

            public void Reset(int rows) => new Span<int>(Counts, Math.Min(rows, _rows)).Clear();

            public void Dispose()
            {
                NativeMemory.Free(Values);
                NativeMemory.Free(Indices);
                NativeMemory.Free(Counts);
                NativeMemory.Free(Thresholds);
                Values = null;
                Indices = null;
                Counts = null;
                Thresholds = null;
            }
        }

        /// <summary>The float32 score tile of a block pair, produced in column chunks that stay in cache.</summary>
        private sealed class Tile : IDisposable
        {
            private readonly Streamed _s;
            private readonly Tensor _buffer;
            private readonly float* _ptr;

            public Tile(Streamed s)
            {
                _s = s;
                long b = s._blockRows;
                _buffer = empty([Floats(b)], ScalarType.Float32, device: CPU);
                fixed (byte* p = _buffer.bytes)
                    _ptr = (float*)p;
            }

            /// <summary>Rows per product: the row groups of a block (1,024, the in-memory search's largest block).</summary>
            public const int GroupRows = 1024;

            /// <summary>Floats of the buffer: a group's rows × a chunk's columns ≤ min(b², 2²¹), as in <see cref="StreamingKnn.EstimatePeakBytes"/>.</summary>
            public static long Floats(long blockRows) => Math.Min(blockRows * blockRows, 1L << 21);

            /// <summary>
            /// For each row group of <paramref name="a"/> (at most <see cref="GroupRows"/> rows, as the in-memory search's
            /// blocks) and each chunk of columns of <paramref name="c"/>: the product of the group's screening rows with the
            /// chunk's (split by columns over the workers), then <paramref name="consume"/> on the row-major [rows, width]
            /// scores. When <paramref name="c"/> is <paramref name="a"/> (a diagonal block), a group starting at row s0
            /// gets only the columns ≥ s0, as in the in-memory symmetric search (the column pass covers the rest).
            /// </summary>
            public void Scan(Block a, Block c, ChunkConsumer consume)
            {
                bool diagonal = ReferenceEquals(a, c);
                using var scope = NewDisposeScope();
                for (int s0 = 0; s0 < a.Count; s0 += GroupRows)
                {
                    int rows = Math.Min(GroupRows, a.Count - s0), first = diagonal ? s0 : 0, cols = c.Count - first;
                    int chunk = Math.Min(cols, (int)Math.Clamp(((2L << 20) / rows) & ~31L, 256, Math.Max(256, cols)));
                    using var inner = NewDisposeScope();
                    var left = a.Screen.narrow(0, s0, rows);
                    for (int cc = first; cc < c.Count; cc += chunk)
                    {
                        _s._ct.ThrowIfCancellationRequested();
                        int width = Math.Min(chunk, c.Count - cc);
                        using (var product = NewDisposeScope())
                            ProductByColumns(_buffer.narrow(0, 0, (long)rows * width).view(rows, width), left, c.Screen, cc,
                                _s._parallel, _s._threads, _s._callerThreads, minPartColumns: 64);
                        consume(_ptr, s0, rows, c.Start + cc, width);
                    }
                }
            }

            public void Dispose() => _buffer.Dispose();
        }

        /// <summary>Consumes a chunk of scores: row-major [rows, width] for the block's rows [s0, s0 + rows), columns from global index c0.</summary>
        private delegate void ChunkConsumer(float* scores, int s0, int rows, int c0, int width);

        /// <summary>
        /// A block of rows in memory: the values as read (float32, or float64 with <c>float64</c>), their float32 screening
        /// rows, and per row the exact norm (cosine) or the squared norm of the screening row (others), whether the row is
        /// zero (cosine, inner product) and −‖x̃‖² (Euclidean).
        /// </summary>
        private sealed class Block : IDisposable
        {
            private readonly Streamed _s;
            private readonly byte* _raw;
            private readonly float* _screen;
            private readonly Tensor _rawTensor;
            public readonly Tensor Screen;
            public readonly HostRows Host;
            public readonly double[] Info;
            public readonly bool[] Zero;
            public readonly float* Beta;
            public int Start, Count;
            private int[]? _ids;

            public Block(Streamed s)
            {
                _s = s;
                int b = s._blockRows, d = s._d;
                _rawTensor = empty([b, d], s._float64 ? ScalarType.Float64 : ScalarType.Float32, device: CPU);
                Screen = empty([b, d], ScalarType.Float32, device: CPU);
                fixed (byte* p = _rawTensor.bytes)
                    _raw = p;
                fixed (byte* p = Screen.bytes)
                    _screen = (float*)p;
                Host = HostRows.Create(_rawTensor, asDouble: false);
                Info = new double[b];
                Zero = new bool[b];
                Beta = (float*)NativeMemory.Alloc((nuint)b, sizeof(float));
            }

            /// <summary>Global index of row p.</summary>
            public int Id(int p) => _ids is null ? Start + p : _ids[p];

            /// <summary>Reads rows [start, start + count) and builds their screening rows.</summary>
            public void Load(NpyRowSource source, int start, int count, bool checkFinite)
            {
                Read(source, start, count, checkFinite);
                Prepare();
            }

            /// <summary>Reads the listed rows (already checked) and builds their screening rows.</summary>
            public void Load(NpyRowSource source, int[] ids)
            {
                int d = _s._d;
                for (int p = 0; p < ids.Length; p++)
                {
                    if (_s._float64)
                        source.ReadRows(ids[p], 1, new Span<double>((double*)_raw + (long)p * d, d));
                    else
                        source.ReadRows(ids[p], 1, new Span<float>((float*)_raw + (long)p * d, d));
                }
                Start = 0;
                Count = ids.Length;
                _ids = ids;
                Prepare();
            }

            /// <summary>Reads rows [start, start + count) as they are (no screening rows); refuses NaN/±∞ if asked.</summary>
            public void Read(NpyRowSource source, int start, int count, bool checkFinite)
            {
                long elements = (long)count * _s._d;
                if (_s._float64)
                    source.ReadRows(start, count, new Span<double>(_raw, checked((int)elements)));
                else
                    source.ReadRows(start, count, new Span<float>(_raw, checked((int)elements)));
                Start = start;
                Count = count;
                _ids = null;
                if (!checkFinite)
                    return;
                int firstBad = int.MaxValue;
                Parallel.For(0, count, _s._parallel, p =>
                {
                    if (!(_s._float64 ? AllFinite((double*)_raw + (long)p * _s._d, _s._d) : AllFinite((float*)_raw + (long)p * _s._d, _s._d)))
                    {
                        int seen;
                        while (p < (seen = Volatile.Read(ref firstBad)) && Interlocked.CompareExchange(ref firstBad, p, seen) != seen)
                        {
                        }
                    }
                });
                if (firstBad != int.MaxValue)
                    throw new RankwiseInputException(source.Path, $"contains NaN or infinite values (row {(long)start + firstBad})");
            }

            /// <summary>Per-row screening rows and norms, from the values read.</summary>
            private void Prepare()
            {
                int d = _s._d;
                var metric = _s._metric;
                double scale = _s._scale;
                double[]? mean = _s._mean;
                Parallel.For(0, Count, _s._parallel, p =>
                {
                    float* dst = _screen + (long)p * d;
                    double norm = metric == KnnMetric.Cosine ? Math.Sqrt(Host.SquaredNorm(p)) : 0.0;
                    double sq = _s._float64
                        ? ScreenRow((double*)_raw + (long)p * d, dst, d, metric, scale, mean, norm)
                        : ScreenRow((float*)_raw + (long)p * d, dst, d, metric, scale, mean, norm);
                    switch (metric)
                    {
                        case KnnMetric.Cosine:
                            Info[p] = norm;
                            Zero[p] = norm == 0;
                            break;
                        case KnnMetric.InnerProduct:
                            Info[p] = sq;
                            Zero[p] = Host.MaxAbs(p) == 0;
                            break;
                        default:
                            Info[p] = sq;
                            Zero[p] = false;
                            Beta[p] = -(float)sq;
                            break;
                    }
                });
            }

            /// <summary>Copies the per-row values to arrays indexed by global row.</summary>
            public void CopyTo(double[] info, bool[] zero, float* beta)
            {
                Array.Copy(Info, 0, info, Start, Count);
                Array.Copy(Zero, 0, zero, Start, Count);
                if (beta is not null)
                    new ReadOnlySpan<float>(Beta, Count).CopyTo(new Span<float>(beta + Start, Count));
            }

            /// <summary>Adds the block's column sums to <paramref name="sum"/> (if given) and updates column minima and maxima.</summary>
            public void ColumnStats(int count, double[]? sum, double[] min, double[] max)
            {
                int d = _s._d, parts = Math.Clamp(d / 64, 1, 4 * _s._threads);
                Parallel.For(0, parts, _s._parallel, part =>
                {
                    int t0 = (int)((long)d * part / parts), t1 = (int)((long)d * (part + 1) / parts);
                    for (int p = 0; p < count; p++)
                    {
                        for (int t = t0; t < t1; t++)
                        {
                            double x = _s._float64 ? ((double*)_raw)[(long)p * d + t] : ((float*)_raw)[(long)p * d + t];
                            if (sum is not null)
                                sum[t] += x;
                            if (x < min[t])
                                min[t] = x;
                            if (x > max[t])
                                max[t] = x;
                        }
                    }
                });
            }

            public void Dispose()
            {
                _rawTensor.Dispose();
                Screen.Dispose();
                NativeMemory.Free(Beta);
            }
        }

        private static bool AllFinite<T>(T* x, int d) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int t = 0; t < d; t++)
                if (!T.IsFinite(x[t]))
                    return false;
            return true;
        }

        /// <summary>
        /// Screening row of one input row, as the in-memory search builds it: x/‖x‖ (cosine; zero rows stay zero), fl32(x·s)
        /// (inner product) or fl32((x − mean)·s) (Euclidean), computed in float64 and rounded once. Returns the float64
        /// squared norm of the float32 row (0 for cosine).
        /// </summary>
        private static double ScreenRow<T>(T* x, float* dst, int d, KnnMetric metric, double scale, double[]? mean, double norm)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double sq = 0;
            switch (metric)
            {
                case KnnMetric.Cosine:
                {
                    double divisor = norm == 0 ? 1.0 : norm;
                    for (int t = 0; t < d; t++)
                        dst[t] = (float)(double.CreateTruncating(x[t]) / divisor);
                    return 0;
                }
                case KnnMetric.InnerProduct:
                    for (int t = 0; t < d; t++)
                    {
                        float v = (float)(double.CreateTruncating(x[t]) * scale);
                        dst[t] = v;
                        sq += (double)v * v;
                    }
                    return sq;
                default:
                    for (int t = 0; t < d; t++)
                    {
                        float v = (float)((double.CreateTruncating(x[t]) - mean![t]) * scale);
                        dst[t] = v;
                        sq += (double)v * v;
                    }
                    return sq;
            }
        }
    }
}
