namespace Rankwise.Comparison;

/// <summary>The per-epoch metrics recorded by <see cref="TrainingEvaluator"/>.</summary>
public enum TrainingMetric
{
    /// <summary>Mean squared error (loss-style, lower is better).</summary>
    Mse,

    /// <summary>Mean absolute error (loss-style, lower is better).</summary>
    Mae,

    /// <summary>Pearson's r (higher is better).</summary>
    Pearson,

    /// <summary>Spearman's ρ (rank-style, higher is better).</summary>
    Spearman,

    /// <summary>Kendall's tau-b (rank-style, higher is better).</summary>
    KendallTauB,
}

/// <summary>Which disagreements between a rank metric and a loss <see cref="TrainingEvaluator.Divergences"/> reports.</summary>
public enum DivergenceDirection
{
    /// <summary>The rank correlation rose while the loss rose too (got worse).</summary>
    RankImprovedLossWorsened,

    /// <summary>The loss fell (got better) while the rank correlation fell too.</summary>
    LossImprovedRankWorsened,

    /// <summary>Either of the two.</summary>
    Either,
}

/// <summary>Metrics of one epoch: loss-style and rank-style side by side.</summary>
/// <param name="Epoch">The epoch number as recorded.</param>
/// <param name="Count">Number of (prediction, target) pairs.</param>
/// <param name="Mse">Mean squared error mean((p − t)²).</param>
/// <param name="Mae">Mean absolute error mean(|p − t|).</param>
/// <param name="Pearson">Pearson's r of predictions and targets (NaN if either is constant).</param>
/// <param name="Spearman">Spearman's ρ (average ranks for ties).</param>
/// <param name="KendallTauB">Kendall's tau-b.</param>
public sealed record EpochMetrics(int Epoch, int Count, double Mse, double Mae, double Pearson, double Spearman, double KendallTauB)
{
    /// <summary>The value of <paramref name="metric"/>.</summary>
    /// <param name="metric">Which metric.</param>
    /// <returns>Its value for this epoch.</returns>
    public double Get(TrainingMetric metric) => metric switch
    {
        TrainingMetric.Mse => Mse,
        TrainingMetric.Mae => Mae,
        TrainingMetric.Pearson => Pearson,
        TrainingMetric.Spearman => Spearman,
        TrainingMetric.KendallTauB => KendallTauB,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };
}

/// <summary>Two consecutive recorded epochs where a rank metric and a loss disagree about progress.</summary>
/// <param name="FromEpoch">The earlier epoch.</param>
/// <param name="ToEpoch">The later epoch (the next one recorded).</param>
/// <param name="RankMetric">The rank-style metric compared.</param>
/// <param name="RankBefore">Its value at <paramref name="FromEpoch"/>.</param>
/// <param name="RankAfter">Its value at <paramref name="ToEpoch"/>.</param>
/// <param name="LossMetric">The loss-style metric compared.</param>
/// <param name="LossBefore">Its value at <paramref name="FromEpoch"/>.</param>
/// <param name="LossAfter">Its value at <paramref name="ToEpoch"/>.</param>
public sealed record MetricDivergence(
    int FromEpoch, int ToEpoch,
    TrainingMetric RankMetric, double RankBefore, double RankAfter,
    TrainingMetric LossMetric, double LossBefore, double LossAfter)
{
    /// <summary>Which kind of disagreement this is (never <see cref="DivergenceDirection.Either"/>).</summary>
    public DivergenceDirection Kind => RankAfter > RankBefore ? DivergenceDirection.RankImprovedLossWorsened : DivergenceDirection.LossImprovedRankWorsened;
}
