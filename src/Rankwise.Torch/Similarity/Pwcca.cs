using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Projection-weighted CCA (Morcos, Raghu &amp; Bengio 2018, "Insights on representational similarity in neural networks
/// with canonical correlation", NeurIPS), computed on centred inputs.
/// </summary>
/// <remarks>
/// <para><b>Formula.</b> Canonical correlations ρ_i and the canonical variates h_i (n-vectors, orthonormalised) of the
/// representation with fewer units (x when d_x ≤ d_y, as the reference code picks the smaller layer) are computed as in
/// <see cref="Cca"/>. Each direction is weighted by how much of that representation's activity it accounts for:
/// α̃_i = Σ_j |⟨h_i, a_j⟩| over the centred unit activations a_j (columns), α = α̃ / Σ α̃, and
/// PWCCA = Σ_i α_i ρ_i.</para>
/// <para><b>Difference from the reference code</b> (google/svcca <c>pwcca.py</c>): there the weights use uncentred
/// activations, which makes the value depend on the units' means; here activations and variates are centred, so
/// PWCCA is translation-invariant. The reference also forms its "directions" without the whitening step; here h_i
/// are the true canonical variates.</para>
/// <para><b>Invariances.</b> Invariant to translation, isotropic scaling, unit permutation and unit sign flips.
/// Not invariant to orthogonal transforms or general invertible maps of the weighting representation (the weights
/// depend on the individual units), although the ρ_i themselves are.</para>
/// <para><b>NaN / constant input.</b> Any NaN or ±∞ gives NaN; a constant representation gives NaN.</para>
/// <para><b>Shared work.</b> Computed through <see cref="Rankwise.Torch.Comparison.PairComparison"/>, the QR/SVD bases of
/// the centred inputs (and U_xᵀU_y) are computed once for CCA, R²CCA, SVCCA, PWCCA, Procrustes and the shape metric of one
/// pair.</para>
/// </remarks>
public sealed class Pwcca : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="epsilon">Ridge added to the sample covariances (≥ 0, default 0), as in <see cref="Cca"/>.</param>
    /// <param name="rtol">Relative singular-value cut for the numerical rank; null for max(n, d) · 2.22e−16.</param>
    public Pwcca(double epsilon = 0, double? rtol = null)
    {
        CcaCore.ValidateOptions(epsilon, rtol);
        Epsilon = epsilon;
        RankTolerance = rtol;
    }

    /// <summary>Ridge added to the sample covariances.</summary>
    public double Epsilon { get; }

    /// <summary>Relative rank tolerance, or null for the default.</summary>
    public double? RankTolerance { get; }

    /// <inheritdoc />
    public string Name => Epsilon > 0 ? $"pwcca(epsilon={Epsilon:R})" : "pwcca";

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>PWCCA between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    public double Compute(Tensor x, Tensor y) => ComputeDetailed(x, y).Value;

    /// <summary>PWCCA with its canonical correlations and weights.</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    public PwccaResult ComputeDetailed(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return ComputeDetailed(pair);
    }

    /// <summary><see cref="ComputeDetailed(Tensor, Tensor)"/> on a pair whose CCA decomposition may be shared with other measures.</summary>
    internal PwccaResult ComputeDetailed(PairContext pair)
    {
        SimilarityInput.ValidatePair(pair.X, pair.Y, 2, "PWCCA");
        bool fromX = pair.X.shape[1] <= pair.Y.shape[1];
        if (!pair.Finite)
            return new PwccaResult(double.NaN, [], [], fromX);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var dec = pair.Decomposition(Epsilon, RankTolerance);
        if (dec.K == 0)
            return new PwccaResult(double.NaN, [], [], fromX);
        int k = dec.K;
        var variates = fromX
            ? dec.Qx.matmul(dec.Dx.unsqueeze(1) * dec.U[.., ..k])
            : dec.Qy.matmul(dec.Dy.unsqueeze(1) * dec.Vh.t()[.., ..k]);
        // Without the ridge the variates Q·U_k are already orthonormal (orthonormal Q, orthonormal singular vectors), and
        // a QR would only flip signs, which |·| below ignores; with ε > 0 they are orthonormalised first.
        var p = variates;
        if (Epsilon != 0)
            (p, _) = linalg.qr(variates);
        var acts = fromX ? pair.Xc : pair.Yc;
        var raw = p.t().matmul(acts).abs().sum([1L]);
        var weights = raw / raw.sum();
        var value = (weights * dec.Rho).sum();
        var packed = SimilarityInput.ToArray(cat([value.unsqueeze(0), weights, dec.Rho]));
        return new PwccaResult(packed[0], packed[(1 + k)..], packed[1..(1 + k)], fromX);
    }
}
