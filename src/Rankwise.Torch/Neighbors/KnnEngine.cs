using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// The blocked exact k-NN search behind <see cref="ExactKnn"/>: float32 screening scores by blocked matrix products on
/// the input's device, a per-row float32 candidate selection, exact float64 re-ranking of the candidates on the host,
/// and a float32 error bound that proves the candidate set contains the exact k nearest (else it is widened).
/// </summary>
internal sealed unsafe partial class KnnEngine
{
    /// <summary>Unit roundoff of float32, 2⁻²⁴.</summary>
    private const double U32 = 5.9604644775390625e-8;

    /// <summary>2⁻⁵², twice the unit roundoff of float64.</summary>
    private const double Eps64 = 2.220446049250313e-16;

    private readonly KnnMetric _metric;
    private readonly int _k, _m, _n, _d, _margin;
    private readonly bool _exclude;
    private readonly HostRows _q, _b;
    private readonly double _gamma, _delta, _absoluteSlack;
    private double _scale2;
    private float[]? _beta;
    private int _callerThreads = 1;
    private readonly double[]? _qNorm, _bNorm, _qScreenNormSq;
    private double _baseScreenMaxNorm;
    private readonly int[] _outIdx;
    private readonly double[] _outScore;
    private readonly int _threads;
    private int _widened;

    private KnnEngine(KnnMetric metric, int k, HostRows q, HostRows b, bool exclude, int margin, int threads, double inputRounding)
    {
        _metric = metric;
        _k = k;
        _q = q;
        _b = b;
        _m = q.Rows;
        _n = b.Rows;
        _d = q.Cols;
        _exclude = exclude;
        _margin = margin;
        _threads = threads;
        _outIdx = new int[(long)_m * k];
        _outScore = new double[_outIdx.Length];
        // γ' bounds the float32 screening error relative to the scale of the scores: the inner product over d (+1 for
        // the augmented Euclidean column) terms in any summation order (γ_d), the rounding of the inputs to float32, of
        // the normalisation or centring, and of the final combination — generously rounded up — plus, when the
        // device's float32 products round their inputs to fewer bits (TF32, bfloat16), twice that rounding.
        (_gamma, _delta, _absoluteSlack) = ErrorTerms(_d, inputRounding);
        _scale2 = 1.0;
        if (metric == KnnMetric.Cosine)
        {
            _qNorm = Norms(q, threads);
            _bNorm = ReferenceEquals(q, b) ? _qNorm : Norms(b, threads);
        }
        else
        {
            _qScreenNormSq = new double[_m];
        }
    }

    /// <summary>
    /// The error terms of the proof for rows of width <paramref name="d"/>: γ' (float32 screening error relative to the
    /// scale of the scores), δ (rounding of the exact float64 scores relative to their scale) and the absolute slack
    /// that covers float32 underflow.
    /// </summary>
    internal static (double Gamma, double Delta, double AbsoluteSlack) ErrorTerms(int d, double inputRounding) =>
        (((d + 32) * U32 + 2.02 * inputRounding) * 1.01, (d + 32) * Eps64, (d + 2) * Math.ScaleB(1.0, -140));

    /// <summary>Runs the search. <paramref name="queries"/> is null for a self-query of <paramref name="data"/>.</summary>
    public static KnnResult Run(Tensor? queries, Tensor data, int k, bool includeSelf, KnnMetric metric,
        KnnOptions options, CancellationToken cancellationToken)
    {
        bool self = queries is null;
        Validate(queries, data, k, includeSelf, metric, options);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool asDouble = !self && (queries!.dtype == ScalarType.Float64) != (data.dtype == ScalarType.Float64);
        var b = HostRows.Create(data, asDouble);
        var q = self ? b : HostRows.Create(queries!, asDouble);
        int threads = options.Threads ?? Math.Max(1, get_num_threads());
        double rounding = ProductInputRounding(data.device);
        var engine = new KnnEngine(metric, k, q, b, self && !includeSelf, Math.Max(0, options.CandidateMargin), threads, rounding);
        engine.Search(queries, data, options, cancellationToken);
        return new KnnResult(engine._outIdx, engine._outScore, engine._m, engine._n, k, metric, self,
            self && includeSelf, engine._widened, validate: false);
    }

