using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Generalised shape metric of Williams, Kunz, Kornblith &amp; Linderman (2021, "Generalized Shape Metrics on Neural
/// Representations", NeurIPS; reference implementation <c>netrep</c>), with orthogonal Procrustes distance as α = 1.
/// </summary>
/// <remarks>
/// <para><b>Formula.</b> Each representation is column-centred and scaled to unit Frobenius norm, X_n = Xc / ‖Xc‖_F.
/// It is then partially whitened, X_w = X_n ((1 − α) C + α I)^−½ with C = X_nᵀX_n (its covariance up to the constant
/// normaliser, trace 1), and scaled again to unit Frobenius norm, X̂ = X_w / ‖X_w‖_F. The narrower representation is
/// zero-padded to the wider one's width and the two are aligned by the best rotation:
/// cos θ = max_Q ⟨X̂Q, Ŷ⟩_F = ‖X̂ᵀŶ‖_* (nuclear norm), Euclidean = min_Q ‖X̂Q − Ŷ‖_F = 2 sin(θ/2),
/// angular = θ = arccos ‖X̂ᵀŶ‖_*. Both are metrics (triangle inequality holds).</para>
/// <para><b>α.</b> α = 1: no whitening — orthogonal Procrustes on centred unit-norm data. α = 0: full whitening, X̂ has
/// equal singular values, and cos θ = Σ ρ_i / √(rank X · rank Y) with ρ the canonical correlations (CCA-like).
/// In between, whitening is partial. Whitening is done through the SVD X_n = U S Vᵀ (X_w = U S((1−α)S² + α)^−½ Vᵀ), with
/// singular values ≤ rtol · s_max dropped, so at α = 0 rank-deficient inputs are whitened on their column space
/// instead of amplifying round-off (netrep clips eigenvalues at 1e−7 instead).</para>
/// <para><b>Normalisation vs netrep.</b> netrep's Euclidean score is ‖X_wQ − Y_w‖_F on variance-preserving but not
/// unit-norm data, and its partial whitening blends α + (1−α)λ^−½ on the eigenvalues; here both inputs are unit-norm (so
/// the Euclidean form lies in [0, √2] for centred data) and the blend is the paper's ((1−α)C + αI)^−½ on unit-norm data.
/// At α = 1, and at α = 0 for full-rank inputs, the angular values coincide with netrep's.</para>
/// <para><b>Invariances.</b> Any α: invariant to orthogonal transforms, isotropic scaling, translation and unit
/// permutation. α = 0 only: also invariant to any invertible linear map. For α &gt; 0 not invariant to general invertible
/// maps.</para>
/// <para><b>NaN / constant input.</b> Any NaN or ±∞ gives NaN; a constant representation gives NaN.</para>
/// <para><b>Shared work.</b> Computed through <see cref="Rankwise.Torch.Comparison.PairComparison"/>, the QR/SVD bases of
/// the centred inputs (and U_xᵀU_y) are computed once for CCA, R²CCA, SVCCA, PWCCA, Procrustes and the shape metric of one
/// pair.</para>
/// </remarks>
public sealed class ShapeMetric : IRepresentationMeasure
{
    /// <summary>Creates the metric.</summary>
    /// <param name="alpha">Regularisation in [0, 1]: 1 = orthogonal Procrustes (default), 0 = full whitening.</param>
    /// <param name="score">Angular (default) or Euclidean ground metric, returned by <see cref="Compute"/>.</param>
    /// <param name="rtol">Relative singular-value cut for the numerical rank; null for max(n, d) · 2.22e−16.</param>
    public ShapeMetric(double alpha = 1.0, ShapeMetricScore score = ShapeMetricScore.Angular, double? rtol = null)
    {
        if (!(alpha >= 0 && alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the shape-metric alpha must be in [0, 1]");
        if (!Enum.IsDefined(score))
            throw new ArgumentOutOfRangeException(nameof(score), score, "unknown ShapeMetricScore");
        CcaCore.ValidateOptions(0, rtol);
        Alpha = alpha;
        Score = score;
        RankTolerance = rtol;
    }

    /// <summary>Regularisation α in [0, 1].</summary>
    public double Alpha { get; }

    /// <summary>Which ground metric <see cref="Compute"/> returns.</summary>
    public ShapeMetricScore Score { get; }

    /// <summary>Relative rank tolerance, or null for the default.</summary>
    public double? RankTolerance { get; }

    /// <inheritdoc />
    public string Name => $"shape_metric(alpha={Alpha:R}, score={(Score == ShapeMetricScore.Angular ? "angular" : "euclidean")})";

    /// <inheritdoc />
    public bool IsDistance => true;

    /// <summary>The distance between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y] (0 = same shape).</summary>
    public double Compute(Tensor x, Tensor y)
    {
        var r = ComputeDetailed(x, y);
        return Score == ShapeMetricScore.Angular ? r.Angular : r.Euclidean;
    }

    /// <summary>Angular and Euclidean distances and the aligned cosine.</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    public ShapeMetricResult ComputeDetailed(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return ComputeDetailed(pair);
    }

    /// <summary>
    /// <see cref="ComputeDetailed(Tensor, Tensor)"/> on a pair whose bases may be shared with other measures (and whose
    /// result is shared by every metric of the pair with the same α and tolerance, e.g. Procrustes and shape at α = 1).
    /// </summary>
    internal ShapeMetricResult ComputeDetailed(PairContext pair)
    {
        SimilarityInput.ValidatePair(pair.X, pair.Y, 2, "shape metric");
        return pair.Memo(("shape", Alpha, RankTolerance), () => Evaluate(pair));
    }

    private ShapeMetricResult Evaluate(PairContext pair)
    {
        var nan = new ShapeMetricResult(double.NaN, double.NaN, double.NaN);
        if (!pair.Finite)
            return nan;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cx = Scales(pair, true);
        var cy = Scales(pair, false);
        if (cx is null || cy is null)
            return nan;
        // X̂ = U_x diag(c_x) in the right singular basis of X_n, so X̂ᵀŶ = diag(c_x) U_xᵀU_y diag(c_y) (no n-row product).
        long rx = cx.shape[0], ry = cy.shape[0], r = Math.Max(rx, ry);
        var cross = cx.unsqueeze(1) * pair.Cross(RankTolerance) * cy.unsqueeze(0);
        var (u, s, vh) = linalg.svd(nn.functional.pad(cross, [0, r - ry, 0, r - rx]), fullMatrices: true);
        var rotation = u.matmul(vh);
        var axp = nn.functional.pad(pair.Basis(true, RankTolerance).U * cx.unsqueeze(0), [0, r - rx]);
        var ayp = nn.functional.pad(pair.Basis(false, RankTolerance).U * cy.unsqueeze(0), [0, r - ry]);
        var euclidean = SimilarityInput.Frobenius(axp.matmul(rotation) - ayp);
        var packed = SimilarityInput.ToArray(stack([euclidean, s.sum()]));
        double chord = packed[0];
        double angular = 2.0 * Math.Asin(Math.Min(1.0, chord / 2.0));
        return new ShapeMetricResult(angular, chord, packed[1]);
    }

    /// <summary>
    /// The column scales of X̂ = U · diag(c) in the basis U of the centred representation: c = D / ‖D‖ with
    /// D = S((1−α)S² + α)^−½ on the singular values S of X_n = Xc / ‖Xc‖_F (those of Xc divided by ‖Xc‖_F).
    /// Null for a constant representation.
    /// </summary>
    private Tensor? Scales(PairContext pair, bool first)
    {
        var norm = SimilarityInput.Frobenius(first ? pair.Xc : pair.Yc).item<double>();
        if (!(norm > 0))
            return null;
        var s = pair.Basis(first, RankTolerance).S;
        if (s.shape[0] == 0)
            return null;
        var sn = s / norm;
        var d = sn / ((1.0 - Alpha) * sn.square() + Alpha).sqrt();
        return d / SimilarityInput.Frobenius(d);
    }
}
