using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Linear centred kernel alignment (CKA) between two representations of the same stimuli
/// (Kornblith, Norouzi, Lee &amp; Hinton 2019, "Similarity of Neural Network Representations Revisited", ICML).
/// </summary>
/// <remarks>
/// <para><b>Formula.</b> With column-centred Xc [n, d_x], Yc [n, d_y] and Gram matrices K = XcXcᵀ, L = YcYcᵀ:
/// CKA = HSIC(K, L) / √(HSIC(K, K) · HSIC(L, L)). The biased estimator HSIC₀(K, L) = tr(KHLH)/(n−1)² gives
/// the Gram form ⟨HKH, HLH⟩_F / (‖HKH‖_F ‖HLH‖_F), which equals the feature form
/// ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F). <see cref="LinearCkaForm.Auto"/> uses the feature form when d_x + d_y &lt; n.</para>
/// <para><b>Debiased.</b> With <c>debiased: true</c> every HSIC is replaced by the unbiased U-statistic estimator HSIC₁ of
/// Song, Smola, Gretton, Bedo &amp; Borgwardt (2012, JMLR 13), as in Kornblith et al.'s
/// <c>_debiased_dot_product_similarity_helper</c>; it needs n ≥ 4 and can be negative or (for tiny n) NaN when a
/// self-HSIC estimate is ≤ 0. For independent representations debiased CKA averages ≈ 0, while biased CKA is clearly
/// positive (≈ 0.09 for n = 100, d = 10 Gaussians): a finite-sample bias that grows with d/n.</para>
/// <para><b>Range.</b> Biased: [0, 1]. Debiased: at most 1, can be negative.</para>
/// <para><b>Invariances.</b> Invariant to orthogonal transforms of either representation, isotropic scaling,
/// translation (adding a constant vector to every row) and unit permutation; <i>not</i> invariant to general
/// invertible linear maps or to anisotropic (per-unit) scaling.</para>
/// <para><b>Shapes, precision, device.</b> x [n, d_x], y [n, d_y] float32 or float64 on one device; widths may differ.
/// Everything is computed in float64 on the inputs' device (float32 inputs are promoted exactly), after an exact
/// two-pass centring, so a common offset of 1e8 costs no accuracy beyond the inputs' own representation error — except
/// biased CKA in feature form on two float32 inputs under <see cref="CkaPrecision.Auto"/> (the default): there the
/// d × d products are single-precision products over blocks of 512 rows (CPU with AVX2 or AVX-512: a managed kernel that centres
/// while packing and uses the symmetry of the self-products; elsewhere libtorch's float32 matrix products), accumulated
/// in float64 across blocks (relative error ≈ 1e−8 to 1e−6, within the inputs' own precision). Pass <see cref="CkaPrecision.Float64"/>
/// for float64 products throughout.</para>
/// <para><b>NaN / constant input.</b> Any NaN or ±∞ element gives NaN. A constant representation (all rows equal)
/// has zero HSIC with itself and gives NaN (0/0).</para>
/// </remarks>
public sealed class LinearCka : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="form">Gram or feature-space evaluation; <see cref="LinearCkaForm.Auto"/> picks by n vs d_x + d_y.</param>
    /// <param name="debiased">Use the unbiased HSIC estimator (needs n ≥ 4).</param>
    /// <param name="precision">Products of float32 inputs in float32 blocks (<see cref="CkaPrecision.Auto"/>) or in float64.</param>
    public LinearCka(LinearCkaForm form = LinearCkaForm.Auto, bool debiased = false, CkaPrecision precision = CkaPrecision.Auto)
    {
        if (!Enum.IsDefined(form))
            throw new ArgumentOutOfRangeException(nameof(form), form, "unknown LinearCkaForm");
        if (!Enum.IsDefined(precision))
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown CkaPrecision");
        Form = form;
        Debiased = debiased;
        Precision = precision;
    }

    /// <summary>Arithmetic of the feature-space products for float32 inputs.</summary>
    public CkaPrecision Precision { get; }

    /// <summary>Gram or feature-space evaluation.</summary>
    public LinearCkaForm Form { get; }

    /// <summary>Whether the unbiased HSIC estimator is used.</summary>
    public bool Debiased { get; }

    /// <inheritdoc />
    public string Name => Debiased ? "debiased_linear_cka" : "linear_cka";

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>Linear CKA between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    /// <exception cref="ArgumentException">Shapes differ in n, not 2-D, not floating point, different devices, n &lt; 2 (n &lt; 4 when debiased).</exception>
    public double Compute(Tensor x, Tensor y) => Evaluate(x, y, Form, Debiased, Precision);

    /// <summary><see cref="Compute(Tensor, Tensor)"/> on a pair whose centred float64 inputs may be shared with other measures.</summary>
    internal double Compute(PairContext pair) => Evaluate(pair, Form, Debiased, Precision);

    internal static double Evaluate(Tensor x, Tensor y, LinearCkaForm form, bool debiased, CkaPrecision precision = CkaPrecision.Auto)
    {
        using var pair = new PairContext(x, y);
        return Evaluate(pair, form, debiased, precision);
    }

    private static double Evaluate(PairContext pair, LinearCkaForm form, bool debiased, CkaPrecision precision)
    {
        var (x, y) = (pair.X, pair.Y);
        string measure = debiased ? "debiased CKA" : "linear CKA";
        SimilarityInput.ValidatePair(x, y, 2, measure);
        if (debiased)
            SimilarityInput.RequireUnbiasedRows(x, measure);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (!debiased && precision == CkaPrecision.Auto && x.dtype == ScalarType.Float32 && y.dtype == ScalarType.Float32
            && CkaKernels.Resolve(form, x.shape[0], x.shape[1], y.shape[1]) == LinearCkaForm.Feature)
        {
            return CkaKernels.LinearFeatureCkaSingle(x, y);
        }
        if (!pair.Finite)
            return double.NaN;
        var xc = pair.Xc;
        var yc = pair.Yc;
        var resolved = CkaKernels.Resolve(form, xc.shape[0], xc.shape[1], yc.shape[1]);
        if (debiased)
        {
            var (xy, xx, yy) = CkaKernels.UnbiasedLinearTriple(xc, yc, resolved);
            return (xy / (xx * yy).sqrt()).item<double>();
        }
        if (resolved == LinearCkaForm.Feature)
            return CkaKernels.LinearFeatureCka(xc, yc).item<double>();
        return CkaKernels.CkaFromGramsInPlace(xc.matmul(xc.t()), yc.matmul(yc.t())).item<double>();
    }
}
