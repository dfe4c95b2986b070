using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankBehaviourTests;
using F = Rankwise.Torch.Losses.functional;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Tests.Losses;

/// <summary>
/// Every loss against central finite differences (float64, per-item losses so the whole Jacobian is checked),
/// with l2 and kl soft ranks and with the sigmoid sorter as ranker. Inputs are continuous random values, away from
/// the kinks of the soft rank and of the hinge.
/// </summary>
public class LossGradCheckTests
{
    [Theory]
    [InlineData("l2")]
    [InlineData("kl")]
    public void SpearmanLoss(string reg)
    {
        using var scope = NewDisposeScope();
        var target = RandomValues([2, 6], seed: 51);
        GradCheck.AssertJacobian(x => F.spearman_loss(x, target, reg, 0.7, nn.Reduction.None), RandomValues([2, 6], seed: 52));
    }

    [Fact]
    public void SpearmanLossWithSigmoidSorter()
    {
        using var scope = NewDisposeScope();
        var target = RandomValues([3, 5], seed: 53);
        GradCheck.AssertJacobian(
            x => F.spearman_loss(x, target, v => RankOps.sigmoid_rank(v, 2.0, normalize: true), normalize: true, reduction: nn.Reduction.None),
            RandomValues([3, 5], seed: 54));
    }

    [Theory]
    [InlineData("l2", false)]
    [InlineData("kl", false)]
    [InlineData("l2", true)]
    public void SoftSpearmanLoss(string reg, bool exactTarget)
    {
        using var scope = NewDisposeScope();
        var target = RandomValues([2, 7], seed: 55);
        GradCheck.AssertJacobian(x => F.soft_spearman_loss(x, target, reg, 0.5, exactTarget, nn.Reduction.None), RandomValues([2, 7], seed: 56));
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("kl")]
    public void MapRankingLoss(string reg)
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new double[]
        {
            1, 0, 1, 0,
            0, 1, 1, 0,
            1, 1, 0, 0,
            0, 0, 1, 0,
            1, 0, 0, 0,
            0, 1, 1, 0,
            1, 0, 1, 0,
        }, [7, 4]);
        GradCheck.AssertJacobian(s => F.map_ranking_loss(s, labels, reg, 0.6, nn.Reduction.None), RandomValues([7, 4], seed: 57));
        GradCheck.AssertJacobian(s => F.map_ranking_loss(s, labels, reg, 0.6), RandomValues([7, 4], seed: 58));
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("kl")]
    public void RecallLoss(string reg)
    {
        using var scope = NewDisposeScope();
        // margin 3 keeps every hinge active; continuous scores make the hardest negative unique
        GradCheck.AssertJacobian(s => F.recall_loss(s, null, 3.0, true, reg, 0.8, nn.Reduction.None), RandomValues([5, 5], seed: 59));
        var positives = tensor(new long[] { 4, 0, 2 });
        GradCheck.AssertJacobian(s => F.recall_loss(s, positives, 3.0, false, reg, 0.8), RandomValues([3, 6], seed: 60));
    }
}
