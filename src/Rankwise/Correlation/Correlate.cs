namespace Rankwise.Correlation;

/// <summary>One entry point for every paired correlation method (used by the command-line tool).</summary>
public static class Correlate
{
    /// <summary>
    /// Computes <paramref name="method"/> between <paramref name="x"/> and <paramref name="y"/> with each
    /// method's defaults (Kendall: automatic p-value method; weighted tau: additive, averaged rankings,
    /// p-value NaN and <paramref name="alternative"/> ignored).
    /// </summary>
    /// <param name="method">The correlation method.</param>
    /// <param name="x">First sample.</param>
    /// <param name="y">Second sample, same length.</param>
    /// <param name="alternative">Alternative hypothesis; default two-sided.</param>
    /// <param name="nanPolicy">NaN handling for the pairs; default <see cref="NanPolicy.Propagate"/>.</param>
    /// <returns>The result, whose <see cref="CorrelationResult.Method"/> is the command-line name
    /// (<c>pearson</c>, <c>spearman</c>, <c>kendall</c>, <c>kendall-c</c>, <c>weighted-tau</c>, <c>somers-d</c>).</returns>
    /// <exception cref="ArgumentException">x and y differ in length, or an unknown method.</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static CorrelationResult Compute(CorrelationMethod method, ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate) => method switch
    {
        CorrelationMethod.Pearson => PearsonCorrelation.Compute(x, y, alternative, nanPolicy),
        CorrelationMethod.Spearman => SpearmanCorrelation.Compute(x, y, alternative, nanPolicy),
        CorrelationMethod.Kendall => KendallTau.Compute(x, y, KendallVariant.B, KendallMethod.Auto, alternative, nanPolicy),
        CorrelationMethod.KendallC => KendallTau.Compute(x, y, KendallVariant.C, KendallMethod.Auto, alternative, nanPolicy),
        CorrelationMethod.WeightedTau => WeightedTau.Compute(x, y, rank: true, additive: true, nanPolicy),
        CorrelationMethod.SomersD => SomersD.Compute(x, y, alternative, nanPolicy),
        _ => throw new ArgumentException($"unknown correlation method {method}", nameof(method)),
    };

    /// <summary>The command-line name of <paramref name="method"/> (<c>pearson</c>, …, <c>somers-d</c>).</summary>
    /// <param name="method">The correlation method.</param>
    public static string Name(CorrelationMethod method) => method switch
    {
        CorrelationMethod.Pearson => CorrelationResults.Pearson,
        CorrelationMethod.Spearman => CorrelationResults.Spearman,
        CorrelationMethod.Kendall => CorrelationResults.Kendall,
        CorrelationMethod.KendallC => CorrelationResults.KendallC,
        CorrelationMethod.WeightedTau => CorrelationResults.WeightedTau,
        CorrelationMethod.SomersD => CorrelationResults.SomersD,
        _ => throw new ArgumentException($"unknown correlation method {method}", nameof(method)),
    };

    /// <summary>Parses a command-line name (<c>pearson</c>, …, <c>somers-d</c>; case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <param name="method">The method, when recognised.</param>
    /// <returns>True when <paramref name="name"/> is a known method name.</returns>
    public static bool TryParse(string? name, out CorrelationMethod method)
    {
        foreach (CorrelationMethod m in Enum.GetValues<CorrelationMethod>())
        {
            if (string.Equals(Name(m), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                method = m;
                return true;
            }
        }
        method = default;
        return false;
    }
}
