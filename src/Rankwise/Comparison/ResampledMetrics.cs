using System.Runtime.InteropServices;
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
/// weights W_g = Σ_{i∈g} c_i (rank of group g = Σ_{h&lt;g} W_h + (W_g + 1)/2). Each model's ranks come from one pass
/// over its own fixed sorted order, during which Spearman's ρ accumulates as the c-weighted Pearson correlation of
/// the two rank vectors — O(n) per resample and model instead of O(n log n). Pearson, MSE and MAE are c-weighted
/// sums, one sequential pass. Kendall's tau-b counts the c-weighted discordant pairs with a Fenwick tree over the model's dense ranks,
/// visiting the items in truth order — O(n log n), no sort — and takes the tie terms from the weighted group sizes
/// Σ W(W − 1)/2 (duplicated items are ties in both variables).</para>
/// <para>The values equal those of the scipy-semantics functions applied to the gathered resample up to rounding
/// (≈1e−13 relative); the resamples are the same as Bootstrap.Paired's for the same seed.</para>
/// </remarks>
internal sealed class ResampledMetrics
{
    /// <summary>Metric slots in the output arrays.</summary>
    internal const int Spearman = 0, Kendall = 1, Pearson = 2, Mse = 3, Mae = 4, Count = 5;

    private readonly int _n;
    private readonly int[] _positionOf;      // item → position in truth order
    private readonly double[] _truth;        // truth values in truth order
    private readonly int[] _truthGroupEnds;  // end positions of the truth's tie groups
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
        _truthMean = NumpyReductions.Mean(truth);
        _models = predictions.Select(values => new Model(values, order, dense, kendall)).ToArray();
    }

    /// <summary>
    /// Fills <paramref name="output"/>[model][metric][b] for every resample b (parallel over resamples).
    /// </summary>
    public void Run(double[][][] output, int resamples, ulong seed, int? maxDegreeOfParallelism, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var driverOutput = new double[resamples];
        ResamplingDriver.Fill(
            driverOutput,
            () => new Workspace(this),
            (workspace, b) =>
            {
                workspace.Draw(seed, b);
                workspace.Evaluate(output, b);
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
        for (int i = 0; i < _n; i++)
            workspace.Items[_positionOf[i]].Count = multiplicities[i];
        workspace.Evaluate(output, 0);
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

    /// <summary>A position's multiplicity and its average rank in the truth (float is exact: half-integers below 2²³).</summary>
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
        private readonly int[] _fenwick;
        private readonly long[] _jointWeights;

        public Workspace(ResampledMetrics owner)
        {
            _owner = owner;
            Items = new Item[owner._n];
            _fenwick = owner._kendall ? new int[owner._models.Max(m => m.Groups) + 1] : [];
            _jointWeights = owner._kendall ? new long[owner._models.Max(m => m.JointGroups)] : [];
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

        public void Evaluate(double[][][] output, int b)
        {
            int n = _owner._n;
            Item[] items = Items;
            double mid = (n + 1) / 2.0;
            double[] x = _owner._truth;

            // Truth: average ranks by group (sequential), rank sum of squares, ties, weighted mean.
            long below = 0, xTies = 0;
            double sxx = 0;
            int start = 0;
            foreach (int end in _owner._truthGroupEnds)
            {
                long w = 0;
                for (int p = start; p < end; p++)
                {
                    w += items[p].Count;
                }
                float rank = (float)(below + (w + 1) / 2.0);
                for (int p = start; p < end; p++)
                    items[p].TruthRank = rank;
                double d = rank - mid;
                sxx += w * d * d;
                xTies += w * (w - 1) / 2;
                below += w;
                start = end;
            }

            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                double[] y = model.Values;
                double[][] slots = output[m];


                // Spearman: one pass over the model's sorted order.
                int[] sorted = model.SortedPositions;
                long rankBelow = 0, yTies = 0;
                double syy = 0, sxy = 0;
                int k0 = 0;
                foreach (int end in model.GroupEnds)
                {
                    if (end - k0 == 1)
                    {
                        Item item = items[sorted[k0]];
                        int w = item.Count;
                        double dy = rankBelow + (w + 1) / 2.0 - mid;
                        syy += w * dy * dy;
                        sxy += w * dy * (item.TruthRank - mid);
                        yTies += (long)w * (w - 1) / 2;
                        rankBelow += w;
                    }
                    else
                    {
                        long w = 0;
                        double truthRankSum = 0;
                        for (int k = k0; k < end; k++)
                        {
                            Item item = items[sorted[k]];
                            w += item.Count;
                            truthRankSum += item.Count * (item.TruthRank - mid);
                        }
                        double dy = rankBelow + (w + 1) / 2.0 - mid;
                        syy += w * dy * dy;
                        sxy += dy * truthRankSum;
                        yTies += w * (w - 1) / 2;
                        rankBelow += w;
                    }
                    k0 = end;
                }
                slots[Spearman][b] = Correlation(sxy, sxx, syy);

                // Pearson, MSE, MAE: one sequential pass of weighted sums about the full-data means (the shift
                // keeps the centred sums accurate: sxx = Σc·dx² − (Σc·dx)²/n with Σc·dx small).
                double xShift = _owner._truthMean, yShift = model.Mean;
                double sx = 0, sy = 0, sxxP = 0, syyP = 0, sxyP = 0, squared = 0, absolute = 0;
                for (int p = 0; p < n; p++)
                {
                    double c = items[p].Count;
                    double dx = x[p] - xShift, dy = y[p] - yShift, e = y[p] - x[p];
                    double cdx = c * dx, cdy = c * dy;
                    sx += cdx;
                    sy += cdy;
                    sxxP += cdx * dx;
                    syyP += cdy * dy;
                    sxyP += cdx * dy;
                    squared += c * e * e;
                    absolute += c * Math.Abs(e);
                }
                sxxP -= sx * sx / n;
                syyP -= sy * sy / n;
                sxyP -= sx * sy / n;
                slots[Pearson][b] = Correlation(sxyP, sxxP, syyP);
                slots[Mse][b] = squared / n;
                slots[Mae][b] = absolute / n;
                slots[Kendall][b] = _owner._kendall ? KendallTauB(model, xTies, yTies) : double.NaN;
            }
        }

        private double KendallTauB(Model model, long xTies, long yTies)
        {
            int n = _owner._n;
            Item[] items = Items;
            int[] tree = _fenwick;
            int groups = model.Groups;
            Array.Clear(tree, 0, groups + 1);
            int[] fenwickIndex = model.FenwickIndex;
            long inserted = 0, discordant = 0;
            int start = 0;
            foreach (int end in _owner._truthGroupEnds)
            {
                if (end - start == 1)
                {
                    int c = items[start].Count;
                    if (c != 0)
                    {
                        int index = fenwickIndex[start];
                        long atMost = 0;
                        for (int j = index; j > 0; j -= j & -j)
                            atMost += tree[j];
                        discordant += c * (inserted - atMost);
                        for (int j = index; j <= groups; j += j & -j)
                            tree[j] += c;
                        inserted += c;
                    }
                }
                else
                {
                    // Items tied in the truth are not discordant with each other: query them all, then insert.
                    for (int p = start; p < end; p++)
                    {
                        int c = items[p].Count;
                        if (c == 0)
                            continue;
                        long atMost = 0;
                        for (int j = fenwickIndex[p]; j > 0; j -= j & -j)
                            atMost += tree[j];
                        discordant += c * (inserted - atMost);
                    }
                    for (int p = start; p < end; p++)
                    {
                        int c = items[p].Count;
                        if (c == 0)
                            continue;
                        for (int j = fenwickIndex[p]; j <= groups; j += j & -j)
                            tree[j] += c;
                        inserted += c;
                    }
                }
                start = end;
            }
            long jointTies = 0;
            if (model.JointIds.Length > 0)
            {
                long[] joint = _jointWeights;
                Array.Clear(joint, 0, model.JointGroups);
                int[] ids = model.JointIds;
                for (int p = 0; p < n; p++)
                    joint[ids[p]] += items[p].Count;
                for (int g = 0; g < model.JointGroups; g++)
                    jointTies += joint[g] * (joint[g] - 1) / 2;
            }
            else
            {
                // No (truth, prediction) pair repeats, so only duplicated items are tied in both.
                for (int p = 0; p < n; p++)
                {
                    long c = items[p].Count;
                    jointTies += c * (c - 1) / 2;
                }
            }
            long total = (long)n * (n - 1) / 2;
            if (xTies == total || yTies == total)
                return double.NaN;
            double numerator = total - xTies - yTies + jointTies - 2.0 * discordant;
            double tau = numerator / Math.Sqrt(total - xTies) / Math.Sqrt(total - yTies);
            return Math.Clamp(tau, -1.0, 1.0);
        }

        private static double Correlation(double sxy, double sxx, double syy)
        {
            if (!(sxx > 0) || !(syy > 0))
                return double.NaN;
            return Math.Clamp(sxy / Math.Sqrt(sxx) / Math.Sqrt(syy), -1.0, 1.0);
        }
    }
}
