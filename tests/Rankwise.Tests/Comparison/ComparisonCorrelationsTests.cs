using System.Text.Json;
using Rankwise.Correlation;
using static Rankwise.Tests.Comparison.ComparisonReference;

namespace Rankwise.Tests.Comparison;

/// <summary>The core correlations used by DependentCorrelation and TrainingEvaluator, on the comparison golden data.</summary>
public class ComparisonCorrelationsTests
{
    [Fact]
    public void MatchScipyOnRandomVectorsWithTies()
    {
        var cases = Get("correlations").EnumerateArray().ToArray();
        Assert.True(cases.Length >= 50);
        foreach (JsonElement c in cases)
        {
            double[] x = Numbers(c.GetProperty("x")), y = Numbers(c.GetProperty("y"));
            Close(Number(c.GetProperty("pearson")), PearsonCorrelation.Compute(x, y).Statistic, 1e-12, $"pearson n={x.Length}");
            Close(Number(c.GetProperty("spearman")), SpearmanCorrelation.Compute(x, y).Statistic, 1e-12, $"spearman n={x.Length}");
            Close(Number(c.GetProperty("kendall")), KendallTau.Compute(x, y).Statistic, 1e-12, $"kendall n={x.Length}");
        }
    }

    [Fact]
    public void KendallMatchesBruteForce()
    {
        var random = new Random(2);
        for (int trial = 0; trial < 100; trial++)
        {
            int n = random.Next(2, 40);
            double[] x = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 6)).ToArray();
            double[] y = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 6)).ToArray();
            long concordant = 0, discordant = 0, xOnly = 0, yOnly = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double dx = Math.Sign(x[i] - x[j]), dy = Math.Sign(y[i] - y[j]);
                    if (dx == 0 && dy == 0)
                        continue;
                    if (dx == 0)
                        xOnly++;
                    else if (dy == 0)
                        yOnly++;
                    else if (dx == dy)
                        concordant++;
                    else
                        discordant++;
                }
            }
            double denominator = Math.Sqrt((double)(concordant + discordant + yOnly) * (concordant + discordant + xOnly));
            double expected = denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
            Close(expected, KendallTau.Compute(x, y).Statistic, 1e-13, $"trial {trial}");
        }
    }

    [Fact]
    public void DegenerateInputsGiveNaN()
    {
        Assert.True(double.IsNaN(PearsonCorrelation.Compute([1.0], [2.0]).Statistic));
        Assert.True(double.IsNaN(PearsonCorrelation.Compute([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]).Statistic));
        Assert.True(double.IsNaN(KendallTau.Compute([1.0, 2.0], [5.0, 5.0]).Statistic));
        Assert.Equal(-1.0, KendallTau.Compute([1.0, 2.0], [5.0, 4.0]).Statistic);
    }
}
