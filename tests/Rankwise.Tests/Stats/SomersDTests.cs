using Rankwise.Correlation;

namespace Rankwise.Tests.Stats;

public class SomersDTests
{
    /// <summary>O(n²) reference from the per-observation concordance scores cₖ − dₖ.</summary>
    private static (double D, double Z) Naive(double[] x, double[] y)
    {
        int n = x.Length;
        long sum = 0, untiedInX = 0;
        double sumSquares = 0;
        for (int k = 0; k < n; k++)
        {
            long score = 0;
            for (int j = 0; j < n; j++)
            {
                int s = Math.Sign(x[j] - x[k]) * Math.Sign(y[j] - y[k]);
                score += s;
                if (j > k && x[j] != x[k]) untiedInX++;
            }
            sum += score;
            sumSquares += (double)score * score;
        }
        double d = sum / 2.0 / untiedInX;
        double variance = 4 * (sumSquares - (double)sum * sum / n);
        return (d, sum / Math.Sqrt(variance));
    }

    [Fact]
    public void AgreesWithQuadraticReference()
    {
        var rng = new Random(9);
        foreach (int n in PairedData.Lengths())
        {
            for (int pattern = 0; pattern < PairedData.Patterns; pattern++)
            {
                var (x, y) = PairedData.Make(rng, n, pattern);
                if (n < 2 || x.Distinct().Count() < 2 || y.Distinct().Count() < 2) continue;
                var (d, z) = Naive(x, y);
                var result = SomersD.Compute(x, y, Alternative.Less);
                Assert.True(Math.Abs(result.Statistic - d) < 1e-13, $"n={n} p={pattern}: D {result.Statistic} vs {d}");
                double p = MathNet.Numerics.Distributions.Normal.CDF(0, 1, z);
                Assert.True(Math.Abs(result.PValue - p) <= 1e-12 * Math.Max(p, 1e-3), $"n={n} p={pattern}: p {result.PValue} vs {p}");
            }
        }
    }

    [Fact]
    public void IsAsymmetric()
    {
        double[] x = [1, 2, 3, 4], y = [1, 2, 2, 3];
        Assert.Equal(0.8333333333333334, SomersD.Compute(x, y).Statistic, 15); // D(Y|X)
        Assert.Equal(1.0, SomersD.Compute(y, x).Statistic, 15);                // D(X|Y)
        Assert.Equal("somers-d", SomersD.Compute(x, y).Method);
    }

    [Fact]
    public void SingleRowOrColumnIsUndefined()
    {
        var r = SomersD.Compute([1.0, 2, 3], [1.0, 1, 1]);
        Assert.True(double.IsNaN(r.Statistic) && double.IsNaN(r.PValue));
        Assert.NotEmpty(r.Warnings);
    }
}
