using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Singular vector canonical correlation analysis (Raghu, Gilmer, Yosinski &amp; Sohl-Dickstein 2017, "SVCCA", NeurIPS).
/// </summary>
/// <remarks>
/// <para><b>Formula.</b> Each column-centred representation is reduced to its top-k singular directions
/// X' = U_k S_k, where k is the smallest number whose squared singular values reach the threshold fraction
/// (default 99 %) of the total: Σ_{i≤k} s_i² ≥ threshold · Σ_i s_i² ("variance" = squared singular values of the
/// centred data). SVCCA is the mean canonical correlation between X' and Y', i.e. the mean of the
/// min(k_x, k_y) singular values of U_{x,k}ᵀU_{y,k}. Numerically zero singular values (≤ rtol · s_max) are dropped first,
/// so threshold = 1 keeps exactly the numerical rank. <see cref="Dimensions"/> fixes k instead (clipped to the rank),
/// as the SVCCA authors' code does with e.g. 20 or 50 directions.</para>
/// <para><b>Invariances.</b> Invariant to orthogonal transforms, isotropic scaling, translation and unit permutation.
/// Invariant to an invertible linear map only when it leaves the kept subspace unchanged (e.g. when all directions are
/// kept); an anisotropic map changes which directions explain 99 % and so changes the value.</para>
/// <para><b>NaN / constant input.</b> Any NaN or ±∞ gives NaN; a constant representation gives NaN.</para>
/// <para><b>Shared work.</b> Computed through <see cref="Rankwise.Torch.Comparison.PairComparison"/>, the QR/SVD bases of
/// the centred inputs (and U_xᵀU_y) are computed once for CCA, R²CCA, SVCCA, PWCCA, Procrustes and the shape metric of one
/// pair.</para>
/// </remarks>
public sealed class Svcca : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="varianceThreshold">Fraction of the total squared singular values to keep, in (0, 1]; default 0.99.</param>
    /// <param name="dimensions">Keep exactly this many top directions (≥ 1, clipped to the rank) instead of the threshold.</param>
    /// <param name="rtol">Relative singular-value cut for the numerical rank; null for max(n, d) · 2.22e−16.</param>
    public Svcca(double varianceThreshold = 0.99, int? dimensions = null, double? rtol = null)
    {
        if (!(varianceThreshold > 0 && varianceThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(varianceThreshold), varianceThreshold, "the SVCCA variance threshold must be in (0, 1]");
        if (dimensions is int k && k < 1)
            throw new ArgumentOutOfRangeException(nameof(dimensions), k, "SVCCA dimensions must be at least 1");
        CcaCore.ValidateOptions(0, rtol);
        VarianceThreshold = varianceThreshold;
        Dimensions = dimensions;
        RankTolerance = rtol;
    }

    /// <summary>Fraction of the total squared singular values to keep.</summary>
    public double VarianceThreshold { get; }

    /// <summary>Fixed number of directions, or null to use <see cref="VarianceThreshold"/>.</summary>
    public int? Dimensions { get; }

    /// <summary>Relative rank tolerance, or null for the default.</summary>
    public double? RankTolerance { get; }

    /// <inheritdoc />
    public string Name => Dimensions is int k ? $"svcca(dimensions={k})" : $"svcca(threshold={VarianceThreshold:R})";

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>SVCCA between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    public double Compute(Tensor x, Tensor y) => ComputeDetailed(x, y).Value;

    /// <summary>SVCCA with the kept dimensions and the canonical correlations.</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    public SvccaResult ComputeDetailed(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return ComputeDetailed(pair);
    }

    /// <summary>
    /// <see cref="ComputeDetailed(Tensor, Tensor)"/> on a pair whose bases may be shared with other measures: the kept
    /// directions are the leading columns of the bases, so U_{x,k}ᵀU_{y,k} is the leading block of U_xᵀU_y.
    /// </summary>
    internal SvccaResult ComputeDetailed(PairContext pair)
    {
        SimilarityInput.ValidatePair(pair.X, pair.Y, 2, "SVCCA");
        if (!pair.Finite)
            return new SvccaResult(double.NaN, 0, 0, []);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int kx = Kept(SimilarityInput.ToArray(pair.Basis(true, RankTolerance).S));
        int ky = Kept(SimilarityInput.ToArray(pair.Basis(false, RankTolerance).S));
        if (kx == 0 || ky == 0)
            return new SvccaResult(double.NaN, kx, ky, []);
        var rho = linalg.svdvals(pair.Cross(RankTolerance)[..kx, ..ky])[..Math.Min(kx, ky)].clamp(0.0, 1.0);
        var values = SimilarityInput.ToArray(rho);
        return new SvccaResult(values.Average(), kx, ky, values);
    }

    private int Kept(double[] s)
    {
        if (s.Length == 0)
            return 0;
        if (Dimensions is int k)
            return Math.Min(k, s.Length);
        double total = 0;
        foreach (var v in s) total += v * v;
        double cumulative = 0;
        for (int i = 0; i < s.Length; i++)
        {
            cumulative += s[i] * s[i];
            if (cumulative >= VarianceThreshold * total)
                return i + 1;
        }
        return s.Length;
    }
}
