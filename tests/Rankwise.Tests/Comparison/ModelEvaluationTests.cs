using Rankwise.Comparison;
using Rankwise.Correlation;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Reliability;

namespace Rankwise.Tests.Comparison;

/// <summary>
/// ModelEvaluation and its resampling engine: every metric of a resample equals the scipy-semantics function applied
/// to the gathered resample, the resamples are Bootstrap.Paired's, and the report's pieces (run groups, comparisons,
/// disagreement note, ceiling fractions) are what they claim.
/// </summary>
public class ModelEvaluationTests
{
    private static (double[] Truth, double[] A, double[] B) Data(int n, int seed, bool ties)
    {
        var random = new Random(seed);
        double[] truth = new double[n], a = new double[n], b = new double[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = ties ? random.Next(0, 12) / 11.0 : random.NextDouble();
            a[i] = truth[i] + 0.3 * (random.NextDouble() - 0.5);
            b[i] = 0.5 * truth[i] + 0.2 + 0.5 * (random.NextDouble() - 0.5);
            if (ties)
            {
                a[i] = Math.Round(a[i], 1);
                b[i] = Math.Round(b[i], 1);
            }
        }
        return (truth, a, b);
    }

    private static double[] Reference(double[] x, double[] y)
    {
        double squared = 0, absolute = 0;
        for (int i = 0; i < x.Length; i++)
        {
            squared += (y[i] - x[i]) * (y[i] - x[i]);
            absolute += Math.Abs(y[i] - x[i]);
        }
        return [SpearmanCorrelation.Compute(x, y).Statistic, KendallTau.Compute(x, y).Statistic, PearsonCorrelation.Compute(x, y).Statistic, squared / x.Length, absolute / x.Length];
    }

