using Rankwise.Torch.Losses;
using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankBehaviourTests;
using static Rankwise.Torch.Tests.Ranking.SoftRankReference;
using F = Rankwise.Torch.Losses.functional;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Tests.Losses;

/// <summary>Hard limits against exact metrics, rankers, reductions, dtypes and argument validation of the losses.</summary>
public class LossBehaviourTests
{
    private static double[] HardRanks(double[] x, bool descending)
    {
        var ranks = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            ranks[i] = 1 + x.Count(v => descending ? v > x[i] : v < x[i]);
        }
        return ranks;
    }

    [Fact]
    public void SpearmanLossWithHardRanksGivesSpearmansRho()
    {
        using var scope = NewDisposeScope();
        var pred = RandomValues([1, 12], seed: 61);
        var target = RandomValues([1, 12], seed: 62);
        double d2 = F.spearman_loss(pred, target, regularization_strength: 1e-9).item<double>();
        double[] a = HardRanks(pred.ToDoubles(), false), b = HardRanks(target.ToDoubles(), false);
        double expected = a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();
        Assert.Equal(expected, d2, 6);
        int n = 12;
        double rho = 1 - 6 * d2 / (n * (n * n - 1.0));
        double pearsonOfRanks = a.Zip(b, (x, y) => (x - 6.5) * (y - 6.5)).Sum() / a.Sum(x => (x - 6.5) * (x - 6.5));
        Assert.Equal(pearsonOfRanks, rho, 9);
    }

    [Fact]
    public void SpearmanLossUsesAverageRanksForTiedTargetsAndAnyRanker()
    {
        using var scope = NewDisposeScope();
        var pred = tensor(new double[] { 0.1, 0.4, 0.2, 0.9 }, [1, 4]);
        var target = tensor(new double[] { 1, 2, 2, 3 }, [1, 4]);
        Func<Tensor, Tensor> identityRanks = v => tensor(new double[] { 1, 2, 3, 4 }, [1, 4]);
        // target ranks [1, 2.5, 2.5, 4]
        Assert.Equal(0.5, F.spearman_loss(pred, target, identityRanks).item<double>(), 14);
        Assert.Equal(0.5 / 16, F.spearman_loss(pred, target, v => identityRanks(v) / 4, normalize: true).item<double>(), 14);
        // descending target ranks [4, 2.5, 2.5, 1] against a descending ranker
        Assert.Equal(0.5, F.spearman_loss(pred, target, v => 5 - identityRanks(v), descending: true).item<double>(), 14);
        using var module = new SpearmanLoss(v => RankOps.sigmoid_rank(v, 50.0), reduction: nn.Reduction.Sum);
        Assert.True(module.call(pred, target).item<double>() < 1.0);
    }

    [Fact]
    public void MapLossWithHardRanksIsOneMinusExactMeanAveragePrecision()
    {
        using var scope = NewDisposeScope();
        var scores = RandomValues([10, 3], seed: 63);
        var random = new Random(64);
        var labelValues = Enumerable.Range(0, 30).Select(_ => random.NextDouble() < 0.4 ? 1.0 : 0.0).ToArray();
        labelValues[0] = labelValues[1] = labelValues[2] = 1;
        var labels = tensor(labelValues, [10, 3]);
        double[] s = scores.ToDoubles();
        var expected = new double[3];
        for (int c = 0; c < 3; c++)
        {
            double[] column = Enumerable.Range(0, 10).Select(i => s[i * 3 + c]).ToArray();
            var positives = Enumerable.Range(0, 10).Where(i => labelValues[i * 3 + c] > 0).ToArray();
            // exact AP: mean over positives of precision at their position in descending score order
            expected[c] = 1 - positives.Average(i =>
                (double)positives.Count(j => column[j] >= column[i]) / column.Count(v => v >= column[i]));
        }
        AssertClose(expected, F.map_ranking_loss(scores, labels, regularization_strength: 1e-9, reduction: nn.Reduction.None).ToDoubles(), 1e-7, "1 - AP");
    }

    [Fact]
    public void RecallLossWithHardRanksIsTheRankHinge()
    {
        using var scope = NewDisposeScope();
        var scores = RandomValues([4, 7], seed: 65);
        var positives = new long[] { 6, 0, 3, 3 };
        double[] s = scores.ToDoubles();
        var expected = new double[4];
        for (int q = 0; q < 4; q++)
        {
            double[] ranks = HardRanks(s.AsSpan(q * 7, 7).ToArray(), descending: true);
            double hardest = ranks.Where((_, c) => c != positives[q]).Min();
            expected[q] = Math.Max(0, 1.0 + ranks[positives[q]] - hardest);
        }
        AssertClose(expected, F.recall_loss(scores, tensor(positives), regularization_strength: 1e-9, reduction: nn.Reduction.None).ToDoubles(), 1e-7, "hinge");
        // a perfect ranking (positive first, margin 1) has zero loss
        var perfect = eye(5, dtype: ScalarType.Float64) * 10;
        Assert.Equal(0.0, F.recall_loss(perfect, both_directions: true).item<double>());
    }

    [Fact]
    public void LossesRunInFloat32AndKeepTheDevice()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([3, 6], seed: 66).to_type(ScalarType.Float32).requires_grad_(true);
        var y = RandomValues([3, 6], seed: 67).to_type(ScalarType.Float32);
        var labels = y.gt(0);
        var losses = new[]
        {
            F.spearman_loss(x, y),
            F.soft_spearman_loss(x, y, "kl"),
            F.map_ranking_loss(x, labels),
            F.recall_loss(x.narrow(1, 0, 3)),
        };
        foreach (var loss in losses)
        {
            Assert.Equal(ScalarType.Float32, loss.dtype);
            Assert.Equal(x.device.ToString(), loss.device.ToString());
            Assert.Empty(loss.shape);
            loss.backward();
        }
        Assert.All(x.grad!.ToDoubles(), g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void InvalidArgumentsThrowClearMessages()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([3, 4], seed: 68);
        Assert.Contains("target", Assert.Throws<ArgumentException>(() => F.spearman_loss(x, x.narrow(1, 0, 3))).Message);
        Assert.Contains("ranker", Assert.Throws<ArgumentException>(() => F.spearman_loss(x, x, v => v.sum(-1))).Message);
        Assert.Contains("regularization_strength", Assert.Throws<ArgumentException>(() => new SpearmanLoss("l2", 0)).Message);
        Assert.Contains("\"l2\" or \"kl\"", Assert.Throws<ArgumentException>(() => new MapRankingLoss("l1")).Message);
        Assert.Contains("2-D", Assert.Throws<ArgumentException>(() => F.map_ranking_loss(x.reshape(12), x.reshape(12))).Message);
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => F.recall_loss(x, both_directions: true)).Message);
        Assert.Contains("[0, 4)", Assert.Throws<ArgumentException>(() => F.recall_loss(x, tensor(new long[] { 0, 4, 1 }))).Message);
        Assert.Contains("integer", Assert.Throws<ArgumentException>(() => F.recall_loss(x, tensor(new double[] { 0, 1, 1 }))).Message);
        Assert.Contains("negative item", Assert.Throws<ArgumentException>(() => F.recall_loss(x.narrow(1, 0, 1))).Message);
        Assert.Contains("queries ≤ items", Assert.Throws<ArgumentException>(() => F.recall_loss(x.t())).Message);
        Assert.Contains("margin", Assert.Throws<ArgumentException>(() => new RecallLoss(double.NaN)).Message);
    }

    [Fact]
    public void MapLossWithoutAnyPositiveIsZero()
    {
        using var scope = NewDisposeScope();
        var scores = RandomValues([5, 2], seed: 69).requires_grad_(true);
        var loss = F.map_ranking_loss(scores, zeros(5, 2));
        Assert.Equal(0.0, loss.item<double>());
        Assert.Equal(new double[] { 0, 0 }, F.map_ranking_loss(scores, zeros(5, 2), reduction: nn.Reduction.None).ToDoubles());
    }
}
