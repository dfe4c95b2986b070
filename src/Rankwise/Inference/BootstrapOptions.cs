namespace Rankwise.Inference;

/// <summary>
/// Options for <see cref="Bootstrap"/> (the keyword arguments of scipy.stats.bootstrap).
/// </summary>
public sealed record BootstrapOptions
{
    /// <summary>The default options: 9999 resamples, 95 % two-sided BCa interval, seed 0, all cores.</summary>
    public static BootstrapOptions Default { get; } = new();

    /// <summary>Number of bootstrap resamples B (scipy's <c>n_resamples</c>); at least 1. Default 9999.</summary>
    public int Resamples { get; init; } = 9999;

    /// <summary>Confidence level in (0, 1) (scipy's <c>confidence_level</c>). Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Interval method. Default <see cref="BootstrapMethod.BCa"/>, like scipy.</summary>
    public BootstrapMethod Method { get; init; } = BootstrapMethod.BCa;

    /// <summary>
    /// <see cref="Alternative.TwoSided"/> (default) for a two-sided interval with α = (1 − level)/2 in each tail;
    /// <see cref="Alternative.Less"/> for a one-sided interval <c>(−∞, high]</c> and <see cref="Alternative.Greater"/>
    /// for <c>[low, +∞)</c>, both with α = 1 − level (scipy ≥ 1.11 semantics).
    /// </summary>
    public Alternative Alternative { get; init; } = Alternative.TwoSided;

    /// <summary>
    /// Seed of the resampling. Resample <c>b</c> draws its indices from a generator derived only from
    /// (<see cref="Seed"/>, <c>b</c>), so the same seed gives bit-identical results for any degree of parallelism.
    /// The generator is Rankwise's own (xoshiro256**), so the resamples differ from numpy's for the same seed.
    /// Default 0.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>Maximum number of threads; null (default) uses all cores, 1 runs sequentially.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Optional progress sink, called with the completed fraction in (0, 1] as chunks of resamples finish.</summary>
    public IProgress<double>? Progress { get; init; }
}
