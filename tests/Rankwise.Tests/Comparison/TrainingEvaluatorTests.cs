using System.Text.Json;
using Rankwise.Comparison;
using static Rankwise.Tests.Comparison.ComparisonReference;

namespace Rankwise.Tests.Comparison;

public class TrainingEvaluatorTests
{
    private static TrainingEvaluator FromReference(out JsonElement training)
    {
        training = Get("training");
        double[] targets = Numbers(training.GetProperty("targets"));
        var evaluator = new TrainingEvaluator();
        // Record in reverse to check that epochs are ordered by number.
        foreach (JsonElement e in training.GetProperty("epochs").EnumerateArray().Reverse())
            evaluator.Record(e.GetProperty("epoch").GetInt32(), Numbers(e.GetProperty("predictions")), targets);
        return evaluator;
    }

    [Fact]
    public void MetricsMatchScipy()
    {
        TrainingEvaluator evaluator = FromReference(out JsonElement training);
        JsonElement[] expected = training.GetProperty("epochs").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, evaluator.Epochs.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            EpochMetrics m = evaluator.Epochs[i];
            Assert.Equal(expected[i].GetProperty("epoch").GetInt32(), m.Epoch);
            Close(Number(expected[i].GetProperty("mse")), m.Mse, 1e-12, $"epoch {m.Epoch} mse");
            Close(Number(expected[i].GetProperty("mae")), m.Mae, 1e-12, $"epoch {m.Epoch} mae");
            Close(Number(expected[i].GetProperty("pearson")), m.Pearson, 1e-12, $"epoch {m.Epoch} pearson");
            Close(Number(expected[i].GetProperty("spearman")), m.Spearman, 1e-12, $"epoch {m.Epoch} spearman");
            Close(Number(expected[i].GetProperty("kendall")), m.KendallTauB, 1e-12, $"epoch {m.Epoch} kendall");
        }
    }

    [Fact]
    public void DivergencesMatchThePlainLoop()
    {
        TrainingEvaluator evaluator = FromReference(out JsonElement training);
        int[][] up = training.GetProperty("rankImprovedLossWorsened").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        int[][] down = training.GetProperty("lossImprovedRankWorsened").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.NotEmpty(up);
        var found = evaluator.Divergences();
        Assert.Equal(up.Select(p => (p[0], p[1])), found.Select(d => (d.FromEpoch, d.ToEpoch)));
        foreach (MetricDivergence d in found)
        {
            Assert.True(d.RankAfter > d.RankBefore && d.LossAfter > d.LossBefore);
            Assert.Equal(DivergenceDirection.RankImprovedLossWorsened, d.Kind);
            Assert.Equal(evaluator.Epochs.Single(e => e.Epoch == d.FromEpoch).Spearman, d.RankBefore);
            Assert.Equal(evaluator.Epochs.Single(e => e.Epoch == d.ToEpoch).Mse, d.LossAfter);
        }
        var reverse = evaluator.Divergences(DivergenceDirection.LossImprovedRankWorsened);
        Assert.Equal(down.Select(p => (p[0], p[1])), reverse.Select(d => (d.FromEpoch, d.ToEpoch)));
        Assert.All(reverse, d => Assert.Equal(DivergenceDirection.LossImprovedRankWorsened, d.Kind));
        Assert.Equal(found.Count + reverse.Count, evaluator.Divergences(DivergenceDirection.Either).Count);
    }

    [Fact]
    public void ShiftedPredictionsKeepRanksButWorsenLoss()
    {
        // The seed's puzzle in miniature: adding a constant bias leaves every rank correlation unchanged but raises MSE;
        // a slightly better order with a bias shows "rank improved while MSE worsened".
        double[] targets = [0.61, 0.72, 0.55, 0.9, 0.83, 0.67, 0.78, 0.58];
        double[] epoch1 = [0.62, 0.70, 0.60, 0.85, 0.86, 0.66, 0.75, 0.57];
        double[] epoch2 = targets.Select(t => t + 0.2).ToArray(); // perfect order, biased
        var evaluator = new TrainingEvaluator();
        evaluator.Record(1, epoch1, targets);
        EpochMetrics second = evaluator.Record(2, epoch2, targets);
        Assert.Equal(1.0, second.Spearman, 15);
        Assert.Equal(1.0, second.KendallTauB, 15);
        Assert.Equal(0.04, second.Mse, 12);
        var d = Assert.Single(evaluator.Divergences());
        Assert.Equal((1, 2), (d.FromEpoch, d.ToEpoch));
        Assert.Single(evaluator.Divergences(rankMetric: TrainingMetric.KendallTauB, lossMetric: TrainingMetric.Mae));
        Assert.Empty(evaluator.Divergences(tolerance: 0.5));
        Assert.Equal(2, evaluator.Best(TrainingMetric.Spearman)!.Epoch);
        Assert.Equal(1, evaluator.Best(TrainingMetric.Mse)!.Epoch);
    }

    [Fact]
    public void NaNAndConstantEpochs()
    {
        var evaluator = new TrainingEvaluator();
        EpochMetrics nan = evaluator.Record(0, [0.1, double.NaN, 0.3], [0.2, 0.3, 0.4]);
        Assert.True(double.IsNaN(nan.Mse) && double.IsNaN(nan.Spearman) && double.IsNaN(nan.KendallTauB));
        EpochMetrics constant = evaluator.Record(1, [0.5, 0.5, 0.5], [0.2, 0.3, 0.4]);
        Assert.Equal(0.14 / 3, constant.Mse, 15);
        Assert.True(double.IsNaN(constant.Pearson) && double.IsNaN(constant.Spearman));
        evaluator.Record(2, [0.1, 0.2, 0.3], [0.2, 0.3, 0.4]);
        Assert.Empty(evaluator.Divergences(DivergenceDirection.Either));
        Assert.Equal(2, evaluator.Best(TrainingMetric.Pearson)!.Epoch);
    }

    [Fact]
    public void BadInputThrows()
    {
        var evaluator = new TrainingEvaluator();
        evaluator.Record(1, [1.0, 2.0], [1.0, 2.0]);
        Assert.Throws<RankwiseInputException>(() => evaluator.Record(1, [1.0, 2.0], [1.0, 2.0]));
        Assert.Throws<RankwiseInputException>(() => evaluator.Record(2, [1.0, 2.0], [1.0]));
        Assert.Throws<RankwiseInputException>(() => evaluator.Record(3, [], []));
        Assert.Throws<ArgumentException>(() => evaluator.Divergences(rankMetric: TrainingMetric.Mse));
        Assert.Throws<ArgumentException>(() => evaluator.Divergences(lossMetric: TrainingMetric.Pearson));
        Assert.Throws<ArgumentException>(() => evaluator.Divergences(tolerance: -1));
        Assert.Null(new TrainingEvaluator().Best(TrainingMetric.Mse));
    }
}
