namespace Rankwise.Inference;

/// <summary>
/// Which null hypothesis a permutation test resamples under (scipy.stats.permutation_test's <c>permutation_type</c>).
/// </summary>
public enum PermutationType
{
    /// <summary>
    /// Independent samples: observations are pooled and re-partitioned into samples of the original sizes
    /// (e.g. difference of means, Mann–Whitney U). Exact when the number of distinct partitions
    /// (the multinomial coefficient N! / Π n_g!) is at most the number of resamples.
    /// </summary>
    Independent,

    /// <summary>
    /// Paired samples: the observations of each pair are randomly reassigned among the samples, pairs staying together
    /// (e.g. paired t or Wilcoxon). With one sample this flips the sign of each observation. Distinct permutations:
    /// (m!)ⁿ for m ≥ 2 samples of n pairs, 2ⁿ for one sample.
    /// </summary>
    Samples,

    /// <summary>
    /// Pairings: the observations of a sample are permuted relative to the others, each sample staying within itself
    /// (e.g. correlation tests). Distinct permutations: (n!)^m for m permuted samples.
    /// </summary>
    Pairings,
}
