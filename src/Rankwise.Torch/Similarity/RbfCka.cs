using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// CKA with a Gaussian (RBF) kernel (Kornblith et al. 2019, ICML, Section 4 and the reference notebook
/// <c>google-research/representation_similarity/Demo.ipynb</c>).
/// </summary>
/// <remarks>
/// <para><b>Formula.</b> K_ij = exp(−‖x_i − x_j‖² / (2σ_x²)), likewise L with σ_y; CKA = ⟨HKH, HLH⟩_F / (‖HKH‖_F ‖HLH‖_F)
/// (or the unbiased-HSIC ratio when <see cref="Debiased"/>).</para>
/// <para><b>Bandwidth.</b> Unless <see cref="Sigma"/> is given, each representation gets its own
/// σ² = threshold² · median(D²), where D² is the full n × n matrix of squared Euclidean distances between rows,
/// <i>including its n zero diagonal entries</i>, and the median is numpy's (mean of the two middle values for even n²).
/// So σ = threshold · √median(D²), which equals threshold × the median pairwise distance whenever the median is a
/// single order statistic. This is exactly the reference notebook's <c>gram_rbf(x, threshold)</c>; the paper's
/// experiments and the notebook demo use threshold = 0.5 (the default here).</para>
/// <para><b>Invariances.</b> Invariant to orthogonal transforms, translation, unit permutation and isotropic scaling
/// (the median-based σ scales with the data; with a fixed <see cref="Sigma"/> scaling invariance is lost);
/// not invariant to general invertible linear maps.</para>
/// <para><b>Cost.</b> O(n²(d_x + d_y)) time in float64. On the CPU (biased estimator) only the upper triangles of the two
/// symmetric kernel matrices are formed, by row blocks (half the flops of the full distance products), and the median is
/// an exact radix selection: n(n−1) doubles of memory, at most 65,536 stimuli (larger n falls back to the dense path).
/// Otherwise (debiased, or another device) the full n × n matrices are formed on the inputs' device.</para>
/// <para><b>NaN / constant input.</b> Any NaN or ±∞ gives NaN. A constant representation (or one where more than half of
/// the n² squared distances are zero) has median 0, σ = 0 and gives NaN.</para>
/// </remarks>
public sealed class RbfCka : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="threshold">Bandwidth as a fraction of the median distance (&gt; 0); default 0.5.</param>
    /// <param name="debiased">Use the unbiased HSIC estimator of Song et al. (2012) (needs n ≥ 4).</param>
    /// <param name="sigma">Fixed bandwidth σ &gt; 0 used for both representations instead of the median rule.</param>
    public RbfCka(double threshold = 0.5, bool debiased = false, double? sigma = null)
    {
        if (!(threshold > 0) || !double.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the RBF bandwidth threshold must be a positive finite number");
        if (sigma is double s && (!(s > 0) || !double.IsFinite(s)))
            throw new ArgumentOutOfRangeException(nameof(sigma), s, "sigma must be a positive finite number");
        Threshold = threshold;
        Debiased = debiased;
        Sigma = sigma;
    }

    /// <summary>Bandwidth as a fraction of the median distance.</summary>
    public double Threshold { get; }

    /// <summary>Whether the unbiased HSIC estimator is used.</summary>
    public bool Debiased { get; }

    /// <summary>Fixed bandwidth, or null for the median rule.</summary>
    public double? Sigma { get; }

    /// <inheritdoc />
    public string Name => (Debiased ? "debiased_rbf_cka" : "rbf_cka")
        + (Sigma is double s ? $"(sigma={s:R})" : $"(threshold={Threshold:R})");

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>RBF CKA between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, n &lt; 2 (n &lt; 4 when debiased).</exception>
    public double Compute(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return Compute(pair);
    }

    /// <summary><see cref="Compute(Tensor, Tensor)"/> on a pair whose centred float64 inputs may be shared with other measures.</summary>
    internal double Compute(PairContext pair)
    {
        string measure = Debiased ? "debiased RBF CKA" : "RBF CKA";
        SimilarityInput.ValidatePair(pair.X, pair.Y, 2, measure);
        if (Debiased)
            SimilarityInput.RequireUnbiasedRows(pair.X, measure);
        if (!pair.Finite)
            return double.NaN;
        if (!Debiased && CondensedRbf.Applies(pair.Xc))
            return CondensedRbf.Cka(pair.Xc, pair.Yc, Threshold, Sigma, pair);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var k = CkaKernels.RbfGram(pair.Xc, Threshold, Sigma);
        var l = CkaKernels.RbfGram(pair.Yc, Threshold, Sigma);
        if (!Debiased)
            return CkaKernels.CkaFromGramsInPlace(k, l).item<double>();
        var xy = CkaKernels.UnbiasedHsicScaled(k, l);
        var xx = CkaKernels.UnbiasedHsicScaled(k, k);
        var yy = CkaKernels.UnbiasedHsicScaled(l, l);
        return (xy / (xx * yy).sqrt()).item<double>();
    }
}
