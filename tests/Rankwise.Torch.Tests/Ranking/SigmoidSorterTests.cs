using Rankwise.Torch.Ranking;
using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankReference;
using static Rankwise.Torch.Tests.Ranking.SoftRankBehaviourTests;
using F = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Tests.Ranking;

/// <summary>SoDeep's sigmoid sorter: numpy reference, gradients, chunking, adaptive steepness, limits, validation.</summary>
public class SigmoidSorterTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < SoftRankReference.Cases("sigmoid_rank").Count(); i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNumpyReference(int index)
    {
        using var scope = NewDisposeScope();
        var c = SoftRankReference.Cases("sigmoid_rank").ElementAt(index);
        string context = $"sigmoid_rank[{index}] {c.Describe()}";
        long[] shape = c.Longs("shape");
        var steepnessElement = c.GetProperty("steepness");
        double? steepness = steepnessElement.ValueKind == System.Text.Json.JsonValueKind.Null ? null : steepnessElement.GetDouble();
        var x = c.Tensor("values", shape).requires_grad_(true);
        var ranks = F.sigmoid_rank(x, steepness, c.GetProperty("adaptive_constant").GetDouble(),
            c.GetProperty("descending").GetBoolean(), c.GetProperty("normalize").GetBoolean());
        AssertClose(c.Doubles("output"), ranks.ToDoubles(), 1e-12, context + " forward");
        ranks.backward([c.Tensor("cotangent", shape)]);
        AssertClose(c.Doubles("vjp"), x.grad!.ToDoubles(), 1e-12, context + " vjp");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void GradientMatchesCentralDifferences(bool descending, bool normalize)
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([2, 7], seed: 31);
        GradCheck.AssertJacobian(v => F.sigmoid_rank(v, 1.3, descending: descending, normalize: normalize, chunk_size: 3), x);
    }

    [Fact]
    public void AdaptiveSteepnessIsNotDifferentiated()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([1, 9], seed: 32);
        double[] values = x.ToDoubles();
        double mean = values.Average();
        double sampleVariance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        double lambda = 6.8 / Math.Sqrt(2 * sampleVariance);
        var adaptive = x.clone().requires_grad_(true);
        var fixedLambda = x.clone().requires_grad_(true);
        var a = F.sigmoid_rank(adaptive);
        var b = F.sigmoid_rank(fixedLambda, lambda);
        AssertClose(b.ToDoubles(), a.ToDoubles(), 1e-12, "adaptive λ = 6.8 / (√2 s)");
        var u = RandomValues([1, 9], seed: 33);
        a.backward([u]);
        b.backward([u]);
        AssertClose(fixedLambda.grad!.ToDoubles(), adaptive.grad!.ToDoubles(), 1e-12, "gradient with λ held fixed");
    }

    [Fact]
    public void ChunkingDoesNotChangeTheResult()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([3, 2, 13], seed: 34);
        var u = RandomValues([3, 2, 13], seed: 35);
        double[]? forward = null, gradient = null;
        foreach (long chunk in new long[] { 0, 1, 4, 13, 100 })
        {
            var xi = x.clone().requires_grad_(true);
            var ranks = F.sigmoid_rank(xi, descending: true, chunk_size: chunk);
            ranks.backward([u]);
            forward ??= ranks.ToDoubles();
            gradient ??= xi.grad!.ToDoubles();
            // the same sums per element; only the vectorised reduction order may differ
            AssertClose(forward, ranks.ToDoubles(), 1e-14, $"forward, chunk {chunk}");
            AssertClose(gradient, xi.grad!.ToDoubles(), 1e-14, $"gradient, chunk {chunk}");
        }
    }

    [Fact]
    public void SteepLimitGivesHardRanksAndTiesGetAverageRanks()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 0.5, -1, 3, 0.5, 2, -4 });
        AssertClose([3.5, 2, 6, 3.5, 5, 1], F.sigmoid_rank(x, 1e4).ToDoubles(), 1e-12, "ascending");
        AssertClose([3.5, 5, 1, 3.5, 2, 6], F.sigmoid_rank(x, 1e4, descending: true).ToDoubles(), 1e-12, "descending");
        AssertClose([3.5 / 6, 5.0 / 6, 1.0 / 6, 3.5 / 6, 2.0 / 6, 1.0], F.sigmoid_rank(x, 1e4, descending: true, normalize: true).ToDoubles(), 1e-12, "normalised");
        // any λ: ranks sum to n(n+1)/2 because σ(z) + σ(−z) = 1
        Assert.Equal(21.0, F.sigmoid_rank(x, 0.3).sum().item<double>(), 12);
    }

    [Fact]
    public void BatchEqualsRowByRowAndFloat32IsClose()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([2, 3, 10], seed: 36);
        var batched = F.sigmoid_rank(x).ToDoubles();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                AssertClose(batched.AsSpan((i * 3 + j) * 10, 10).ToArray(), F.sigmoid_rank(x[i, j]).ToDoubles(), 1e-14, "row");
            }
        }
        AssertClose(batched, F.sigmoid_rank(x.to_type(ScalarType.Float32)).ToDoubles(), 1e-5, "float32");
    }

    [Fact]
    public void ModuleMatchesFunctionAndValidates()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([2, 6], seed: 37);
        using var sorter = new SigmoidSorter(steepness: 2.0, descending: true, normalize: true, chunk_size: 2);
        Assert.Equal(F.sigmoid_rank(x, 2.0, descending: true, normalize: true).ToDoubles(), sorter.call(x).ToDoubles());
        Assert.Contains("steepness", Assert.Throws<ArgumentException>(() => new SigmoidSorter(steepness: 0)).Message);
        Assert.Contains("steepness", Assert.Throws<ArgumentException>(() => F.sigmoid_rank(x, double.NaN)).Message);
        Assert.Contains("adaptive_constant", Assert.Throws<ArgumentException>(() => F.sigmoid_rank(x, adaptive_constant: -1)).Message);
        Assert.Contains("chunk_size", Assert.Throws<ArgumentException>(() => F.sigmoid_rank(x, chunk_size: -2)).Message);
        Assert.Contains("float32 or float64", Assert.Throws<ArgumentException>(() => F.sigmoid_rank(tensor(new int[] { 1, 2 }))).Message);
    }

    [Fact]
    public void ConstantRowsAndEmptyRows()
    {
        using var scope = NewDisposeScope();
        var constant = full(2, 5, 3.0, dtype: ScalarType.Float64);
        Assert.All(F.sigmoid_rank(constant).ToDoubles(), r => Assert.Equal(3.0, r, 14));
        Assert.Equal(new long[] { 2, 0 }, F.sigmoid_rank(zeros(2, 0, dtype: ScalarType.Float64)).shape);
    }
}
