using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Canonical correlation analysis (Hotelling 1936) between two representations, summarised as the mean canonical
/// correlation ρ̄ or the mean squared canonical correlation R²_CCA (Kornblith et al. 2019, Table 1).
/// </summary>
/// <remarks>
/// <para><b>Formula.</b> With column-centred Xc, Yc and orthonormal bases Q_X, Q_Y of their column spaces, the
/// canonical correlations ρ_1 ≥ … ≥ ρ_k are the singular values of Q_XᵀQ_Y (cosines of the principal angles between
/// the column spaces), k = min(rank Xc, rank Yc). ρ̄ = (1/k) Σ ρ_i and R²_CCA = (1/k) Σ ρ_i² = ‖Q_YᵀQ_X‖²_F / k.</para>
/// <para><b>Convention.</b> Kornblith et al. write R²_CCA = ‖Q_YᵀQ_X‖²_F / p₁ assuming full column rank and p₁ ≤ p₂;
/// their notebook divides by min(p₁, p₂). Here the divisor is the number of canonical correlations,
/// k = min(rank Xc, rank Yc), which equals both for full-rank inputs and keeps CCA(X, X) = 1 for rank-deficient X.</para>
/// <para><b>Numerics.</b> Bases come from QR followed by an SVD of R (thin SVD when d &gt; n); singular values below
/// rtol · s_max (default rtol = max(n, d) · 2.22e−16, numpy.linalg.matrix_rank's rule) are dropped, so rank-deficient and
/// wide inputs work and the result never depends on inverting a singular covariance. Optional ridge ε is added to the
/// sample covariances (divisor n − 1): ρ are then the singular values of (Σ_XX + εI)^−½ Σ_XY (Σ_YY + εI)^−½. All in
/// float64 on the inputs' device.</para>
/// <para><b>Invariances.</b> With ε = 0: invariant to any invertible linear map of either representation (hence to
/// orthogonal transforms, isotropic and per-unit scaling, unit permutation) and to translation. ε &gt; 0 breaks scale
/// invariance. When d ≥ n − 1 for both representations every ρ is 1 — CCA cannot distinguish representations wider
/// than the number of stimuli (Kornblith et al. 2019, Section 3).</para>
/// <para><b>NaN / constant input.</b> Any NaN or ±∞ gives NaN. A constant representation has rank 0, no canonical
/// correlations, and gives NaN.</para>
/// <para><b>Shared work.</b> Computed through <see cref="Rankwise.Torch.Comparison.PairComparison"/>, the QR/SVD bases of
/// the centred inputs (and U_xᵀU_y) are computed once for CCA, R²CCA, SVCCA, PWCCA, Procrustes and the shape metric of one
/// pair.</para>
/// </remarks>
public sealed class Cca : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="statistic">Mean ρ̄ (default) or R²_CCA.</param>
    /// <param name="epsilon">Ridge added to both sample covariances (≥ 0, default 0).</param>
    /// <param name="rtol">Relative singular-value cut for the numerical rank; null for max(n, d) · 2.22e−16.</param>
    public Cca(CcaStatistic statistic = CcaStatistic.Mean, double epsilon = 0, double? rtol = null)
    {
        if (!Enum.IsDefined(statistic))
            throw new ArgumentOutOfRangeException(nameof(statistic), statistic, "unknown CcaStatistic");
        CcaCore.ValidateOptions(epsilon, rtol);
        Statistic = statistic;
        Epsilon = epsilon;
        RankTolerance = rtol;
    }

    /// <summary>Which summary <see cref="Compute"/> returns.</summary>
    public CcaStatistic Statistic { get; }

    /// <summary>Ridge added to the sample covariances.</summary>
    public double Epsilon { get; }

    /// <summary>Relative rank tolerance, or null for the default.</summary>
    public double? RankTolerance { get; }

    /// <inheritdoc />
    public string Name => (Statistic == CcaStatistic.Mean ? "mean_cca" : "r2cca") + (Epsilon > 0 ? $"(epsilon={Epsilon:R})" : "");

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>ρ̄ or R²_CCA between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    public double Compute(Tensor x, Tensor y)
    {
        var r = ComputeDetailed(x, y);
        return Statistic == CcaStatistic.Mean ? r.Mean : r.R2;
    }

    /// <summary>All canonical correlations, the ranks used, ρ̄ and R²_CCA.</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    public CcaResult ComputeDetailed(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return ComputeDetailed(pair);
    }

    /// <summary><see cref="ComputeDetailed(Tensor, Tensor)"/> on a pair whose decompositions may be shared with other measures.</summary>
    internal CcaResult ComputeDetailed(PairContext pair) =>
        CcaCore.Run(pair, Epsilon, RankTolerance, "CCA") ?? new CcaResult([], 0, 0, double.NaN, double.NaN);
}
