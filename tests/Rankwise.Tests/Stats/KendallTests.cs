using Rankwise.Correlation;

namespace Rankwise.Tests.Stats;

public class KendallTests
{
    /// <summary>The O(n²) pair classification.</summary>
    private static (long Concordant, long Discordant, long XTies, long YTies, long Joint) NaiveCounts(double[] x, double[] y)
    {
        long c = 0, d = 0, tx = 0, ty = 0, joint = 0;
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = i + 1; j < x.Length; j++)
            {
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                if (sx == 0) tx++;
                if (sy == 0) ty++;
                if (sx == 0 && sy == 0) joint++;
                if (sx * sy > 0) c++;
                if (sx * sy < 0) d++;
            }
        }
        return (c, d, tx, ty, joint);
    }

    [Fact]
    public void CountsAgreeWithQuadraticReference()
    {
        var rng = new Random(11);
        foreach (int n in PairedData.Lengths())
        {
            for (int pattern = 0; pattern < PairedData.Patterns; pattern++)
            {
                var (x, y) = PairedData.Make(rng, n, pattern);
                var naive = NaiveCounts(x, y);
                KendallCounts counts = KendallCounts.Compute(x, y);
                string where = $"n={n}, pattern={pattern}";
                Assert.True(naive.Discordant == counts.Discordant, where);
                Assert.True(naive.XTies == counts.XTies, where);
                Assert.True(naive.YTies == counts.YTies, where);
                Assert.True(naive.Joint == counts.JointTies, where);
                Assert.True(naive.Concordant - naive.Discordant == counts.ConcordantMinusDiscordant, where);
                if (naive.XTies == counts.Total || naive.YTies == counts.Total || n < 2) continue;
                double expectedTau = (naive.Concordant - naive.Discordant)
                                     / Math.Sqrt((double)(counts.Total - naive.XTies) * (counts.Total - naive.YTies));
                var result = KendallTau.Compute(x, y);
                Assert.True(Math.Abs(result.Statistic - expectedTau) <= 1e-13, $"{where}: tau {result.Statistic} vs {expectedTau}");
            }
        }
    }

    [Fact]
    public void CountsDoNotOverflowForLargeN()
    {
        const int n = 100_000;
        double[] x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        double[] reversed = x.Reverse().ToArray();
        KendallCounts counts = KendallCounts.Compute(x, reversed);
        Assert.Equal((long)n * (n - 1) / 2, counts.Discordant); // 4 999 950 000 > int.MaxValue
        var result = KendallTau.Compute(x, reversed);
        Assert.Equal(-1.0, result.Statistic);
        Assert.Equal(0.0, result.PValue); // exact path: at most one concordant pair

        // Two tie groups of 100 000 in x and y: the tie sums need more than 64 bits for t³ terms at larger n,
        // and 2·xtie·ytie ≈ 5·10¹⁹ already overflows int64 here.
        const int m = 200_000;
        double[] bx = Enumerable.Range(0, m).Select(i => (double)(i % 2)).ToArray();
        double[] by = Enumerable.Range(0, m).Select(i => (double)((i / 2) % 2)).ToArray();
        KendallCounts big = KendallCounts.Compute(bx, by);
        long half = m / 2;
        Assert.Equal(2 * (half * (half - 1) / 2), big.XTies);
        Assert.Equal(2 * (half * (half - 1) / 2), big.YTies);
        Assert.Equal(2 * (Int128)half * (half - 1) * (half - 2), big.X0);
        var r = KendallTau.Compute(bx, by);
        Assert.Equal(0.0, r.Statistic, 12);
        Assert.InRange(r.PValue, 0.0, 1.0);
        Assert.False(double.IsNaN(r.PValue));
    }

    [Fact]
    public void EdgeCases()
    {
        Assert.True(double.IsNaN(KendallTau.Compute(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty).Statistic));
        var one = KendallTau.Compute([1.0], [2.0]);
        Assert.True(double.IsNaN(one.Statistic) && double.IsNaN(one.PValue));
        Assert.Single(one.Warnings);
        var two = KendallTau.Compute([1.0, 2], [3.0, 5]);
        Assert.Equal(1.0, two.Statistic);
        Assert.Equal(1.0, two.PValue); // exact, n = 2
        Assert.Equal(0.5, KendallTau.Compute([1.0, 2], [3.0, 5], alternative: Alternative.Greater).PValue);
        Assert.True(double.IsNaN(KendallTau.Compute([1.0, 2], [3.0, 5], method: KendallMethod.Asymptotic).PValue)); // 0/0 in var, as scipy
        var three = KendallTau.Compute([1.0, 2, 3], [1.0, 3, 2]);
        Assert.Equal(1.0 / 3, three.Statistic, 15);
        Assert.Equal(1.0, three.PValue); // exact: P(C ≤ 1) = 3/6, doubled
        var constant = KendallTau.Compute([1.0, 2, 3], [4.0, 4, 4], KendallVariant.C);
        Assert.True(double.IsNaN(constant.Statistic));
        Assert.Equal("kendall-c", constant.Method);
        Assert.Contains("y is constant", constant.Warnings[0]);
    }

    [Fact]
    public void ExactMethodRejectsTies()
    {
        var e = Assert.Throws<RankwiseInputException>(() => KendallTau.Compute([1.0, 1, 2], [1.0, 2, 3], method: KendallMethod.Exact));
        Assert.Contains("ties", e.Message);
    }

    [Fact]
    public void ExactDistributionSumsToOne()
    {
        // P(C ≤ c) over the whole support: the one-sided p-values at the extremes are 1/n! and 1.
        for (int n = 3; n <= 12; n++)
        {
            long total = (long)n * (n - 1) / 2;
            double factorial = Enumerable.Range(1, n).Aggregate(1.0, (f, k) => f * k);
            Assert.Equal(1 / factorial, KendallExactDistribution.PValue(n, total, Alternative.Greater), 15);
            Assert.Equal(1.0, KendallExactDistribution.PValue(n, 0, Alternative.Greater), 15);
            // less + greater = 1 + P(C = c)
            for (long c = 0; c <= total; c++)
            {
                double less = KendallExactDistribution.PValue(n, c, Alternative.Less);
                double greater = KendallExactDistribution.PValue(n, c, Alternative.Greater);
                Assert.InRange(less + greater, 1.0, 1.0 + 0.5);
            }
        }
    }

    [Fact]
    public void ExactAgreesWithNormalizedRecurrenceAroundTheSwitch()
    {
        // n = 34 uses exact 128-bit counts; n = 35 the normalized double recurrence. Both must be smooth
        // and agree with the asymptotic approximation to a few percent in the centre.
        foreach (int n in new[] { 34, 35 })
        {
            long total = (long)n * (n - 1) / 2;
            long c = total / 2 - 40;
            double exact = KendallExactDistribution.PValue(n, c, Alternative.TwoSided);
            double var = n * (n - 1.0) * (2 * n + 5) / 18;
            double z = (2.0 * c - total) / Math.Sqrt(var);
            double asymptotic = 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -Math.Abs(z));
            Assert.InRange(exact / asymptotic, 0.95, 1.05);
        }
    }
}
