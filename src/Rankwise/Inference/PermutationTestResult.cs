namespace Rankwise.Inference;

/// <summary>
/// The result of a permutation test (scipy.stats.permutation_test's result, plus whether it was exact).
/// </summary>
/// <param name="Statistic">The statistic of the observed data.</param>
/// <param name="PValue">The p-value for <paramref name="Alternative"/>; NaN when the observed statistic is NaN.</param>
/// <param name="NullDistribution">The statistic under each permutation: for an exact test every distinct permutation once,
/// in scipy's enumeration order; otherwise the random permutations in order.</param>
/// <param name="Exact">True when the null distribution was enumerated exactly (no +1 correction).</param>
/// <param name="Resamples">The number of permutations evaluated (the number of distinct permutations for an exact test).</param>
/// <param name="Alternative">The alternative the p-value refers to.</param>
/// <param name="PermutationType">The kind of permutation performed.</param>
/// <param name="Warnings">Human-readable warnings (NaN statistic values); empty when none.</param>
public sealed record PermutationTestResult(
    double Statistic,
    double PValue,
    double[] NullDistribution,
    bool Exact,
    int Resamples,
    Alternative Alternative,
    PermutationType PermutationType,
    IReadOnlyList<string> Warnings);
