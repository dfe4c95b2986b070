using Rankwise.Correlation;

namespace Rankwise.Reliability;

/// <summary>Options for <see cref="SplitHalfConsistency.Compute"/>.</summary>
public sealed record SplitHalfOptions
{
    /// <summary>The default options: 25 splits, Spearman, seed 0, 95 % percentile interval, k = 2, all cores.</summary>
    public static SplitHalfOptions Default { get; } = new();

    /// <summary>Number of random splits R (Isola et al. and Khosla et al. use 25); at least 1. Default 25.</summary>
    public int Splits { get; init; } = 25;

    /// <summary>
    /// Seed of the splits. Split b draws its halves from a generator derived only from (<see cref="Seed"/>, b), so
    /// the same seed gives bit-identical results for any degree of parallelism. Default 0.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>The correlation between the two halves' item scores: <see cref="CorrelationMethod.Spearman"/>
    /// (default, as in the memorability literature), <see cref="CorrelationMethod.Pearson"/> or
    /// <see cref="CorrelationMethod.Kendall"/> (tau-b).</summary>
    public CorrelationMethod Method { get; init; } = CorrelationMethod.Spearman;

    /// <summary>Level in (0, 1) of the percentile interval over the splits. Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>
    /// The Spearman–Brown lengthening factor k of the corrected value k·r/(1 + (k − 1)·r); default 2 (the reliability
    /// of the whole panel of subjects from the correlation of its two halves). Any k &gt; 0 predicts a panel k times
    /// the size of a half.
    /// </summary>
    public double SpearmanBrownFactor { get; init; } = 2;

    /// <summary>Maximum number of threads; null (default) uses all cores, 1 runs sequentially.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Optional progress sink, called with the completed fraction of splits.</summary>
    public IProgress<double>? Progress { get; init; }
}
