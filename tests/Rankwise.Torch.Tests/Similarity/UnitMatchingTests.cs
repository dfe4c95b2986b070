using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>Unit cross-correlations, the naive mean-max score and one-to-one matching.</summary>
public class UnitMatchingTests
{
    // The counter-example from "Comparing Feature Responses from Two Deep-Learning Frameworks" (seed 002):
    // every unit of x is increasing, only y's first unit resembles them.
    private static readonly double[,] SeedX = { { 0, 3, 6 }, { 1, 4, 7 }, { 2, 5, 8 } };
    private static readonly double[,] SeedY = { { 6, 0, 0 }, { 7, -1, -123 }, { 8, 0, 1000 } };

    [Fact]
    public void NaiveScoreIsHighOnTheSeedCounterExampleWhileOneToOneMatchingIsNot()
    {
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(SeedX);
        var y = SimilarityTestData.T(SeedY);

        // Spearman (the question's code): every row of C is [1, 0, 0.5].
        var c = F.cross_correlation(x, y, UnitCorrelation.Spearman);
        var expected = new double[] { 1, 0, 0.5, 1, 0, 0.5, 1, 0, 0.5 };
        Assert.Equal(expected, c.reshape(-1).data<double>().ToArray(), new ToleranceComparer(1e-15));

        double naive = F.mean_max_correlation(x, y, UnitCorrelation.Spearman);
        Assert.Equal(1.0, naive, 1e-15);
        var m = F.unit_matching(x, y, SimilarityTestData.BruteForceAssignment, UnitCorrelation.Spearman);
        Assert.Equal(0.5, m.Mean, 1e-15); // (1 + 0.5 + 0) / 3
        Assert.Equal(naive, m.NaiveScore, 1e-15);
        Assert.Equal(new[] { 0, 1, 2 }, m.UnitsA);
        Assert.Equal(3, m.UnitsB.Distinct().Count());
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, m.Correlations.OrderBy(v => v).ToArray(), new ToleranceComparer(1e-15));
        Assert.Equal(m.UnitsB, m.Permutation);

