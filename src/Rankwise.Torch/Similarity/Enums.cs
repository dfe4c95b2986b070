namespace Rankwise.Torch.Similarity;

/// <summary>How linear CKA is evaluated. Both forms give the same value up to rounding.</summary>
public enum LinearCkaForm
{
    /// <summary>Feature-space form when d_x + d_y &lt; n (cost O(n·d²)), Gram form otherwise (cost O(n²·d)).</summary>
    Auto,

    /// <summary>Example-space form: HSIC of the centred n × n Gram matrices K = XcXcᵀ and L = YcYcᵀ.</summary>
    Gram,

    /// <summary>Feature-space form: ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F), never forming an n × n matrix.</summary>
    Feature,
}

/// <summary>Arithmetic of the feature-space products XcᵀYc, XcᵀXc, YcᵀYc of biased linear CKA.</summary>
public enum CkaPrecision
{
    /// <summary>
    /// When both inputs are float32: the inputs are centred in two passes (means accumulated in float64), the products
    /// are computed in float32 over blocks of rows and the block results accumulated in float64 — the precision of the
    /// inputs (relative error about 1e−6 on the CKA value, typically 1e−7) at the speed of single-precision matrix
    /// products, as numpy/PyTorch float32 implementations. Otherwise, and in the Gram form, as <see cref="Float64"/>.
    /// </summary>
    Auto,

    /// <summary>Every input promoted exactly to float64 and every product computed in float64 (float64 reference precision).</summary>
    Float64,
}

/// <summary>Which summary of the canonical correlations <see cref="Cca"/> reports.</summary>
public enum CcaStatistic
{
    /// <summary>Mean canonical correlation ρ̄ = (1/k) Σ ρ_i (Raghu et al. 2017; Kornblith et al. 2019, Table 1).</summary>
    Mean,

    /// <summary>Mean squared canonical correlation R²_CCA = (1/k) Σ ρ_i² = ‖Q_YᵀQ_X‖²_F / k (Kornblith et al. 2019, Table 1).</summary>
    R2,
}

/// <summary>Ground metric of the generalised shape metric (Williams et al. 2021).</summary>
public enum ShapeMetricScore
{
    /// <summary>Angle θ = arccos(‖X̂ᵀŶ‖_*) between the aligned unit-norm representations, in [0, π/2] for centred data (radians).</summary>
    Angular,

    /// <summary>Chord ‖X̂Q − Ŷ‖_F = 2 sin(θ/2) between the aligned unit-norm representations, in [0, √2].</summary>
    Euclidean,
}

/// <summary>Dissimilarity between two stimuli (rows) used to build a representational dissimilarity matrix.</summary>
public enum RdmMetric
{
    /// <summary>Euclidean distance ‖x_i − x_j‖₂ (scipy.spatial.distance.pdist 'euclidean').</summary>
    Euclidean,

    /// <summary>Correlation distance 1 − Pearson(x_i, x_j) across units (pdist 'correlation'); the usual RSA choice.</summary>
    Correlation,

    /// <summary>Cosine distance 1 − x_i·x_j / (‖x_i‖‖x_j‖) (pdist 'cosine').</summary>
    Cosine,
}

/// <summary>How two condensed RDMs are compared.</summary>
public enum RdmComparison
{
    /// <summary>Spearman ρ: Pearson correlation of mid-ranks (scipy.stats.spearmanr).</summary>
    Spearman,

    /// <summary>Kendall τ_a = (C − D) / (m(m−1)/2): ties count as neither concordant nor discordant and are not corrected for.</summary>
    KendallTauA,

    /// <summary>Kendall τ_b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), tie-corrected (scipy.stats.kendalltau, variant 'b').</summary>
    KendallTauB,

    /// <summary>Pearson r of the dissimilarities (scipy.stats.pearsonr).</summary>
    Pearson,

    /// <summary>Cosine similarity of the (uncentred) dissimilarity vectors.</summary>
    Cosine,
}

/// <summary>Correlation between single units (columns) used by unit matching.</summary>
public enum UnitCorrelation
{
    /// <summary>Pearson correlation of the columns.</summary>
    Pearson,

    /// <summary>Spearman correlation: Pearson correlation of the column mid-ranks (ties get the average rank).</summary>
    Spearman,
}