    private static void Close(double expected, double actual, string what)
    {
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} vs {expected:R}");
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(60, true)]
    [InlineData(500, false)]
    [InlineData(2000, true)]
    public void ResampleMetricsEqualTheFunctionsOnTheGatheredResample(int n, bool ties)
    {
        var (truth, a, b) = Data(n, n, ties);
        var engine = new ResampledMetrics(truth, [a, b], kendall: true);
        var random = new Random(n + 1);
        for (int trial = 0; trial < 6; trial++)
        {
            var counts = new int[n];
            int[] indices = trial == 0 ? Enumerable.Range(0, n).ToArray() : Enumerable.Range(0, n).Select(_ => random.Next(n)).ToArray();
            foreach (int i in indices)
                counts[i]++;
            double[] gx = indices.Select(i => truth[i]).ToArray();
            foreach (bool scalar in new[] { false, true })
            {
                double[][] actual = engine.Evaluate(counts, scalar);
                foreach (var (model, values) in new[] { (0, a), (1, b) })
                {
                    double[] gy = indices.Select(i => values[i]).ToArray();
                    double[] expected = Reference(gx, gy);
                    for (int k = 0; k < expected.Length; k++)
                        Close(expected[k], actual[model][k], $"n={n} trial={trial} model={model} metric={k} scalar={scalar}");
                }
            }
        }
    }

    [Fact]
    public void MultiplicitiesAboveAByteAreExact()
    {
        var (truth, a, b) = Data(400, 31, ties: true);
        var engine = new ResampledMetrics(truth, [a, b], kendall: true);
        var counts = new int[400];
        counts[7] = 300;
        for (int i = 0; i < 100; i++)
            counts[(i * 37) % 400]++;
        int[] indices = Enumerable.Range(0, 400).SelectMany(i => Enumerable.Repeat(i, counts[i])).ToArray();
        double[][] actual = engine.Evaluate(counts);
        double[] gx = indices.Select(i => truth[i]).ToArray();
        foreach (var (model, values) in new[] { (0, a), (1, b) })
        {
            double[] expected = Reference(gx, indices.Select(i => values[i]).ToArray());
            for (int k = 0; k < expected.Length; k++)
                Close(expected[k], actual[model][k], $"model={model} metric={k}");
        }
    }

    [Theory]
    [InlineData("scalar")]
    [InlineData("narrow")]
    public void LanesAndTheOtherPathsAgree(string path)
    {
        var (truth, a, b) = Data(900, 12, ties: true);
        ModelPredictions[] models = [new("a", a), new("b", b)];
        var options = new EvaluationOptions { Resamples = 37, Seed = 3 };
        var lanes = ModelEvaluation.Evaluate(truth, models, options);
        // The switches flow with the execution context: they never reach other tests running in parallel.
        var flag = path == "scalar" ? ResampledMetrics.ForceScalar : ResampledMetrics.ForceNarrow;
        EvaluationReport other;
        try
        {
            flag.Value = true;
            other = ModelEvaluation.Evaluate(truth, models, options);
        }
        finally
        {
            flag.Value = false;
        }
        foreach (EvaluationMetric metric in Enum.GetValues<EvaluationMetric>())
        {
            for (int m = 0; m < 2; m++)
            {
                var l = lanes.Models[m].Metrics[metric].Interval!;
                var s = other.Models[m].Metrics[metric].Interval!;
                Assert.Equal(s.Low, l.Low, 12);
                Assert.Equal(s.High, l.High, 12);
            }
        }
    }

    [Fact]
    public void ResamplesAreBootstrapPairedResamples()
    {
        var (truth, a, _) = Data(300, 4, ties: true);
        var report = ModelEvaluation.Evaluate(truth, [new ModelPredictions("a", a)], new EvaluationOptions { Resamples = 200, Seed = 9 });
        ConfidenceInterval Paired(Func<double[], double[], CorrelationResult> statistic) => Bootstrap.Paired(truth.Length, idx =>
        {
            double[] x = new double[idx.Length], y = new double[idx.Length];
            for (int i = 0; i < idx.Length; i++)
            {
                x[i] = truth[idx[i]];
                y[i] = a[idx[i]];
            }
            return statistic(x, y).Statistic;
        }, new BootstrapOptions { Resamples = 200, Seed = 9, Method = BootstrapMethod.Percentile }).ConfidenceInterval;
        foreach (var (metric, expected) in new[]
        {
            (EvaluationMetric.Spearman, Paired((x, y) => SpearmanCorrelation.Compute(x, y))),
            (EvaluationMetric.Kendall, Paired((x, y) => KendallTau.Compute(x, y))),
            (EvaluationMetric.Pearson, Paired((x, y) => PearsonCorrelation.Compute(x, y))),
        })
        {
            var interval = report.Models[0].Metrics[metric].Interval!;
            Assert.Equal(expected.Low, interval.Low, 12);
            Assert.Equal(expected.High, interval.High, 12);
            Assert.Equal("percentile", interval.Method);
        }
        Assert.Equal(SpearmanCorrelation.Compute(truth, a).Statistic, report.Models[0].Metrics[EvaluationMetric.Spearman].Value);
    }

    [Fact]
    public void ComparisonsRunGroupsAndDisagreement()
    {
        // "scaled" predicts the order well but on the wrong scale (high MSE); "noisy" is on the right scale but noisier.
        var random = new Random(3);
        int n = 400;
        double[] truth = Enumerable.Range(0, n).Select(_ => 0.4 + 0.4 * random.NextDouble()).ToArray();
        double[] scaled = truth.Select(t => 0.5 * t + 0.5 + 0.02 * (random.NextDouble() - 0.5)).ToArray();
        double[] noisy = truth.Select(t => t + 0.25 * (random.NextDouble() - 0.5)).ToArray();
        double[][] runs = Enumerable.Range(0, 3).Select(_ => truth.Select(t => t + 0.15 * (random.NextDouble() - 0.5)).ToArray()).ToArray();
        var models = new List<ModelPredictions> { new("scaled", scaled), new("noisy", noisy) };
        models.AddRange(runs.Select((r, i) => new ModelPredictions($"seed{i}", r, "ensemble")));
        var options = new EvaluationOptions { Resamples = 300, Seed = 1 };
        var report = ModelEvaluation.Evaluate(truth, models, options);

        Assert.Equal(5, report.Models.Count);
        var group = Assert.Single(report.RunGroups);
        Assert.Equal(["seed0", "seed1", "seed2"], group.Runs);
        double[] rhos = report.Models.Skip(2).Select(r => r.Metrics[EvaluationMetric.Spearman].Value).ToArray();
        var summary = group.Metrics[EvaluationMetric.Spearman];
        Assert.Equal(rhos.Average(), summary.Mean, 14);
        double sd = Math.Sqrt(rhos.Sum(v => (v - rhos.Average()) * (v - rhos.Average())) / 2);
        Assert.Equal(sd, summary.StandardDeviation, 14);
        double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, 2, 0.975);
        Assert.Equal(summary.Mean - t * sd / Math.Sqrt(3), summary.AcrossRuns.Low, 14);
        Assert.NotNull(summary.AcrossItems);

        // Entries: scaled, noisy, ensemble → 3 pairs; tests only between the two single models.
        Assert.Equal(3, report.Comparisons.Count);
        var pair = report.Comparisons[0];
        Assert.Equal(("scaled", "noisy"), (pair.A, pair.B));
        Assert.NotNull(pair.Spearman);
        var expectedWilliams = DependentCorrelation.Williams(
            SpearmanCorrelation.Compute(truth, scaled).Statistic, SpearmanCorrelation.Compute(truth, noisy).Statistic,
            SpearmanCorrelation.Compute(scaled, noisy).Statistic, n);
        Assert.Equal(expectedWilliams, pair.Spearman!.Williams);
        Assert.Equal(DependentCorrelation.Compare(truth, scaled, noisy, DependentCorrelationMethod.Zou).ConfidenceInterval, pair.Pearson!.Zou.ConfidenceInterval);
        Assert.Null(report.Comparisons[1].Spearman);
        var difference = pair.Differences[EvaluationMetric.Spearman];
        Assert.Equal(report.Models[0].Metrics[EvaluationMetric.Spearman].Value - report.Models[1].Metrics[EvaluationMetric.Spearman].Value, difference.Difference, 15);
        Assert.True(difference.Interval!.Low > 0, "scaled orders the items better");

        // The disagreement: scaled is better by rank and worse by MSE.
        Assert.Equal("scaled", report.OrderBySpearman[0]);
        Assert.Equal("scaled", report.OrderByMse[^1]);
        var note = Assert.Single(report.Disagreements, d => d.BetterByLoss == "noisy");
        Assert.Equal("scaled", note.BetterByRank);
        Assert.Contains("MSE and rank correlation disagree: scaled ranks above noisy by Spearman", note.Describe());
    }

    [Fact]
    public void CeilingFractionsAndNanPolicy()
    {
        var (truth, a, b) = Data(100, 8, ties: false);
        var responses = ResponseTable.FromMatrix(new Matrix<double>(4, 100, Enumerable.Range(0, 400).Select(i => truth[i % 100] + (i / 100) * 0.01 * ((i * 7919) % 13)).ToArray()));
        var ceiling = SplitHalfConsistency.Compute(responses);
        var report = ModelEvaluation.Evaluate(truth, [new("a", a), new("b", b)], new EvaluationOptions { Resamples = 50 }, ceiling);
        double rho = report.Models[0].Metrics[EvaluationMetric.Spearman].Value;
        Assert.Equal(rho / ceiling.Raw.Mean, report.Models[0].FractionOfCeiling!.Value, 15);
        Assert.Equal(rho / ceiling.Corrected.Mean, report.Models[0].FractionOfCorrectedCeiling!.Value, 15);

        double[] withNaN = (double[])a.Clone();
        withNaN[5] = double.NaN;
        var e = Assert.Throws<RankwiseInputException>(() => ModelEvaluation.Evaluate(truth, [new("a", withNaN)], new EvaluationOptions { Resamples = 10 }));
        Assert.Equal("a: NaN at item 5; drop such items with the omit NaN policy (--nan-policy omit)", e.Message);
        var omitted = ModelEvaluation.Evaluate(truth, [new("a", withNaN), new("b", b)], new EvaluationOptions { Resamples = 10, NanPolicy = NanPolicy.Omit });
        Assert.Equal((99, 1), (omitted.Items, omitted.ItemsDropped));
        double[] keptTruth = truth.Where((_, i) => i != 5).ToArray(), keptB = b.Where((_, i) => i != 5).ToArray();
        Assert.Equal(SpearmanCorrelation.Compute(keptTruth, keptB).Statistic, omitted.Models[1].Metrics[EvaluationMetric.Spearman].Value);

        Assert.Throws<RankwiseInputException>(() => ModelEvaluation.Evaluate(truth, [new("a", a), new("a", b)]));
        Assert.Throws<RankwiseInputException>(() => ModelEvaluation.Evaluate(truth, [new("a", a[..50])]));
        Assert.Throws<RankwiseInputException>(() => ModelEvaluation.Evaluate(truth, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelEvaluation.Evaluate(truth, [new("a", a)], new EvaluationOptions { IntervalMethod = BootstrapMethod.BCa }));
    }

    [Fact]
    public void SameSeedSameReportForAnyParallelism()
    {
        var (truth, a, b) = Data(250, 2, ties: true);
        ModelPredictions[] models = [new("a", a), new("b", b)];
        var one = ModelEvaluation.Evaluate(truth, models, new EvaluationOptions { Resamples = 256, Seed = 5, MaxDegreeOfParallelism = 1 });
        var all = ModelEvaluation.Evaluate(truth, models, new EvaluationOptions { Resamples = 256, Seed = 5 });
        foreach (EvaluationMetric metric in Enum.GetValues<EvaluationMetric>())
        {
            Assert.Equal(one.Models[0].Metrics[metric], all.Models[0].Metrics[metric]);
            Assert.Equal(one.Comparisons[0].Differences[metric], all.Comparisons[0].Differences[metric]);
        }
        var noKendall = ModelEvaluation.Evaluate(truth, models, new EvaluationOptions { Resamples = 256, Seed = 5, KendallInterval = false });
        Assert.Null(noKendall.Models[0].Metrics[EvaluationMetric.Kendall].Interval);
        Assert.Equal(all.Models[0].Metrics[EvaluationMetric.Kendall].Value, noKendall.Models[0].Metrics[EvaluationMetric.Kendall].Value);
        Assert.Equal(all.Models[0].Metrics[EvaluationMetric.Spearman], noKendall.Models[0].Metrics[EvaluationMetric.Spearman]);
    }
}