        // Pearson tells the same story: naive 1, matched (1 + 0.8118 + 0) / 3.
        double r2 = 1000 / (Math.Sqrt(2) * Math.Sqrt(Math.Pow(0 - 877.0 / 3, 2) + Math.Pow(-123 - 877.0 / 3, 2) + Math.Pow(1000 - 877.0 / 3, 2)));
        Assert.Equal(1.0, F.mean_max_correlation(x, y), 1e-15);
        Assert.Equal((1 + r2) / 3, F.unit_matching(x, y, SimilarityTestData.BruteForceAssignment).Mean, 1e-14);
        Assert.Equal((1 + r2) / 3, new UnitMatching(SimilarityTestData.BruteForceAssignment).Compute(x, y), 1e-14);
    }

    [Fact]
    public void SpearmanRanksTiesWithMidRanksOnTheDevice()
    {
        using var scope = NewDisposeScope();
        // Column 0 has ties; Spearman = Pearson of mid-ranks, checked against ranks written out by hand.
        var x = SimilarityTestData.T(new double[,] { { 3, 1 }, { 1, 2 }, { 3, 3 }, { 2, 4 }, { 3, 5 } });
        var ranks0 = new double[] { 4, 1, 4, 2, 4 };
        var ranks1 = new double[] { 1, 2, 3, 4, 5 };
        double expected = PearsonManaged(ranks0, ranks1);
        var c = F.cross_correlation(x, x, UnitCorrelation.Spearman);
        Assert.Equal(expected, c[0, 1].item<double>(), 1e-15);
        Assert.Equal(1.0, c[0, 0].item<double>(), 1e-15);
        Assert.Equal(ScalarType.Float64, c.dtype);
        Assert.Equal(x.device.type, c.device.type);
    }

    [Fact]
    public void ConstantAndNaNUnitsGiveNaNCorrelations()
    {
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(new double[,] { { 1, 5, 1 }, { 2, 5, double.NaN }, { 3, 5, 2 }, { 4, 5, 0 } });
        var y = SimilarityTestData.T(new double[,] { { 1, 0 }, { 3, 1 }, { 2, 0 }, { 5, 1 } });
        foreach (var method in new[] { UnitCorrelation.Pearson, UnitCorrelation.Spearman })
        {
            var c = F.cross_correlation(x, y, method);
            Assert.False(double.IsNaN(c[0, 0].item<double>()));
            Assert.True(double.IsNaN(c[1, 0].item<double>()), "constant unit");
            Assert.True(double.IsNaN(c[2, 1].item<double>()), "unit with NaN");
            Assert.True(double.IsNaN(F.mean_max_correlation(x, y, method)));
            var m = F.unit_matching(x, y, SubsetDpAssignment.Solve, method);
            Assert.Equal(2, m.UnitsA.Length);
            Assert.Equal(m.UnitsA.Length, m.Permutation.Count(p => p >= 0));
        }
    }

    [Fact]
    public void WiderXLeavesUnmatchedUnitsInThePermutation()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var x = SimilarityTestData.Randn(30, 6, g);
        var y = x[.., TensorIndex.Tensor(tensor(new long[] { 4, 1 }))] + 0.1 * SimilarityTestData.Randn(30, 2, g);
        var m = F.unit_matching(x, y, SubsetDpAssignment.Solve);
        Assert.Equal(new[] { 1, 4 }, m.UnitsA);
        Assert.Equal(new[] { 1, 0 }, m.UnitsB);
        Assert.Equal(new[] { -1, 1, -1, -1, 0, -1 }, m.Permutation);
        Assert.True(m.Mean > 0.95);
    }

    [Fact]
    public void SignedMatchingDiffersFromAbsoluteMatchingForAntiCorrelatedUnits()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var x = SimilarityTestData.Randn(40, 3, g);
        var y = -x + 0.05 * SimilarityTestData.Randn(40, 3, g);
        var abs = F.unit_matching(x, y, SubsetDpAssignment.Solve);
        var signed = F.unit_matching(x, y, SubsetDpAssignment.Solve, absolute: false);
        Assert.True(abs.Mean > 0.99);
        Assert.All(abs.Correlations, c => Assert.True(c < -0.99));
        // On signed values the anti-correlated partners are the worst choice: every unit is matched elsewhere.
        Assert.True(signed.Mean < 0.5);
        for (int i = 0; i < 3; i++)
            Assert.NotEqual(i, signed.Permutation[i]);
    }

    [Fact]
    public void InvalidSolverOutputIsRejected()
    {
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(SeedX);
        var y = SimilarityTestData.T(SeedY);
        var tooFew = Assert.Throws<InvalidOperationException>(() => F.unit_matching(x, y, (s, max) => ([0, 1], [0, 1])));
        Assert.Contains("3 (row, column) pairs", tooFew.Message);
        var repeated = Assert.Throws<InvalidOperationException>(() => F.unit_matching(x, y, (s, max) => ([0, 1, 2], [0, 0, 1])));
        Assert.Contains("repeated", repeated.Message);
        Assert.Throws<InvalidOperationException>(() => F.unit_matching(x, y, (s, max) => ([0, 1, 3], [0, 1, 2])));
        Assert.Throws<ArgumentNullException>(() => new UnitMatching(null!));
    }

    [Fact]
    public void ExactSolversAgree()
    {
        var rng = new Random(17);
        for (int trial = 0; trial < 30; trial++)
        {
            int r = rng.Next(1, 6), c = rng.Next(1, 6);
            var s = new double[r, c];
            for (int i = 0; i < r; i++)
                for (int j = 0; j < c; j++)
                    s[i, j] = rng.NextDouble();
            double Total((int[] rows, int[] cols) a) => a.rows.Zip(a.cols, (i, j) => s[i, j]).Sum();
            Assert.Equal(Total(SimilarityTestData.BruteForceAssignment(s, true)), Total(SubsetDpAssignment.Solve(s, true)), 1e-12);
        }
    }

    private static double PearsonManaged(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}

internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
    public int GetHashCode(double obj) => 0;
}
