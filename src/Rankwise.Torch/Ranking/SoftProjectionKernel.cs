namespace Rankwise.Torch.Ranking;

/// <summary>Which permutahedron projection a kernel call computes.</summary>
internal enum SoftOperation
{
    /// <summary>Soft rank: r(θ) = P(θ·scale, ρ) (l2) or exp(P_KL(θ·scale, log ρ)) (kl), ρ = (n, …, 1).</summary>
    Rank,

    /// <summary>Soft sort: s(θ) = sign · P(ρ/ε, sign·θ) with sign = −1 ascending, +1 descending.</summary>
    Sort,
}

/// <summary>Immutable options of one soft rank / soft sort call (passed through the autograd function).</summary>
internal sealed record SoftProjectionOptions(
    SoftOperation Operation, SoftRegularization Regularization, double RegularizationStrength, bool Descending);

/// <summary>
/// What the backward pass needs from the forward pass, for all rows (row-major, row r at offset r·n): the sorting
/// permutation, the isotonic block structure, and for kl the within-block softmax weights (and, for soft rank, the
/// outputs). O(n) per row.
/// </summary>
internal sealed class SoftProjectionState
{
    public SoftProjectionState(SoftProjectionOptions options, int rows, int n)
    {
        Options = options;
        Rows = rows;
        N = n;
        int size = checked(rows * n);
        // every entry that the backward pass reads is written by the forward pass first
        Permutation = GC.AllocateUninitializedArray<int>(size);
        BlockEnd = GC.AllocateUninitializedArray<int>(size);
        RowFinite = new bool[rows];
        if (options.Regularization == SoftRegularization.Kl)
        {
            Weights = GC.AllocateUninitializedArray<double>(size);
            if (options.Operation == SoftOperation.Rank)
            {
                Output = GC.AllocateUninitializedArray<double>(size);
            }
        }
    }

    public SoftProjectionOptions Options { get; }

    public int Rows { get; }

    public int N { get; }

    /// <summary>Permutation[r·n + k] = index (within row r) of the k-th largest transformed value.</summary>
    public int[] Permutation { get; }

    /// <summary>At each block start k (sorted coordinates): the exclusive end of that block.</summary>
    public int[] BlockEnd { get; }

    /// <summary>kl only: softmax of the sorted values within their block, sorted coordinates.</summary>
    public double[]? Weights { get; }

    /// <summary>kl soft rank only: the forward output (original coordinates), the factor of the chain rule through exp.</summary>
    public double[]? Output { get; }

    /// <summary>False for rows with a non-finite value: their output and gradient are NaN.</summary>
    public bool[] RowFinite { get; }
}

/// <summary>
/// The C# solver behind soft rank and soft sort: per row, sort (O(n log n)), one isotonic regression by
/// pool-adjacent-violators (O(n)), and an O(n) exact vector–Jacobian product from the block structure.
/// Rows run in parallel; each worker thread reuses one workspace, so nothing is allocated per element.
/// </summary>
internal static class SoftProjectionKernel
{
    /// <summary>
    /// Below this many elements the rows run on the calling thread. A row costs about 40 ns per element, so 65,536
    /// elements take ≈ 2.5 ms on one core; below that, waking pool threads and sharing the output's cache lines cost
    /// a large part of the gain, and on a busy machine (pool threads not scheduled promptly) parallel dispatch made
    /// [256, 100] forward + backward several times slower than the sequential loop (bench/side_by_side_softrank.py).
    /// </summary>
    private const long ParallelThreshold = 65_536;

