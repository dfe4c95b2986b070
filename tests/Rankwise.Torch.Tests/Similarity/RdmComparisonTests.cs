using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>The O(m log m) RDM comparisons against O(m²) / textbook scalar references over many lengths and tie patterns.</summary>
public class RdmComparisonTests
{
    private static (double TauA, double TauB) KendallBrute(double[] a, double[] b)
    {
        long c = 0, d = 0, ta = 0, tb = 0;
        int m = a.Length;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
            {
                int s = Math.Sign(a[i] - a[j]) * Math.Sign(b[i] - b[j]);
                if (s > 0) c++;
                if (s < 0) d++;
                if (a[i] == a[j]) ta++;
                if (b[i] == b[j]) tb++;
            }
        double n0 = m * (m - 1) / 2.0;
        return ((c - d) / n0, (c - d) / Math.Sqrt((n0 - ta) * (n0 - tb)));
    }

    private static double[] RanksBrute(double[] v) =>
        v.Select(x => v.Count(y => y < x) + (v.Count(y => y == x) + 1) / 2.0).ToArray();

    private static double PearsonBrute(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    public static IEnumerable<object[]> Lengths => new[] { 2, 3, 4, 5, 7, 8, 16, 31, 64, 100, 257 }
        .SelectMany(m => new[] { 0, 3, 1000 }.Select(levels => new object[] { m, levels }));

    /// <param name="m">Vector length.</param>
    /// <param name="levels">Number of distinct values (ties when small); 0 = continuous.</param>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void MatchesScalarReferences(int m, int levels)
    {
        var rng = new Random(m * 31 + levels);
        double Draw() => levels == 0 ? rng.NextDouble() : rng.Next(levels);
        var a = Enumerable.Range(0, m).Select(_ => Draw()).ToArray();
        var b = a.Select(v => levels == 0 ? v + 0.5 * rng.NextDouble() : (rng.NextDouble() < 0.6 ? v : Draw())).ToArray();
        using var scope = NewDisposeScope();
        var ta = tensor(a);
        var tb = tensor(b);
        var (tauA, tauB) = KendallBrute(a, b);
        double Compare(RdmComparison c) => Rsa.CompareRdms(ta, tb, c, tieTolerance: 0);
        bool degenerate = a.Distinct().Count() == 1 || b.Distinct().Count() == 1;
        if (degenerate)
        {
            Assert.True(double.IsNaN(Compare(RdmComparison.KendallTauB)));
            Assert.True(double.IsNaN(Compare(RdmComparison.Spearman)));
            return;
        }
        Assert.Equal(tauA, Compare(RdmComparison.KendallTauA), 1e-14);
        Assert.Equal(tauB, Compare(RdmComparison.KendallTauB), 1e-14);
        Assert.Equal(PearsonBrute(RanksBrute(a), RanksBrute(b)), Compare(RdmComparison.Spearman), 1e-13);
        Assert.Equal(PearsonBrute(a, b), Compare(RdmComparison.Pearson), 1e-13);
        double cos = a.Zip(b, (p, q) => p * q).Sum() / Math.Sqrt(a.Sum(p => p * p) * b.Sum(q => q * q));
        Assert.Equal(cos, Compare(RdmComparison.Cosine), 1e-13);
        // The tie snap never changes values that are already distinct or exactly tied at this scale.
        Assert.Equal(Compare(RdmComparison.KendallTauB), Rsa.CompareRdms(ta, tb, RdmComparison.KendallTauB), 1e-15);
    }

    [Fact]
    public void RoundingNoiseDoesNotBreakTiesButToleranceZeroDoes()
    {
        using var scope = NewDisposeScope();
        // 0.1 + 0.2 != 0.3 in binary: the same dissimilarity reached by two evaluation orders.
        var a = tensor(new double[] { 0.3, 0.1 + 0.2, 0.5, 0.7, 0.9 });
        var b = tensor(new double[] { 2.0, 1.0, 3.0, 4.0, 5.0 });
        double snapped = F.compare_rdms(a, b, RdmComparison.KendallTauB);
        double raw = Rsa.CompareRdms(a, b, RdmComparison.KendallTauB, tieTolerance: 0);
        Assert.Equal(KendallBrute([0.3, 0.3, 0.5, 0.7, 0.9], [2, 1, 3, 4, 5]).TauB, snapped, 1e-15);
        Assert.Equal(KendallBrute([0.3, 0.1 + 0.2, 0.5, 0.7, 0.9], [2, 1, 3, 4, 5]).TauB, raw, 1e-15);
        Assert.NotEqual(snapped, raw, 1e-3);
    }

    [Fact]
    public void RdmsAreCondensedUpperTrianglesOnTheInputDevice()
    {
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(new double[,] { { 0, 0 }, { 3, 4 }, { 6, 8 }, { 1, 0 } });
        var d = F.rdm(x, RdmMetric.Euclidean);
        Assert.Equal(ScalarType.Float64, d.dtype);
        Assert.Equal(x.device.type, d.device.type);
        // pdist order: (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
        Assert.Equal(new double[] { 5, 10, 1, 5, Math.Sqrt(20), Math.Sqrt(89) }, d.data<double>().ToArray(), new ToleranceComparer(1e-14));
        var cosine = F.rdm(x[1..], RdmMetric.Cosine).data<double>().ToArray();
        Assert.Equal(new[] { 0.0, 1 - 3.0 / 5, 1 - 6.0 / 10 }, cosine, new ToleranceComparer(1e-15));
        var corr = F.rdm(SimilarityTestData.T(new double[,] { { 1, 2, 3 }, { 3, 2, 1 }, { 2, 4, 6.5 } })).data<double>().ToArray();
        Assert.Equal(2.0, corr[0], 1e-15);
        Assert.True(corr[1] > 0 && corr[1] < 1e-2);
    }
}

public class SnappedMidRankTests
{
    [Theory]
    [InlineData(70_000, 0.0)]
    [InlineData(70_000, 1e-13)]
    [InlineData(100, 1e-13)]
    [InlineData(131_073, 1e-9)]
    public void OneSortEqualsSnappingThenRanking(int m, double tolerance)
    {
        // Values on a coarse grid plus rounding-level jitter: exact ties, near ties within the tolerance, and groups that
        // straddle the sort's buckets.
        var random = new Random(m);
        var v = new double[m];
        for (int i = 0; i < m; i++)
            v[i] = random.Next(2000) * 0.37 + (random.Next(3) - 1) * 1e-14 * 740;
        var expected = RdmStatistics.MidRanks(RdmStatistics.SnapTies(v, tolerance));
        Assert.Equal(expected, RdmStatistics.SnappedMidRanks(v, tolerance));
    }
}
