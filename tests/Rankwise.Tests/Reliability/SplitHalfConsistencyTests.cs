using System.Text.Json;
using Rankwise.Correlation;
using Rankwise.IO;
using Rankwise.Reliability;

namespace Rankwise.Tests.Reliability;

/// <summary>
/// Split-half consistency: fixed splits against scipy (make_reliability_reference.py), convergence to the theoretical
/// reliability on simulated subjects, determinism, and the bookkeeping of left-out items.
/// </summary>
public class SplitHalfConsistencyTests
{
    internal static string Dir => Path.Combine(AppContext.BaseDirectory, "ReferenceData", "reliability");

    private static readonly Lazy<JsonElement> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "reliability_reference.json"))).RootElement.Clone());

    internal static JsonElement Get(string name) => Reference.Value.GetProperty(name);

    [Theory]
    [InlineData("long", "responses_long.csv")]
    [InlineData("wide", "responses_wide.csv")]
    public void FixedSplitsMatchScipy(string layout, string file)
    {
        var table = ResponseTable.Read(Path.Combine(Dir, file));
        JsonElement reference = Get(layout);
        Assert.Equal(reference.GetProperty("subjects").EnumerateArray().Select(e => e.GetString()), table.Subjects);
        foreach (JsonElement split in reference.GetProperty("splits").EnumerateArray())
        {
            bool[] flags = split.GetProperty("first_half").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
            foreach (var (method, name) in new[] { (CorrelationMethod.Spearman, "spearman"), (CorrelationMethod.Pearson, "pearson"), (CorrelationMethod.Kendall, "kendall") })
            {
                SplitHalfSplit s = SplitHalfConsistency.ScoreSplit(table, flags, method);
                Assert.Equal(split.GetProperty("items").GetInt32(), s.Items);
                Assert.Equal(split.GetProperty("left_out").GetInt32(), s.ItemsLeftOut);
                double expected = split.GetProperty(name).GetDouble();
                Assert.True(Math.Abs(expected - s.Correlation) <= 1e-12 * Math.Abs(expected), $"{layout} {name}: {s.Correlation:R} vs scipy {expected:R}");
                Assert.Equal(2 * s.Correlation / (1 + s.Correlation), s.Corrected, 15);
                Assert.Equal(flags.Count(f => f), s.FirstHalfSubjects);
            }
        }
    }

    /// <summary>Normal model: response = μ_i + ε, μ ~ N(0, 1), ε ~ N(0, τ²), every subject rates every item.</summary>
    private static ResponseTable SimulateNormal(int subjects, int items, double tau, int seed)
    {
        var random = new Random(seed);
        var effect = new double[items];
        for (int i = 0; i < items; i++)
            effect[i] = Gaussian(random);
        var data = new double[subjects * items];
        for (int s = 0; s < subjects; s++)
        {
            for (int i = 0; i < items; i++)
                data[s * items + i] = effect[i] + tau * Gaussian(random);
        }
        return ResponseTable.FromMatrix(new Matrix<double>(subjects, items, data));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ConvergesToTheoreticalReliabilityAsSubjectsGrow(int seed)
    {
        const int items = 4000;
        const double tau = 3;
        double previousError = double.PositiveInfinity;
        foreach (int subjects in new[] { 4, 16, 64, 256 })
        {
            var table = SimulateNormal(subjects, items, tau, seed * 1000 + subjects);
            double m = subjects / 2.0;
            double pearsonTheory = 1 / (1 + tau * tau / m);
            // Half means are bivariate normal, so Spearman's ρ = (6/π) asin(r/2) (Pearson 1907).
            double spearmanTheory = 6 / Math.PI * Math.Asin(pearsonTheory / 2);
            double fullTheory = 1 / (1 + tau * tau / subjects);

            var pearson = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Method = CorrelationMethod.Pearson, Seed = (ulong)seed });
            var spearman = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Seed = (ulong)seed });
            double tolerance = 4 * (1 - pearsonTheory * pearsonTheory) / Math.Sqrt(items) + 0.003;
            Assert.True(Math.Abs(pearson.Raw.Mean - pearsonTheory) < tolerance, $"S={subjects}: Pearson {pearson.Raw.Mean} vs {pearsonTheory}");
            Assert.True(Math.Abs(spearman.Raw.Mean - spearmanTheory) < tolerance, $"S={subjects}: Spearman {spearman.Raw.Mean} vs {spearmanTheory}");
            // Spearman–Brown is exact for parallel halves: the corrected value estimates the whole panel's reliability.
            Assert.True(Math.Abs(pearson.Corrected.Mean - fullTheory) < tolerance, $"S={subjects}: corrected {pearson.Corrected.Mean} vs {fullTheory}");
            Assert.Equal(0, pearson.ItemsLeftOutMax);
            Assert.Equal(items, pearson.PerSplit[0].Items);
            // The error bound shrinks as the reliability approaches 1.
            double error = Math.Abs(pearson.Raw.Mean - pearsonTheory);
            Assert.True(error < Math.Max(previousError, 0.01) + 0.003, $"S={subjects}: error {error} did not shrink from {previousError}");
            previousError = error;
        }
    }

    [Fact]
    public void BinaryHitsMatchTheoryForHitRates()
    {
        // Memorability-style 0/1 hits with item hit probability p_i: the Pearson correlation of two half hit rates
        // (m subjects each) is var(p) / (var(p) + E[p(1 − p)]/m).
        var random = new Random(5);
        const int items = 3000, subjects = 80;
        var p = new double[items];
        for (int i = 0; i < items; i++)
            p[i] = 1 / (1 + Math.Exp(-(0.4 + Gaussian(random))));
        var data = new double[subjects * items];
        for (int s = 0; s < subjects; s++)
            for (int i = 0; i < items; i++)
                data[s * items + i] = random.NextDouble() < p[i] ? 1 : 0;
        var result = SplitHalfConsistency.Compute(ResponseTable.FromMatrix(new Matrix<double>(subjects, items, data)),
            new SplitHalfOptions { Method = CorrelationMethod.Pearson, Splits = 50 });
        double mean = p.Average();
        double variance = p.Sum(v => (v - mean) * (v - mean)) / items;
        double noise = p.Sum(v => v * (1 - v)) / items;
        double theory = variance / (variance + noise / (subjects / 2.0));
        Assert.True(Math.Abs(result.Raw.Mean - theory) < 0.02, $"{result.Raw.Mean} vs {theory}");
    }

    [Fact]
    public void SameSeedGivesIdenticalOutputForAnyParallelism()
    {
        var table = ResponseTable.Read(Path.Combine(Dir, "responses_long.csv"));
        var a = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Seed = 42, Splits = 40 });
        var b = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Seed = 42, Splits = 40, MaxDegreeOfParallelism = 1 });
        var c = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Seed = 43, Splits = 40 });
        Assert.Equal(a.PerSplit, b.PerSplit);
        Assert.Equal(a.Raw, b.Raw);
        Assert.NotEqual(a.Raw.Mean, c.Raw.Mean);
        // The first 25 splits of 40 are the 25 splits of a 25-split run.
        var d = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Seed = 42 });
        Assert.Equal(a.PerSplit.Take(25), d.PerSplit);
    }

    [Fact]
    public void SummariesAreMeanSdAndPercentilesOfTheSplits()
    {
        var table = ResponseTable.Read(Path.Combine(Dir, "responses_long.csv"));
        var result = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Seed = 3, Splits = 25, ConfidenceLevel = 0.9 });
        double[] raw = result.PerSplit.Select(s => s.Correlation).ToArray();
        double mean = raw.Average();
        Assert.Equal(mean, result.Raw.Mean, 14);
        Assert.Equal(Math.Sqrt(raw.Sum(r => (r - mean) * (r - mean)) / (raw.Length - 1)), result.Raw.StandardDeviation, 14);
        double[] sorted = raw.Order().ToArray();
        // numpy's linear percentile at 5 % and 95 % of 25 values: virtual indices 1.2 and 22.8.
        Assert.Equal(sorted[1] + 0.2 * (sorted[2] - sorted[1]), result.Raw.Interval.Low, 14);
        Assert.Equal(sorted[22] + 0.8 * (sorted[23] - sorted[22]), result.Raw.Interval.High, 14);
        Assert.Equal("percentile", result.Raw.Interval.Method);
        Assert.Equal(result.PerSplit.Select(s => 2 * s.Correlation / (1 + s.Correlation)).Average(), result.Corrected.Mean, 14);
        Assert.True(result.Corrected.Mean > result.Raw.Mean);
        // Bookkeeping: rare0 is seen by one subject only (always left out); rare1 and rare2 sometimes.
        Assert.Equal(1, result.ItemsLeftOutMin);
        Assert.True(result.ItemsLeftOutMax <= 3);
        Assert.All(result.PerSplit, s => Assert.Equal(table.ItemCount, s.Items + s.ItemsLeftOut));
        Assert.Contains(result.Warnings, w => w.Contains("1 of 63 items have responses from fewer than 2 subjects"));
        Assert.Equal(15, result.PerSplit[0].FirstHalfSubjects);
        Assert.Equal(table.SubjectCount, result.Subjects);
    }

    [Fact]
    public void GeneralSpearmanBrownFactor()
    {
        var table = SimulateNormal(10, 200, 2, 9);
        var result = SplitHalfConsistency.Compute(table, new SplitHalfOptions { SpearmanBrownFactor = 4, Splits = 5 });
        Assert.All(result.PerSplit, s => Assert.Equal(4 * s.Correlation / (1 + 3 * s.Correlation), s.Corrected, 15));
        Assert.Equal(4, result.SpearmanBrownFactor);
    }

    [Fact]
    public void UndefinedSplitsAreCountedAndExcluded()
    {
        // Two subjects who share a single item: every split has one common item, so the correlation is undefined.
        var table = ResponseTable.FromLong(["a", "a", "b", "b"], ["x", "y", "x", "z"], [1, 0, 1, 1]);
        var result = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Splits = 3 });
        Assert.Equal(3, result.UndefinedSplits);
        Assert.True(double.IsNaN(result.Raw.Mean));
        Assert.Contains(result.Warnings, w => w.Contains("undefined"));
        Assert.All(result.PerSplit, s => Assert.Equal((1, 2), (s.Items, s.ItemsLeftOut)));
    }

    [Fact]
    public void InvalidArguments()
    {
        var one = ResponseTable.FromLong(["a", "a"], ["x", "y"], [1, 0]);
        var e = Assert.Throws<RankwiseInputException>(() => SplitHalfConsistency.Compute(one));
        Assert.Contains("at least 2", e.Message);
        var table = SimulateNormal(4, 10, 1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => SplitHalfConsistency.Compute(table, new SplitHalfOptions { Splits = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SplitHalfConsistency.Compute(table, new SplitHalfOptions { Method = CorrelationMethod.SomersD }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SplitHalfConsistency.Compute(table, new SplitHalfOptions { ConfidenceLevel = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SplitHalfConsistency.Compute(table, new SplitHalfOptions { SpearmanBrownFactor = 0 }));
        Assert.Throws<ArgumentException>(() => SplitHalfConsistency.ScoreSplit(table, [true, false]));
    }
}
