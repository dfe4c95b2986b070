namespace Rankwise;

/// <summary>
/// A confidence interval for a statistic.
/// </summary>
/// <param name="Method">How it was computed: <c>fisher</c>, <c>percentile</c>, <c>basic</c> or <c>bca</c>.</param>
/// <param name="Level">The confidence level in (0, 1), e.g. 0.95.</param>
/// <param name="Low">Lower end (−∞ for a one-sided <see cref="Alternative.Less"/> interval, −1 for correlations).</param>
/// <param name="High">Upper end (+∞ for a one-sided <see cref="Alternative.Greater"/> interval, +1 for correlations).</param>
public sealed record ConfidenceInterval(string Method, double Level, double Low, double High);

/// <summary>
/// The result of a correlation test: one record for every method, like scipy.stats' result objects.
/// </summary>
/// <param name="Method">Method name as used on the command line (<c>pearson</c>, <c>spearman</c>, <c>kendall</c>, <c>kendall-c</c>, <c>weighted-tau</c>, <c>somers-d</c>).</param>
/// <param name="N">Number of pairs used (after NaN omission).</param>
/// <param name="Statistic">The correlation coefficient; NaN for constant input or n &lt; 2.</param>
/// <param name="PValue">The p-value for <paramref name="Alternative"/>; NaN where no test is defined.</param>
/// <param name="Alternative">The alternative hypothesis the p-value refers to.</param>
/// <param name="ConfidenceInterval">An optional confidence interval for <paramref name="Statistic"/>.</param>
/// <param name="Warnings">Human-readable warnings (e.g. "x is constant; the correlation is undefined").</param>
public sealed record CorrelationResult(
    string Method,
    long N,
    double Statistic,
    double PValue,
    Alternative Alternative,
    ConfidenceInterval? ConfidenceInterval = null,
    IReadOnlyList<string>? Warnings = null)
{
    /// <summary>Warnings, never null.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Warnings ?? [];
}
