using Rankwise.Torch.Sorters;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Sorters;

public class PretrainedSorterTests
{
    [Fact]
    public void ShippedSorterRanksFreshSequencesOfEveryGeneratorWithSpearmanAbove099()
    {
        Assert.Contains("sodeep-gru-100", PretrainedSorters.Names);
        using var sorter = PretrainedSorters.Load("sodeep-gru-100", CPU);
        Assert.Equal(SorterArchitecture.Gru, sorter.Config.Architecture);
        Assert.Equal(100, sorter.Config.Length);
        Assert.NotNull(sorter.Metadata?.Training);
        // Fresh sequences: a seed the training (seed 1, streams = steps and 2^62 + g) never used.
        var scores = SorterEvaluation.Evaluate(x => sorter.call(x), 100, 64, seed: 20260101);
        // The bar: mean Spearman ≥ 0.99 against the exact ranks for every generator (the final checkpoint,
        // step 6000: 0.9956 on 1000 concatenated sequences, ≥ 0.9994 on the others; docs/sorters.md).
        foreach (var (generator, score) in scores)
        {
            Assert.True(score.Spearman >= 0.99, $"{generator}: mean Spearman {score.Spearman} < 0.99");
            Assert.True(score.Mae < 0.05, $"{generator}: MAE {score.Mae}");
        }
    }

    [Fact]
    public void UnknownNameListsTheShippedOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PretrainedSorters.Load("sodeep-gru-7"));
        Assert.Contains("sodeep-gru-100", ex.Message);
        Assert.False(PretrainedSorters.Contains("sodeep-gru-7"));
    }
}
