using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rankwise.Inference;
using Rankwise.Ranking;

namespace Rankwise.Comparison;

/// <summary>
/// The bootstrap engine behind <see cref="ModelEvaluation"/>: for every resample of the items (drawn exactly as
/// <see cref="Bootstrap.Paired"/> draws them: resample b takes n indices from the generator seeded by (seed, b)),
/// Spearman's ρ, Kendall's tau-b, Pearson's r, MSE and MAE of every model against the truth.
/// </summary>
/// <remarks>
/// <para>A resample is represented by the multiplicity c_i of each original item (Σ c_i = n), never by a gathered
/// copy of the data, and all sorting is done once, up front. The items are laid out in the truth's sorted order; the
/// average ranks of a resample follow from the tie-group weights W_g = Σ_{i∈g} c_i (doubled and centred,
/// 2·rank − (n + 1) = 2·Σ_{h&lt;g} W_h + W_g − n, an exact integer), and Σ W (rank − (n+1)/2)² =
/// (n³ − n)/12 − Σ_g (W_g³ − W_g)/12. Each model's ranks come from one pass over its own fixed sorted order, during
/// which Spearman's ρ accumulates as the c-weighted correlation of the two rank vectors — O(n) per resample and model
/// instead of O(n log n). Pearson, MSE and MAE are c-weighted sums about the full-data means. Kendall's tau-b counts
/// the c-weighted discordant pairs by replaying a merge sort of the model's predictions whose merge decisions were
/// recorded once (one bit per element and level: they depend on the predictions only, never on the weights): when a
/// left-run element is emitted, it is discordant with every right-run element emitted before it, so each of the
/// ⌈log₂ n⌉ levels is one sequential pass — O(n log n), no sort, no tree, no random access. Tie terms come from the
/// weighted group sizes Σ W(W − 1)/2 (duplicated items are ties in both variables).</para>
/// <para>Resamples are evaluated in groups of eight, one per byte lane (multiplicities in bytes, ranks in 32-bit
/// integers, sums in doubles), so one gather of the model order serves eight resamples; Kendall's pass replays two
/// groups (sixteen resamples) per 512-bit vector where AVX-512 is available, and the eight streams of a group are
/// drawn in lockstep there too (<see cref="ResampleRandomLanes"/>, identical numbers to the scalar generator). A
/// resample with a multiplicity above 255 (astronomically rare for large n), and every resample when n ≥ 2²¹, is
/// evaluated alone in 64-bit scalars instead; both paths give the same values up to rounding.</para>
/// <para>The values equal those of the scipy-semantics functions applied to the gathered resample up to rounding
/// (≈1e−13 relative); the resamples are the same as Bootstrap.Paired's for the same seed.</para>
/// </remarks>
internal sealed class ResampledMetrics
{
    /// <summary>Metric slots in the output arrays.</summary>
    internal const int Spearman = 0, Kendall = 1, Pearson = 2, Mse = 3, Mae = 4, Count = 5;

    /// <summary>Resamples evaluated together in the byte lanes of one count vector.</summary>
    private const int Lanes = 8;

    /// <summary>Resamples per batch: two lane groups, which Kendall's merge pass replays together (16 lanes).</summary>
    private const int BatchSize = 2 * Lanes;


    private readonly int _n;
    private readonly int[] _positionOf;      // item → position in truth order
    private readonly int[] _itemAt;          // position in truth order → item
    private readonly double[] _truth;        // truth values in truth order
    private readonly int[] _truthGroupEnds;  // end positions of the truth's tie groups
    private readonly bool _truthTied;
    private readonly double _truthMean;
    private readonly Model[] _models;
    private readonly bool _kendall;

    public ResampledMetrics(double[] truth, IReadOnlyList<double[]> predictions, bool kendall)
    {
        _n = truth.Length;
        _kendall = kendall;
        var dense = DenseRanking.Compute(truth);
        int[] order = SortedOrder(dense);
        _itemAt = order;
        _positionOf = new int[_n];
        _truth = new double[_n];
        for (int p = 0; p < _n; p++)
        {
            _positionOf[order[p]] = p;
            _truth[p] = truth[order[p]];
        }
        _truthGroupEnds = GroupEnds(dense.Ranks, order);
        _truthTied = _truthGroupEnds.Length < _n;
        _truthMean = NumpyReductions.Mean(truth);
        _models = predictions.Select(values => new Model(values, order, dense, kendall)).ToArray();
    }

    /// <summary>
    /// Fills <paramref name="output"/>[model][metric][b] for every resample b (parallel over batches of resamples).
    /// </summary>
    public void Run(double[][][] output, int resamples, ulong seed, int? maxDegreeOfParallelism, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var batches = new double[(resamples + BatchSize - 1) / BatchSize];
        ResamplingDriver.Fill(
            batches,
            () => new Workspace(this),
            (workspace, batch) =>
            {
                int first = batch * BatchSize;
                workspace.RunBatch(output, seed, first, Math.Min(BatchSize, resamples - first));
                return 0;
            },
            maxDegreeOfParallelism, progress, cancellationToken, chunkSize: 2);   // 32 resamples per work item: even load, fine progress
    }

    /// <summary>The metrics [model][metric] of one multiplicity vector given per original item, by the batched
    /// (lane) path when it applies, else by the scalar path (for tests).</summary>
    internal double[][] Evaluate(ReadOnlySpan<int> multiplicities, bool scalar = false)
    {
        var output = new double[_models.Length][][];
        for (int m = 0; m < output.Length; m++)
        {
            output[m] = new double[Count][];
            for (int k = 0; k < Count; k++)
                output[m][k] = new double[1];
        }
        var workspace = new Workspace(this);
        var counts = new int[_n];
        for (int i = 0; i < _n; i++)
            counts[_positionOf[i]] = multiplicities[i];
        workspace.EvaluateGiven(output, counts, scalar);
        return output.Select(model => model.Select(slot => slot[0]).ToArray()).ToArray();
    }

    /// <summary>Whether the batched path applies: n &lt; 2²¹, so that 255·n fits a 32-bit lane with room to sum, and the
    /// per-thread lane buffers (about 80 bytes per item) stay moderate.</summary>
    private bool LanesApply => _n < 1 << 21 && !ForceScalar.Value;