    private static void Validate(Tensor? queries, Tensor data, int k, bool includeSelf, KnnMetric metric, KnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown KnnMetric");
        if (!Enum.IsDefined(options.Selection))
            throw new ArgumentOutOfRangeException(nameof(options), options.Selection, "unknown CandidateSelection");
        if (options.BlockRows is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.BlockRows, "k-NN: BlockRows must be at least 1");
        if (options.BlockBudgetBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.BlockBudgetBytes, "k-NN: BlockBudgetBytes must be positive");
        if (options.ChunkColumns is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkColumns, "k-NN: ChunkColumns must be at least 1");
        if (options.Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "k-NN: Threads must be at least 1");
        CheckMatrix(data, nameof(data));
        long n = data.shape[0];
        if (queries is not null)
        {
            CheckMatrix(queries, nameof(queries));
            if (queries.shape[1] != data.shape[1])
                throw new ArgumentException($"k-NN: queries have {queries.shape[1]} columns but data have {data.shape[1]}", nameof(queries));
            if (queries.device.type != data.device.type || queries.device.index != data.device.index)
                throw new ArgumentException($"k-NN: queries and data must be on the same device, got {queries.device} and {data.device}", nameof(queries));
        }
        long available = queries is null && !includeSelf ? n - 1 : n;
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k-NN: k must be at least 1");
        if (k > available)
            throw new ArgumentOutOfRangeException(nameof(k), k,
                $"k-NN: k = {k} exceeds the {available} available neighbours ({n} rows{(queries is null && !includeSelf ? ", self excluded" : "")})");
        long m = queries?.shape[0] ?? n;
        if (m * k > Array.MaxLength)
            throw new ArgumentException($"k-NN: {m} queries × k = {k} neighbours exceed the largest array", nameof(k));
        if (!AllFinite(data))
            throw new ArgumentException("k-NN: data contain NaN or infinite values", nameof(data));
        if (queries is not null && !AllFinite(queries))
            throw new ArgumentException("k-NN: queries contain NaN or infinite values", nameof(queries));
    }

    /// <summary>
    /// Probes how the device's float32 matrix product rounds its inputs: 0 for true float32 products, else the unit
    /// roundoff of the reduced input format (2⁻¹¹ for TF32, as CUDA uses when TF32 is allowed; 2⁻⁸ for bfloat16; 2⁻⁴
    /// otherwise). A 16 × 32 by 32 × 16 product with one entry 1 + 2⁻ᵖ tells whether p mantissa bits survive.
    /// </summary>
    internal static double ProductInputRounding(Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var b = ones([32, 16], ScalarType.Float32, device: device);
        foreach (var (bits, rounding) in new[] { (22, 0.0), (10, Math.ScaleB(1.0, -11)), (7, Math.ScaleB(1.0, -8)) })
        {
            float value = 1f + MathF.ScaleB(1f, -bits);
            var a = zeros([16, 32], ScalarType.Float32, device: device);
            a[0, 0] = tensor(value, device: device);
            if (a.mm(b)[0, 0].item<float>() == value)
                return rounding;
        }
        return Math.ScaleB(1.0, -4);
    }

    /// <summary>True when every element is finite (one device synchronisation; no tensor outlives the call).</summary>
    internal static bool AllFinite(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.isfinite().all().item<bool>();
    }

