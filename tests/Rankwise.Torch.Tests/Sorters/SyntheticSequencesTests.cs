using Rankwise.Torch.Sorters;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Sorters;

public class SyntheticSequencesTests
{
    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    [Fact]
    public void SameSeedAndStreamReproduceOtherStreamsDiffer()
    {
        foreach (var g in SyntheticSequences.Generators)
        {
            var a = Values(SyntheticSequences.Sample(g, 4, 50, seed: 3, stream: 9));
            var b = Values(SyntheticSequences.Sample(g, 4, 50, seed: 3, stream: 9));
            var c = Values(SyntheticSequences.Sample(g, 4, 50, seed: 3, stream: 10));
            var d = Values(SyntheticSequences.Sample(g, 4, 50, seed: 4, stream: 9));
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
            Assert.NotEqual(a, d);
        }
        var (m1, k1) = SyntheticSequences.SampleMixture(16, 20, 1, 2);
        var (m2, k2) = SyntheticSequences.SampleMixture(16, 20, 1, 2);
        Assert.Equal(Values(m1), Values(m2));
        Assert.Equal(k1, k2);
    }

    [Fact]
    public void UniformMomentsAndRange()
    {
        var v = Values(SyntheticSequences.Sample(SequenceGenerator.Uniform, 200, 100, seed: 1, dtype: ScalarType.Float64));
        Assert.All(v, x => Assert.InRange(x, -1.0, 1.0));
        double mean = v.Average(), variance = v.Select(x => (x - mean) * (x - mean)).Average();
        // 20,000 draws: sd of the mean 0.004, of the variance ≈ 0.0019.
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 1.0 / 3 - 0.01, 1.0 / 3 + 0.01);
    }

    [Fact]
    public void NormalMoments()
    {
        var v = Values(SyntheticSequences.Sample(SequenceGenerator.Normal, 200, 100, seed: 1, dtype: ScalarType.Float64));
        double mean = v.Average(), variance = v.Select(x => (x - mean) * (x - mean)).Average();
        double kurtosis = v.Select(x => Math.Pow(x - mean, 4)).Average() / (variance * variance);
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.96, 1.04);
        Assert.InRange(kurtosis, 2.85, 3.15);
        Assert.InRange(v.Count(x => Math.Abs(x) > 1.959964) / (double)v.Length, 0.045, 0.055);
    }

    [Fact]
    public void EvenlySpacedRowsAreEquallySpacedSubRangesSortedOrShuffled()
    {
        const int rows = 400, n = 30;
        var v = Values(SyntheticSequences.Sample(SequenceGenerator.EvenlySpaced, rows, n, seed: 5, dtype: ScalarType.Float64));
        int ascending = 0, descending = 0;
        double meanWidth = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = v.AsSpan(r * n, n).ToArray();
            var sorted = row.Order().ToArray();
            Assert.InRange(sorted[0], -1.0, 1.0);
            Assert.InRange(sorted[^1], -1.0, 1.0);
            double step = (sorted[^1] - sorted[0]) / (n - 1);
            for (int i = 1; i < n; i++)
            {
                Assert.Equal(step, sorted[i] - sorted[i - 1], 1e-12);
            }
            ascending += row.SequenceEqual(sorted) ? 1 : 0;
            descending += row.SequenceEqual(sorted.Reverse()) ? 1 : 0;
            meanWidth += (sorted[^1] - sorted[0]) / rows;
        }
        // Sorted ascending / descending with probability ¼ each, shuffled otherwise; |a − b| for a, b ~ U[−1, 1) has mean 2/3.
        Assert.InRange(ascending / (double)rows, 0.18, 0.32);
        Assert.InRange(descending / (double)rows, 0.18, 0.32);
        Assert.InRange(meanWidth, 0.6, 0.74);
    }

    [Fact]
    public void ConcatenatedRowsMixTwoFamilies()
    {
        const int rows = 600, n = 40;
        var v = Values(SyntheticSequences.Sample(SequenceGenerator.Concatenated, rows, n, seed: 2, dtype: ScalarType.Float64));
        // A row containing a value outside [−1, 1] must have a normal part; rows mixing such values with an equally
        // spaced run show both halves are used. Count rows with at least one |x| > 1: P(normal part) = 1 − (2/3)² = 5/9
        // for at least one half, and most normal halves of length ≥ 4 leave [−1, 1].
        int withNormal = 0;
        for (int r = 0; r < rows; r++)
        {
            withNormal += v.AsSpan(r * n, n).ToArray().Any(x => Math.Abs(x) > 1) ? 1 : 0;
        }
        Assert.InRange(withNormal / (double)rows, 0.35, 0.6);
        Assert.True(withNormal < rows);
    }

    [Fact]
    public void MixturePicksEveryGeneratorAboutEquallyOften()
    {
        var (_, kinds) = SyntheticSequences.SampleMixture(4000, 3, seed: 11);
        foreach (var g in SyntheticSequences.Generators)
        {
            Assert.InRange(kinds.Count(k => k == g) / 4000.0, 0.22, 0.28);
        }
    }

    [Fact]
    public void TargetsAreNormalisedAscendingRanks()
    {
        var x = tensor(new float[] { 0.5f, -2f, 3f, 0.5f }, [1, 4]);
        var t = SyntheticSequences.TargetRanks(x).data<float>().ToArray();
        Assert.Equal(new[] { 2.5f / 4, 1f / 4, 1f, 2.5f / 4 }, t);
        var (m, _) = SyntheticSequences.SampleMixture(8, 100, 0);
        var ranks = SyntheticSequences.TargetRanks(m);
        Assert.Equal(0.01f, ranks.min().item<float>(), 6);
        Assert.Equal(1f, ranks.max().item<float>());
        Assert.Equal(Enumerable.Repeat(50.5, 8), ranks.sum(1).to_type(ScalarType.Float64).data<double>().ToArray().Select(s => Math.Round(s, 3)));
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SyntheticSequences.Sample(SequenceGenerator.Uniform, -1, 5, 0));
        Assert.Throws<ArgumentException>(() => SyntheticSequences.Sample(SequenceGenerator.Uniform, 1, 0, 0));
        Assert.Throws<ArgumentException>(() => SyntheticSequences.Sample(SequenceGenerator.Uniform, 1, 5, 0, dtype: ScalarType.Int32));
        Assert.Equal(new long[] { 3, 1 }, SyntheticSequences.Sample(SequenceGenerator.Concatenated, 3, 1, 0).shape);
        Assert.Equal(new long[] { 3, 1 }, SyntheticSequences.Sample(SequenceGenerator.EvenlySpaced, 3, 1, 0).shape);
    }
}
