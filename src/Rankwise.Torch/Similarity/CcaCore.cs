using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Canonical correlation analysis between centred matrices, through orthonormal bases of their column spaces
/// (Björck &amp; Golub 1973): Xc = Q_x S_x V_xᵀ (rank-revealing), then the SVD of (Q_x D_x)ᵀ(Q_y D_y) gives the
/// canonical correlations as singular values. D = 1 without regularisation; with a ridge ε added to the sample
/// covariance (divisor n − 1), D_i = s_i / √(s_i² + ε(n − 1)). No covariance matrix is ever inverted, so
/// rank-deficient and wide (d &gt; n) inputs are handled exactly and nothing can fail to converge on finite input.
/// </summary>
internal static class CcaCore
{
    internal readonly record struct Decomposition(
        Tensor Qx, Tensor Dx, Tensor Qy, Tensor Dy, Tensor U, Tensor Rho, Tensor Vh, int K, int RankX, int RankY);

    internal static void ValidateOptions(double epsilon, double? rtol)
    {
        if (!(epsilon >= 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "the CCA ridge epsilon must be a finite number ≥ 0");
        if (rtol is double r && (!(r >= 0) || !double.IsFinite(r)))
            throw new ArgumentOutOfRangeException(nameof(rtol), r, "the rank tolerance rtol must be a finite number ≥ 0");
    }

    internal static Tensor Shrinkage(Tensor s, double epsilon, long n) =>
        epsilon == 0 ? ones_like(s) : s / (s.square() + epsilon * (n - 1)).sqrt();

    /// <summary>
    /// The decomposition from the pair's shared bases: with ε = 0 the cross product of the bases is
    /// <see cref="PairContext.Cross"/> itself (D = 1), so CCA, SVCCA and the shape metrics of one pair share it.
    /// </summary>
    internal static Decomposition Decompose(PairContext pair, double epsilon, double? rtol)
    {
        long n = pair.X.shape[0];
        var (qx, sx) = pair.Basis(true, rtol);
        var (qy, sy) = pair.Basis(false, rtol);
        int rx = (int)qx.shape[1], ry = (int)qy.shape[1];
        int k = Math.Min(rx, ry);
        var dx = Shrinkage(sx, epsilon, n);
        var dy = Shrinkage(sy, epsilon, n);
        if (k == 0)
        {
            var empty = zeros(0, dtype: ScalarType.Float64, device: qx.device);
            return new Decomposition(qx, dx, qy, dy, empty, empty, empty, 0, rx, ry);
        }
        var m = epsilon == 0 ? pair.Cross(rtol) : (qx * dx.unsqueeze(0)).t().matmul(qy * dy.unsqueeze(0));
        var (u, s, vh) = linalg.svd(m, fullMatrices: false);
        var rho = s[..k].clamp(0.0, 1.0);
        return new Decomposition(qx, dx, qy, dy, u, rho, vh, k, rx, ry);
    }

    internal static CcaResult Summarise(double[] rho, int rankX, int rankY)
    {
        if (rho.Length == 0)
            return new CcaResult(rho, rankX, rankY, double.NaN, double.NaN);
        double sum = 0, sum2 = 0;
        foreach (var r in rho)
        {
            sum += r;
            sum2 += r * r;
        }
        return new CcaResult(rho, rankX, rankY, sum / rho.Length, sum2 / rho.Length);
    }

    /// <summary>Validates the pair and summarises its (shared) decomposition; null when an input is not finite.</summary>
    internal static CcaResult? Run(PairContext pair, double epsilon, double? rtol, string measure)
    {
        SimilarityInput.ValidatePair(pair.X, pair.Y, 2, measure);
        if (!pair.Finite)
            return null;
        using var scope = NewDisposeScope();
        var dec = pair.Decomposition(epsilon, rtol);
        return Summarise(SimilarityInput.ToArray(dec.Rho), dec.RankX, dec.RankY);
    }
}