    /// <summary>Computes the forward values of all rows of <paramref name="x"/> into <paramref name="output"/>.</summary>
    /// <param name="x">Input rows (rows × n).</param>
    /// <param name="output">Output rows (rows × n).</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="n">Row length.</param>
    /// <param name="options">Operation, regulariser, ε, direction.</param>
    /// <param name="state">Filled for the backward pass when not null.</param>
    public static void Forward(
        TensorRowReader x, TensorRowWriter output, int rows, int n, SoftProjectionOptions options, SoftProjectionState? state)
    {
        if (rows == 0 || n == 0)
        {
            return;
        }
        var constants = new RowConstants(n, options, floatKeys: x.IsSingle);
        ForEachRow(rows, n, (r, ws) =>
        {
            int offset = r * n;
            var xs = x.Row(r, ws.In);
            var outs = output.Row(r, ws.Out);
            Span<int> perm = state is null ? ws.Order.AsSpan(0, n) : state.Permutation.AsSpan(offset, n);
            Span<int> blockEnd = state is null ? ws.BlockEnd.AsSpan(0, n) : state.BlockEnd.AsSpan(offset, n);
            Span<double> weights = state?.Weights is null ? ws.Weights.AsSpan(0, n) : state.Weights.AsSpan(offset, n);
            bool finite = options.Operation == SoftOperation.Rank
                ? RankRow(xs, outs, constants, perm, blockEnd, weights, ws)
                : SortRow(xs, outs, constants, perm, blockEnd, weights, ws);
            if (state is not null)
            {
                state.RowFinite[r] = finite;
                if (state.Output is not null)
                {
                    outs.CopyTo(state.Output.AsSpan(offset, n));
                }
            }
            output.Commit(r, outs);
        });
    }

    /// <summary>
    /// Exact vector–Jacobian product: <paramref name="gradInput"/> = Jᵀ <paramref name="gradOutput"/> for every row,
    /// J being the Jacobian of the forward pass recorded in <paramref name="state"/>.
    /// </summary>
    public static void Backward(SoftProjectionState state, TensorRowReader gradOutput, TensorRowWriter gradInput)
    {
        int rows = state.Rows, n = state.N;
        if (rows == 0 || n == 0)
        {
            return;
        }
        var options = state.Options;
        double scale = RankScale(options);
        ForEachRow(rows, n, (r, ws) =>
        {
            int offset = r * n;
            var g = gradOutput.Row(r, ws.In);
            var gin = gradInput.Row(r, ws.Out);
            if (!state.RowFinite[r])
            {
                gin.Fill(double.NaN);
            }
            else
            {
                var perm = new ReadOnlySpan<int>(state.Permutation, offset, n);
                var blockEnd = new ReadOnlySpan<int>(state.BlockEnd, offset, n);
                var weights = state.Weights is null ? default : new ReadOnlySpan<double>(state.Weights, offset, n);
                if (options.Operation == SoftOperation.Rank)
                {
                    var factor = state.Output is null ? default : new ReadOnlySpan<double>(state.Output, offset, n);
                    RankRowBackward(g, gin, perm, blockEnd, weights, factor, scale, ws);
                }
                else
                {
                    SortRowBackward(g, gin, perm, blockEnd, weights);
                }
            }
            gradInput.Commit(r, gin);
        });
    }

    /// <summary>The factor applied to θ before the rank projection: ±1/ε (+ ascending, − descending).</summary>
    private static double RankScale(SoftProjectionOptions options) =>
        (options.Descending ? -1.0 : 1.0) / options.RegularizationStrength;

    /// <summary>Per-call constants shared read-only by all rows.</summary>
    private sealed class RowConstants
    {
        public RowConstants(int n, SoftProjectionOptions options, bool floatKeys)
        {
            Options = options;
            FloatKeys = floatKeys;
            Rho = new double[n];
            for (int k = 0; k < n; k++)
            {
                Rho[k] = n - k;
            }
            if (options.Operation == SoftOperation.Rank)
            {
                Scale = RankScale(options);
                if (options.Regularization == SoftRegularization.Kl)
                {
                    LogRho = new double[n];
                    for (int k = 0; k < n; k++)
                    {
                        LogRho[k] = Math.Log(Rho[k]);
                    }
                }
            }
            else
            {
                Sign = options.Descending ? 1.0 : -1.0;
                RhoOverEps = new double[n];
                for (int k = 0; k < n; k++)
                {
                    RhoOverEps[k] = Rho[k] / options.RegularizationStrength;
                }
            }
        }

