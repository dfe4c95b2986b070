namespace Rankwise.Comparison;

/// <summary>Methods for comparing two dependent, overlapping correlations r_jk and r_jh (same n items, variable j shared).</summary>
public enum DependentCorrelationMethod
{
    /// <summary>Williams' (1959) t, df = n − 3, in the form of Steiger (1980, eq. 7) used by R's <c>psych::r.test</c>
    /// and cocor's <c>williams1959</c>.</summary>
    Williams,

    /// <summary>Steiger's (1980, eq. 14) z: Dunn &amp; Clark's z on Fisher-transformed correlations with the covariance
    /// evaluated at the pooled r̄ = (r_jk + r_jh)/2 (cocor's <c>steiger1980</c>).</summary>
    Steiger,

    /// <summary>Hittner, May &amp; Silver's (2003) z: as Steiger's, with r̄ the back-transformed mean of the Fisher z's,
    /// tanh((atanh r_jk + atanh r_jh)/2) (cocor's <c>hittner2003</c>).</summary>
    Hittner,

    /// <summary>Zou's (2007) confidence interval for r_jk − r_jh (cocor's <c>zou2007</c>); no test statistic.</summary>
    Zou,
}

/// <summary>Which correlation <see cref="DependentCorrelation.Compare"/> computes from raw data.</summary>
public enum ComparedCorrelation
{
    /// <summary>Pearson's r.</summary>
    Pearson,

    /// <summary>Spearman's ρ (Pearson's r of average ranks). The tests assume Pearson correlations of normal data;
    /// applied to Spearman's ρ they are a common approximation.</summary>
    Spearman,
}
