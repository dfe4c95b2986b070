using Rankwise.Inference;

namespace Rankwise.Comparison;

/// <summary>The metrics <see cref="ModelEvaluation"/> reports for every model.</summary>
public enum EvaluationMetric
{
    /// <summary>Spearman's ρ between predictions and truth (rank-style, higher is better).</summary>
    Spearman,

    /// <summary>Kendall's tau-b (rank-style, higher is better).</summary>
    Kendall,

    /// <summary>Pearson's r (higher is better).</summary>
    Pearson,

    /// <summary>Mean squared error mean((prediction − truth)²) (loss-style, lower is better).</summary>
    Mse,

    /// <summary>Mean absolute error mean(|prediction − truth|) (loss-style, lower is better).</summary>
    Mae,
}

/// <summary>A model's predictions for the evaluation items, in the truth's item order.</summary>
/// <param name="Name">A unique name (a column name, a file stem, or given as <c>name=path</c> on the command line).</param>
/// <param name="Values">One prediction per item.</param>
/// <param name="RunGroup">The run group (e.g. one model trained with several seeds) this run belongs to, or null for
/// a stand-alone model.</param>
public sealed record ModelPredictions(string Name, double[] Values, string? RunGroup = null);

/// <summary>Options for <see cref="ModelEvaluation.Evaluate"/>.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The default options: 9,999 resamples, seed 0, 95 % percentile intervals, NaN raises, all cores.</summary>
    public static EvaluationOptions Default { get; } = new();

    /// <summary>Bootstrap resamples of the items (the same resamples for every model); at least 1. Default 9,999.</summary>
    public int Resamples { get; init; } = 9999;

    /// <summary>Seed of the resamples: resample b depends only on (seed, b), as in <see cref="Bootstrap.Paired"/>. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Confidence level in (0, 1) of every interval. Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Bootstrap interval: <see cref="BootstrapMethod.Percentile"/> (default) or <see cref="BootstrapMethod.Basic"/>.
    /// BCa is not offered: its jackknife needs n re-evaluations, prohibitive for 10⁵ items.</summary>
    public BootstrapMethod IntervalMethod { get; init; } = BootstrapMethod.Percentile;

    /// <summary>Whether Kendall's tau-b gets a bootstrap interval (O(n log n) per resample, the slowest metric). Default true;
    /// when false its value is still reported, with no interval.</summary>
    public bool KendallInterval { get; init; } = true;

    /// <summary><see cref="NanPolicy.Raise"/> (default): a NaN in the truth or a prediction is an error;
    /// <see cref="NanPolicy.Omit"/>: items with a NaN in the truth or in any prediction are dropped for every model
    /// (so all models are judged on the same items) and counted.</summary>
    public NanPolicy NanPolicy { get; init; } = NanPolicy.Raise;

    /// <summary>Maximum number of threads; null (default) uses all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Optional progress sink for the resampling (fraction completed).</summary>
    public IProgress<double>? Progress { get; init; }
}
