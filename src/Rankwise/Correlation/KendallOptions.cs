namespace Rankwise.Correlation;

/// <summary>Which normalisation of Kendall's tau to report (scipy.stats.kendalltau's <c>variant</c>).</summary>
public enum KendallVariant
{
    /// <summary>
    /// Tau-b (default): (P − Q) / √((P + Q + T) (P + Q + U)), where P, Q are concordant and discordant
    /// pairs and T, U pairs tied only in x, only in y. Reaches ±1 for square tables.
    /// </summary>
    B,

    /// <summary>
    /// Stuart's tau-c: 2 (P − Q) / (n² (m − 1) / m), m = min(distinct x, distinct y). Suited to
    /// rectangular contingency tables.
    /// </summary>
    C,
}

/// <summary>How the p-value of Kendall's tau is computed (scipy.stats.kendalltau's <c>method</c>).</summary>
public enum KendallMethod
{
    /// <summary>
    /// scipy's rule: <see cref="Exact"/> when there are no ties and either n ≤ 33 or at most one
    /// pair is concordant or at most one is discordant; otherwise <see cref="Asymptotic"/>.
    /// </summary>
    Auto,

    /// <summary>The exact permutation distribution; requires tie-free data. Cost O(n³) for large n.</summary>
    Exact,

    /// <summary>The normal approximation with the tie-corrected variance.</summary>
    Asymptotic,
}
