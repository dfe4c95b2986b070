using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankReference;
using F = Rankwise.Torch.Ranking.functional;
using LossF = Rankwise.Torch.Losses.functional;

namespace Rankwise.Torch.Tests.Ranking;

/// <summary>Published values: the examples and torchsort's README (l2; kl where the limit is exact).</summary>
public class SoftRankGoldenTests
{
    private static readonly double[] FiveOneTwo = [5, 1, 2];
    private static readonly double[] Readme = [8, 0, 5, 3, 2, 1, 6, 7, 9];

    [Theory]
    [InlineData(1.0, false, new double[] { 3, 1, 2 })]
    [InlineData(2.0, false, new double[] { 3, 1.25, 1.75 })]
    [InlineData(1.0, true, new double[] { 1, 3, 2 })]
    [InlineData(2.0, true, new double[] { 1, 2.75, 2.25 })]
    public void SoftRankOfFiveOneTwo(double epsilon, bool descending, double[] expected)
    {
        using var scope = NewDisposeScope();
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
        {
            var ranks = F.soft_rank(tensor(FiveOneTwo).to_type(dtype), regularization_strength: epsilon, descending: descending);
            Assert.Equal(dtype, ranks.dtype);
            AssertClose(expected, ranks.ToDoubles(), dtype == ScalarType.Float64 ? 1e-15 : 1e-6, $"soft_rank ε={epsilon} {dtype}");
        }
    }

    [Theory]
    [InlineData(1.0, false, new double[] { 5.0 / 3, 8.0 / 3, 11.0 / 3 })]
    [InlineData(0.1, false, new double[] { 1, 2, 5 })]
    [InlineData(1.0, true, new double[] { 11.0 / 3, 8.0 / 3, 5.0 / 3 })]
    [InlineData(0.1, true, new double[] { 5, 2, 1 })]
    public void SoftSortOfFiveOneTwo(double epsilon, bool descending, double[] expected)
    {
        using var scope = NewDisposeScope();
        var sorted = F.soft_sort(tensor(FiveOneTwo), regularization_strength: epsilon, descending: descending);
        AssertClose(expected, sorted.ToDoubles(), 1e-14, $"soft_sort ε={epsilon}");
    }

    [Fact]
    public void TorchsortReadmeExamples()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Readme).unsqueeze(0);
        AssertClose([8, 1, 5, 4, 3, 2, 6, 7, 9], F.soft_rank(x).ToDoubles(), 1e-14, "soft_rank");
        AssertClose(Enumerable.Range(0, 9).Select(k => k + 5.0 / 9).ToArray(), F.soft_sort(x).ToDoubles(), 1e-14, "soft_sort ε=1");
        AssertClose([0, 1, 2, 3, 5, 6, 7, 8, 9], F.soft_sort(x, regularization_strength: 0.1).ToDoubles(), 1e-14, "soft_sort ε=0.1");
    }

    [Fact]
    public void TorchsortReadmeSpearmanAndItsGradient()
    {
        using var scope = NewDisposeScope();
        var pred = tensor(new double[] { 1, 2, 3, 4, 5 }, [1, 5], requires_grad: true);
        var target = tensor(new double[] { 5, 6, 7, 8, 7 }, [1, 5]);
        var rho = LossF.soft_spearmanr(pred, target);
        Assert.Equal(3 / Math.Sqrt(13), rho.item<double>(), 14);
        Assert.Equal(0.8321, rho.item<double>(), 4);
        rho.sum().backward();
        // README: tensor([[-5.5470e-02, 2.9802e-09, 5.5470e-02, 1.1094e-01, -1.1094e-01]]) (float32 there)
        AssertClose([-5.5470e-02, 0, 5.5470e-02, 1.1094e-01, -1.1094e-01], pred.grad!.ToDoubles(), 5e-6, "d rho / d pred");
        // the same in float32 and with the module
        var rho32 = LossF.soft_spearmanr(pred.detach().to_type(ScalarType.Float32), target.to_type(ScalarType.Float32));
        Assert.Equal(0.8320503, rho32.item<float>(), 6);
    }

    [Fact]
    public void GoldenRowsBatchedAndInBothDirections()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 5, 1, 2, 1, 2, 5, 2, 5, 1 }, [3, 3]);
        AssertClose([3, 1, 2, 1, 2, 3, 2, 3, 1], F.soft_rank(x).ToDoubles(), 1e-15, "ascending");
        AssertClose([1, 3, 2, 3, 2, 1, 2, 1, 3], F.soft_rank(x, descending: true).ToDoubles(), 1e-15, "descending");
        AssertClose([1, 2, 5, 1, 2, 5, 1, 2, 5], F.soft_sort(x, regularization_strength: 0.1).ToDoubles(), 1e-14, "sort");
        AssertClose([5, 2, 1, 5, 2, 1, 5, 2, 1], F.soft_sort(x, regularization_strength: 0.1, descending: true).ToDoubles(), 1e-14, "sort desc");
    }

    [Theory]
    [InlineData("soft_rank")]
    [InlineData("soft_sort")]
    public void KlReachesTheHardLimitForSmallEpsilon(string op)
    {
        using var scope = NewDisposeScope();
        var x = tensor(Readme).unsqueeze(0);
        double[] expected = op == "soft_rank" ? [8, 1, 5, 4, 3, 2, 6, 7, 9] : [0, 1, 2, 3, 5, 6, 7, 8, 9];
        var result = op == "soft_rank"
            ? F.soft_rank(x, "kl", 0.01)
            : F.soft_sort(x, "kl", 0.01);
        AssertClose(expected, result.ToDoubles(), 1e-12, op + " kl ε=0.01");
    }
}