    /// <summary>Forces the scalar path (tests compare the two; the results are identical up to rounding). Flows with the
    /// execution context, so a test setting it affects only its own evaluations.</summary>
    internal static readonly AsyncLocal<bool> ForceScalar = new();

    /// <summary>Forces the portable 8-lane paths (scalar drawing, Kendall one lane group at a time) that machines
    /// without AVX-512 take; flows with the execution context.</summary>
    internal static readonly AsyncLocal<bool> ForceNarrow = new();

    /// <summary>Whether the AVX-512 paths (lockstep drawing, 16-lane Kendall pass) are taken.</summary>
    private static bool Wide => !ForceNarrow.Value && ResampleRandomLanes.IsSupported;

    /// <summary>Indices sorted by dense rank (stable).</summary>
    private static int[] SortedOrder(DenseRanking dense)
    {
        var identity = new int[dense.Ranks.Length];
        for (int i = 0; i < identity.Length; i++)
            identity[i] = i;
        return DenseRanking.CountingSort(identity, dense.Ranks, dense.GroupCount);
    }

    /// <summary>The end (exclusive) of each run of equal ranks along <paramref name="order"/>.</summary>
    private static int[] GroupEnds(int[] ranks, int[] order)
    {
        var ends = new List<int>();
        for (int k = 1; k <= order.Length; k++)
        {
            if (k == order.Length || ranks[order[k]] != ranks[order[k - 1]])
                ends.Add(k);
        }
        return [.. ends];
    }

    /// <summary>Per-model data in truth order, its own sorted order, and the Kendall bookkeeping.</summary>
    private sealed class Model
    {
        public readonly double[] Values;        // predictions in truth order
        public readonly int[] SortedPositions;  // positions sorted by prediction (stable)
        public readonly int[] GroupEnds;        // ends of the prediction's tie groups along SortedPositions
        public readonly int Groups;
        public readonly double Mean;            // mean of the predictions (the shift of the weighted sums)
        public readonly int[] FenwickIndex = [];    // dense rank + 1, in truth order
        public readonly int[] JointIds = [];        // joint (truth, prediction) tie group, in truth order; empty if none
        public readonly int JointGroups;
        public readonly int[] MergeStart = [];      // positions in truth order, each truth tie group sorted by prediction
        public readonly ulong[][] MergeFromLeft = []; // per merge level, bit k: merged element k comes from the left run

        public Model(double[] values, int[] truthOrder, DenseRanking truth, bool kendall)
        {
            int n = values.Length;
            Values = new double[n];
            for (int p = 0; p < n; p++)
                Values[p] = values[truthOrder[p]];
            Mean = NumpyReductions.Mean(values);
            var dense = DenseRanking.Compute(Values);
            Groups = dense.GroupCount;
            SortedPositions = SortedOrder(dense);
            GroupEnds = ResampledMetrics.GroupEnds(dense.Ranks, SortedPositions);
            if (!kendall)
                return;
            FenwickIndex = new int[n];
            for (int p = 0; p < n; p++)
                FenwickIndex[p] = dense.Ranks[p] + 1;
            // Pairs tied in both variables exist only when some truth group holds equal predictions.
            var ids = new int[n];
            var seen = new Dictionary<(int, int), int>();
            bool any = false;
            for (int p = 0; p < n; p++)
            {
                var key = (truth.Ranks[truthOrder[p]], dense.Ranks[p]);
                if (!seen.TryGetValue(key, out int id))
                    seen[key] = id = seen.Count;
                else
                    any = true;
                ids[p] = id;
            }
            if (any)
            {
                JointIds = ids;
                JointGroups = seen.Count;
            }
            (MergeStart, MergeFromLeft) = MergePlan(dense.Ranks, truth.Ranks, truthOrder);
        }

        /// <summary>
        /// The data-independent part of a bottom-up merge sort by prediction rank: the start order (truth order, each
        /// truth tie group sorted by prediction, so that no pair inside a group is an inversion) and, per level of
        /// run width 1, 2, 4, …, which run every merged element comes from (stable: on equal predictions the left run
        /// first, so equal predictions never count as discordant).
        /// </summary>
        private static (int[] Start, ulong[][] FromLeft) MergePlan(int[] predictionRanks, int[] truthRanks, int[] truthOrder)
        {
            int n = predictionRanks.Length;
            var start = new int[n];
            var keys = new int[n];
            for (int p = 0; p < n; p++)
            {
                start[p] = p;
                keys[p] = predictionRanks[p];
            }
            for (int g0 = 0; g0 < n;)
            {
                int g1 = g0 + 1;
                int truthRank = truthRanks[truthOrder[g0]];
                while (g1 < n && truthRanks[truthOrder[g1]] == truthRank)
                    g1++;
                if (g1 - g0 > 1)
                    Array.Sort(keys, start, g0, g1 - g0);
                g0 = g1;
            }
            var levels = new List<ulong[]>();
            var next = new int[n];
            for (int width = 1; width < n; width *= 2)
            {
                var bits = new ulong[(n + 63) / 64];
                for (int lo = 0; lo < n; lo += 2 * width)
                {
                    int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                    int l = lo, r = mid;
                    for (int k = lo; k < hi; k++)
                    {
                        bool left = r >= hi || (l < mid && keys[l] <= keys[r]);
                        if (left)
                        {
                            bits[k >> 6] |= 1UL << (k & 63);
                            next[k] = keys[l++];
                        }
                        else
                        {
                            next[k] = keys[r++];
                        }
                    }
                }
                levels.Add(bits);
                (keys, next) = (next, keys);
            }
            return (start, [.. levels]);
        }
    }

    /// <summary>Per-thread buffers and the two evaluation paths: eight resamples at once in byte / 32-bit lanes (when
    /// n &lt; 2²¹ and every multiplicity fits a byte), or one resample at a time in 64-bit scalars.</summary>
    private sealed class Workspace
    {
        private readonly ResampledMetrics _owner;
        private readonly int _n;

        // Scalar path: one resample, by position.
        private readonly int[] _counts;
        private readonly int[] _ranks;               // doubled centred truth rank 2·rank − (n + 1)
        private readonly double[] _weights;
        private readonly long[] _tree;
        private readonly long[] _jointWeights;