    private static void CheckMatrix(Tensor t, string name)
    {
        if (t.ndim != 2)
            throw new ArgumentException($"k-NN: {name} must be a 2-D tensor [rows, features], got shape [{string.Join(", ", t.shape)}]", name);
        if (!t.is_floating_point())
            throw new ArgumentException($"k-NN: {name} must be a floating-point tensor, got {t.dtype}", name);
        if (t.shape[0] < 1 || t.shape[1] < 1)
            throw new ArgumentException($"k-NN: {name} is empty (shape [{string.Join(", ", t.shape)}])", name);
        if (t.shape[0] > int.MaxValue || t.shape[1] > int.MaxValue - 1)
            throw new ArgumentException($"k-NN: {name} is too large (shape [{string.Join(", ", t.shape)}])", name);
    }

    private static double[] Norms(HostRows rows, int threads)
    {
        var norms = new double[rows.Rows];
        Parallel.For(0, rows.Rows, new ParallelOptions { MaxDegreeOfParallelism = threads },
            i => norms[i] = Math.Sqrt(rows.SquaredNorm(i)));
        return norms;
    }

    /// <summary>Rows per chunk so that a float64 chunk of the data stays near 64 MiB.</summary>
    private int ChunkRows(long rows) => (int)Math.Clamp((64L << 20) / (8L * _d), 1, Math.Max(1, rows));