        public SoftProjectionOptions Options { get; }

        /// <summary>The rows hold float32 values: sort packed 32-bit keys with their indices.</summary>
        public bool FloatKeys { get; }

        /// <summary>ρ = (n, n−1, …, 1).</summary>
        public double[] Rho { get; }

        /// <summary>log ρ (kl soft rank).</summary>
        public double[]? LogRho { get; }

        /// <summary>ρ/ε (soft sort).</summary>
        public double[]? RhoOverEps { get; }

        /// <summary>±1/ε (soft rank).</summary>
        public double Scale { get; }

        /// <summary>−1 ascending, +1 descending (soft sort).</summary>
        public double Sign { get; }
    }

    /// <summary>
    /// Sorts t = <paramref name="factor"/>·x in decreasing order: fills <paramref name="perm"/> and the sorted values
    /// <paramref name="sorted"/> (s_k = t[perm[k]]). Returns false if some t is not finite. Float32 rows sort one array
    /// of 64-bit words (order-preserving bits of ∓x above the index), which is faster than sorting keys with items;
    /// the order is the same because x ↦ factor·x is monotone and exact in float64 for float32 x.
    /// </summary>
    private static bool SortDecreasing(
        ReadOnlySpan<double> x, double factor, bool floatKeys, Span<int> perm, Span<double> sorted, ProjectionWorkspace ws)
    {
        int n = x.Length;
        if (floatKeys)
        {
            var packed = ws.Packed.AsSpan(0, n);
            bool negate = factor > 0;
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(x[i] * factor))
                {
                    return false;
                }
                float key = negate ? -(float)x[i] : (float)x[i];
                uint bits = BitConverter.SingleToUInt32Bits(key);
                bits = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
                packed[i] = ((ulong)bits << 32) | (uint)i;
            }
            packed.Sort();
            for (int k = 0; k < n; k++)
            {
                int i = (int)(uint)packed[k];
                perm[k] = i;
                sorted[k] = x[i] * factor;
            }
            return true;
        }

        var keys = ws.Keys.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            double t = x[i] * factor;
            if (!double.IsFinite(t))
            {
                return false;
            }
            keys[i] = -t;
            perm[i] = i;
        }
        keys.Sort(perm);
        for (int k = 0; k < n; k++)
        {
            sorted[k] = -keys[k];
        }
        return true;
    }

    private static bool RankRow(
        ReadOnlySpan<double> x, Span<double> output, RowConstants c, Span<int> perm, Span<int> blockEnd, Span<double> weights,
        ProjectionWorkspace ws)
    {
        int n = x.Length;
        var s = ws.Sorted.AsSpan(0, n);
        if (!SortDecreasing(x, c.Scale, c.FloatKeys, perm, s, ws))
        {
            output.Fill(double.NaN);
            return false;
        }
        var starts = ws.Starts.AsSpan(0, n);
        var values = ws.Values.AsSpan(0, n);
        int blocks;
        if (c.Options.Regularization == SoftRegularization.L2)
        {
            var y = ws.Y.AsSpan(0, n);
            for (int k = 0; k < n; k++)
            {
                y[k] = s[k] - c.Rho[k];
            }
            blocks = PoolAdjacentViolators.DecreasingL2(y, starts, ws.A.AsSpan(0, n), values);
            for (int b = 0; b < blocks; b++)
            {
                int start = starts[b], end = b + 1 < blocks ? starts[b + 1] : n;
                blockEnd[start] = end;
                double v = values[b];
                for (int k = start; k < end; k++)
                {
                    output[perm[k]] = s[k] - v;
                }
            }
        }
        else
        {
            var lseS = ws.A.AsSpan(0, n);
            var rhoSums = ws.B.AsSpan(0, n);
            blocks = PoolAdjacentViolators.DecreasingKlRanks(s, c.LogRho, starts, lseS, rhoSums, values);
            for (int b = 0; b < blocks; b++)
            {
                int start = starts[b], end = b + 1 < blocks ? starts[b + 1] : n;
                blockEnd[start] = end;
                double lse = lseS[b], rhoSum = rhoSums[b];
                for (int k = start; k < end; k++)
                {
                    // r = exp(s − v) with v = lse − log Σρ, i.e. the softmax weight times Σ_B ρ
                    double weight = Math.Exp(s[k] - lse);
                    weights[k] = weight;
                    output[perm[k]] = weight * rhoSum;
                }
            }
        }
        return true;
    }

    private static bool SortRow(
        ReadOnlySpan<double> x, Span<double> output, RowConstants c, Span<int> perm, Span<int> blockEnd, Span<double> weights,
        ProjectionWorkspace ws)
    {
        int n = x.Length;
        var s = ws.Sorted.AsSpan(0, n);
        if (!SortDecreasing(x, c.Sign, c.FloatKeys, perm, s, ws))
        {
            output.Fill(double.NaN);
            return false;
        }
        var w = c.RhoOverEps!;
        var starts = ws.Starts.AsSpan(0, n);
        var values = ws.Values.AsSpan(0, n);
        int blocks;
        if (c.Options.Regularization == SoftRegularization.L2)
        {
            var y = ws.Y.AsSpan(0, n);
            for (int k = 0; k < n; k++)
            {
                y[k] = w[k] - s[k];
            }
            blocks = PoolAdjacentViolators.DecreasingL2(y, starts, ws.A.AsSpan(0, n), values);
            for (int b = 0; b < blocks; b++)
            {
                int start = starts[b], end = b + 1 < blocks ? starts[b + 1] : n;
                blockEnd[start] = end;
                double v = values[b];
                for (int k = start; k < end; k++)
                {
                    output[k] = c.Sign * (w[k] - v);
                }
            }
        }
        else
        {
            var lseS = ws.B.AsSpan(0, n);
            blocks = PoolAdjacentViolators.DecreasingKl(w, s, starts, ws.A.AsSpan(0, n), lseS, values);
            for (int b = 0; b < blocks; b++)
            {
                int start = starts[b], end = b + 1 < blocks ? starts[b + 1] : n;
                blockEnd[start] = end;
                double v = values[b], lse = lseS[b];
                for (int k = start; k < end; k++)
                {
                    output[k] = c.Sign * (w[k] - v);
                    weights[k] = Math.Exp(s[k] - lse);
                }
            }
        }
        return true;
    }

    /// <summary>
    /// Soft rank VJP. With u = g (l2) or u = r ⊙ g (kl, r the output), the gradient in original coordinates is
    /// scale · (u − Pᵀ M Pu) where, within each block B of the sorted coordinates, (M z)_k = mean_B z (l2) or
    /// softmax(s_B)_k · Σ_B z (kl).
    /// </summary>
    private static void RankRowBackward(
        ReadOnlySpan<double> g, Span<double> gin, ReadOnlySpan<int> perm, ReadOnlySpan<int> blockEnd, ReadOnlySpan<double> weights,
        ReadOnlySpan<double> factor, double scale, ProjectionWorkspace ws)
    {
        int n = g.Length;
        Span<double> u = ws.Y.AsSpan(0, n);
        if (factor.IsEmpty)
        {
            g.CopyTo(u);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                u[i] = factor[i] * g[i];
            }
        }
        bool kl = !weights.IsEmpty;
        int start = 0;
        while (start < n)
        {
            int end = blockEnd[start];
            double sum = 0;
            for (int k = start; k < end; k++)
            {
                sum += u[perm[k]];
            }
            if (kl)
            {
                for (int k = start; k < end; k++)
                {
                    int i = perm[k];
                    gin[i] = scale * (u[i] - weights[k] * sum);
                }
            }
            else
            {
                double mean = sum / (end - start);
                for (int k = start; k < end; k++)
                {
                    int i = perm[k];
                    gin[i] = scale * (u[i] - mean);
                }
            }
            start = end;
        }
    }

    /// <summary>
    /// Soft sort VJP: output k depends only on the inputs of its block B, through mean (l2) or softmax(s_B)
    /// weights (kl), so the gradient of input perm[k] is (1/|B| or softmax_k) · Σ_B g.
    /// </summary>
    private static void SortRowBackward(
        ReadOnlySpan<double> g, Span<double> gin, ReadOnlySpan<int> perm, ReadOnlySpan<int> blockEnd, ReadOnlySpan<double> weights)
    {
        int n = g.Length;
        bool kl = !weights.IsEmpty;
        int start = 0;
        while (start < n)
        {
            int end = blockEnd[start];
            double sum = 0;
            for (int k = start; k < end; k++)
            {
                sum += g[k];
            }
            if (kl)
            {
                for (int k = start; k < end; k++)
                {
                    gin[perm[k]] = weights[k] * sum;
                }
            }
            else
            {
                double mean = sum / (end - start);
                for (int k = start; k < end; k++)
                {
                    gin[perm[k]] = mean;
                }
            }
            start = end;
        }
    }

    /// <summary>Runs <paramref name="body"/> for every row, in parallel chunks of rows when the work is large enough.</summary>
    private static void ForEachRow(int rows, int n, Action<int, ProjectionWorkspace> body)
    {
        long work = (long)rows * n;
        int workers = Environment.ProcessorCount;
        if (rows == 1 || workers == 1 || work < ParallelThreshold)
        {
            var ws = ProjectionWorkspace.ForCurrentThread(n);
            for (int r = 0; r < rows; r++)
            {
                body(r, ws);
            }
            return;
        }
        int chunks = Math.Min(rows, workers * 4);
        Parallel.For(0, chunks, chunk =>
        {
            var ws = ProjectionWorkspace.ForCurrentThread(n);
            int lo = (int)((long)rows * chunk / chunks), hi = (int)((long)rows * (chunk + 1) / chunks);
            for (int r = lo; r < hi; r++)
            {
                body(r, ws);
            }
        });
    }
}

