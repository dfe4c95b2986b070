using Rankwise.Reliability;

namespace Rankwise.Comparison;

/// <summary>A metric's value on all items and its bootstrap interval over items.</summary>
/// <param name="Value">The metric on all items (scipy semantics: NaN for a constant input).</param>
/// <param name="Interval">The bootstrap interval, or null when not computed.</param>
public sealed record MetricEstimate(double Value, ConfidenceInterval? Interval);

/// <summary>One model (or one run of a run group) judged against the truth.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="RunGroup">Its run group, or null.</param>
/// <param name="Metrics">Every <see cref="EvaluationMetric"/> with its interval.</param>
/// <param name="FractionOfCeiling">Spearman's ρ divided by the raw split-half ceiling, or null without a ceiling.</param>
/// <param name="FractionOfCorrectedCeiling">Spearman's ρ divided by the Spearman–Brown corrected ceiling, or null.</param>
public sealed record ModelEvaluationResult(
    string Name,
    string? RunGroup,
    IReadOnlyDictionary<EvaluationMetric, MetricEstimate> Metrics,
    double? FractionOfCeiling,
    double? FractionOfCorrectedCeiling);

/// <summary>A metric summarised over the runs (seeds) of one model.</summary>
/// <param name="Mean">The mean over runs.</param>
/// <param name="StandardDeviation">The run-to-run standard deviation (ddof = 1; NaN for one run).</param>
/// <param name="Min">The lowest run.</param>
/// <param name="Max">The highest run.</param>
/// <param name="AcrossRuns">Student-t interval for the mean over runs, mean ± t(k − 1)·sd/√k (run-to-run uncertainty;
/// NaN for one run). Method <c>t</c>.</param>
/// <param name="AcrossItems">Bootstrap interval over items of the run-mean metric (item uncertainty), or null.</param>
public sealed record RunGroupEstimate(double Mean, double StandardDeviation, double Min, double Max, ConfidenceInterval AcrossRuns, ConfidenceInterval? AcrossItems);

/// <summary>The runs of one model summarised.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Runs">The runs' names.</param>
/// <param name="Metrics">Every metric over the runs.</param>
/// <param name="FractionOfCeiling">Mean Spearman's ρ over runs divided by the raw split-half ceiling, or null.</param>
public sealed record RunGroupResult(string Name, IReadOnlyList<string> Runs, IReadOnlyDictionary<EvaluationMetric, RunGroupEstimate> Metrics, double? FractionOfCeiling);

/// <summary>The difference A − B of a metric on the same items, with a paired bootstrap interval (the same item
/// resample applied to both).</summary>
/// <param name="Difference">Metric of A minus metric of B (for a run group, its run mean).</param>
/// <param name="Interval">The paired bootstrap interval, or null.</param>
public sealed record DifferenceEstimate(double Difference, ConfidenceInterval? Interval);

/// <summary>The parametric tests of two dependent correlations with the truth (r_jk = corr(truth, A),
/// r_jh = corr(truth, B), r_kh = corr(A, B)): Williams' t, Steiger's z, Hittner's z and Zou's interval.</summary>
/// <param name="Williams">Williams' t (df = n − 3).</param>
/// <param name="Steiger">Steiger's (1980) z.</param>
/// <param name="Hittner">Hittner et al.'s (2003) z.</param>
/// <param name="Zou">Zou's (2007) interval for r_jk − r_jh.</param>
public sealed record DependentCorrelationTests(
    CorrelationComparisonResult Williams, CorrelationComparisonResult Steiger, CorrelationComparisonResult Hittner, CorrelationComparisonResult Zou);

/// <summary>Two entries (models or run groups) compared on the same items.</summary>
/// <param name="A">The first entry's name.</param>
/// <param name="B">The second entry's name.</param>
/// <param name="Differences">A − B for every metric, with paired bootstrap intervals.</param>
/// <param name="Spearman">Dependent-correlation tests on Spearman's ρ, or null when A or B is a run group (no single
/// prediction vector) or there are fewer than 4 items.</param>
/// <param name="Pearson">The same tests on Pearson's r, or null.</param>
public sealed record PairwiseComparison(
    string A, string B, IReadOnlyDictionary<EvaluationMetric, DifferenceEstimate> Differences,
    DependentCorrelationTests? Spearman, DependentCorrelationTests? Pearson);

