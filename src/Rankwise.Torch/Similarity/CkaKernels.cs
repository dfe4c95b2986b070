using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// HSIC building blocks shared by the CKA measures. All inputs are float64 tensors on one device; results are 0-d
/// tensors so callers decide when to synchronise with the device.
/// </summary>
internal static class CkaKernels
{
    /// <summary>The form used by <see cref="LinearCkaForm.Auto"/>: feature space when d_x + d_y &lt; n.</summary>
    internal static LinearCkaForm Resolve(LinearCkaForm form, long n, long dx, long dy) =>
        form != LinearCkaForm.Auto ? form : dx + dy < n ? LinearCkaForm.Feature : LinearCkaForm.Gram;

    /// <summary>H·K·H in place (K − row means − column means + grand mean, with the means of the original K).</summary>
    internal static Tensor CentreGramInPlace(Tensor k)
    {
        using var rows = k.mean([1L], keepdim: true);
        using var columns = k.mean([0L], keepdim: true);
        using var all = k.mean();
        return k.sub_(rows).sub_(columns).add_(all);
    }

    /// <summary>Biased CKA ⟨HKH, HLH⟩_F / (‖HKH‖_F ‖HLH‖_F). Centres <paramref name="k"/> and <paramref name="l"/> in
    /// place (callers pass Gram matrices they own): an n × n problem holds two n × n matrices, no more.</summary>
    internal static Tensor CkaFromGramsInPlace(Tensor k, Tensor l)
    {
        var kc = CentreGramInPlace(k).reshape(-1);
        var lc = CentreGramInPlace(l).reshape(-1);
        return kc.dot(lc) / (kc.dot(kc).sqrt() * lc.dot(lc).sqrt());
    }

    /// <summary>Biased linear CKA in feature space from centred features.</summary>
    internal static Tensor LinearFeatureCka(Tensor xc, Tensor yc)
    {
        var cross = xc.t().matmul(yc).square().sum();
        var nx = SimilarityInput.Frobenius(xc.t().matmul(xc));
        var ny = SimilarityInput.Frobenius(yc.t().matmul(yc));
        return cross / (nx * ny);
    }

    /// <summary>
    /// Two-pass column centring of a float32 matrix without a float64 copy: subtract the float64 column means rounded to
    /// float32 (exact subtraction for values near the mean), then the float64 means of the residuals.
    /// </summary>
    internal static Tensor CentreSingle(Tensor x32)
    {
        var c = x32 - x32.mean([0L], keepdim: true, type: ScalarType.Float64).to_type(ScalarType.Float32);
        return c - c.mean([0L], keepdim: true, type: ScalarType.Float64).to_type(ScalarType.Float32);
    }

    /// <summary>Rows per single-precision block of <see cref="BlockedProduct"/>.</summary>
    internal const long SingleBlockRows = 8192;

    /// <summary>aᵀb [d_a, d_b] in float64 from float32 a [n, d_a], b [n, d_b]: float32 products over blocks of
    /// <see cref="SingleBlockRows"/> rows, summed in float64.</summary>
    internal static Tensor BlockedProduct(Tensor a, Tensor b)
    {
        long n = a.shape[0];
        Tensor? sum = null;
        for (long start = 0; start < n; start += SingleBlockRows)
        {
            long end = Math.Min(n, start + SingleBlockRows);
            var block = a.narrow(0, start, end - start).t().matmul(b.narrow(0, start, end - start)).to_type(ScalarType.Float64);
            sum = sum is null ? block : sum.add_(block);
        }
        return sum!;
    }

    /// <summary>
    /// Biased linear CKA in feature space of float32 x [n, d_x], y [n, d_y] (not centred; all finite or NaN is returned):
    /// on CPU with AVX2 + FMA or AVX-512 by the managed single-precision kernel <see cref="Rankwise.Numerics.CentredProductNormsSingle"/>
    /// (float32 products over blocks of 512 rows, float64 sums), elsewhere by libtorch float32 block products summed in
    /// float64 after an exact two-pass centring.
    /// </summary>
    internal static double LinearFeatureCkaSingle(Tensor x, Tensor y)
    {
        if (x.device_type == DeviceType.CPU && y.device_type == DeviceType.CPU && Rankwise.Numerics.CentredProductNormsSingle.IsSupported
            && !ForceTorchSingle.Value)
            return LinearFeatureCkaSingleHost(x, y);
        if (!SimilarityInput.AllFinite(x) || !SimilarityInput.AllFinite(y))
            return double.NaN;
        return LinearFeatureCkaSingleTorch(CentreSingle(x), CentreSingle(y)).item<double>();
    }

    /// <summary>Test switch: take the libtorch path for float32 feature-form CKA even where the managed kernel runs.</summary>
    internal static readonly AsyncLocal<bool> ForceTorchSingle = new();

    private static unsafe double LinearFeatureCkaSingleHost(Tensor x, Tensor y)
    {
        using var hx = x.detach().contiguous();
        using var hy = y.detach().contiguous();
        using var firstX = hx.narrow(0, 0, 1);
        using var firstY = hy.narrow(0, 0, 1);
        // Views of the first rows give the start of each contiguous CPU buffer; libtorch's CPU memory does not move.
        fixed (byte* px = firstX.bytes)
        fixed (byte* py = firstY.bytes)
        {
            if (!Rankwise.Numerics.CentredProductNormsSingle.TryCompute((float*)px, (float*)py, hx.shape[0], checked((int)hx.shape[1]),
                    checked((int)hy.shape[1]), out double cross, out double selfX, out double selfY))
                return double.NaN;
            return cross / (Math.Sqrt(selfX) * Math.Sqrt(selfY));
        }
    }

