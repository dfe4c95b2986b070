namespace Rankwise.Correlation;

/// <summary>The correlation methods available through <see cref="Correlate"/> (command-line names in parentheses).</summary>
public enum CorrelationMethod
{
    /// <summary>Pearson's r (<c>pearson</c>), <see cref="PearsonCorrelation"/>.</summary>
    Pearson,

    /// <summary>Spearman's ρ (<c>spearman</c>), <see cref="SpearmanCorrelation"/>.</summary>
    Spearman,

    /// <summary>Kendall's tau-b (<c>kendall</c>), <see cref="KendallTau"/>.</summary>
    Kendall,

    /// <summary>Stuart's tau-c (<c>kendall-c</c>), <see cref="KendallTau"/> with <see cref="KendallVariant.C"/>.</summary>
    KendallC,

    /// <summary>Weighted tau, additive hyperbolic (<c>weighted-tau</c>), <see cref="Correlation.WeightedTau"/>.</summary>
    WeightedTau,

    /// <summary>Somers' D(Y|X) (<c>somers-d</c>), <see cref="Correlation.SomersD"/>.</summary>
    SomersD,
}
