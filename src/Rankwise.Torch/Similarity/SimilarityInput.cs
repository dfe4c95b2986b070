using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Shared input handling for the similarity measures: validation, promotion to float64 on the input's device,
/// centring that stays exact under large offsets, and a rank-revealing orthonormal basis.
/// </summary>
internal static class SimilarityInput
{
    /// <summary>Validates one representation: a 2-D floating-point tensor with at least <paramref name="minRows"/> rows and one column.</summary>
    internal static void ValidateSingle(Tensor x, string name, int minRows, string measure)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.ndim != 2)
            throw new ArgumentException($"{measure}: {name} must be a 2-D tensor [n stimuli, d units], got shape [{string.Join(", ", x.shape)}]", name);
        if (!x.is_floating_point())
            throw new ArgumentException($"{measure}: {name} must be a floating-point tensor (float32 or float64), got {x.dtype}", name);
        if (x.shape[1] < 1)
            throw new ArgumentException($"{measure}: {name} has no columns (units)", name);
        if (x.shape[0] < minRows)
            throw new ArgumentException($"{measure}: {name} has {x.shape[0]} rows (stimuli), at least {minRows} are needed", name);
    }

    /// <summary>Validates a pair of representations of the same stimuli: same number of rows, same device.</summary>
    internal static void ValidatePair(Tensor x, Tensor y, int minRows, string measure)
    {
        ValidateSingle(x, nameof(x), minRows, measure);
        ValidateSingle(y, nameof(y), minRows, measure);
        if (x.shape[0] != y.shape[0])
            throw new ArgumentException($"{measure}: x and y must describe the same stimuli (rows): x has {x.shape[0]} rows, y has {y.shape[0]}", nameof(y));
        if (x.device.type != y.device.type || x.device.index != y.device.index)
            throw new ArgumentException($"{measure}: x and y must be on the same device, got {x.device} and {y.device}", nameof(y));
    }

    /// <summary>The unbiased HSIC estimator divides by n(n−3): at least 4 rows (stimuli) are needed.</summary>
    internal static void RequireUnbiasedRows(Tensor x, string measure)
    {
        if (x.shape[0] < 4)
            throw new ArgumentException($"{measure} needs at least 4 rows (stimuli) for the unbiased HSIC estimator, which divides by n(n−3); got {x.shape[0]}", nameof(x));
    }

    /// <summary>The tensor as float64 on its own device, detached from autograd (a new tensor handle; the input is not modified).</summary>
    internal static Tensor ToFloat64(Tensor x) => x.detach().to_type(ScalarType.Float64);

    /// <summary>True when every element is finite (one device synchronisation).</summary>
    internal static bool AllFinite(Tensor x) => x.isfinite().all().item<bool>();

    /// <summary>
    /// Column centring in two passes: subtract the column means, then subtract the (tiny) means of the residuals.
    /// The second pass removes the rounding error of the first mean, so data with offsets like 1e8 are centred to
    /// the precision of their float64 representation rather than to ulp(offset).
    /// </summary>
    internal static Tensor Centre(Tensor x64)
    {
        var c = x64 - x64.mean([0L], keepdim: true);
        return c - c.mean([0L], keepdim: true);
    }

    /// <summary>Frobenius norm as a 0-d tensor.</summary>
    internal static Tensor Frobenius(Tensor a) => a.square().sum().sqrt();

    /// <summary>The default relative rank tolerance, as numpy.linalg.matrix_rank: max(n, d) · ε(float64).</summary>
    internal static double DefaultRankTolerance(long rows, long columns) => Math.Max(rows, columns) * 2.220446049250313e-16;

    /// <summary>
    /// Rank-revealing orthonormal basis of the column space of a centred matrix <paramref name="a"/> [n, d]:
    /// Householder QR then SVD of R when n ≥ d (cheap for tall inputs; Q is applied to the kept singular vectors of R
    /// instead of being formed), a thin SVD otherwise. Singular values s_i ≤ rtol · s_max
    /// are dropped (rtol defaults to max(n, d) · ε). Returns U [n, r] with orthonormal columns and S [r], descending.
    /// </summary>
    internal static (Tensor U, Tensor S) RankBasis(Tensor a, double? rtol)
    {
        long n = a.shape[0], d = a.shape[1];
        if (n >= d)
        {
            // Householder QR without forming Q (geqrf), the SVD of R = U_R S V_Rᵀ, then the reflectors applied to the kept
            // columns of U_R padded with zeros (ormqr): U = Q U_R without the n × d matrix Q or a product with it.
            var (h, tau) = geqrf(a);
            var (ur, sr, _) = linalg.svd(h[..(int)d].triu(), fullMatrices: false);
            int kept = Rank(sr, rtol, n, d);
            var padded = zeros(n, kept, dtype: a.dtype, device: a.device);
            if (kept == 0)
                return (padded, sr[..0]);
            padded[..(int)d].copy_(ur[.., ..kept]);
            return (ormqr(h, tau, padded, left: true, transpose: false), sr[..kept]);
        }
        var (u, s, _) = linalg.svd(a, fullMatrices: false);
        int rank = Rank(s, rtol, n, d);
        return (u[.., ..rank], s[..rank]);
    }

    /// <summary>The number of singular values (descending) above rtol · s_max (rtol defaults to max(n, d) · ε).</summary>
    private static int Rank(Tensor s, double? rtol, long n, long d)
    {
        double tol = rtol ?? DefaultRankTolerance(n, d);
        double[] sv = s.cpu().data<double>().ToArray();
        int rank = 0;
        if (sv.Length > 0 && sv[0] > 0 && double.IsFinite(sv[0]))
        {
            double cut = tol * sv[0];
            while (rank < sv.Length && sv[rank] > cut) rank++;
        }
        return rank;
    }

    /// <summary>Copies a small 1-D tensor to a managed array.</summary>
    internal static double[] ToArray(Tensor t) => t.cpu().contiguous().data<double>().ToArray();
}
