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
/// copy of the data, and all sorting is done once, up front. The items are laid out in the truth's sorted order, so
/// the truth side of every resample is a sequential pass: the average ranks of a resample follow from the tie-group
/// weights W_g = Σ_{i∈g} c_i (rank of group g = Σ_{h&lt;g} W_h + (W_g + 1)/2), and Σ W (rank − (n+1)/2)² =
/// (n³ − n)/12 − Σ_g (W_g³ − W_g)/12. Each model's ranks come from one pass over its own fixed sorted order, during
/// which Spearman's ρ accumulates as the c-weighted correlation of the two rank vectors — O(n) per resample and model
/// instead of O(n log n). Pearson, MSE and MAE are c-weighted sums in one vectorised pass.</para>
/// <para>Kendall's tau-b counts the c-weighted discordant pairs with a Fenwick tree over the model's dense ranks,
/// visiting the items in truth order — O(n log n), no sort — for eight resamples at once (one 32-bit lane each), and
/// takes the tie terms from the weighted group sizes Σ W(W − 1)/2 (duplicated items are ties in both variables).</para>
/// <para>The values equal those of the scipy-semantics functions applied to the gathered resample up to rounding
/// (≈1e−13 relative); the resamples are the same as Bootstrap.Paired's for the same seed.</para>
/// </remarks>
internal sealed class ResampledMetrics
{
    /// <summary>Metric slots in the output arrays.</summary>
    internal const int Spearman = 0, Kendall = 1, Pearson = 2, Mse = 3, Mae = 4, Count = 5;

    /// <summary>Resamples evaluated together (the lanes of the Kendall pass).</summary>
    private const int Lanes = 8;

    /// <summary>Above this bound on c·n the Kendall pass leaves its 32-bit lanes for 64-bit scalar arithmetic (a field
    /// only so that tests can exercise that path; the results are identical).</summary>
    internal static long LaneBound = int.MaxValue;

