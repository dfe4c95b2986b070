using System.Text.Json;
using Rankwise.Inference;

namespace Rankwise.Tests.Inference;

/// <summary>
/// Acceptance: a BCa interval and a permutation p-value on one fixed data set (8 pairs), against scipy 1.10.1:
/// <c>bootstrap((x, y), pearson, paired=True, n_resamples=9999, random_state=31415)</c> (BCa, 95 %) and
/// <c>permutation_test((y,), lambda yp: pearson(x, yp), permutation_type='pairings', n_resamples=40320)</c> (exact).
/// </summary>
public class GoldenPairTests
{
    private static readonly double[] X = [0.21, 1.35, -0.42, 2.10, 0.87, -1.12, 1.64, 0.05];
    private static readonly double[] Y = [0.48, 1.02, -0.95, 1.77, 1.31, -0.60, 0.92, 0.33];

    // scipy 1.10.1 values (also in inference_reference.json, cases golden_pearson_n8 and golden_pearson_n8_pairings_exact).
    private const double ScipyBcaLow = 0.6398458235935038;
    private const double ScipyBcaHigh = 0.977327903850683;
    private const double ScipyTwoSidedPValue = 0.0026785714285714286;
    private const double ScipyGreaterPValue = 0.0013392857142857143;

    [Fact]
    public void GoldenPair_BcaIntervalAndPermutationPValue_OnFixedData()
    {
        JsonElement boot = InferenceReference.Bootstrap("golden_pearson_n8");
        Assert.Equal(X, boot.Samples("data")[0]);
        Assert.Equal(Y, boot.Samples("data")[1]);

        // BCa interval from scipy's bootstrap distribution and Rankwise's own jackknife of the same statistic.
        double observed = TestStatistics.Pearson(X, Y);
        double[] jackknife = Bootstrap.Jackknife(X.Length, idx =>
        {
            double[] xs = new double[idx.Length], ys = new double[idx.Length];
            for (int i = 0; i < idx.Length; i++)
            {
                xs[i] = X[idx[i]];
                ys[i] = Y[idx[i]];
            }
            return TestStatistics.Pearson(xs, ys);
        });
        var warnings = new List<string>();
        ConfidenceInterval ci = Bootstrap.Interval(observed, boot.Numbers("distribution"), jackknife, 0.95, BootstrapMethod.BCa, Alternative.TwoSided, warnings);
        Assert.Equal("bca", ci.Method);
        Assert.Equal(ScipyBcaLow, ci.Low, 1e-12);
        Assert.Equal(ScipyBcaHigh, ci.High, 1e-12);
        Assert.Empty(warnings);

        // Exact permutation p-values (8! = 40320 pairings).
        var options = new PermutationOptions { Resamples = 40320 };
        PermutationTestResult two = PermutationTest.Pairings(X, Y, (a, b) => TestStatistics.Pearson(a, b), options);
        Assert.True(two.Exact);
        Assert.Equal(40320, two.Resamples);
        Assert.Equal(observed, two.Statistic);
        Assert.Equal(ScipyTwoSidedPValue, two.PValue, 1e-12);
        PermutationTestResult greater = PermutationTest.Pairings(X, Y, (a, b) => TestStatistics.Pearson(a, b), options with { Alternative = Alternative.Greater });
        Assert.Equal(ScipyGreaterPValue, greater.PValue, 1e-12);

        // Rankwise's own full BCa bootstrap of the same data lands near scipy's interval (Monte-Carlo error ≈ 0.02).
        BootstrapResult ours = Bootstrap.PairedSamples(X, Y, (a, b) => TestStatistics.Pearson(a, b), new BootstrapOptions { Seed = 1 });
        Assert.InRange(ours.ConfidenceInterval.Low, ScipyBcaLow - 0.1, ScipyBcaLow + 0.1);
        Assert.InRange(ours.ConfidenceInterval.High, ScipyBcaHigh - 0.01, ScipyBcaHigh + 0.01);
    }
}
