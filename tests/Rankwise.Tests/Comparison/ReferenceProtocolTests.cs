using Rankwise.Comparison;
using Rankwise.Inference;

namespace Rankwise.Tests.Comparison;

public class ReferenceProtocolTests
{
    private static Matrix<double> Block(int k, int m, double within, double between, double jitter = 0, int seed = 1)
    {
        var rng = new Random(seed);
        int t = k + m;
        var s = new Matrix<double>(t, t);
        for (int i = 0; i < t; i++)
            for (int j = i + 1; j < t; j++)
            {
                double v = ((i < k) == (j < k) ? within : between) + jitter * (rng.NextDouble() - 0.5);
                s[i, j] = v;
                s[j, i] = v;
            }
        return s;
    }

    /// <summary>Brute force: enumerate every labelling, count those at least as extreme.</summary>
    private static double BruteForceP(Matrix<double> s, int k, Alternative alternative)
    {
        int t = s.Rows;
        double Stat(bool[] isA)
        {
            double w = 0, b = 0; int nw = 0, nb = 0;
            for (int i = 0; i < t; i++)
                for (int j = i + 1; j < t; j++)
                    if (isA[i] == isA[j]) { w += s[i, j]; nw++; } else { b += s[i, j]; nb++; }
            return w / nw - b / nb;
        }
        var observed = Stat(Enumerable.Range(0, t).Select(i => i < k).ToArray());
        int ge = 0, le = 0, total = 0;
        for (int mask = 0; mask < 1 << t; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != k) continue;
            var labels = Enumerable.Range(0, t).Select(i => (mask >> i & 1) == 1).ToArray();
            double v = Stat(labels);
            total++;
            if (v >= observed - 1e-12) ge++;
            if (v <= observed + 1e-12) le++;
        }
        double pg = ge / (double)total, pl = le / (double)total;
        return alternative switch
        {
            Alternative.Greater => pg,
            Alternative.Less => pl,
            _ => Math.Min(1, 2 * Math.Min(pg, pl)),
        };
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(4, 4)]
    public void ExactPValueMatchesBruteForce(int k, int m)
    {
        var s = Block(k, m, 0.8, 0.5, jitter: 0.4, seed: k * 10 + m);
        foreach (var alt in new[] { Alternative.TwoSided, Alternative.Greater, Alternative.Less })
        {
            var r = ReferenceProtocol.Test(s, k, options: new PermutationOptions { Alternative = alt });
            Assert.True(r.Test.Exact);
            Assert.Equal(BruteForceP(s, k, alt), r.Test.PValue, 12);
        }
    }

    [Fact]
    public void ClearSeparationWithFiveRunsEachIsSignificant()
    {
        var r = ReferenceProtocol.Test(Block(5, 5, 0.9, 0.2), 5);
        Assert.Equal(0.9, r.WithinA, 12);
        Assert.Equal(0.9, r.Within, 12);
        Assert.Equal(0.2, r.Between, 12);
        Assert.Equal(0.7, r.Statistic, 12);
        Assert.Equal(4.0 / 252, r.Test.PValue, 12); // observed labeling and its complement, two-sided
        Assert.Equal(2.0 / 126, r.MinimumAttainablePValue, 12);
        Assert.StartsWith("The methods differ", r.Verdict);
    }

    [Fact]
    public void TwoRunsEachCannotReachSignificanceAndSaysSo()
    {
        // Seed 002's design: A1, A2, B1, B2. 6 labelings, 3 distinct values: the smallest two-sided p is 2/3.
        var r = ReferenceProtocol.Test(Block(2, 2, 0.9, 0.1), 2);
        Assert.Equal(2.0 / 3, r.MinimumAttainablePValue, 12);
        Assert.Equal(2.0 / 3, r.Test.PValue, 12);
        Assert.Contains("cannot reach", r.Verdict);
    }

    [Fact]
    public void NoDifferenceGivesLargePValue()
    {
        // Under H0 the p-value is uniform; over 40 null data sets about 5 % fall below 0.05 and the mean is near 0.5.
        var ps = Enumerable.Range(0, 40).Select(seed => ReferenceProtocol.Test(Block(5, 5, 0.5, 0.5, jitter: 0.2, seed: seed), 5).Test.PValue).ToArray();
        Assert.InRange(ps.Average(), 0.35, 0.65);
        Assert.InRange(ps.Count(p => p < 0.05), 0, 7);
        var r = ReferenceProtocol.Test(Block(5, 5, 0.5, 0.5, jitter: 0.2, seed: Array.FindIndex(ps, p => p > 0.3)), 5);
        Assert.StartsWith("No evidence", r.Verdict);
    }

    [Fact]
    public void DistanceFlipsTheDirection()
    {
        // Distances: small within, large between -> the methods differ, positive statistic.
        var r = ReferenceProtocol.Test(Block(5, 4, 0.1, 0.9), 5, isDistance: true);
        Assert.Equal(0.8, r.Statistic, 12);
        Assert.StartsWith("The methods differ", r.Verdict);
        Assert.Contains("larger", r.Verdict);
    }

    [Fact]
    public void InvalidInputsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ReferenceProtocol.Test(Block(1, 3, 1, 0), 1));
        var s = Block(2, 2, 0.5, 0.4);
        s[0, 1] = 0.3;
        Assert.Throws<ArgumentException>(() => ReferenceProtocol.Test(s, 2));
        s[0, 1] = s[1, 0] = double.NaN;
        Assert.Throws<ArgumentException>(() => ReferenceProtocol.Test(s, 2));
    }
}
