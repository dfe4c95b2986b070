using Rankwise.Inference;

namespace Rankwise.Tests.Inference;

public class PermutationBehaviourTests
{
    private static long Multinomial(int[] sizes)
    {
        long result = 1;
        int total = 0;
        foreach (int s in sizes)
        {
            for (int i = 1; i <= s; i++)
            {
                total++;
                result = result * total / i;
            }
        }
        return result;
    }

    [Theory]
    [InlineData(new[] { 2, 2 })]
    [InlineData(new[] { 3, 2 })]
    [InlineData(new[] { 2, 5 })]
    [InlineData(new[] { 3, 3, 2 })]
    [InlineData(new[] { 2, 2, 2, 2 })]
    [InlineData(new[] { 4, 6 })]
    public void ExactIndependentEnumerationVisitsEveryPartitionOnceInLexicographicOrder(int[] sizes)
    {
        var scheme = new IndependentScheme(sizes);
        long count = Multinomial(sizes);
        Assert.Equal(count, scheme.DistinctCount);
        var seen = new HashSet<string>();
        var scratch = new int[scheme.ScratchLength];
        var buffer = new int[scheme.Length];
        string? previous = null;
        for (long r = 0; r < count; r++)
        {
            scheme.WriteExact(r, buffer, scratch);
            Assert.Equal(Enumerable.Range(0, scheme.Length), buffer.Order());
            int offset = 0;
            foreach (int s in sizes)
            {
                Assert.True(buffer.AsSpan(offset, s).SequenceEqual(buffer.AsSpan(offset, s).ToArray().Order().ToArray()), "each group ascending");
                offset += s;
            }
            string key = string.Join(",", buffer.Select(v => v.ToString("D2")));
            Assert.True(seen.Add(key), $"partition {key} repeated");
            if (previous is not null)
                Assert.True(string.CompareOrdinal(previous, key) < 0, "lexicographic order");
            previous = key;
        }
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 1)]
    [InlineData(3, 2)]
    public void ExactPairingsEnumerationIsTheProductOfLexicographicPermutations(int n, int samples)
    {
        var scheme = new PairingsScheme(n, samples);
        long count = (long)Math.Pow(Enumerable.Range(1, n).Aggregate(1L, (a, b) => a * b), samples);
        Assert.Equal(count, scheme.DistinctCount);
        var buffer = new int[scheme.Length];
        var scratch = new int[scheme.ScratchLength];
        string? previous = null;
        for (long r = 0; r < count; r++)
        {
            scheme.WriteExact(r, buffer, scratch);
            for (int s = 0; s < samples; s++)
                Assert.Equal(Enumerable.Range(0, n), buffer.AsSpan(s * n, n).ToArray().Order());
            string key = string.Concat(buffer.Select(v => (char)('a' + v)));
            if (previous is not null)
                Assert.True(string.CompareOrdinal(previous, key) < 0, $"{previous} then {key}");
            previous = key;
        }
    }

    [Fact]
    public void SamplesEnumerationCountsAndIdentity()
    {
        Assert.Equal(1024.0, new SamplesScheme(10, 1).DistinctCount);
        Assert.Equal(Math.Pow(6, 5), new SamplesScheme(5, 3).DistinctCount);
        Assert.Equal(double.PositiveInfinity, new SamplesScheme(100, 2).DistinctCount);
        Assert.Equal(double.PositiveInfinity, new PairingsScheme(30, 1).DistinctCount);
        Assert.Equal(double.PositiveInfinity, new IndependentScheme([100, 100]).DistinctCount);
        var scheme = new SamplesScheme(4, 3);
        var identity = new int[scheme.Length];
        scheme.WriteIdentity(identity);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], identity);
        var first = new int[scheme.Length];
        scheme.WriteExact(0, first, new int[scheme.ScratchLength]);
        Assert.Equal(identity, first);
    }

    [Fact]
    public void RandomIndependentTestCountsResamplesAndAppliesTheCorrection()
    {
        double[] x = [5, 6, 7, 8, 9, 10, 11];
        double[] y = [0, 1, 2, 3, 4, 5, 6, 7];
        // C(15, 7) = 6435 > 999 → random; the observed split is the most extreme, so p = 1/(R + 1) for 'greater'.
        PermutationTestResult r = PermutationTest.Independent(x, y, (a, b) => TestStatistics.DiffMeans(a, b),
            new PermutationOptions { Resamples = 999, Alternative = Alternative.Greater, Seed = 4 });
        Assert.False(r.Exact);
        Assert.Equal(999, r.Resamples);
        Assert.True(r.PValue >= 1.0 / 1000);
        Assert.True(r.PValue < 0.01);
        Assert.Equal(PermutationType.Independent, r.PermutationType);
    }

    [Fact]
    public void PValueFollowsScipysRules()
    {
        double[] nullDistribution = [-2, -1, 0, 1, 2, 3 - 1e-15];
        // 'greater' counts values ≥ 3 − γ (γ = 3e-14): the 3 − 1e-15 value ties; 'less' counts all 6.
        Assert.Equal(1.0 / 6, PermutationTest.PValue(3, nullDistribution, true, Alternative.Greater));
        Assert.Equal(1.0, PermutationTest.PValue(3, nullDistribution, true, Alternative.Less));
        Assert.Equal(2.0 / 6, PermutationTest.PValue(3, nullDistribution, true, Alternative.TwoSided));
        // Random: (count + 1)/(R + 1); two-sided clipped at 1.
        Assert.Equal(2.0 / 7, PermutationTest.PValue(3, nullDistribution, false, Alternative.Greater));
        Assert.Equal(1.0, PermutationTest.PValue(0.5, nullDistribution, false, Alternative.TwoSided));
        Assert.True(double.IsNaN(PermutationTest.PValue(double.NaN, nullDistribution, true, Alternative.Less)));
        // Near zero the tolerance is absolute (1e-14).
        Assert.Equal(1.0, PermutationTest.PValue(0, [5e-15, 1], true, Alternative.Greater));
    }

    [Fact]
    public void NaNStatisticsAreReportedAsWarnings()
    {
        PermutationTestResult r = PermutationTest.SignFlip([1.0, 2, 3], s => s[0] < 0 ? double.NaN : s[0] + s[1] + s[2]);
        Assert.True(r.Exact);
        Assert.Equal(8, r.Resamples);
        Assert.Single(r.Warnings);
        Assert.Contains("4 of 8", r.Warnings[0]);
        PermutationTestResult nanObserved = PermutationTest.Pairings(3, _ => double.NaN);
        Assert.True(double.IsNaN(nanObserved.PValue));
        Assert.Contains(nanObserved.Warnings, w => w.Contains("observed statistic is NaN"));
    }

    [Fact]
    public void BadInputsAreRejectedAndInputsAreNotModified()
    {
        Assert.Throws<RankwiseInputException>(() => PermutationTest.Pairings([1.0, 2], [1.0], (a, b) => 0));
        Assert.Throws<RankwiseInputException>(() => PermutationTest.SignFlip([1.0], s => 0));
        Assert.Throws<RankwiseInputException>(() => PermutationTest.Independent([3], _ => 0));
        Assert.Throws<RankwiseInputException>(() => PermutationTest.Independent([3, 1], _ => 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PermutationTest.Samples(3, 0, _ => 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PermutationTest.Pairings(3, _ => 0, new PermutationOptions { Resamples = 0 }));
        Assert.Throws<ArgumentException>(() => PermutationTest.PValue(0, [], true, Alternative.Less));

        double[] x = [3, 1, 2, 5], y = [4, 4, 1, 0];
        double[] xc = (double[])x.Clone(), yc = (double[])y.Clone();
        PermutationTest.PairedSamples(x, y, (a, b) => TestStatistics.MeanDiff(a, b));
        PermutationTest.Independent(x, y, (a, b) => TestStatistics.DiffMeans(a, b));
        PermutationTest.Pairings(x, y, (a, b) => TestStatistics.Pearson(a, b));
        Assert.Equal(xc, x);
        Assert.Equal(yc, y);
    }

    [Fact]
    public void CancellationAndProgress()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            PermutationTest.Pairings(50, p => p[0], new PermutationOptions { Resamples = 5000 }, cts.Token));
        var reports = new List<double>();
        PermutationTest.Pairings(50, p => p[0], new PermutationOptions { Resamples = 5000, Progress = new Sink(reports) });
        Assert.Equal(1.0, reports.Max());
    }

    private sealed class Sink(List<double> reports) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (reports)
                reports.Add(value);
        }
    }
}
