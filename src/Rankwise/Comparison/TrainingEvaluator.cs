using Rankwise.Correlation;

namespace Rankwise.Comparison;

/// <summary>
/// Records, epoch by epoch, how a regression model's predictions compare with the targets under loss-style metrics
/// (MSE, MAE) and rank-style metrics (Spearman, Kendall tau-b, and Pearson), and finds the epochs where they disagree,
/// e.g. where Spearman's ρ improved while the MSE got worse. For ordinal targets such as image memorability (whose
/// absolute values depend on the experiment but whose order is stable) the rank metrics are the ones that matter, while
/// training usually minimises MSE; the divergences show where the two part ways.
/// </summary>
/// <remarks>
/// <para>Metrics follow scipy.stats: Pearson two-pass; Spearman = Pearson of average ranks; Kendall tau-b with tie
/// corrections; a constant prediction or target vector gives NaN correlations. A NaN in the predictions or targets
/// makes every metric of that epoch NaN (scipy's <c>nan_policy='propagate'</c>); NaN metrics never count as
/// improvements or deteriorations.</para>
/// <para>Epochs may be recorded in any order; comparisons are between consecutive recorded epoch numbers. Recording
/// the same epoch twice throws. Thread-safe.</para>
/// </remarks>
public sealed class TrainingEvaluator
{
    private readonly SortedDictionary<int, EpochMetrics> _epochs = [];
    private readonly object _gate = new();

    /// <summary>Computes and stores the metrics of one epoch.</summary>
    /// <param name="epoch">The epoch number (not recorded before).</param>
    /// <param name="predictions">The model's predictions on the evaluation set.</param>
    /// <param name="targets">The targets, same length and order.</param>
    /// <returns>The epoch's metrics.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ, there are no pairs, or the epoch was already recorded.</exception>
    public EpochMetrics Record(int epoch, ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets)
    {
        EpochMetrics metrics = Evaluate(epoch, predictions, targets);
        lock (_gate)
        {
            if (!_epochs.TryAdd(epoch, metrics))
                throw new RankwiseInputException("epoch", $"epoch {epoch} was already recorded");
        }
        return metrics;
    }

    /// <summary>All recorded epochs in increasing epoch order (a snapshot).</summary>
    public IReadOnlyList<EpochMetrics> Epochs
    {
        get
        {
            lock (_gate)
                return _epochs.Values.ToArray();
        }
    }

    /// <summary>
    /// Pairs of consecutive recorded epochs where <paramref name="rankMetric"/> and <paramref name="lossMetric"/>
    /// disagree: by default the rank correlation rose (by more than <paramref name="tolerance"/>) while the loss also
    /// rose (by more than <paramref name="tolerance"/>).
    /// </summary>
    /// <param name="direction">Which disagreements to report.</param>
    /// <param name="rankMetric">A correlation metric (default Spearman).</param>
    /// <param name="lossMetric">A loss metric (default MSE).</param>
    /// <param name="tolerance">Changes of at most this size (≥ 0) count as no change.</param>
    /// <returns>The disagreements in epoch order, with both numbers before and after.</returns>
    /// <exception cref="ArgumentException">A metric of the wrong kind, or a negative tolerance.</exception>
    public IReadOnlyList<MetricDivergence> Divergences(
        DivergenceDirection direction = DivergenceDirection.RankImprovedLossWorsened,
        TrainingMetric rankMetric = TrainingMetric.Spearman,
        TrainingMetric lossMetric = TrainingMetric.Mse,
        double tolerance = 0)
    {
        if (rankMetric is TrainingMetric.Mse or TrainingMetric.Mae)
            throw new ArgumentException($"{rankMetric} is a loss; pass a correlation as the rank metric", nameof(rankMetric));
        if (lossMetric is not (TrainingMetric.Mse or TrainingMetric.Mae))
            throw new ArgumentException($"{lossMetric} is a correlation; pass MSE or MAE as the loss metric", nameof(lossMetric));
        if (!(tolerance >= 0))
            throw new ArgumentException($"tolerance is {tolerance}; it must be ≥ 0", nameof(tolerance));
        IReadOnlyList<EpochMetrics> epochs = Epochs;
        var result = new List<MetricDivergence>();
        for (int i = 1; i < epochs.Count; i++)
        {
            EpochMetrics before = epochs[i - 1], after = epochs[i];
            double r0 = before.Get(rankMetric), r1 = after.Get(rankMetric);
            double l0 = before.Get(lossMetric), l1 = after.Get(lossMetric);
            bool rankUp = r1 - r0 > tolerance, rankDown = r0 - r1 > tolerance;
            bool lossUp = l1 - l0 > tolerance, lossDown = l0 - l1 > tolerance;
            bool report = direction switch
            {
                DivergenceDirection.RankImprovedLossWorsened => rankUp && lossUp,
                DivergenceDirection.LossImprovedRankWorsened => lossDown && rankDown,
                DivergenceDirection.Either => (rankUp && lossUp) || (lossDown && rankDown),
                _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown direction"),
            };
            if (report)
                result.Add(new MetricDivergence(before.Epoch, after.Epoch, rankMetric, r0, r1, lossMetric, l0, l1));
        }
        return result;
    }

    /// <summary>The recorded epoch with the best value of <paramref name="metric"/> (lowest loss or highest
    /// correlation; the earliest on ties; NaN values are ignored), or null when none has a number.</summary>
    /// <param name="metric">The metric to optimise.</param>
    /// <returns>The best epoch's metrics, or null.</returns>
    public EpochMetrics? Best(TrainingMetric metric)
    {
        bool lower = metric is TrainingMetric.Mse or TrainingMetric.Mae;
        EpochMetrics? best = null;
        foreach (EpochMetrics e in Epochs)
        {
            double v = e.Get(metric);
            if (double.IsNaN(v))
                continue;
            if (best is null || (lower ? v < best.Get(metric) : v > best.Get(metric)))
                best = e;
        }
        return best;
    }

    /// <summary>Metrics of one set of predictions without recording them.</summary>
    /// <param name="epoch">The epoch number to put in the result.</param>
    /// <param name="predictions">The predictions.</param>
    /// <param name="targets">The targets, same length.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ or there are no pairs.</exception>
    public static EpochMetrics Evaluate(int epoch, ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets)
    {
        if (predictions.Length != targets.Length)
            throw new RankwiseInputException("targets", $"has {targets.Length} values but predictions has {predictions.Length}");
        int n = predictions.Length;
        if (n == 0)
            throw new RankwiseInputException("predictions", "is empty; there is nothing to evaluate");
        if (predictions.IndexOfAnyExceptInRange(double.NegativeInfinity, double.PositiveInfinity) >= 0 || targets.IndexOfAnyExceptInRange(double.NegativeInfinity, double.PositiveInfinity) >= 0)
            return new EpochMetrics(epoch, n, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double se = 0, ae = 0;
        for (int i = 0; i < n; i++)
        {
            double d = predictions[i] - targets[i];
            se += d * d;
            ae += Math.Abs(d);
        }
        return new EpochMetrics(
            epoch, n, se / n, ae / n,
            PearsonCorrelation.Compute(predictions, targets).Statistic,
            SpearmanCorrelation.Compute(predictions, targets).Statistic,
            KendallTau.Compute(predictions, targets).Statistic);
    }
}