    private void Search(Tensor? queries, Tensor data, KnnOptions options, CancellationToken ct)
    {
        bool managed = options.Selection == CandidateSelection.Auto && data.device.type == DeviceType.CPU;
        bool symmetric = managed && queries is null;
        var (qs, bs) = BuildScreening(queries, data, symmetric);
        int block = options.BlockRows
            ?? (symmetric ? Math.Clamp(_n / 16, 256, 1024) : (int)Math.Clamp(options.BlockBudgetBytes / (4L * _n), 1, 4096));
        block = Math.Min(block, _m);
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = ct };
        if (managed)
        {
            // On CPU the products are split over .NET workers, each running a single-threaded product, and the same
            // workers scan the scores: no hand-offs between libtorch's OpenMP pool (whose threads busy-wait between
            // parallel regions) and .NET's, which costs much time on a shared machine.
            _callerThreads = get_num_threads();
            try
            {
                if (symmetric)
                    SymmetricSearch(bs, block, options.ChunkColumns, parallelOptions, options.Progress, ct);
                else
                    ManagedSearch(qs, bs, block, parallelOptions, options.Progress, ct);
            }
            finally
            {
                // Workers restore their own count; this also leaves libtorch's global default at the caller's value.
                set_num_threads(_callerThreads);
            }
            return;
        }
        using var buffer = empty([block, _n], ScalarType.Float32, device: data.device);
        using var bsT = bs.t();
        for (int r0 = 0; r0 < _m; r0 += block)
        {
            ct.ThrowIfCancellationRequested();
            int rows = Math.Min(block, _m - r0);
            using (var scope = NewDisposeScope())
            {
                var s = buffer.narrow(0, 0, rows);
                s.addmm_(qs.narrow(0, r0, rows), bsT, beta: 0, alpha: 1);
                TorchBlock(s, r0, rows, parallelOptions);
            }
            options.Progress?.Report((double)(r0 + rows) / _m);
        }
    }

    /// <summary>
    /// dst [rows, w] = a [rows, d] · b[c0 : c0 + w]ᵀ with the columns split over the .NET workers, each running a
    /// single-threaded product into its own column range of dst (so each packs only its share of b).
    /// </summary>
    private void ProductByColumns(Tensor dst, Tensor a, Tensor b, int c0, ParallelOptions parallel) =>
        ProductByColumns(dst, a, b, c0, parallel, _threads, _callerThreads);

    /// <summary>
    /// <see cref="ProductByColumns(Tensor, Tensor, Tensor, int, ParallelOptions)"/> for a given worker count; workers set
    /// libtorch back to <paramref name="callerThreads"/> after their product. Each worker gets at least
    /// <paramref name="minPartColumns"/> columns (one worker for narrower products).
    /// </summary>
    internal static void ProductByColumns(Tensor dst, Tensor a, Tensor b, int c0, ParallelOptions parallel, int threads, int callerThreads,
        int minPartColumns = 256)
    {
        int width = (int)dst.shape[1];
        int parts = Math.Clamp(width / minPartColumns, 1, threads);
        Parallel.For(0, parts, parallel, p =>
        {
            int w0 = (int)((long)width * p / parts), w1 = (int)((long)width * (p + 1) / parts);
            // libtorch's thread count is per thread (OpenMP/MKL): run this worker's product single-threaded, then give
            // the worker the caller's count back.
            set_num_threads(1);
            try
            {
                using var scope = NewDisposeScope();
                dst.narrow(1, w0, w1 - w0).addmm_(a, b.narrow(0, c0 + w0, w1 - w0).t(), beta: 0, alpha: 1);
            }
            finally
            {
                set_num_threads(callerThreads);
            }
        });
    }

    /// <summary>
    /// CPU search of queries against a base: per block, the float32 scores [rows, n] (product split by columns over the
    /// workers), then each row's candidates are selected, re-ranked and (if needed) widened from its own scores.
    /// </summary>
    private void ManagedSearch(Tensor qs, Tensor bs, int block, ParallelOptions parallel, IProgress<double>? progress, CancellationToken ct)
    {
        using var buffer = empty([block, _n], ScalarType.Float32, device: bs.device);
        float* bufferBase = DataPointer(buffer);
        for (int r0 = 0; r0 < _m; r0 += block)
        {
            ct.ThrowIfCancellationRequested();
            int rows = Math.Min(block, _m - r0);
            int start = r0;
            using (var scope = NewDisposeScope())
                ProductByColumns(buffer.narrow(0, 0, rows), qs.narrow(0, r0, rows), bs, 0, parallel);
            int widened = 0;
            Parallel.For(0, rows, parallel, () => new Scratch(), (i, _, sc) =>
            {
                if (!ScanAndFinish(start + i, bufferBase + (long)i * _n, Math.Min(_k + _margin, Available), 1f, null, sc))
                    Interlocked.Increment(ref widened);
                return sc;
            }, _ => { });
            _widened += widened;
            progress?.Report((double)(r0 + rows) / _m);
        }
    }

    /// <summary>
    /// Builds the float32 screening matrices on the data's device, such that a larger (query row)·(base row) value means
    /// nearer: unit rows for cosine; power-of-two-scaled rows for inner products; for Euclidean distance, rows centred on
    /// the base mean and scaled, augmented as [q̃, 1] and [2b̃, −‖b̃‖²] so the product is 2q̃·b̃ − ‖b̃‖² = ‖q̃‖² − ‖q̃ − b̃‖².
    /// Conversions run in float64 chunks to bound the temporary memory.
    /// </summary>
    private (Tensor Queries, Tensor Base) BuildScreening(Tensor? queries, Tensor data, bool symmetric)
    {
        bool self = queries is null;
        var device = data.device;
        if (_metric == KnnMetric.Cosine)
        {
            var bs = UnitRows(data);
            return (self ? bs : UnitRows(queries!), bs);
        }

        Tensor? mean = null;
        if (_metric == KnnMetric.Euclidean)
        {
            var sum = zeros([_d], ScalarType.Float64, device);
            int step = ChunkRows(_n);
            for (long r0 = 0; r0 < _n; r0 += step)
            {
                using var part = data.narrow(0, r0, Math.Min(step, _n - r0)).to_type(ScalarType.Float64).sum([0L]);   // column sums (sum(0) would bind to the ScalarType overload)
                sum.add_(part);
            }
            mean = sum / (double)_n;
        }
        double maxAbs = MaxAbsShifted(data, mean);
        if (!self)
            maxAbs = Math.Max(maxAbs, MaxAbsShifted(queries!, mean));
        double scale = maxAbs > 0 ? Math.ScaleB(1.0, -Math.ILogB(maxAbs)) : 1.0;
        _scale2 = scale * scale;

        if (_metric == KnnMetric.InnerProduct)
        {
            var bNormSq = new double[_n];
            var bs = ScaledRows(data, null, scale, bNormSq);
            _baseScreenMaxNorm = Math.Sqrt(bNormSq.Max());
            if (self)
            {
                Array.Copy(bNormSq, _qScreenNormSq!, _n);
                return (bs, bs);
            }
            var qs = ScaledRows(queries!, null, scale, _qScreenNormSq!);
            return (qs, bs);
        }

        // Euclidean
        if (symmetric)
        {
            var xs = ScaledRows(data, mean, scale, _qScreenNormSq!);
            _beta = new float[_n];
            for (int j = 0; j < _n; j++)
                _beta[j] = -(float)_qScreenNormSq![j];
            return (xs, xs);
        }
        var baseAug = empty([_n, _d + 1], ScalarType.Float32, device: device);
        var queryAug = self ? empty([_n, _d + 1], ScalarType.Float32, device: device) : null;
        FillAugmented(data, mean!, scale, baseAug, queryAug, self ? _qScreenNormSq : null);
        if (self)
            return (queryAug!, baseAug);
        queryAug = empty([_m, _d + 1], ScalarType.Float32, device: device);
        FillAugmented(queries!, mean!, scale, null, queryAug, _qScreenNormSq);
        return (queryAug, baseAug);
    }

    private Tensor UnitRows(Tensor x)
    {
        long rows = x.shape[0];
        var dst = empty([rows, _d], ScalarType.Float32, device: x.device);
        int step = ChunkRows(rows);
        for (long r0 = 0; r0 < rows; r0 += step)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(step, rows - r0);
            var c = x.narrow(0, r0, count).to_type(ScalarType.Float64);
            var norm = c.square().sum(1, keepdim: true).sqrt();
            norm = where(norm == 0, ones_like(norm), norm);
            dst.narrow(0, r0, count).copy_(c / norm);
        }
        return dst;
    }

    private double MaxAbsShifted(Tensor x, Tensor? mean)
    {
        long rows = x.shape[0];
        double max = 0;
        int step = ChunkRows(rows);
        for (long r0 = 0; r0 < rows; r0 += step)
        {
            using var scope = NewDisposeScope();
            var c = x.narrow(0, r0, Math.Min(step, rows - r0)).to_type(ScalarType.Float64);
            if (mean is not null)
                c = c - mean;
            max = Math.Max(max, c.abs().max().item<double>());
        }
        return max;
    }

    /// <summary>float32 copy of x·scale; fills the float64 squared norms of the float32 rows.</summary>
    private Tensor ScaledRows(Tensor x, Tensor? mean, double scale, double[] normSq)
    {
        long rows = x.shape[0];
        var dst = empty([rows, _d], ScalarType.Float32, device: x.device);
        int step = ChunkRows(rows);
        for (long r0 = 0; r0 < rows; r0 += step)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(step, rows - r0);
            var c = x.narrow(0, r0, count).to_type(ScalarType.Float64);
            if (mean is not null)
                c = c - mean;
            var c32 = (c * scale).to_type(ScalarType.Float32);
            dst.narrow(0, r0, count).copy_(c32);
            CopyToHost(c32.to_type(ScalarType.Float64).square().sum(1), normSq, (int)r0);
        }
        return dst;
    }

    private void FillAugmented(Tensor x, Tensor mean, double scale, Tensor? baseAug, Tensor? queryAug, double[]? queryNormSq)
    {
        long rows = x.shape[0];
        int step = ChunkRows(rows);
        for (long r0 = 0; r0 < rows; r0 += step)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(step, rows - r0);
            var c32 = ((x.narrow(0, r0, count).to_type(ScalarType.Float64) - mean) * scale).to_type(ScalarType.Float32);
            var normSq = c32.to_type(ScalarType.Float64).square().sum(1);
            if (baseAug is not null)
            {
                var dst = baseAug.narrow(0, r0, count);
                dst.narrow(1, 0, _d).copy_(c32 * 2f);
                dst.select(1, _d).copy_(-normSq);
            }
            if (queryAug is not null)
            {
                var dst = queryAug.narrow(0, r0, count);
                dst.narrow(1, 0, _d).copy_(c32);
                dst.select(1, _d).fill_(1f);
                CopyToHost(normSq, queryNormSq!, (int)r0);
            }
        }
    }

    private static void CopyToHost(Tensor values, double[] destination, int offset)
    {
        var host = values.to_type(ScalarType.Float64).cpu().contiguous();
        host.data<double>().CopyTo(destination.AsSpan(offset, (int)host.numel()), 0, 0);
    }

    // ---------------------------------------------------------------- candidate selection

    private sealed class Scratch
    {
        public float[] Values = new float[64];
        public int[] Ids = new int[64];
        public Candidate[] Candidates = new Candidate[64];
        public KeyedCandidate[] Keyed = new KeyedCandidate[64];

        public void ReserveRanking(int count)
        {
            if (Candidates.Length < count)
            {
                int size = Math.Max(count, Candidates.Length * 2);
                Candidates = new Candidate[size];
                Keyed = new KeyedCandidate[size];
            }
        }

        public void Reserve(int capacity)
        {
            if (Values.Length < capacity)
            {
                int size = Math.Max(capacity, Values.Length * 2);
                Values = new float[size];
                Ids = new int[size];
            }
        }
    }

    /// <summary>A candidate with its float32 screening key; sorts largest key first.</summary>
    private struct KeyedCandidate : IComparable<KeyedCandidate>
    {
        public float Key;
        public int Index;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int CompareTo(KeyedCandidate other) => Key > other.Key ? -1 : Key < other.Key ? 1 : 0;
    }

    /// <summary>A candidate with its exact score (larger is nearer); sorts nearest first, then by index.</summary>
    private struct Candidate : IComparable<Candidate>
    {
        public double Score;
        public int Index;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int CompareTo(Candidate other) =>
            Score > other.Score ? -1 : Score < other.Score ? 1 : Index.CompareTo(other.Index);
    }

    private int Available => _exclude ? _n - 1 : _n;

    /// <summary>
    /// Selects row q's candidates from its full row of screening scores (key α·g + β_j), re-ranks them and widens the
    /// candidate count until the result is proven. Returns false if widening was needed.
    /// </summary>
    private bool ScanAndFinish(int q, float* row, int capacity, float alpha, float* beta, Scratch sc)
    {
        bool first = true;
        while (true)
        {
            sc.Reserve(capacity);
            int count = 0;
            fixed (float* v = sc.Values)
            fixed (int* ix = sc.Ids)
            {
                if (_exclude)
                {
                    CandidateHeap.ScanRow(v, ix, ref count, capacity, row, 0, q, alpha, beta);
                    CandidateHeap.ScanRow(v, ix, ref count, capacity, row, q + 1, _n, alpha, beta);
                }
                else
                {
                    CandidateHeap.ScanRow(v, ix, ref count, capacity, row, 0, _n, alpha, beta);
                }
                if (FinishRow(q, new ReadOnlySpan<int>(ix, count), new ReadOnlySpan<float>(v, count), v[0], capacity >= Available, sc))
                    return first;
            }
            first = false;
            capacity = Math.Min(2 * capacity, Available);
        }
    }

    /// <summary>Address of a contiguous CPU tensor's first element (valid while the tensor is alive).</summary>
    private static float* DataPointer(Tensor t)
    {
        fixed (byte* p = t.bytes)
            return (float*)p;
    }

    private void TorchBlock(Tensor scores, int r0, int rows, ParallelOptions parallel)
    {
        if (_exclude)
            scores.diagonal(r0, 0, 1).fill_(float.NegativeInfinity);
        int c = Math.Min(_k + _margin, Available);
        int[] pending = Enumerable.Range(0, rows).ToArray();
        bool first = true;
        while (pending.Length > 0)
        {
            using var scope = NewDisposeScope();
            var sub = pending.Length == rows ? scores : scores.index_select(0, tensor(pending, dtype: ScalarType.Int64, device: scores.device));
            // With the self column at −∞, the top Available columns of a row are all the others.
            int take = Math.Min(c, _n);
            var (values, indices) = sub.topk(take, 1, largest: true, sorted: false);
            float[] vals = values.cpu().data<float>().ToArray();
            long[] ids = indices.cpu().data<long>().ToArray();
            bool complete = c >= Available;
            var failed = new bool[pending.Length];
            var current = pending;
            Parallel.For(0, current.Length, parallel, () => new Scratch(), (p, _, sc) =>
            {
                int q = r0 + current[p];
                sc.Reserve(take);
                float boundary = float.PositiveInfinity;
                int count = 0;
                for (int t = 0; t < take; t++)
                {
                    int j = (int)ids[(long)p * take + t];
                    if (_exclude && j == q)
                        continue;
                    float key = vals[(long)p * take + t];
                    sc.Ids[count] = j;
                    sc.Values[count++] = key;
                    boundary = Math.Min(boundary, key);
                }
                failed[p] = !FinishRow(q, sc.Ids.AsSpan(0, count), sc.Values.AsSpan(0, count), boundary, complete, sc);
                return sc;
            }, _ => { });
            var next = new List<int>();
            for (int p = 0; p < current.Length; p++)
                if (failed[p])
                    next.Add(current[p]);
            if (first)
            {
                _widened += next.Count;
                first = false;
            }
            pending = [.. next];
            c = Math.Min(2 * c, Available);
        }
    }

    // ---------------------------------------------------------------- exact re-ranking

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Exact(int q, int j)
    {
        switch (_metric)
        {
            case KnnMetric.Cosine:
                double nq = _qNorm![q], nb = _bNorm![j];
                return nq == 0 || nb == 0 ? 0.0 : _q.Dot(q, _b, j) / (nq * nb);
            case KnnMetric.InnerProduct:
                return _q.Dot(q, _b, j);
            default:
                return -_q.SquaredDistance(q, _b, j);
        }
    }

    /// <summary>
    /// Re-ranks row q's float32 candidates exactly. Candidates are scored in decreasing float32 key order and kept sorted
    /// by (exact score desc, index asc); scoring stops as soon as the exact k-th score is provably better than every
    /// unscored row (the next candidate's key, or the boundary key of the excluded rows, plus the error bound). Unless
    /// the candidate set is complete, running out of candidates without that proof returns false (widen). Otherwise the
    /// row is written and true returned. Typically only k + 1 rows are scored.
    /// </summary>
    private bool FinishRow(int q, ReadOnlySpan<int> candidates, ReadOnlySpan<float> keys, float boundary, bool complete, Scratch sc)
    {
        if (!complete && IsZeroQuery(q))
        {
            WriteZeroQuery(q);
            return true;
        }
        int count = candidates.Length;
        sc.ReserveRanking(count);
        var order = sc.Keyed.AsSpan(0, count);
        for (int t = 0; t < count; t++)
            order[t] = new KeyedCandidate { Key = keys[t], Index = candidates[t] };
        order.Sort();
        var ranked = sc.Candidates.AsSpan(0, count);
        int scored = 0;
        bool proven = false;
        for (int t = 0; t < count; t++)
        {
            int j = order[t].Index;
            var c = new Candidate { Score = Exact(q, j), Index = j };
            int pos = scored;
            while (pos > 0 && c.CompareTo(ranked[pos - 1]) < 0)
            {
                ranked[pos] = ranked[pos - 1];
                pos--;
            }
            ranked[pos] = c;
            scored++;
            if (scored < _k)
                continue;
            if (t + 1 == count)
            {
                proven = complete || Separated(q, ranked[_k - 1].Score, boundary);
                break;
            }
            if (Separated(q, ranked[_k - 1].Score, order[t + 1].Key))
            {
                proven = true;
                break;
            }
        }
        if (!proven)
            return false;
        long o = (long)q * _k;
        for (int t = 0; t < _k; t++)
        {
            _outIdx[o + t] = ranked[t].Index;
            _outScore[o + t] = _metric == KnnMetric.Euclidean ? Math.Sqrt(-ranked[t].Score) : ranked[t].Score;
        }
        return true;
    }

    /// <summary>
    /// True when no row outside the candidate set can be as near as the exact k-th score <paramref name="kth"/>, given
    /// that every such row's float32 screening score is at most <paramref name="boundary"/>.
    /// </summary>
    private bool Separated(int q, double kth, float boundary) =>
        Separated(_metric, kth, boundary, _qScreenNormSq is null ? 0.0 : _qScreenNormSq[q], _gamma, _delta, _absoluteSlack, _scale2, _baseScreenMaxNorm);

    /// <summary>
    /// The proof of <see cref="Separated(int, double, float)"/> for a query whose float32 screening row has squared norm
    /// <paramref name="queryScreenNormSq"/> (unused for cosine), with the error terms of <see cref="ErrorTerms"/>, the
    /// squared screening scale <paramref name="scale2"/> and a bound <paramref name="baseScreenMaxNorm"/> on the norms of
    /// the base's screening rows (inner products only).
    /// </summary>
    internal static bool Separated(KnnMetric metric, double kth, float boundary, double queryScreenNormSq,
        double gamma, double delta, double absoluteSlack, double scale2, double baseScreenMaxNorm)
    {
        switch (metric)
        {
            case KnnMetric.Cosine:
                // |screening − exact| ≤ γ' (unit rows); the exact float64 score is itself off by at most δ.
                return kth > boundary + gamma + 2 * delta;
            case KnnMetric.InnerProduct:
            {
                double scaleTerm = Math.Sqrt(queryScreenNormSq) * baseScreenMaxNorm;
                double t = kth * scale2;
                return t > boundary + gamma * scaleTerm + delta * (Math.Abs(t) + scaleTerm) + absoluteSlack;
            }
            default:
            {
                // Screening distance of the boundary: ‖q̃‖² − (2q̃·b̃ − ‖b̃‖²). A row j with exact D_j ≤ D has screening
                // distance ≤ D_j + γ'(‖Q‖ + ‖B_j‖)² ≤ D + γ'(2‖Q‖ + √D)², by ‖B_j‖ ≤ ‖Q‖ + √D_j.
                double sd = queryScreenNormSq - boundary;
                double dist = -kth * scale2;
                double r = 2 * Math.Sqrt(queryScreenNormSq) + Math.Sqrt(dist);
                return sd > dist + gamma * r * r + delta * (dist + r * r) + absoluteSlack;
            }
        }
    }

    /// <summary>A zero query under cosine or inner product scores 0 against every row: all rows tie.</summary>
    private bool IsZeroQuery(int q) => _metric switch
    {
        KnnMetric.Cosine => _qNorm![q] == 0,
        KnnMetric.InnerProduct => _q.MaxAbs(q) == 0,
        _ => false,
    };

    /// <summary>All rows tie at score 0: the k lowest indices (skipping the query itself when excluded).</summary>
    private void WriteZeroQuery(int q) => WriteZeroQuery(_outIdx, _outScore, q, _k, _exclude);

    /// <summary>
    /// Writes row <paramref name="q"/> of [·, k] results for a query that ties at score 0 with every row: the k lowest
    /// indices, skipping q itself when <paramref name="exclude"/>.
    /// </summary>
    internal static void WriteZeroQuery(int[] outIdx, double[] outScore, int q, int k, bool exclude)
    {
        long o = (long)q * k;
        int j = 0;
        for (int t = 0; t < k; t++, j++)
        {
            if (exclude && j == q)
                j++;
            outIdx[o + t] = j;
            outScore[o + t] = 0.0;
        }
    }
}
