using Rankwise.Correlation;
using Rankwise.Inference;

namespace Rankwise.Tests.Inference;

public class CorrelationBootstrapTests
{
    private static (double[] X, double[] Y) Data(int n, bool ties)
    {
        var random = new Random(n);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = ties ? random.Next(7) : random.NextDouble();
            y[i] = (ties ? Math.Round(x[i] + 3 * random.NextDouble()) : x[i] + random.NextDouble());
        }
        return (x, y);
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12, $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(CorrelationMethod.Pearson, 40, false)]
    [InlineData(CorrelationMethod.Spearman, 40, true)]
    [InlineData(CorrelationMethod.Spearman, 333, false)]
    [InlineData(CorrelationMethod.Kendall, 57, true)]
    [InlineData(CorrelationMethod.Kendall, 1000, false)]
    [InlineData(CorrelationMethod.KendallC, 50, true)]
    public void DistributionEqualsRecomputingOnGatheredResamples(CorrelationMethod method, int n, bool ties)
    {
        var (x, y) = Data(n, ties);
        var options = new BootstrapOptions { Resamples = 53, Seed = 11, Method = BootstrapMethod.BCa };
        var (result, boot) = CorrelationBootstrap.Run(method, x, y, options: options);
        var gathered = Bootstrap.Paired(n, idx =>
            Correlate.Compute(method, idx.ToArray().Select(i => x[i]).ToArray(), idx.ToArray().Select(i => y[i]).ToArray()).Statistic, options);
        Assert.NotNull(boot);
        Assert.Equal(gathered.BootstrapDistribution.Length, boot!.BootstrapDistribution.Length);
        for (int b = 0; b < gathered.BootstrapDistribution.Length; b++)
            Close(gathered.BootstrapDistribution[b], boot.BootstrapDistribution[b]);
        Close(gathered.ConfidenceInterval.Low, result.ConfidenceInterval!.Low);
        Close(gathered.ConfidenceInterval.High, result.ConfidenceInterval.High);
        Assert.Equal(Correlate.Compute(method, x, y).Statistic, result.Statistic);
    }
}