        // Lane path: two groups of eight resamples, [position × 8 + lane]; _laneCounts / _overflow is the current group.
        private readonly byte[][] _groupCounts;
        private readonly bool[][] _groupOverflow = [new bool[Lanes], new bool[Lanes]];
        private byte[] _laneCounts;
        private bool[] _overflow;
        private readonly int[] _laneRanks;
        private readonly byte[] _mergeA, _mergeB;   // both groups' counts in merge order, [k × 16 + lane], two levels
        private readonly byte[] _itemCounts;        // lane counts by item, [item × 8 + lane], while drawing
        private readonly long[][] _kendallTerms;    // per model, per lane of the batch: truth ties, model ties, joint ties

        public Workspace(ResampledMetrics owner)
        {
            _owner = owner;
            _n = owner._n;
            int maxGroups = owner._models.Length == 0 ? 0 : owner._models.Max(m => m.Groups);
            _counts = new int[_n];
            _ranks = new int[_n];
            _weights = new double[_n];
            _tree = owner._kendall ? new long[maxGroups + 1] : [];
            _jointWeights = owner._kendall ? new long[owner._models.Max(m => m.JointGroups)] : [];
            _kendallTerms = owner._models.Select(_ => new long[3 * BatchSize]).ToArray();
            if (owner.LanesApply)
            {
                _groupCounts = [new byte[_n * Lanes], new byte[_n * Lanes]];
                _laneRanks = new int[_n * Lanes];
                _itemCounts = ResampleRandomLanes.IsSupported ? new byte[_n * Lanes] : [];
                _mergeA = owner._kendall ? new byte[_n * BatchSize] : [];
                _mergeB = owner._kendall ? new byte[_n * BatchSize] : [];
            }
            else
            {
                _groupCounts = [[], []];
                _laneRanks = [];
                _itemCounts = [];
                _mergeA = [];
                _mergeB = [];
            }
            _laneCounts = _groupCounts[0];
            _overflow = _groupOverflow[0];
        }

        /// <summary>Makes lane group <paramref name="group"/> (0 or 1) the current one.</summary>
        private void Select(int group)
        {
            _laneCounts = _groupCounts[group];
            _overflow = _groupOverflow[group];
        }

        /// <summary>Evaluates resamples first … first + count − 1 (count ≤ 16).</summary>
        public void RunBatch(double[][][] output, ulong seed, int first, int count)
        {
            if (!_owner.LanesApply)
            {
                for (int lane = 0; lane < count; lane++)
                {
                    DrawScalar(seed, first + lane);
                    EvaluateScalar(output, first + lane);
                }
                return;
            }
            for (int group = 0; group < 2; group++)
            {
                int lanes = Math.Clamp(count - group * Lanes, 0, Lanes);
                Select(group);
                if (lanes == 0)
                {
                    Array.Clear(_overflow);
                    continue;
                }
                DrawLanes(seed, first + group * Lanes, lanes);
                EvaluateLanes(output, first + group * Lanes, lanes, group);
            }
            if (_owner._kendall)
                KendallLanes(output, first, count);
            for (int group = 0; group < 2; group++)
            {
                int lanes = Math.Clamp(count - group * Lanes, 0, Lanes);
                for (int lane = 0; lane < lanes; lane++)
                {
                    if (!_groupOverflow[group][lane])
                        continue;
                    // A multiplicity above 255 does not fit its byte lane: redo this resample in 64-bit scalars.
                    int b = first + group * Lanes + lane;
                    DrawScalar(seed, b);
                    EvaluateScalar(output, b);
                }
            }
        }

        /// <summary>Evaluates given multiplicities (by position) into slot 0 of <paramref name="output"/>.</summary>
        public void EvaluateGiven(double[][][] output, int[] counts, bool scalar)
        {
            if (scalar || !_owner.LanesApply || counts.Any(c => c > byte.MaxValue))
            {
                counts.CopyTo(_counts, 0);
                EvaluateScalar(output, 0);
                return;
            }
            Select(1);
            Array.Clear(_laneCounts);
            Array.Clear(_overflow);
            Select(0);
            Array.Clear(_laneCounts);
            Array.Clear(_overflow);
            for (int p = 0; p < _n; p++)
                _laneCounts[p * Lanes] = (byte)counts[p];
            EvaluateLanes(output, 0, 1, 0);
            if (_owner._kendall)
                KendallLanes(output, 0, 1);
        }

        private void DrawScalar(ulong seed, int b)
        {
            int n = _n;
            int[] positionOf = _owner._positionOf;
            int[] counts = _counts;
            Array.Clear(counts);
            var rng = new ResampleRandom(seed, (ulong)b);
            for (int i = 0; i < n; i++)
                counts[positionOf[rng.NextInt(n)]]++;
        }

        /// <summary>The multiplicities of resamples first …: n draws each from ResampleRandom(seed, b), as Bootstrap.Paired.</summary>
        private void DrawLanes(ulong seed, int first, int lanes)
        {
            Array.Clear(_overflow);
            if (_itemCounts.Length == 0 || !Wide)
            {
                Array.Clear(_laneCounts);
                for (int lane = 0; lane < lanes; lane++)
                    _overflow[lane] = DrawLaneScalar(seed, first, lane);
                return;
            }

            // Eight streams in lockstep, counted by item (one random increment per draw), then laid out by position.
            int n = _n;
            byte[] itemCounts = _itemCounts;
            Array.Clear(itemCounts);
            var rng = new ResampleRandomLanes(seed, (ulong)first);
            var bound = Vector512.Create((ulong)n);
            var laneIndex = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            uint suspect = 0, overflow = 0;
            Span<ulong> drawn = stackalloc ulong[DrawBlock * Lanes];
            ref byte countRef = ref MemoryMarshal.GetArrayDataReference(itemCounts);
            for (int i0 = 0; i0 < n; i0 += DrawBlock)
            {
                int m = Math.Min(DrawBlock, n - i0);
                for (int j = 0; j < m; j++)
                {
                    var q = Vector512.ShiftLeft(rng.NextInts(bound, ref suspect), 3) + laneIndex;
                    q.CopyTo(drawn.Slice(j * Lanes, Lanes));
                }
                for (int j = 0; j < m * Lanes; j++)
                    Prefetch(ref Unsafe.Add(ref countRef, (nint)drawn[j]));
                for (int j = 0; j < m * Lanes; j++)
                {
                    if (++Unsafe.Add(ref countRef, (nint)drawn[j]) == 0)
                        overflow |= 1u << (j & (Lanes - 1));
                }
            }
            int[] itemAt = _owner._itemAt;
            ref ulong from = ref Unsafe.As<byte, ulong>(ref countRef);
            ref ulong to = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetArrayDataReference(_laneCounts));
            for (int p = 0; p < n; p++)
            {
                if (p + Ahead < n)
                    Prefetch(ref Unsafe.Add(ref from, itemAt[p + Ahead]));
                Unsafe.Add(ref to, p) = Unsafe.Add(ref from, itemAt[p]);
            }
            for (int lane = 0; lane < lanes; lane++)
            {
                if ((suspect & (1u << lane)) != 0)
                {
                    // A draw of this stream fell in Lemire's rejection zone: redraw it exactly, one number at a time.
                    for (int p = 0; p < n; p++)
                        _laneCounts[p * Lanes + lane] = 0;
                    _overflow[lane] = DrawLaneScalar(seed, first, lane);
                }
                else
                {
                    _overflow[lane] = (overflow & (1u << lane)) != 0;
                }
            }
        }