/// <summary>Per-thread scratch of the row kernels, grown on demand and reused across calls.</summary>
internal sealed class ProjectionWorkspace
{
    /// <summary>Rows longer than this get a workspace that is not kept after the call.</summary>
    private const int MaxCachedLength = 1 << 20;

    [ThreadStatic]
    private static ProjectionWorkspace? cached;

    private ProjectionWorkspace(int capacity)
    {
        In = new double[capacity];
        Out = new double[capacity];
        Packed = new ulong[capacity];
        Keys = new double[capacity];
        Sorted = new double[capacity];
        Y = new double[capacity];
        A = new double[capacity];
        B = new double[capacity];
        Values = new double[capacity];
        Weights = new double[capacity];
        Order = new int[capacity];
        BlockEnd = new int[capacity];
        Starts = new int[capacity];
    }

    public int Capacity => Keys.Length;

    /// <summary>A float32 input row widened to float64.</summary>
    public double[] In { get; }

    /// <summary>An output row before narrowing to float32.</summary>
    public double[] Out { get; }

    /// <summary>Packed float32 sort keys and indices.</summary>
    public ulong[] Packed { get; }

    public double[] Keys { get; }

    public double[] Sorted { get; }

    public double[] Y { get; }

    public double[] A { get; }

    public double[] B { get; }

    public double[] Values { get; }

    public double[] Weights { get; }

    public int[] Order { get; }

    public int[] BlockEnd { get; }

    public int[] Starts { get; }

    public static ProjectionWorkspace ForCurrentThread(int n)
    {
        if (n > MaxCachedLength)
        {
            return new ProjectionWorkspace(n);
        }
        var ws = cached;
        if (ws is null || ws.Capacity < n)
        {
            ws = new ProjectionWorkspace(Math.Max(n, 16));
            cached = ws;
        }
        return ws;
    }
}
