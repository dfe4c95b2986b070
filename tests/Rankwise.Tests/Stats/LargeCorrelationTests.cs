using Rankwise.Correlation;
using Rankwise.Ranking;

namespace Rankwise.Tests.Stats;

/// <summary>
/// Spearman and Kendall on inputs long enough for the bucketed, multi-threaded kernels, against
/// straightforward references: Pearson of the average-rank vectors for Spearman, and for Kendall
/// pair counts from a stable (x, y) sort, tie groups by grouping and discordant pairs by a Fenwick tree.
/// </summary>
public class LargeCorrelationTests
{
    public static TheoryData<string, string> Pairs => new()
    {
        { "normal", "normal" },
        { "rounded", "rounded" },
        { "normal", "three-values" },
        { "three-values", "normal" },
        { "integers", "rounded" },
        { "clustered", "sawtooth" },
        { "specials", "log-uniform" },
        { "ascending", "descending" },
    };

    private static (double[] X, double[] Y) Make(string xShape, string yShape, int n)
    {
        double[] x = LargeRankingTests.Make(xShape, n, 5);
        double[] y = LargeRankingTests.Make(yShape, n, 6);
        // Couple y to x a little so that the correlations are not all ~0.
        for (int i = 0; i < n; i += 3) y[i] = x[i];
        return (x, y);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void SpearmanMatchesPearsonOfAverageRanks(string xShape, string yShape)
    {
        foreach (int n in new[] { BucketArgSort.MinimumLength + 17, 250_000 })
        {
            var (x, y) = Make(xShape, yShape, n);
            double expected = SpearmanCorrelation.RankCoefficient(Rank.RankData(x), Rank.RankData(y));
            double actual = SpearmanCorrelation.Compute(x, y).Statistic;
            Assert.True(Math.Abs(actual - expected) <= 1e-14, $"{xShape}/{yShape} n={n}: {actual:R} vs {expected:R}");
            // Exact integer sums: Σd² in closed form equals the directly accumulated one.
            SpearmanKernel.CenteredRankSums(x, y, out Int128 sxx4, out Int128 syy4, out Int128 sxy4);
            Assert.Equal(DirectSquares(Rank.RankData(x)), sxx4);
            Assert.Equal(DirectSquares(Rank.RankData(y)), syy4);
            Assert.Equal(DirectProducts(Rank.RankData(x), Rank.RankData(y)), sxy4);
        }
    }

    /// <summary>Σ(2r − (n + 1))² from a rank vector.</summary>
    private static Int128 DirectSquares(double[] ranks)
    {
        Int128 sum = 0;
        foreach (double r in ranks)
        {
            long d = (long)(2 * r) - (ranks.Length + 1);
            sum += (Int128)d * d;
        }
        return sum;
    }

    private static Int128 DirectProducts(double[] rx, double[] ry)
    {
        Int128 sum = 0;
        for (int i = 0; i < rx.Length; i++)
            sum += (Int128)((long)(2 * rx[i]) - (rx.Length + 1)) * ((long)(2 * ry[i]) - (rx.Length + 1));
        return sum;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void KendallCountsMatchReference(string xShape, string yShape)
    {
        foreach (int n in new[] { 3000, BucketArgSort.MinimumLength + 5, 200_000 })
        {
            var (x, y) = Make(xShape, yShape, n);
            KendallCounts counts = KendallCounts.Compute(x, y);
            var expected = ReferenceCounts(x, y);
            string where = $"{xShape}/{yShape} n={n}";
            Assert.True(expected.Discordant == counts.Discordant, $"{where}: discordant {counts.Discordant} vs {expected.Discordant}");
            Assert.True(expected.XTies == counts.XTies, where);
            Assert.True(expected.YTies == counts.YTies, where);
            Assert.True(expected.Joint == counts.JointTies, where);
            Assert.True(expected.XGroups == counts.XGroups && expected.YGroups == counts.YGroups, where);
            Assert.True(expected.X0 == counts.X0 && expected.X1 == counts.X1 && expected.Y0 == counts.Y0 && expected.Y1 == counts.Y1, where);
        }
    }

    private static (long Discordant, long XTies, long YTies, long Joint, int XGroups, int YGroups, Int128 X0, Int128 X1, Int128 Y0, Int128 Y1)
        ReferenceCounts(double[] x, double[] y)
    {
        int n = x.Length;
        static double Fold(double v) => v == 0 ? 0.0 : v;
        int[] order = Enumerable.Range(0, n).OrderBy(i => Fold(x[i])).ThenBy(i => Fold(y[i])).ToArray();
        // Dense ranks of y for the Fenwick tree.
        double[] distinctY = y.Select(Fold).Distinct().OrderBy(v => v).ToArray();
        var yRank = new Dictionary<double, int>();
        for (int k = 0; k < distinctY.Length; k++) yRank[distinctY[k]] = k;
        // Discordant: pairs i before j in (x, y) order with y_i > y_j; pairs tied in x are in y order, so never counted.
        var tree = new long[distinctY.Length + 1];
        long discordant = 0, seen = 0;
        foreach (int i in order)
        {
            int r = yRank[Fold(y[i])];
            long notGreater = 0;
            for (int k = r + 1; k > 0; k -= k & -k) notGreater += tree[k];
            discordant += seen - notGreater;
            for (int k = r + 1; k <= distinctY.Length; k += k & -k) tree[k]++;
            seen++;
        }
        static (long Pairs, int Groups, Int128 C0, Int128 C1) Ties(IEnumerable<int> sizes)
        {
            long pairs = 0;
            int groups = 0;
            Int128 c0 = 0, c1 = 0;
            foreach (long t in sizes)
            {
                groups++;
                pairs += t * (t - 1) / 2;
                c0 += (Int128)t * (t - 1) * (t - 2);
                c1 += (Int128)t * (t - 1) * (2 * t + 5);
            }
            return (pairs, groups, c0, c1);
        }
        var xt = Ties(x.GroupBy(Fold).Select(g => g.Count()));
        var yt = Ties(y.GroupBy(Fold).Select(g => g.Count()));
        var jt = Ties(Enumerable.Range(0, n).GroupBy(i => (Fold(x[i]), Fold(y[i]))).Select(g => g.Count()));
        return (discordant, xt.Pairs, yt.Pairs, jt.Pairs, xt.Groups, yt.Groups, xt.C0, xt.C1, yt.C0, yt.C1);
    }

    [Fact]
    public void InversionCountAgreesWithFenwickReference()
    {
        var rng = new Random(21);
        foreach (int n in new[] { 0, 1, 2, 3, 17, 1000, InversionCount.ParallelThreshold - 1, InversionCount.ParallelThreshold, 100_003, 262_144 })
        {
            foreach (int range in new[] { 1, 3, n / 2 + 1, n + 1 })
            {
                int[] values = Enumerable.Range(0, n).Select(_ => rng.Next(range)).ToArray();
                var tree = new long[range + 1];
                long expected = 0;
                for (int i = n - 1; i >= 0; i--)
                {
                    for (int k = values[i]; k > 0; k -= k & -k) expected += tree[k];
                    for (int k = values[i] + 1; k <= range; k += k & -k) tree[k]++;
                }
                int[] work = (int[])values.Clone();
                Assert.Equal(expected, InversionCount.CountAndSort(work));
                Array.Sort(values);
                Assert.Equal(values, work);
            }
        }
    }
}
