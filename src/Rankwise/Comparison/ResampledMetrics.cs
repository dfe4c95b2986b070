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
/// copy of the data. Sorting is done once, up front: the dense ranks of the truth and of each model are fixed, so the
/// average ranks of a resample follow from the tie-group weights W_g = Σ_{i∈g} c_i by one prefix pass
/// (rank of group g = Σ_{h&lt;g} W_h + (W_g + 1)/2), and Spearman's ρ is the c-weighted Pearson correlation of
/// those ranks — O(n) per resample and model instead of O(n log n). Pearson, MSE and MAE are c-weighted sums.
/// Kendall's tau-b counts the c-weighted discordant pairs with a Fenwick tree over the model's dense ranks, visiting
/// the items in the (truth, model) order fixed in advance — O(n log n) with no sort — and takes the tie terms from
/// the weighted group sizes Σ W(W − 1)/2 (duplicated items are ties in both variables).</para>
/// <para>The values equal those of the scipy-semantics functions applied to the gathered resample up to rounding
/// (≈1e−13 relative); the resamples are the same as Bootstrap.Paired's for the same seed.</para>
/// </remarks>
internal sealed class ResampledMetrics
{
    /// <summary>Metric slots in the output arrays.</summary>
    internal const int Spearman = 0, Kendall = 1, Pearson = 2, Mse = 3, Mae = 4, Count = 5;

    private readonly int _n;
    private readonly double[] _truth;
    private readonly int[] _truthRanks;
    private readonly int _truthGroups;
    private readonly Model[] _models;
    private readonly bool _kendall;

    public ResampledMetrics(double[] truth, IReadOnlyList<double[]> predictions, bool kendall)
    {
        _n = truth.Length;
        _truth = truth;
        var dense = DenseRanking.Compute(truth);
        _truthRanks = dense.Ranks;
        _truthGroups = dense.GroupCount;
        _kendall = kendall;
        _models = predictions.Select(p => new Model(p, dense, kendall)).ToArray();
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

    /// <summary>The metrics of one given multiplicity vector (used by tests and for the identity resample).</summary>
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
        multiplicities.CopyTo(workspace.Counts);
        workspace.Evaluate(output, 0);
        return output.Select(model => model.Select(slot => slot[0]).ToArray()).ToArray();
    }

    /// <summary>Per-model precomputation: dense ranks and the (truth, model) visiting order for Kendall.</summary>
    private sealed class Model
    {
        public readonly double[] Values;
        public readonly int[] Ranks;
        public readonly int Groups;
        public readonly int[] LexItems = [];
        public readonly int[] LexFenwickIndex = [];
        public readonly int[] XGroupEnds = [];
        public readonly int[] JointIds = [];
        public readonly int JointGroups;

        public Model(double[] values, DenseRanking truth, bool kendall)
        {
            Values = values;
            var dense = DenseRanking.Compute(values);
            Ranks = dense.Ranks;
            Groups = dense.GroupCount;
            if (!kendall)
                return;
            int n = values.Length;
            LexItems = DenseRanking.LexicographicOrder(truth, dense);
            LexFenwickIndex = new int[n];
            JointIds = new int[n];
            var ends = new List<int>();
            int joint = -1;
            for (int k = 0; k < n; k++)
            {
                int i = LexItems[k];
                LexFenwickIndex[k] = Ranks[i] + 1;
                bool newX = k == 0 || truth.Ranks[i] != truth.Ranks[LexItems[k - 1]];
                if (newX && k > 0)
                    ends.Add(k);
                if (newX || Ranks[i] != Ranks[LexItems[k - 1]])
                    joint++;
                JointIds[k] = joint;
            }
            ends.Add(n);
            XGroupEnds = [.. ends];
            JointGroups = joint + 1;
        }
    }

    /// <summary>Per-thread buffers.</summary>
    private sealed class Workspace
    {
        private readonly ResampledMetrics _owner;
        public readonly int[] Counts;
        private readonly long[] _truthWeights;
        private readonly double[] _truthRankOf;
        private readonly long[] _weights;
        private readonly double[] _rankOf;
        private readonly int[] _fenwick;
        private readonly long[] _jointWeights;

        public Workspace(ResampledMetrics owner)
        {
            _owner = owner;
            Counts = new int[owner._n];
            _truthWeights = new long[owner._truthGroups];
            _truthRankOf = new double[owner._truthGroups];
            int maxGroups = owner._models.Length == 0 ? 0 : owner._models.Max(m => m.Groups);
            _weights = new long[maxGroups];
            _rankOf = new double[maxGroups];
            _fenwick = owner._kendall ? new int[maxGroups + 1] : [];
            _jointWeights = owner._kendall ? new long[owner._models.Max(m => m.JointGroups)] : [];
        }

        /// <summary>The multiplicities of resample b: n draws from ResampleRandom(seed, b), as Bootstrap.Paired.</summary>
        public void Draw(ulong seed, int b)
        {
            int n = _owner._n;
            Array.Clear(Counts);
            var rng = new ResampleRandom(seed, (ulong)b);
            for (int i = 0; i < n; i++)
                Counts[rng.NextInt(n)]++;
        }

