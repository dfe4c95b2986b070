namespace Rankwise.Comparison;

/// <summary>
/// The result of comparing two dependent correlations r_jk and r_jh (e.g. model A vs truth and model B vs truth on the
/// same items).
/// </summary>
/// <param name="Method">Method name: <c>williams</c>, <c>steiger</c>, <c>hittner</c> or <c>zou</c>.</param>
/// <param name="Statistic">Williams' t or the z of Steiger / Hittner; NaN for Zou's interval (no statistic).</param>
/// <param name="PValue">The p-value for <paramref name="Alternative"/> (greater: r_jk &gt; r_jh); NaN for Zou.</param>
/// <param name="Alternative">The alternative hypothesis.</param>
/// <param name="N">Number of items.</param>
/// <param name="CorrelationJk">r_jk, the first compared correlation (model A with the target).</param>
/// <param name="CorrelationJh">r_jh, the second compared correlation (model B with the target).</param>
/// <param name="CorrelationKh">r_kh, the correlation of the two non-shared variables (model A with model B).</param>
/// <param name="DegreesOfFreedom">n − 3 for Williams' t; null for the z tests and Zou.</param>
/// <param name="ConfidenceInterval">Zou's interval for r_jk − r_jh (method <c>zou2007</c>); null for the tests.</param>
public sealed record CorrelationComparisonResult(
    string Method,
    double Statistic,
    double PValue,
    Alternative Alternative,
    long N,
    double CorrelationJk,
    double CorrelationJh,
    double CorrelationKh,
    double? DegreesOfFreedom = null,
    ConfidenceInterval? ConfidenceInterval = null)
{
    /// <summary>The difference r_jk − r_jh.</summary>
    public double Difference => CorrelationJk - CorrelationJh;

    /// <summary>The reference distribution of <see cref="Statistic"/>: <c>t</c>, <c>z</c>, or <c>none</c> for Zou.</summary>
    public string Distribution => Method switch
    {
        "williams" => "t",
        "zou" => "none",
        _ => "z",
    };
}
