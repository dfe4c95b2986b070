namespace Rankwise.Inference;

/// <summary>
/// Options for <see cref="PermutationTest"/> (the keyword arguments of scipy.stats.permutation_test).
/// </summary>
public sealed record PermutationOptions
{
    /// <summary>The default options: 9999 resamples, two-sided, seed 0, all cores.</summary>
    public static PermutationOptions Default { get; } = new();

    /// <summary>
    /// Number of random permutations (scipy's <c>n_resamples</c>), at least 1. If it is at least the number of distinct
    /// permutations, the exact null distribution is enumerated instead. Default 9999.
    /// </summary>
    public int Resamples { get; init; } = 9999;

    /// <summary>
    /// The alternative: <see cref="Alternative.Greater"/> counts null values ≥ the observed statistic,
    /// <see cref="Alternative.Less"/> counts values ≤ it, <see cref="Alternative.TwoSided"/> (default) is twice the
    /// smaller one-sided p-value, clipped to 1.
    /// </summary>
    public Alternative Alternative { get; init; } = Alternative.TwoSided;

    /// <summary>
    /// Seed of the random permutations. Permutation r draws from a generator derived only from (<see cref="Seed"/>, r),
    /// so results are bit-identical for any degree of parallelism (but differ from numpy's draws). Default 0.
    /// Unused by exact tests.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>Maximum number of threads; null (default) uses all cores, 1 runs sequentially.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Optional progress sink, called with the completed fraction in (0, 1] as chunks of permutations finish.</summary>
    public IProgress<double>? Progress { get; init; }
}
