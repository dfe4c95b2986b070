using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// Vigna's weighted Kendall tau with hyperbolic weights (scipy.stats.weightedtau with the default
/// weigher, scipy 1.10): an exchange of the elements of importance ranks r and s weighs
/// 1/(r + 1) + 1/(s + 1) (additive) or 1/((r + 1)(s + 1)) (multiplicative), rank 0 being the most
/// important.
/// </summary>
/// <remarks>
/// <para>With <c>rank = true</c> the statistic is the mean of the values obtained with the decreasing
/// lexicographic ranking by (x, y) and by (y, x); with <c>rank = false</c> the element index is its
/// importance rank. The O(n log n) merge-sort algorithm follows S. Vigna, "A weighted correlation index
/// for rankings with ties", WWW 2015, in the same evaluation order as scipy, so results agree to
/// rounding.</para>
/// <para>The p-value is NaN (the null distribution is unknown), like scipy. Undefined results (NaN plus
/// a warning): fewer than 2 pairs, a constant input, NaN under <see cref="NanPolicy.Propagate"/>.
/// scipy itself treats NaN as the smallest score and has no nan_policy; here the usual
/// <see cref="NanPolicy"/> applies (<see cref="NanPolicy.Omit"/> drops incomplete pairs, and with
/// <c>rank = false</c> the importance ranks are then the positions among the remaining pairs).</para>
/// </remarks>
public static class WeightedTau
{
    /// <summary>Weighted tau between <paramref name="x"/> and <paramref name="y"/>.</summary>
    /// <param name="x">First score vector.</param>
    /// <param name="y">Second score vector, same length.</param>
    /// <param name="rank">True (default): average over the rankings by (x, y) and (y, x); false: importance by element index.</param>
    /// <param name="additive">True (default): exchange weights are added; false: multiplied.</param>
    /// <param name="nanPolicy">NaN handling for the pairs; default <see cref="NanPolicy.Propagate"/>.</param>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static CorrelationResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        bool rank = true, bool additive = true, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        var data = PairedSamples.Prepare(x, y, nanPolicy);
        if (CorrelationResults.CheckDefined(CorrelationResults.WeightedTau, data, Alternative.TwoSided) is { } undefined) return undefined;
        DenseRanking rx = DenseRanking.Compute(data.X);
        DenseRanking ry = DenseRanking.Compute(data.Y);
        double tau = rank
            ? (RankedTau(rx, ry, lexicographicRank: true, additive) + RankedTau(ry, rx, lexicographicRank: true, additive)) / 2
            : RankedTau(rx, ry, lexicographicRank: false, additive);
        return new CorrelationResult(CorrelationResults.WeightedTau, data.Length, tau, double.NaN, Alternative.TwoSided);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double}, bool, bool, NanPolicy)"/>
    public static CorrelationResult Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        bool rank = true, bool additive = true, NanPolicy nanPolicy = NanPolicy.Propagate)
        => Compute(PairedSamples.Widen(x), PairedSamples.Widen(y), rank, additive, nanPolicy);

    /// <summary>
    /// The weighted tau for one importance ranking: decreasing lexicographic by (x, y) when
    /// <paramref name="lexicographicRank"/>, else element index.
    /// </summary>
    private static double RankedTau(DenseRanking x, DenseRanking y, bool lexicographicRank, bool additive)
    {
        int n = x.Ranks.Length;
        int[] perm = DenseRanking.LexicographicOrder(x, y);
        var weight = new double[n];
        for (int k = 0; k < n; k++)
        {
            int element = perm[k];
            int importance = lexicographicRank ? n - 1 - k : element;
            weight[element] = 1.0 / (1 + importance);
        }
        int[] xr = x.Ranks, yr = y.Ranks;

        double jointTies = TieWeight(perm, weight, additive, (a, b) => xr[a] == xr[b] && yr[a] == yr[b], out _);
        double xTies = TieWeight(perm, weight, additive, (a, b) => xr[a] == xr[b], out bool xConstant);
        if (xConstant) return double.NaN;

        var merger = new ExchangeMerger(perm, yr, weight, additive);
        merger.Weigh(0, n);

        double yTies = TieWeight(perm, weight, additive, (a, b) => yr[a] == yr[b], out bool yConstant);
        if (yConstant) return double.NaN;

        double s = 0, sq = 0;
        for (int k = 0; k < n; k++)
        {
            double w = weight[perm[k]];
            s += w;
            sq += w * w;
        }
        double total = additive ? s * (n - 1) : (s * s - sq) / 2;
        double tau = ((total - (yTies + xTies - jointTies)) - 2.0 * merger.Exchanges) / Math.Sqrt(total - xTies) / Math.Sqrt(total - yTies);
        return Math.Min(1.0, Math.Max(-1.0, tau));
    }

    /// <summary>
    /// The weight of the pairs tied under <paramref name="same"/> along <paramref name="perm"/> (ties are
    /// consecutive). <paramref name="constant"/> reports a single group.
    /// </summary>
    private static double TieWeight(int[] perm, double[] weight, bool additive, Func<int, int, bool> same, out bool constant)
    {
        int n = perm.Length;
        int first = 0;
        double total = 0;
        double w = weight[perm[0]];
        double s = w, sq = w * w;
        for (int i = 1; i < n; i++)
        {
            if (!same(perm[first], perm[i]))
            {
                total += additive ? s * (i - first - 1) : (s * s - sq) / 2;
                first = i;
                s = sq = 0;
            }
            w = weight[perm[i]];
            s += w;
            sq += w * w;
        }
        total += additive ? s * (n - first - 1) : (s * s - sq) / 2;
        constant = first == 0;
        return total;
    }

    /// <summary>
    /// Top-down merge sort of <c>perm</c> by y rank that accumulates the weight of the exchanges
    /// (discordant pairs) met while merging.
    /// </summary>
    private sealed class ExchangeMerger(int[] perm, int[] y, double[] weight, bool additive)
    {
        private readonly int[] _temp = new int[perm.Length];

        public double Exchanges { get; private set; }

        /// <summary>Sorts perm[offset, offset + length) by y and returns the total weight of the section.</summary>
        public double Weigh(int offset, int length)
        {
            if (length == 1) return weight[perm[offset]];
            int length0 = length / 2;
            int length1 = length - length0;
            int middle = offset + length0;
            double residual = Weigh(offset, length0);
            double total = Weigh(middle, length1) + residual;
            if (y[perm[middle - 1]] < y[perm[middle]]) return total;

            int i = 0, j = 0, k = 0;
            while (j < length0 && k < length1)
            {
                if (y[perm[offset + j]] <= y[perm[middle + k]])
                {
                    _temp[i] = perm[offset + j];
                    residual -= weight[_temp[i]];
                    j++;
                }
                else
                {
                    _temp[i] = perm[middle + k];
                    double w = weight[_temp[i]];
                    Exchanges += additive ? w * (length0 - j) + residual : w * residual;
                    k++;
                }
                i++;
            }
            perm.AsSpan(offset + j, length0 - j).CopyTo(perm.AsSpan(offset + i, length0 - j));
            _temp.AsSpan(0, i).CopyTo(perm.AsSpan(offset, i));
            return total;
        }
    }
}