        public void Evaluate(double[][][] output, int b)
        {
            int n = _owner._n;
            int[] c = Counts;
            double mid = (n + 1) / 2.0;
            // Truth: average ranks of the resample by group, and its centred sums.
            double sxx = AverageRanks(_owner._truthRanks, _owner._truthGroups, _truthWeights, _truthRankOf, mid, out long xTies);
            double[] x = _owner._truth;
            double xMean = WeightedMean(x, c, n);
            double sxxPearson = 0;
            for (int i = 0; i < n; i++)
            {
                if (c[i] == 0)
                    continue;
                double d = x[i] - xMean;
                sxxPearson += c[i] * d * d;
            }

            for (int m = 0; m < _owner._models.Length; m++)
            {
                Model model = _owner._models[m];
                double[] y = model.Values;
                double syy = AverageRanks(model.Ranks, model.Groups, _weights, _rankOf, mid, out long yTies);
                int[] rx = _owner._truthRanks, ry = model.Ranks;
                double sxy = 0;
                double yMean = WeightedMean(y, c, n);
                double sxyPearson = 0, syyPearson = 0, squared = 0, absolute = 0;
                for (int i = 0; i < n; i++)
                {
                    int ci = c[i];
                    if (ci == 0)
                        continue;
                    sxy += ci * (_truthRankOf[rx[i]] - mid) * (_rankOf[ry[i]] - mid);
                    double dx = x[i] - xMean, dy = y[i] - yMean;
                    sxyPearson += ci * dx * dy;
                    syyPearson += ci * dy * dy;
                    double e = y[i] - x[i];
                    squared += ci * e * e;
                    absolute += ci * Math.Abs(e);
                }
                double[][] slots = output[m];
                slots[Spearman][b] = Correlation(sxy, sxx, syy);
                slots[Pearson][b] = Correlation(sxyPearson, sxxPearson, syyPearson);
                slots[Mse][b] = squared / n;
                slots[Mae][b] = absolute / n;
                slots[Kendall][b] = _owner._kendall ? KendallTauB(model, xTies, yTies) : double.NaN;
            }
        }

        /// <summary>Average ranks of the resample per dense group; returns Σ W_g (rank_g − mid)² and Σ W(W − 1)/2.</summary>
        private double AverageRanks(int[] ranks, int groups, long[] weights, double[] rankOf, double mid, out long ties)
        {
            int[] c = Counts;
            Array.Clear(weights, 0, groups);
            for (int i = 0; i < ranks.Length; i++)
                weights[ranks[i]] += c[i];
            long below = 0;
            ties = 0;
            double sum = 0;
            for (int g = 0; g < groups; g++)
            {
                long w = weights[g];
                double rank = below + (w + 1) / 2.0;
                rankOf[g] = rank;
                double d = rank - mid;
                sum += w * d * d;
                ties += w * (w - 1) / 2;
                below += w;
            }
            return sum;
        }

        private double KendallTauB(Model model, long xTies, long yTies)
        {
            int n = _owner._n;
            int[] c = Counts;
            int[] tree = _fenwick;
            Array.Clear(tree, 0, model.Groups + 1);
            long[] joint = _jointWeights;
            Array.Clear(joint, 0, model.JointGroups);
            int[] lex = model.LexItems, fenwickIndex = model.LexFenwickIndex, jointIds = model.JointIds;
            long inserted = 0, discordant = 0;
            int start = 0;
            foreach (int end in model.XGroupEnds)
            {
                for (int k = start; k < end; k++)
                {
                    int ci = c[lex[k]];
                    if (ci == 0)
                        continue;
                    joint[jointIds[k]] += ci;
                    long atMost = 0;
                    for (int j = fenwickIndex[k]; j > 0; j -= j & -j)
                        atMost += tree[j];
                    discordant += ci * (inserted - atMost);
                }
                for (int k = start; k < end; k++)
                {
                    int ci = c[lex[k]];
                    if (ci == 0)
                        continue;
                    for (int j = fenwickIndex[k], groups = model.Groups; j <= groups; j += j & -j)
                        tree[j] += ci;
                    inserted += ci;
                }
                start = end;
            }
            long jointTies = 0;
            for (int g = 0; g < model.JointGroups; g++)
                jointTies += joint[g] * (joint[g] - 1) / 2;
            long total = (long)n * (n - 1) / 2;
            if (xTies == total || yTies == total)
                return double.NaN;
            double numerator = total - xTies - yTies + jointTies - 2.0 * discordant;
            double tau = numerator / Math.Sqrt(total - xTies) / Math.Sqrt(total - yTies);
            return Math.Clamp(tau, -1.0, 1.0);
        }

        private static double WeightedMean(double[] values, int[] c, int n)
        {
            double sum = 0;
            for (int i = 0; i < values.Length; i++)
                sum += c[i] * values[i];
            double mean = sum / n;
            // One correction pass (as numpy's two-pass mean would give for the gathered sample, to rounding).
            double correction = 0;
            for (int i = 0; i < values.Length; i++)
                correction += c[i] * (values[i] - mean);
            return mean + correction / n;
        }

        private static double Correlation(double sxy, double sxx, double syy)
        {
            if (!(sxx > 0) || !(syy > 0))
                return double.NaN;
            return Math.Clamp(sxy / Math.Sqrt(sxx) / Math.Sqrt(syy), -1.0, 1.0);
        }
    }
}