    /// <summary>Biased linear CKA in feature space from centred float32 features (float32 block products, float64 sums).</summary>
    private static Tensor LinearFeatureCkaSingleTorch(Tensor xc, Tensor yc)
    {
        var cross = BlockedProduct(xc, yc).square().sum();
        var nx = SimilarityInput.Frobenius(BlockedProduct(xc, xc));
        var ny = SimilarityInput.Frobenius(BlockedProduct(yc, yc));
        return cross / (nx * ny);
    }

    /// <summary>
    /// n(n−3) × the unbiased HSIC estimator of Song et al. (2012) from Gram matrices K, L [n, n]:
    /// tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − 2/(n−2) · 1ᵀK̃L̃1, where K̃, L̃ have zero diagonals.
    /// </summary>
    internal static Tensor UnbiasedHsicScaled(Tensor k, Tensor l)
    {
        double n = k.shape[0];
        var kt = k.clone();
        kt.diagonal().zero_();
        var lt = l.clone();
        lt.diagonal().zero_();
        var rk = kt.sum([1L]);
        var rl = lt.sum([1L]);
        return (kt * lt).sum() + kt.sum() * lt.sum() / ((n - 1) * (n - 2)) - (rk * rl).sum() * (2.0 / (n - 2));
    }

    /// <summary>
    /// The same n(n−3)·HSIC₁ for linear kernels from centred features, without n × n matrices (Kornblith et al. 2019):
    /// ‖XcᵀYc‖²_F − n/(n−2) · Σ_i ‖x_i‖²‖y_i‖² + ‖Xc‖²_F ‖Yc‖²_F / ((n−1)(n−2)).
    /// With centred data 1ᵀK̃ = −diag(K)ᵀ and 1ᵀK̃1 = −‖Xc‖²_F, which turns the Gram formula into this one.
    /// </summary>
    internal static Tensor UnbiasedLinearHsicScaledFeature(Tensor xc, Tensor yc)
    {
        double n = xc.shape[0];
        var kx = xc.square().sum([1L]);
        var ky = yc.square().sum([1L]);
        var cross = xc.t().matmul(yc).square().sum();
        return cross - (kx * ky).sum() * (n / (n - 2)) + kx.sum() * ky.sum() / ((n - 1) * (n - 2));
    }

    /// <summary>Unbiased linear HSIC triple (n(n−3)·HSIC₁ of (x,y), (x,x), (y,y)) in the requested form.</summary>
    internal static (Tensor Xy, Tensor Xx, Tensor Yy) UnbiasedLinearTriple(Tensor xc, Tensor yc, LinearCkaForm form)
    {
        if (form == LinearCkaForm.Feature)
            return (UnbiasedLinearHsicScaledFeature(xc, yc), UnbiasedLinearHsicScaledFeature(xc, xc), UnbiasedLinearHsicScaledFeature(yc, yc));
        var k = xc.matmul(xc.t());
        var l = yc.matmul(yc.t());
        return (UnbiasedHsicScaled(k, l), UnbiasedHsicScaled(k, k), UnbiasedHsicScaled(l, l));
    }

    /// <summary>Squared Euclidean distances between rows of centred data, via the Gram matrix, clamped at 0 with an exact zero diagonal.</summary>
    internal static Tensor SquaredDistances(Tensor xc)
    {
        var g = xc.matmul(xc.t());
        using var sq = g.diagonal().clone();
        g.mul_(-2.0).add_(sq.unsqueeze(1)).add_(sq.unsqueeze(0)).clamp_min_(0.0);
        g.diagonal().zero_();
        return g;
    }

    /// <summary>numpy.median of all elements (mean of the two middle order statistics when the count is even).</summary>
    internal static double MedianAll(Tensor t)
    {
        using var flat = t.reshape(-1);
        long count = flat.numel();
        long k = count % 2 == 1 ? (count + 1) / 2 : count / 2;
        double lo;
        var (kthValues, kthIndices) = flat.kthvalue(k, 0);
        using (kthValues)
        using (kthIndices)
            lo = kthValues.item<double>();
        if (count % 2 == 1)
            return lo;
        // The (k+1)-th value: lo again when more than k values are ≤ lo, else the smallest value above lo.
        long atMost;
        using (var le = flat.le(lo))
            atMost = le.sum().item<long>();
        if (atMost > k)
            return lo;
        double hi;
        using (var above = flat.where(flat.gt(lo), double.PositiveInfinity))
            hi = above.min().item<double>();
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// RBF Gram matrix exp(−‖x_i − x_j‖² / (2σ²)) of centred data. Without an explicit σ, σ² = threshold² · median of all
    /// n² squared distances (diagonal zeros included), the bandwidth rule of Kornblith et al.'s reference notebook.
    /// </summary>
    internal static Tensor RbfGram(Tensor xc, double threshold, double? sigma)
    {
        var d2 = SquaredDistances(xc);
        double sigma2 = sigma is double s ? s * s : threshold * threshold * MedianAll(d2);
        return d2.div_(-2.0 * sigma2).exp_();
    }
}