        /// <summary>Adds the draws of resample first + lane to its byte lane (zero beforehand); true if a count wrapped.</summary>
        private bool DrawLaneScalar(ulong seed, int first, int lane)
        {
            int n = _n;
            int[] positionOf = _owner._positionOf;
            byte[] counts = _laneCounts;
            // The draws are random accesses: they are taken in blocks whose targets are prefetched a step ahead.
            Span<int> drawn = stackalloc int[DrawBlock];
            var rng = new ResampleRandom(seed, (ulong)(first + lane));
            bool overflow = false;
            for (int i0 = 0; i0 < n; i0 += DrawBlock)
            {
                int m = Math.Min(DrawBlock, n - i0);
                for (int j = 0; j < m; j++)
                {
                    int r = rng.NextInt(n);
                    drawn[j] = r;
                    Prefetch(ref positionOf[r]);
                }
                for (int j = 0; j < m; j++)
                {
                    int q = positionOf[drawn[j]] * Lanes + lane;
                    drawn[j] = q;
                    Prefetch(ref counts[q]);
                }
                for (int j = 0; j < m; j++)
                {
                    if (++counts[drawn[j]] == 0)
                        overflow = true;
                }
            }
            return overflow;
        }

        // ---------------------------------------------------------------- scalar path

        /// <summary>Every metric of the resample in <see cref="_counts"/> (64-bit arithmetic throughout).</summary>
        private void EvaluateScalar(double[][][] output, int b)
        {
            int n = _n;
            int[] counts = _counts, ranks = _ranks;
            double[] weights = _weights;
            long below = 0, cubes = 0, xTies = 0, selfTies = 0;
            int start = 0;
            int[] ends = _owner._truthGroupEnds;
            for (int g = 0; g < ends.Length; g++)
            {
                int end = ends[g];
                long w = 0;
                for (int p = start; p < end; p++)
                {
                    long c = counts[p];
                    w += c;
                    weights[p] = c;
                    selfTies += c * (c - 1) / 2;
                }
                int rank2 = (int)(2 * below + w - n);
                for (int p = start; p < end; p++)
                    ranks[p] = rank2;
                cubes += w * w * w - w;
                xTies += w * (w - 1) / 2;
                below += w;
                start = end;
            }
            double full = ((double)n * n * n - n) / 12;
            double sxx = full - cubes / 12.0;

            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                double[][] slots = output[m];
                int[] sorted = model.SortedPositions;
                double sxy4 = 0;
                long rankBelow = 0, yCubes = 0, yTies = 0;
                int k0 = 0;
                foreach (int end in model.GroupEnds)
                {
                    long w = 0;
                    double t = 0;
                    for (int k = k0; k < end; k++)
                    {
                        int q = sorted[k];
                        w += counts[q];
                        t += (double)counts[q] * ranks[q];
                    }
                    sxy4 += t * (2 * rankBelow + w - n);
                    yCubes += w * w * w - w;
                    yTies += w * (w - 1) / 2;
                    rankBelow += w;
                    k0 = end;
                }
                slots[Spearman][b] = Correlation(sxy4 / 4, sxx, full - yCubes / 12.0);
                var sums = WeightedSums(weights, _owner._truth, model.Values, _owner._truthMean, model.Mean);
                slots[Pearson][b] = Correlation(sums.Sxy - sums.Sx * sums.Sy / n, sums.Sxx - sums.Sx * sums.Sx / n, sums.Syy - sums.Sy * sums.Sy / n);
                slots[Mse][b] = sums.Squared / n;
                slots[Mae][b] = sums.Absolute / n;
                slots[Kendall][b] = _owner._kendall
                    ? TauB(DiscordantScalar(model), xTies, yTies, JointTiesScalar(model, selfTies))
                    : double.NaN;
            }
        }

        private long DiscordantScalar(Model model)
        {
            int groups = model.Groups;
            long[] tree = _tree;
            Array.Clear(tree, 0, groups + 1);
            int[] counts = _counts, fenwickIndex = model.FenwickIndex;
            long inserted = 0, discordant = 0;
            int start = 0;
            foreach (int end in _owner._truthGroupEnds)
            {
                // Items tied in the truth are not discordant with each other: query the group, then insert it.
                for (int p = start; p < end; p++)
                {
                    long c = counts[p];
                    if (c == 0)
                        continue;
                    long atMost = 0;
                    for (int j = fenwickIndex[p]; j > 0; j -= j & -j)
                        atMost += tree[j];
                    discordant += c * (inserted - atMost);
                }
                for (int p = start; p < end; p++)
                {
                    long c = counts[p];
                    if (c == 0)
                        continue;
                    for (int j = fenwickIndex[p]; j <= groups; j += j & -j)
                        tree[j] += c;
                    inserted += c;
                }
                start = end;
            }
            return discordant;
        }

        private long JointTiesScalar(Model model, long selfTies)
        {
            if (model.JointIds.Length == 0)
                return selfTies;
            long[] joint = _jointWeights;
            Array.Clear(joint, 0, model.JointGroups);
            int[] ids = model.JointIds, counts = _counts;
            for (int p = 0; p < counts.Length; p++)
                joint[ids[p]] += counts[p];
            long ties = 0;
            for (int g = 0; g < model.JointGroups; g++)
                ties += joint[g] * (joint[g] - 1) / 2;
            return ties;
        }

        // ---------------------------------------------------------------- lane path

        /// <summary>Every metric but Kendall's of the resamples in <see cref="_laneCounts"/> (lanes 0 … lanes − 1), and
        /// the tie terms of Kendall's tau-b for <see cref="KendallLanes"/> (lanes of group <paramref name="group"/>).</summary>
        private void EvaluateLanes(double[][][] output, int first, int lanes, int group)
        {
            int n = _n;
                Span<long> cubes = stackalloc long[Lanes], xTies = stackalloc long[Lanes];
            Span<long> selfCubes = stackalloc long[Lanes], selfTies = stackalloc long[Lanes];
            TruthLanes(cubes, xTies, selfCubes, selfTies);
            double full = ((double)n * n * n - n) / 12;

            Span<double> sxy4 = stackalloc double[Lanes];
            Span<long> yCubes = stackalloc long[Lanes], yTies = stackalloc long[Lanes];
            Span<long> jointTies = stackalloc long[Lanes];
            Span<double> sums = stackalloc double[7 * Lanes];
            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                double[][] slots = output[m];
                SpearmanLanes(model, sxy4, yCubes, yTies, selfCubes, selfTies);
                PearsonLanes(model, sums);
                if (_owner._kendall)
                {
                    JointTiesLanes(model, selfTies, jointTies, lanes);
                    long[] terms = _kendallTerms[m];
                    for (int lane = 0; lane < Lanes; lane++)
                    {
                        int at = 3 * (group * Lanes + lane);
                        terms[at] = xTies[lane];
                        terms[at + 1] = yTies[lane];
                        terms[at + 2] = jointTies[lane];
                    }
                }
                for (int lane = 0; lane < lanes; lane++)
                {
                    if (_overflow[lane])
                        continue;
                    int b = first + lane;
                    slots[Spearman][b] = Correlation(sxy4[lane] / 4, full - cubes[lane] / 12.0, full - yCubes[lane] / 12.0);
                    double sx = sums[lane], sy = sums[Lanes + lane];
                    slots[Pearson][b] = Correlation(sums[4 * Lanes + lane] - sx * sy / n, sums[2 * Lanes + lane] - sx * sx / n, sums[3 * Lanes + lane] - sy * sy / n);
                    slots[Mse][b] = sums[5 * Lanes + lane] / n;
                    slots[Mae][b] = sums[6 * Lanes + lane] / n;
                    if (!_owner._kendall)
                        slots[Kendall][b] = double.NaN;
                }
            }
        }

        /// <summary>Kendall's tau-b of resamples first … first + count − 1 from both lane groups' counts and the tie
        /// terms <see cref="EvaluateLanes"/> recorded.</summary>
        private void KendallLanes(double[][][] output, int first, int count)
        {
            Span<long> discordant = stackalloc long[BatchSize];
            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                if (Wide)
                {
                    DiscordantLanes16(model, discordant);
                }
                else
                {
                    DiscordantLanes(model, _groupCounts[0], discordant[..Lanes]);
                    if (count > Lanes)
                        DiscordantLanes(model, _groupCounts[1], discordant[Lanes..]);
                }
                long[] terms = _kendallTerms[m];
                double[] slot = output[m][Kendall];
                for (int lane = 0; lane < count; lane++)
                {
                    if (_groupOverflow[lane / Lanes][lane % Lanes])
                        continue;
                    slot[first + lane] = TauB(discordant[lane], terms[3 * lane], terms[3 * lane + 1], terms[3 * lane + 2]);
                }
            }
        }

        /// <summary>
        /// The doubled centred truth ranks 2·rank − (n + 1) of every lane (exact 32-bit integers), and per lane
        /// Σ(W³ − W) and Σ W(W − 1)/2 over the truth's groups and over single items.
        /// </summary>
        private void TruthLanes(Span<long> cubes, Span<long> ties, Span<long> selfCubes, Span<long> selfTies)
        {
            int n = _n;
            ref byte countRef = ref MemoryMarshal.GetArrayDataReference(_laneCounts);
            ref int rankRef = ref MemoryMarshal.GetArrayDataReference(_laneRanks);
            var below2 = Vector256.Create(-n);        // 2·below − n
            var one = Vector256<int>.One;
            Vector256<int> cubeSum = default, tieSum = default;
            Vector256<long> cubesLo = default, cubesHi = default, tiesLo = default, tiesHi = default;
            int pending = 0;
            // c ≤ 255: c³ − c < 2²⁴ and c(c − 1)/2 < 2¹⁵, so 64 positions sum safely in 32 bits.
            void Flush(ref Vector256<int> cs, ref Vector256<int> ts, ref Vector256<long> cl, ref Vector256<long> ch, ref Vector256<long> tl, ref Vector256<long> th)
            {
                var (a, b) = Vector256.Widen(cs);
                cl += a;
                ch += b;
                (a, b) = Vector256.Widen(ts);
                tl += a;
                th += b;
                cs = default;
                ts = default;
            }
            if (!_owner._truthTied)
            {
                for (int p = 0; p < n; p++)
                {
                    var c = LoadLanes(ref Unsafe.Add(ref countRef, p * Lanes));
                    (below2 + c).StoreUnsafe(ref Unsafe.Add(ref rankRef, p * Lanes));
                    below2 += c + c;
                    cubeSum += (c - one) * c * (c + one);
                    tieSum += Vector256.ShiftRightLogical(c * (c - one), 1);
                    if (++pending == 64)
                    {
                        Flush(ref cubeSum, ref tieSum, ref cubesLo, ref cubesHi, ref tiesLo, ref tiesHi);
                        pending = 0;
                    }
                }
                Flush(ref cubeSum, ref tieSum, ref cubesLo, ref cubesHi, ref tiesLo, ref tiesHi);
                Store(cubesLo, cubesHi, selfCubes);
                Store(tiesLo, tiesHi, selfTies);
                selfCubes.CopyTo(cubes);
                selfTies.CopyTo(ties);
                return;
            }
            cubes.Clear();
            ties.Clear();
            int start = 0;
            foreach (int end in _owner._truthGroupEnds)
            {
                var w = Vector256<int>.Zero;
                for (int p = start; p < end; p++)
                {
                    var c = LoadLanes(ref Unsafe.Add(ref countRef, p * Lanes));
                    w += c;
                    cubeSum += (c - one) * c * (c + one);
                    tieSum += Vector256.ShiftRightLogical(c * (c - one), 1);
                    if (++pending == 64)
                    {
                        Flush(ref cubeSum, ref tieSum, ref cubesLo, ref cubesHi, ref tiesLo, ref tiesHi);
                        pending = 0;
                    }
                }
                var rank2 = below2 + w;
                for (int p = start; p < end; p++)
                    rank2.StoreUnsafe(ref Unsafe.Add(ref rankRef, p * Lanes));
                below2 += w + w;
                for (int lane = 0; lane < Lanes; lane++)
                {
                    long wl = w.GetElement(lane);
                    cubes[lane] += wl * wl * wl - wl;
                    ties[lane] += wl * (wl - 1) / 2;
                }
                start = end;
            }
            Flush(ref cubeSum, ref tieSum, ref cubesLo, ref cubesHi, ref tiesLo, ref tiesHi);
            Store(cubesLo, cubesHi, selfCubes);
            Store(tiesLo, tiesHi, selfTies);
        }

        /// <summary>Per lane, 4·Σ c·(rx − mid)·(ry − mid) and the model's Σ(W³ − W), Σ W(W − 1)/2.</summary>
        private void SpearmanLanes(Model model, Span<double> sxy4, Span<long> yCubes, Span<long> yTies, Span<long> selfCubes, Span<long> selfTies)
        {
            int n = _n;
            ref byte countRef = ref MemoryMarshal.GetArrayDataReference(_laneCounts);
            ref int rankRef = ref MemoryMarshal.GetArrayDataReference(_laneRanks);
            int[] sorted = model.SortedPositions;
            var below2 = Vector256.Create(-n);
            Vector256<double> lo = default, hi = default;
            if (model.Groups == n)
            {
                // No ties among the predictions: every group is one item (and only its copies tie).
                for (int k = 0; k < sorted.Length; k++)
                {
                    var c = GatherSorted(sorted, k, ref countRef, ref rankRef, out var rx);
                    var (t0, t1) = ToDouble(c * rx);            // |c·rx2| ≤ 255·2²¹ < 2³¹
                    var (r0, r1) = ToDouble(below2 + c);
                    lo += t0 * r0;
                    hi += t1 * r1;
                    below2 += c + c;
                }
                selfCubes.CopyTo(yCubes);
                selfTies.CopyTo(yTies);
            }
            else
            {
                yCubes.Clear();
                yTies.Clear();
                int k0 = 0;
                foreach (int end in model.GroupEnds)
                {
                    var w = Vector256<int>.Zero;
                    Vector256<double> s0 = default, s1 = default;
                    for (int k = k0; k < end; k++)
                    {
                        var c = GatherSorted(sorted, k, ref countRef, ref rankRef, out var rx);
                        var (t0, t1) = ToDouble(c * rx);
                        s0 += t0;
                        s1 += t1;
                        w += c;
                    }
                    var (r0, r1) = ToDouble(below2 + w);
                    lo += s0 * r0;
                    hi += s1 * r1;
                    below2 += w + w;
                    for (int lane = 0; lane < Lanes; lane++)
                    {
                        long wl = w.GetElement(lane);
                        yCubes[lane] += wl * wl * wl - wl;
                        yTies[lane] += wl * (wl - 1) / 2;
                    }
                    k0 = end;
                }
            }
            lo.CopyTo(sxy4);
            hi.CopyTo(sxy4[4..]);
        }

        /// <summary>The lane counts and truth ranks of the k-th position in a model's order, prefetching a few ahead.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> GatherSorted(int[] sorted, int k, ref byte countRef, ref int rankRef, out Vector256<int> rank)
        {
            if (k + Ahead < sorted.Length)
            {
                int ahead = sorted[k + Ahead] * Lanes;
                Prefetch(ref Unsafe.Add(ref countRef, ahead));
                Prefetch(ref Unsafe.Add(ref rankRef, ahead));
            }
            int q = sorted[k] * Lanes;
            rank = Vector256.LoadUnsafe(ref Unsafe.Add(ref rankRef, q));
            return LoadLanes(ref Unsafe.Add(ref countRef, q));
        }

        /// <summary>Per lane the seven weighted sums of <see cref="WeightedSums"/>, laid out [sum × 8 + lane].</summary>
        private void PearsonLanes(Model model, Span<double> sums)
        {
            int n = _n;
            ref byte countRef = ref MemoryMarshal.GetArrayDataReference(_laneCounts);
            double[] x = _owner._truth, y = model.Values;
            double xShift = _owner._truthMean, yShift = model.Mean;
            Span<Vector256<double>> acc = stackalloc Vector256<double>[14];
            acc.Clear();
            for (int p = 0; p < n; p++)
            {
                var (c0, c1) = ToDouble(LoadLanes(ref Unsafe.Add(ref countRef, p * Lanes)));
                double dx = x[p] - xShift, dy = y[p] - yShift, e = y[p] - x[p];
                var vdx = Vector256.Create(dx);
                var vdy = Vector256.Create(dy);
                var vae = Vector256.Create(Math.Abs(e));
                var vdx2 = Vector256.Create(dx * dx);
                var vdy2 = Vector256.Create(dy * dy);
                var vdxy = Vector256.Create(dx * dy);
                var ve2 = Vector256.Create(e * e);
                acc[0] += c0 * vdx;
                acc[1] += c1 * vdx;
                acc[2] += c0 * vdy;
                acc[3] += c1 * vdy;
                acc[4] += c0 * vdx2;
                acc[5] += c1 * vdx2;
                acc[6] += c0 * vdy2;
                acc[7] += c1 * vdy2;
                acc[8] += c0 * vdxy;
                acc[9] += c1 * vdxy;
                acc[10] += c0 * ve2;
                acc[11] += c1 * ve2;
                acc[12] += c0 * vae;
                acc[13] += c1 * vae;
            }
            for (int s = 0; s < 7; s++)
            {
                acc[2 * s].CopyTo(sums.Slice(s * Lanes, 4));
                acc[2 * s + 1].CopyTo(sums.Slice(s * Lanes + 4, 4));
            }
        }

        /// <summary>
        /// Per lane, Σ c_i·c_j over pairs with truth_i &lt; truth_j and model_i &gt; model_j, by replaying the model's
        /// fixed merge plan on the lane counts: when a left-run element is emitted, every right-run element already
        /// emitted has a smaller prediction and a larger truth, so it adds c_left · (right weight emitted so far).
        /// Each level is one sequential pass over the counts (no tree, no random access).
        /// </summary>
        private void DiscordantLanes(Model model, byte[] counts, Span<long> result)
        {
            int n = _n;
            byte[] source = _mergeA, target = _mergeB;
            int[] start = model.MergeStart;
            ref byte countRef = ref MemoryMarshal.GetArrayDataReference(counts);
            ref ulong initial = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetArrayDataReference(source));
            for (int k = 0; k < n; k++)
                Unsafe.Add(ref initial, k) = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref countRef, start[k] * Lanes));

            Vector256<long> lower = Vector256<long>.Zero, upper = Vector256<long>.Zero;
            // c·R ≤ 255·n < 2³¹ for n < 2²¹; `period` of them are summed in 32 bits before widening.
            int period = (int)Math.Clamp(int.MaxValue / (255L * Math.Max(1, n)), 1, 256);
            ulong[][] levels = model.MergeFromLeft;
            for (int level = 0, width = 1; level < levels.Length; level++, width *= 2)
            {
                bool last = level == levels.Length - 1;
                ref ulong bits = ref MemoryMarshal.GetArrayDataReference(levels[level]);
                ref ulong from = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetArrayDataReference(source));
                ref ulong to = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetArrayDataReference(target));
                for (int lo = 0; lo < n; lo += 2 * width)
                {
                    int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                    if (mid >= hi)
                    {
                        // A lone left run: nothing to pair with; carried over unchanged.
                        if (!last)
                            Unsafe.CopyBlockUnaligned(ref Unsafe.As<ulong, byte>(ref Unsafe.Add(ref to, lo)), ref Unsafe.As<ulong, byte>(ref Unsafe.Add(ref from, lo)), (uint)((hi - lo) * Lanes));
                        continue;
                    }
                    int l = lo, r = mid, pending = 0;
                    var right = Vector256<int>.Zero;
                    var sum = Vector256<int>.Zero;
                    for (int k = lo; k < hi; k++)
                    {
                        int fromLeft = (int)((Unsafe.Add(ref bits, k >> 6) >> (k & 63)) & 1);
                        int index = r + ((l - r) & -fromLeft);          // branch-free: the choice is unpredictable
                        l += fromLeft;
                        r += 1 - fromLeft;
                        ulong packed = Unsafe.Add(ref from, index);
                        if (!last)
                            Unsafe.Add(ref to, k) = packed;
                        var c = Avx2.IsSupported
                            ? Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(packed).AsByte())
                            : Vector256.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(packed).AsByte()).ToVector256Unsafe()).AsInt32();
                        var leftMask = Vector256.Create(-fromLeft);
                        sum += (c * right) & leftMask;
                        right += Vector256.AndNot(c, leftMask);
                        if (++pending == period)
                        {
                            var (a, b) = Vector256.Widen(sum);
                            lower += a;
                            upper += b;
                            sum = default;
                            pending = 0;
                        }
                    }
                    var (wa, wb) = Vector256.Widen(sum);
                    lower += wa;
                    upper += wb;
                }
                (source, target) = (target, source);
            }
            Store(lower, upper, result);
        }

        /// <summary>
        /// <see cref="DiscordantLanes"/> for both lane groups at once: sixteen resamples per merged element, one
        /// 512-bit vector of 32-bit lanes (AVX-512).
        /// </summary>
        private void DiscordantLanes16(Model model, Span<long> result)
        {
            int n = _n;
            byte[] source = _mergeA, target = _mergeB;
            int[] start = model.MergeStart;
            ref byte group0 = ref MemoryMarshal.GetArrayDataReference(_groupCounts[0]);
            ref byte group1 = ref MemoryMarshal.GetArrayDataReference(_groupCounts[1]);
            ref ulong initial = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetArrayDataReference(source));
            for (int k = 0; k < n; k++)
            {
                int q = start[k] * Lanes;
                Unsafe.Add(ref initial, 2 * k) = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref group0, q));
                Unsafe.Add(ref initial, 2 * k + 1) = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref group1, q));
            }

            Vector512<long> lower = Vector512<long>.Zero, upper = Vector512<long>.Zero;
            int period = (int)Math.Clamp(int.MaxValue / (255L * Math.Max(1, n)), 1, 256);
            ulong[][] levels = model.MergeFromLeft;
            for (int level = 0, width = 1; level < levels.Length; level++, width *= 2)
            {
                bool last = level == levels.Length - 1;
                ref ulong bits = ref MemoryMarshal.GetArrayDataReference(levels[level]);
                ref Vector128<byte> from = ref Unsafe.As<byte, Vector128<byte>>(ref MemoryMarshal.GetArrayDataReference(source));
                ref Vector128<byte> to = ref Unsafe.As<byte, Vector128<byte>>(ref MemoryMarshal.GetArrayDataReference(target));
                for (int lo = 0; lo < n; lo += 2 * width)
                {
                    int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                    if (mid >= hi)
                    {
                        if (!last)
                            Unsafe.CopyBlockUnaligned(ref Unsafe.As<Vector128<byte>, byte>(ref Unsafe.Add(ref to, lo)), ref Unsafe.As<Vector128<byte>, byte>(ref Unsafe.Add(ref from, lo)), (uint)((hi - lo) * BatchSize));
                        continue;
                    }
                    int l = lo, r = mid;
                    var right = Vector512<int>.Zero;
                    for (int k0 = lo; k0 < hi; k0 += period)
                    {
                        int k1 = Math.Min(hi, k0 + period);
                        var sum = Vector512<int>.Zero;
                        for (int k = k0; k < k1; k++)
                        {
                            int fromLeft = (int)((Unsafe.Add(ref bits, k >> 6) >> (k & 63)) & 1);
                            int index = r + ((l - r) & -fromLeft);          // branch-free: the choice is unpredictable
                            l += fromLeft;
                            r += 1 - fromLeft;
                            var packed = Unsafe.Add(ref from, index);
                            if (!last)
                                Unsafe.Add(ref to, k) = packed;
                            var c = Avx512F.ConvertToVector512Int32(packed);
                            var leftMask = Vector512.Create(-fromLeft);
                            sum += (c * right) & leftMask;
                            right += Vector512.AndNot(c, leftMask);
                        }
                        var (a, b) = Vector512.Widen(sum);
                        lower += a;
                        upper += b;
                    }
                }
                (source, target) = (target, source);
            }
            lower.CopyTo(result);
            upper.CopyTo(result[Lanes..]);
        }

        private void JointTiesLanes(Model model, Span<long> selfTies, Span<long> result, int lanes)
        {
            if (model.JointIds.Length == 0)
            {
                selfTies.CopyTo(result);
                return;
            }
            long[] joint = _jointWeights;
            int[] ids = model.JointIds;
            byte[] counts = _laneCounts;
            for (int lane = 0; lane < lanes; lane++)
            {
                Array.Clear(joint, 0, model.JointGroups);
                for (int p = 0; p < _n; p++)
                    joint[ids[p]] += counts[p * Lanes + lane];
                long ties = 0;
                for (int g = 0; g < model.JointGroups; g++)
                    ties += joint[g] * (joint[g] - 1) / 2;
                result[lane] = ties;
            }
        }

        // ---------------------------------------------------------------- shared helpers

        private double TauB(long discordant, long xTies, long yTies, long jointTies)
        {
            long total = (long)_n * (_n - 1) / 2;
            if (xTies == total || yTies == total)
                return double.NaN;
            double numerator = total - xTies - yTies + jointTies - 2.0 * discordant;
            return Math.Clamp(numerator / Math.Sqrt(total - xTies) / Math.Sqrt(total - yTies), -1.0, 1.0);
        }

        private static void Store(Vector256<long> lower, Vector256<long> upper, Span<long> destination)
        {
            lower.CopyTo(destination);
            upper.CopyTo(destination[4..]);
        }

        private const int DrawBlock = 64;
        private const int Ahead = 16;

        /// <summary>Asks for the cache line of <paramref name="target"/> (a hint; no effect without SSE).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Prefetch<T>(ref T target)
        {
            if (Sse.IsSupported)
                Sse.Prefetch0(Unsafe.AsPointer(ref target));
        }

        /// <summary>The eight byte lanes at <paramref name="source"/> widened to 32-bit integers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> LoadLanes(ref byte source)
        {
            var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte();
            if (Avx2.IsSupported)
                return Avx2.ConvertToVector256Int32(bytes);
            return Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe()).AsInt32();
        }

        /// <summary>The eight 32-bit lanes as two vectors of four doubles (exact).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<double> Lower, Vector256<double> Upper) ToDouble(Vector256<int> v)
        {
            if (Avx.IsSupported)
                return (Avx.ConvertToVector256Double(v.GetLower()), Avx.ConvertToVector256Double(v.GetUpper()));
            return (Vector256.Create((double)v[0], v[1], v[2], v[3]), Vector256.Create((double)v[4], v[5], v[6], v[7]));
        }

        /// <summary>Σc·dx, Σc·dy, Σc·dx², Σc·dy², Σc·dx·dy, Σc·(y − x)², Σc·|y − x| with dx = x − xShift, dy = y − yShift.</summary>
        private static (double Sx, double Sy, double Sxx, double Syy, double Sxy, double Squared, double Absolute) WeightedSums(
            double[] weights, double[] x, double[] y, double xShift, double yShift)
        {
            int n = weights.Length;
            int p = 0;
            double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, squared = 0, absolute = 0;
            if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count)
            {
                ref double wr = ref MemoryMarshal.GetArrayDataReference(weights);
                ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
                ref double yr = ref MemoryMarshal.GetArrayDataReference(y);
                var xs = Vector256.Create(xShift);
                var ys = Vector256.Create(yShift);
                Vector256<double> vx = default, vy = default, vxx = default, vyy = default, vxy = default, vsq = default, vabs = default;
                for (; p <= n - Vector256<double>.Count; p += Vector256<double>.Count)
                {
                    var c = Vector256.LoadUnsafe(ref wr, (nuint)p);
                    var xv = Vector256.LoadUnsafe(ref xr, (nuint)p);
                    var yv = Vector256.LoadUnsafe(ref yr, (nuint)p);
                    var dx = xv - xs;
                    var dy = yv - ys;
                    var e = yv - xv;
                    var cdx = c * dx;
                    var cdy = c * dy;
                    var ce = c * e;
                    vx += cdx;
                    vy += cdy;
                    vxx += cdx * dx;
                    vyy += cdy * dy;
                    vxy += cdx * dy;
                    vsq += ce * e;
                    vabs += Vector256.Abs(ce);
                }
                sx = Vector256.Sum(vx);
                sy = Vector256.Sum(vy);
                sxx = Vector256.Sum(vxx);
                syy = Vector256.Sum(vyy);
                sxy = Vector256.Sum(vxy);
                squared = Vector256.Sum(vsq);
                absolute = Vector256.Sum(vabs);
            }
            for (; p < n; p++)
            {
                double c = weights[p];
                double dx = x[p] - xShift, dy = y[p] - yShift, e = y[p] - x[p];
                sx += c * dx;
                sy += c * dy;
                sxx += c * dx * dx;
                syy += c * dy * dy;
                sxy += c * dx * dy;
                squared += c * e * e;
                absolute += Math.Abs(c * e);
            }
            return (sx, sy, sxx, syy, sxy, squared, absolute);
        }

        private static double Correlation(double sxy, double sxx, double syy)
        {
            if (!(sxx > 0) || !(syy > 0))
                return double.NaN;
            return Math.Clamp(sxy / Math.Sqrt(sxx) / Math.Sqrt(syy), -1.0, 1.0);
        }
    }
}
