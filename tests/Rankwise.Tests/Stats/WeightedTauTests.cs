using Rankwise.Correlation;

namespace Rankwise.Tests.Stats;

public class WeightedTauTests
{
    /// <summary>
    /// Vigna's definition, O(n²): τ = Σ w_ij sgn(Δx) sgn(Δy) / √(Σ w_ij [Δx ≠ 0] · Σ w_ij [Δy ≠ 0]),
    /// w_ij = w(r_i) + w(r_j) (additive) or w(r_i)·w(r_j), w(r) = 1/(r + 1).
    /// </summary>
    private static double Naive(double[] x, double[] y, int[] importance, bool additive)
    {
        double num = 0, dx = 0, dy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = i + 1; j < x.Length; j++)
            {
                double wi = 1.0 / (importance[i] + 1), wj = 1.0 / (importance[j] + 1);
                double w = additive ? wi + wj : wi * wj;
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                num += w * sx * sy;
                if (sx != 0) dx += w;
                if (sy != 0) dy += w;
            }
        }
        return num / Math.Sqrt(dx) / Math.Sqrt(dy);
    }

    /// <summary>Decreasing lexicographic importance by (a, b), ties by larger index first (scipy's convention).</summary>
    private static int[] LexicographicImportance(double[] a, double[] b)
    {
        int n = a.Length;
        int[] order = Enumerable.Range(0, n).OrderBy(i => a[i]).ThenBy(i => b[i]).ThenBy(i => i).ToArray();
        var importance = new int[n];
        for (int k = 0; k < n; k++) importance[order[k]] = n - 1 - k;
        return importance;
    }

    [Fact]
    public void AgreesWithQuadraticDefinition()
    {
        var rng = new Random(5);
        foreach (int n in PairedData.Lengths())
        {
            for (int pattern = 0; pattern < PairedData.Patterns; pattern++)
            {
                var (x, y) = PairedData.Make(rng, n, pattern);
                if (n < 2 || x.Distinct().Count() < 2 || y.Distinct().Count() < 2) continue;
                int[] index = Enumerable.Range(0, n).ToArray();
                foreach (bool additive in new[] { true, false })
                {
                    double byIndex = Naive(x, y, index, additive);
                    double averaged = (Naive(x, y, LexicographicImportance(x, y), additive) + Naive(x, y, LexicographicImportance(y, x), additive)) / 2;
                    var r1 = WeightedTau.Compute(x, y, rank: false, additive);
                    var r2 = WeightedTau.Compute(x, y, rank: true, additive);
                    Assert.True(Math.Abs(r1.Statistic - byIndex) < 1e-12, $"n={n} p={pattern} additive={additive}: {r1.Statistic} vs {byIndex}");
                    Assert.True(Math.Abs(r2.Statistic - averaged) < 1e-12, $"n={n} p={pattern} additive={additive}: {r2.Statistic} vs {averaged}");
                    Assert.True(double.IsNaN(r2.PValue));
                }
            }
        }
    }

    [Fact]
    public void BriefValues()
    {
        double[] x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0];
        Assert.Equal(-0.56694968153682723, WeightedTau.Compute(x, y).Statistic, 15);
        Assert.Equal(-0.62205716951801038, WeightedTau.Compute(x, y, additive: false).Statistic, 15);
        Assert.Equal(-0.5160439794026185, WeightedTau.Compute(x, y, rank: false).Statistic, 15);
        Assert.Equal(-0.6511218372243912, WeightedTau.Compute(x, y, rank: false, additive: false).Statistic, 15);
    }

    [Fact]
    public void UndefinedCases()
    {
        var constant = WeightedTau.Compute([1.0, 1, 1], [1.0, 2, 3]);
        Assert.True(double.IsNaN(constant.Statistic));
        Assert.Contains("x is constant", constant.Warnings[0]);
        Assert.True(double.IsNaN(WeightedTau.Compute([1.0], [1.0]).Statistic));
        Assert.True(double.IsNaN(WeightedTau.Compute([1.0, double.NaN, 3], [1.0, 2, 3]).Statistic));
        var omitted = WeightedTau.Compute([12, 2, 1, 12, 2, double.NaN], [1, 4, 7, 1, 0, 3.0], nanPolicy: NanPolicy.Omit);
        Assert.Equal(-0.56694968153682723, omitted.Statistic, 15);
        Assert.Equal(5, omitted.N);
    }
}