/// <summary>A pair of entries that Spearman's ρ and the MSE order differently.</summary>
/// <param name="BetterByRank">The entry with the higher Spearman's ρ (and the higher, worse, MSE).</param>
/// <param name="BetterByLoss">The entry with the lower MSE (and the lower Spearman's ρ).</param>
/// <param name="SpearmanOfBetterByRank">Spearman's ρ of <paramref name="BetterByRank"/>.</param>
/// <param name="SpearmanOfBetterByLoss">Spearman's ρ of <paramref name="BetterByLoss"/>.</param>
/// <param name="MseOfBetterByRank">MSE of <paramref name="BetterByRank"/>.</param>
/// <param name="MseOfBetterByLoss">MSE of <paramref name="BetterByLoss"/>.</param>
/// <param name="SpearmanDifferenceInterval">Paired bootstrap interval of ρ(BetterByRank) − ρ(BetterByLoss), or null.</param>
public sealed record RankLossDisagreement(
    string BetterByRank, string BetterByLoss,
    double SpearmanOfBetterByRank, double SpearmanOfBetterByLoss,
    double MseOfBetterByRank, double MseOfBetterByLoss,
    ConfidenceInterval? SpearmanDifferenceInterval = null)
{
    /// <summary>A one-line explanation with both numbers (and whether the rank difference is resolved by the bootstrap).</summary>
    public string Describe()
    {
        string text = FormattableString.Invariant(
            $"MSE and rank correlation disagree: {BetterByRank} ranks above {BetterByLoss} by Spearman (rho {SpearmanOfBetterByRank:0.####} vs {SpearmanOfBetterByLoss:0.####}) but below it by MSE ({MseOfBetterByRank:0.####} vs {MseOfBetterByLoss:0.####}, lower is better); MSE also rewards matching the scale and offset of the scores, rank correlation only their order");
        if (SpearmanDifferenceInterval is { } ci && double.IsFinite(ci.Low) && double.IsFinite(ci.High))
        {
            bool resolved = ci.Low > 0 || ci.High < 0;
            text += FormattableString.Invariant(
                $"; the rho difference {SpearmanOfBetterByRank - SpearmanOfBetterByLoss:0.####} has a {ci.Level * 100:0.##}% bootstrap interval [{ci.Low:0.####}, {ci.High:0.####}]{(resolved ? ", which excludes 0" : ", which includes 0: the rank ordering itself is not resolved")}");
        }
        return text;
    }
}

/// <summary>The result of <see cref="ModelEvaluation.Evaluate"/>.</summary>
/// <param name="Items">Items evaluated (after dropping NaN items under <see cref="NanPolicy.Omit"/>).</param>
/// <param name="ItemsDropped">Items dropped because of a NaN.</param>
/// <param name="Resamples">Bootstrap resamples.</param>
/// <param name="Seed">Seed of the resamples.</param>
/// <param name="ConfidenceLevel">Level of every interval.</param>
/// <param name="IntervalMethod">The bootstrap interval method: <c>percentile</c> or <c>basic</c>.</param>
/// <param name="Models">Every model and every run, in input order.</param>
/// <param name="RunGroups">The run groups, in order of first appearance.</param>
/// <param name="Comparisons">Every pair of entries (stand-alone models and run groups), in input order.</param>
/// <param name="OrderBySpearman">Entries from highest to lowest Spearman's ρ.</param>
/// <param name="OrderByMse">Entries from lowest to highest MSE.</param>
/// <param name="Disagreements">Pairs of entries ordered differently by Spearman's ρ and by MSE.</param>
/// <param name="Ceiling">The split-half ceiling, or null.</param>
/// <param name="Warnings">Warnings; empty when none.</param>
public sealed record EvaluationReport(
    int Items,
    int ItemsDropped,
    int Resamples,
    ulong Seed,
    double ConfidenceLevel,
    string IntervalMethod,
    IReadOnlyList<ModelEvaluationResult> Models,
    IReadOnlyList<RunGroupResult> RunGroups,
    IReadOnlyList<PairwiseComparison> Comparisons,
    IReadOnlyList<string> OrderBySpearman,
    IReadOnlyList<string> OrderByMse,
    IReadOnlyList<RankLossDisagreement> Disagreements,
    SplitHalfResult? Ceiling,
    IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// The bootstrap distribution of every metric with an interval, per entry (each model or run by name, and each run
    /// group by name: the run mean), in resample order. Resample b is the same item resample for every entry, so the
    /// distribution of a difference is the element-wise difference of two entries' arrays.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<EvaluationMetric, double[]>> BootstrapDistributions { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<EvaluationMetric, double[]>>();
}
