using Rankwise.Torch.Sorters;
using static TorchSharp.torch;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Tests.Sorters;

public class SorterEvaluationTests
{
    [Fact]
    public void ExactRanksScorePerfectlyReversedRanksScoreMinusOne()
    {
        var exact = SorterEvaluation.Evaluate(SyntheticSequences.TargetRanks, 20, 16);
        Assert.Equal(SyntheticSequences.Generators, exact.Keys);
        Assert.All(exact.Values, s =>
        {
            Assert.Equal(1.0, s.Spearman, 12);
            Assert.Equal(1.0, s.MinSpearman, 12);
            Assert.Equal(0.0, s.Mae, 12);
        });
        var reversed = SorterEvaluation.Evaluate(x => SyntheticSequences.TargetRanks(-x), 20, 16);
        Assert.All(reversed.Values, s => Assert.Equal(-1.0, s.Spearman, 12));
    }

    [Fact]
    public void SigmoidSorterIsCloseButNotExact()
    {
        var scores = SorterEvaluation.Evaluate(x => RankOps.sigmoid_rank(x, normalize: true), 100, 32);
        Assert.All(scores.Values, s =>
        {
            Assert.InRange(s.Spearman, 0.95, 1.0);
            Assert.InRange(s.Mae, 1e-4, 0.1);
        });
    }

    [Fact]
    public void ScoreOfGivenRowsAndArgumentChecks()
    {
        var x = tensor(new float[] { 3, 1, 2, 10, 30, 20 }, [2, 3]);
        var s = SorterEvaluation.Score(SyntheticSequences.TargetRanks(x), x);
        Assert.Equal(1.0, s.Spearman, 12);
        Assert.Throws<ArgumentException>(() => SorterEvaluation.Score(zeros(2, 2), x));
        Assert.Throws<ArgumentException>(() => SorterEvaluation.Evaluate(v => v.sum(-1), 10, 4));
        Assert.Throws<ArgumentException>(() => SorterEvaluation.Evaluate(v => v, 1, 4));
        Assert.Throws<ArgumentException>(() => SorterEvaluation.Evaluate(v => v, 10, 0));
    }
}