    private readonly int _n;
    private readonly int[] _positionOf;      // item → position in truth order
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
        var batches = new double[(resamples + Lanes - 1) / Lanes];
        ResamplingDriver.Fill(
            batches,
            () => new Workspace(this),
            (workspace, batch) =>
            {
                int first = batch * Lanes;
                int lanes = Math.Min(Lanes, resamples - first);
                workspace.StartBatch();
                for (int lane = 0; lane < lanes; lane++)
                {
                    workspace.Draw(seed, first + lane);
                    workspace.EvaluateLane(output, first + lane, lane);
                }
                workspace.KendallBatch(output, first, lanes);
                return 0;
            },
            maxDegreeOfParallelism, progress, cancellationToken);
    }

    /// <summary>The metrics [model][metric] of one multiplicity vector given per original item (for tests).</summary>
    internal double[][] Evaluate(ReadOnlySpan<int> multiplicities)
    {
        var output = new double[_models.Length][][];
        for (int m = 0; m < output.Length; m++)
        {
            output[m] = new double[Count][];
            for (int k = 0; k < Count; k++)
                output[m][k] = new double[1];
        }
        var workspace = new Workspace(this);
        workspace.StartBatch();
        for (int i = 0; i < _n; i++)
            workspace.Items[_positionOf[i]].Count = multiplicities[i];
        workspace.EvaluateLane(output, 0, 0);
        workspace.KendallBatch(output, 0, 1);
        return output.Select(model => model.Select(slot => slot[0]).ToArray()).ToArray();
    }

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
        }
    }

    /// <summary>A position's multiplicity and its average rank in the truth minus (n + 1)/2 (float is exact:
    /// multiples of ½ below 2²³).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Item
    {
        public int Count;
        public float TruthRank;
    }

    /// <summary>Per-thread buffers.</summary>
    private sealed class Workspace
    {
        private readonly ResampledMetrics _owner;
        public readonly Item[] Items;
        private readonly double[] _weights;          // the multiplicities as doubles, for the vectorised sums
        private readonly byte[] _laneCounts;         // [position × 8 + lane] multiplicities of the batch, for Kendall
        private readonly bool[] _laneScalar = new bool[Lanes];   // lanes with a multiplicity above 255 (done in 64-bit)
        private readonly long[][] _scalarDiscordant;
        private readonly int[] _fenwick;             // [(rank + 1) × 8 + lane]
        private readonly long[] _jointWeights;
        private readonly long[] _xTies = new long[Lanes];
        private int _maxCount;                      // the largest multiplicity in the batch
        private readonly long[][] _yTies;
        private readonly long[][] _jointTies;

        public Workspace(ResampledMetrics owner)
        {
            _owner = owner;
            int n = owner._n;
            Items = new Item[n];
            _weights = new double[n];
            int models = owner._models.Length;
            _yTies = new long[models][];
            _jointTies = new long[models][];
            _scalarDiscordant = new long[models][];
            for (int m = 0; m < models; m++)
            {
                _yTies[m] = new long[Lanes];
                _jointTies[m] = new long[Lanes];
                _scalarDiscordant[m] = new long[Lanes];
            }
            if (owner._kendall)
            {
                _laneCounts = new byte[n * Lanes];
                _fenwick = new int[(owner._models.Max(m => m.Groups) + 1) * Lanes];
                _jointWeights = new long[owner._models.Max(m => m.JointGroups)];
            }
            else
            {
                _laneCounts = [];
                _fenwick = [];
                _jointWeights = [];
            }
        }

        /// <summary>Resets the per-batch state.</summary>
        public void StartBatch()
        {
            _maxCount = 0;
            Array.Clear(_laneScalar);
        }

        /// <summary>The multiplicities of resample b: n draws from ResampleRandom(seed, b), as Bootstrap.Paired.</summary>
        public void Draw(ulong seed, int b)
        {
            int n = _owner._n;
            int[] positionOf = _owner._positionOf;
            Item[] items = Items;
            for (int p = 0; p < items.Length; p++)
                items[p].Count = 0;
            var rng = new ResampleRandom(seed, (ulong)b);
            for (int i = 0; i < n; i++)
                items[positionOf[rng.NextInt(n)]].Count++;
        }

        /// <summary>Spearman, Pearson, MSE and MAE of resample <paramref name="b"/> (in <see cref="Items"/>) for every
        /// model, and the tie sums and lane copy the batched Kendall pass needs.</summary>
        public void EvaluateLane(double[][][] output, int b, int lane)
        {
            int n = _owner._n;
            Item[] items = Items;
            double mid = (n + 1) / 2.0;
            double[] x = _owner._truth;
            double[] weights = _weights;
            bool kendall = _owner._kendall;
            byte[] laneCounts = _laneCounts;

            // Truth: average ranks (centred) by group; Σ(W³ − W) for the rank sum of squares; Σ W(W − 1)/2 ties.
            long below = 0, cubes = 0, xTies = 0;
            int max = _maxCount;
            if (!_owner._truthTied)
            {
                for (int p = 0; p < n; p++)
                {
                    int c = items[p].Count;
                    items[p].TruthRank = (float)(below + (c + 1) * 0.5 - mid);
                    weights[p] = c;
                    cubes += (long)c * c * c - c;
                    below += c;
                    if (kendall)
                    {
                        laneCounts[p * Lanes + lane] = (byte)c;
                        max = Math.Max(max, c);
                    }
                }
                if (kendall)
                    xTies = SelfTies(items);
            }
            else
            {
                int start = 0;
                foreach (int end in _owner._truthGroupEnds)
                {
                    long w = 0;
                    for (int p = start; p < end; p++)
                    {
                        int c = items[p].Count;
                        w += c;
                        weights[p] = c;
                        if (kendall)
                        {
                            laneCounts[p * Lanes + lane] = (byte)c;
                            max = Math.Max(max, c);
                        }
                    }
                    float rank = (float)(below + (w + 1) * 0.5 - mid);
                    for (int p = start; p < end; p++)
                        items[p].TruthRank = rank;
                    cubes += w * w * w - w;
                    xTies += w * (w - 1) / 2;
                    below += w;
                    start = end;
                }
            }
            if (kendall && max > byte.MaxValue)
            {
                // A multiplicity does not fit its byte lane: count this resample's discordant pairs now, in 64-bit.
                _laneScalar[lane] = true;
                for (int m = 0; m < _owner._models.Length; m++)
                    _scalarDiscordant[m][lane] = DiscordantOfItems(_owner._models[m]);
            }
            else
            {
                _maxCount = max;
            }
            double full = ((double)n * n * n - n) / 12;
            double sxx = full - cubes / 12.0;
            _xTies[lane] = xTies;

            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                double[][] slots = output[m];

                // Spearman: one pass over the model's sorted order; Σ c·(rx − mid)·(ry − mid).
                int[] sorted = model.SortedPositions;
                double sxy = 0, syy;
                long rankBelow = 0;
                if (model.Groups == n)
                {
                    for (int k = 0; k < sorted.Length; k++)
                    {
                        Item item = items[sorted[k]];
                        int w = item.Count;
                        sxy += w * (rankBelow + (w + 1) * 0.5 - mid) * item.TruthRank;
                        rankBelow += w;
                    }
                    // Only copies of the same item tie in the model: the truth's Σ(W³ − W) unless the truth has ties.
                    syy = _owner._truthTied ? full - LaneCubes(items) / 12.0 : sxx;
                    _yTies[m][lane] = kendall ? SelfTies(items) : 0;
                }
                else
                {
                    long yCubes = 0, yTies = 0;
                    int k0 = 0;
                    foreach (int end in model.GroupEnds)
                    {
                        long w = 0;
                        double truthRankSum = 0;
                        for (int k = k0; k < end; k++)
                        {
                            Item item = items[sorted[k]];
                            w += item.Count;
                            truthRankSum += item.Count * (double)item.TruthRank;
                        }
                        sxy += (rankBelow + (w + 1) * 0.5 - mid) * truthRankSum;
                        yCubes += w * w * w - w;
                        yTies += w * (w - 1) / 2;
                        rankBelow += w;
                        k0 = end;
                    }
                    syy = full - yCubes / 12.0;
                    _yTies[m][lane] = yTies;
                }
                slots[Spearman][b] = Correlation(sxy, sxx, syy);
                if (kendall)
                    _jointTies[m][lane] = JointTies(model, items);
                else
                    slots[Kendall][b] = double.NaN;
            }

            // The streaming passes after every model's gather over Items, which then stays in cache.
            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                double[][] slots = output[m];
                // Pearson, MSE, MAE: one vectorised pass of weighted sums about the full-data means (the shift keeps
                // the centred sums accurate: sxx = Σc·dx² − (Σc·dx)²/n with Σc·dx small).
                var sums = WeightedSums(weights, x, model.Values, _owner._truthMean, model.Mean);
                slots[Pearson][b] = Correlation(sums.Sxy - sums.Sx * sums.Sy / n, sums.Sxx - sums.Sx * sums.Sx / n, sums.Syy - sums.Sy * sums.Sy / n);
                slots[Mse][b] = sums.Squared / n;
                slots[Mae][b] = sums.Absolute / n;
            }
        }

        /// <summary>Σ c(c − 1)/2: pairs formed by the copies of the same item (tied in every variable).</summary>
        private static long SelfTies(Item[] items)
        {
            long ties = 0;
            for (int p = 0; p < items.Length; p++)
            {
                long c = items[p].Count;
                ties += c * (c - 1);
            }
            return ties / 2;
        }

        /// <summary>Σ (c³ − c) over single items.</summary>
        private static long LaneCubes(Item[] items)
        {
            long cubes = 0;
            for (int p = 0; p < items.Length; p++)
            {
                long c = items[p].Count;
                cubes += c * c * c - c;
            }
            return cubes;
        }

        /// <summary>Pairs tied in both the truth and the model: Σ W(W − 1)/2 over the joint groups.</summary>
        private long JointTies(Model model, Item[] items)
        {
            if (model.JointIds.Length == 0)
                return SelfTies(items);
            long[] joint = _jointWeights;
            Array.Clear(joint, 0, model.JointGroups);
            int[] ids = model.JointIds;
            for (int p = 0; p < items.Length; p++)
                joint[ids[p]] += items[p].Count;
            long ties = 0;
            for (int g = 0; g < model.JointGroups; g++)
                ties += joint[g] * (joint[g] - 1) / 2;
            return ties;
        }

        /// <summary>
        /// Kendall's tau-b of the <paramref name="lanes"/> resamples of the batch starting at <paramref name="first"/>
        /// for every model: c-weighted discordant pairs counted with one Fenwick tree of 8 × 32-bit lanes.
        /// </summary>
        public void KendallBatch(double[][][] output, int first, int lanes)
        {
            if (!_owner._kendall)
                return;
            int n = _owner._n;
            byte[] counts = _laneCounts;
            if (lanes < Lanes)
            {
                // Unused lanes count nothing.
                for (int p = 0; p < n; p++)
                    counts.AsSpan(p * Lanes + lanes, Lanes - lanes).Clear();
            }
            long total = (long)n * (n - 1) / 2;
            Span<long> discordant = stackalloc long[Lanes];
            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                Discordant(model, discordant);
                for (int lane = 0; lane < lanes; lane++)
                {
                    long xTies = _xTies[lane], yTies = _yTies[m][lane];
                    long pairs = _laneScalar[lane] ? _scalarDiscordant[m][lane] : discordant[lane];
                    double tau = double.NaN;
                    if (xTies != total && yTies != total)
                    {
                        double numerator = total - xTies - yTies + _jointTies[m][lane] - 2.0 * pairs;
                        tau = Math.Clamp(numerator / Math.Sqrt(total - xTies) / Math.Sqrt(total - yTies), -1.0, 1.0);
                    }
                    output[m][Kendall][first + lane] = tau;
                }
            }
        }

        /// <summary>Per lane, Σ c_i·c_j over pairs with truth_i &lt; truth_j and model_i &gt; model_j.</summary>
        private void Discordant(Model model, Span<long> result)
        {
            int n = _owner._n;
            // c·(inserted − atMost) ≤ (max c)·n must fit a 32-bit lane, and so must the sum of `period` of them.
            long bound = (long)Math.Max(1, _maxCount) * n;
            if (bound >= LaneBound)
            {
                DiscordantScalar(model, result);
                return;
            }
            int period = (int)Math.Clamp(int.MaxValue / bound, 1, 256);
            int groups = model.Groups;
            int[] tree = _fenwick;
            Array.Clear(tree, 0, (groups + 1) * Lanes);
            byte[] counts = _laneCounts;
            int[] fenwickIndex = model.FenwickIndex;
            ref int treeRef = ref MemoryMarshal.GetArrayDataReference(tree);
            ref byte countRef = ref MemoryMarshal.GetArrayDataReference(counts);
            var inserted = Vector256<int>.Zero;
            var sum = Vector256<int>.Zero;
            Vector256<long> lower = Vector256<long>.Zero, upper = Vector256<long>.Zero;
            int pending = 0;
            int start = 0;
            int[] ends = _owner._truthTied ? _owner._truthGroupEnds : [];
            int g = 0;
            while (start < n)
            {
                // Items tied in the truth are not discordant with each other: query the group, then insert it.
                int end = _owner._truthTied ? ends[g++] : start + 1;
                for (int p = start; p < end; p++)
                {
                    var c = LoadLanes(ref Unsafe.Add(ref countRef, p * Lanes));
                    var atMost = Vector256<int>.Zero;
                    for (int j = fenwickIndex[p]; j > 0; j -= j & -j)
                        atMost += Vector256.LoadUnsafe(ref treeRef, (nuint)(j * Lanes));
                    sum += c * (inserted - atMost);
                    if (++pending == period)
                    {
                        Flush(ref sum, ref lower, ref upper);
                        pending = 0;
                    }
                }
                for (int p = start; p < end; p++)
                {
                    var c = LoadLanes(ref Unsafe.Add(ref countRef, p * Lanes));
                    for (int j = fenwickIndex[p]; j <= groups; j += j & -j)
                    {
                        ref int node = ref Unsafe.Add(ref treeRef, j * Lanes);
                        (Vector256.LoadUnsafe(ref node) + c).StoreUnsafe(ref node);
                    }
                    inserted += c;
                }
                start = end;
            }
            Flush(ref sum, ref lower, ref upper);
            for (int lane = 0; lane < 4; lane++)
            {
                result[lane] = lower.GetElement(lane);
                result[lane + 4] = upper.GetElement(lane);
            }
        }

        /// <summary>The same count lane by lane in 64-bit arithmetic (for multiplicities too large for 32-bit lanes).</summary>
        private void DiscordantScalar(Model model, Span<long> result)
        {
            int n = _owner._n;
            int groups = model.Groups;
            var tree = new long[groups + 1];
            byte[] counts = _laneCounts;
            int[] ends = _owner._truthTied ? _owner._truthGroupEnds : Enumerable.Range(1, n).ToArray();
            for (int lane = 0; lane < Lanes; lane++)
            {
                Array.Clear(tree);
                long inserted = 0, discordant = 0;
                int start = 0;
                foreach (int end in ends)
                {
                    for (int p = start; p < end; p++)
                    {
                        long c = counts[p * Lanes + lane];
                        long atMost = 0;
                        for (int j = model.FenwickIndex[p]; j > 0; j -= j & -j)
                            atMost += tree[j];
                        discordant += c * (inserted - atMost);
                    }
                    for (int p = start; p < end; p++)
                    {
                        long c = counts[p * Lanes + lane];
                        for (int j = model.FenwickIndex[p]; j <= groups; j += j & -j)
                            tree[j] += c;
                        inserted += c;
                    }
                    start = end;
                }
                result[lane] = discordant;
            }
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

        /// <summary>The discordant pairs of the resample now in <see cref="Items"/>, in 64-bit arithmetic.</summary>
        private long DiscordantOfItems(Model model)
        {
            int n = _owner._n;
            int groups = model.Groups;
            var tree = new long[groups + 1];
            int[] ends = _owner._truthTied ? _owner._truthGroupEnds : Enumerable.Range(1, n).ToArray();
            long inserted = 0, discordant = 0;
            int start = 0;
            foreach (int end in ends)
            {
                for (int p = start; p < end; p++)
                {
                    long c = Items[p].Count;
                    long atMost = 0;
                    for (int j = model.FenwickIndex[p]; j > 0; j -= j & -j)
                        atMost += tree[j];
                    discordant += c * (inserted - atMost);
                }
                for (int p = start; p < end; p++)
                {
                    long c = Items[p].Count;
                    for (int j = model.FenwickIndex[p]; j <= groups; j += j & -j)
                        tree[j] += c;
                    inserted += c;
                }
                start = end;
            }
            return discordant;
        }

        private static void Flush(ref Vector256<int> sum, ref Vector256<long> lower, ref Vector256<long> upper)
        {
            (Vector256<long> lo, Vector256<long> hi) = Vector256.Widen(sum);
            lower += lo;
            upper += hi;
            sum = Vector256<int>.Zero;
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
