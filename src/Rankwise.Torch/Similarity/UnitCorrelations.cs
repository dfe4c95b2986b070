using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Unit-by-unit cross-correlation matrices between two representations, computed on the inputs' device as one matrix
/// product of standardised columns.
/// </summary>
/// <remarks>
/// <para><b>Formula.</b> C = Z_xᵀ Z_y [d_x, d_y] where Z has the columns of x (or of their mid-ranks, for Spearman)
/// centred and scaled to unit Euclidean norm, so C_ij = Pearson(x_:i, y_:j) (or Spearman). This is the off-diagonal
/// block of numpy.corrcoef(x.T, y.T) / scipy.stats.spearmanr(x, y).</para>
/// <para><b>Ranking</b> happens on the device: each column is sorted and its tie groups are located with searchsorted,
/// so ties get the average of the ranks they span (scipy.stats.rankdata 'average').</para>
/// <para><b>NaN / constant input.</b> A constant column has zero norm after centring, so its row (or column) of C is NaN.
/// A column containing NaN gives a NaN row (column) of C; ±∞ behaves the same for Pearson.</para>
/// </remarks>
public static class UnitCorrelations
{
    /// <summary>
    /// The [d_x, d_y] float64 cross-correlation matrix on the inputs' device (caller disposes).
    /// </summary>
    /// <param name="x">Representation [n, d_x].</param>
    /// <param name="y">Representation [n, d_y] of the same n stimuli.</param>
    /// <param name="method">Pearson (default) or Spearman.</param>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    public static Tensor CrossCorrelation(Tensor x, Tensor y, UnitCorrelation method = UnitCorrelation.Pearson)
    {
        using var pair = new PairContext(x, y);
        using var scope = NewDisposeScope();
        return SharedCrossCorrelation(pair, method).clone().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="CrossCorrelation(Tensor, Tensor, UnitCorrelation)"/> of a pair, computed once per method and owned by
    /// the pair (callers must not dispose or modify it).
    /// </summary>
    internal static Tensor SharedCrossCorrelation(PairContext pair, UnitCorrelation method)
    {
        SimilarityInput.ValidatePair(pair.X, pair.Y, 2, "unit cross-correlation");
        if (!Enum.IsDefined(method))
            throw new ArgumentOutOfRangeException(nameof(method), method, "unknown UnitCorrelation");
        return pair.Memo(("unit-correlation", method), () => pair.Make(() =>
        {
            var zx = Standardised(pair.X64, method);
            var zy = Standardised(pair.Y64, method);
            return zx.t().matmul(zy).clamp(-1.0, 1.0);
        }));
    }

    /// <summary>The naive many-to-one score mean_i max_j |C_ij| of <see cref="CrossCorrelation"/> (see <see cref="MeanMaxCorrelation"/>).</summary>
    internal static double NaiveScore(Tensor c) => c.abs().max(1).values.mean().item<double>();

    /// <summary>Columns centred and scaled to unit norm; NaN columns stay NaN.</summary>
    private static Tensor Standardised(Tensor x64, UnitCorrelation method)
    {
        var nanColumns = x64.isnan().any(0).unsqueeze(0);
        var values = method == UnitCorrelation.Spearman ? MidRankColumns(x64) : x64;
        var c = SimilarityInput.Centre(values);
        var z = c / c.square().sum([0L], keepdim: true).sqrt();
        return z.masked_fill(nanColumns, double.NaN);
    }

    /// <summary>Average ranks 1..n of each column (ties share the mean rank), computed on the device.</summary>
    internal static Tensor MidRankColumns(Tensor x64)
    {
        var rows = x64.t().contiguous();
        var (sorted, order) = rows.sort(1);
        var left = searchsorted(sorted, sorted, right: false);
        var right = searchsorted(sorted, sorted, right: true);
        var mid = (left + right + 1).to_type(ScalarType.Float64) / 2.0;
        var ranks = zeros_like(mid).scatter(1, order, mid);
        return ranks.t();
    }
}
