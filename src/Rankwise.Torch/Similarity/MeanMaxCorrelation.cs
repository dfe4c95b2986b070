using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// The naive unit-similarity score mean_i max_j |C_ij| over the unit cross-correlation matrix C [d_x, d_y]: for every unit
/// of x, the best absolute correlation with any unit of y, averaged.
/// </summary>
/// <remarks>
/// <para><b>Not one-to-one.</b> Many units of x may pick the same unit of y, so one well-matched unit can make the whole
/// score high while most of y is unrelated — e.g. x = [[0,3,6],[1,4,7],[2,5,8]], y = [[6,0,0],[7,−1,−123],[8,0,1000]]
/// scores 1 although only one unit of y resembles x. Use <see cref="UnitMatching"/> (an optimal one-to-one assignment)
/// for a score that respects unit identity. Not symmetric in x and y.</para>
/// <para><b>Invariances.</b> Unit permutation, translation, isotropic and per-unit scaling, unit sign flips (and, with
/// Spearman, monotone per-unit transforms); not orthogonal transforms or general linear maps.</para>
/// <para><b>NaN / constant input.</b> A constant or NaN-containing unit makes its correlations NaN, and the score NaN.</para>
/// </remarks>
public sealed class MeanMaxCorrelation : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="method">Pearson (default) or Spearman unit correlations.</param>
    public MeanMaxCorrelation(UnitCorrelation method = UnitCorrelation.Pearson)
    {
        if (!Enum.IsDefined(method))
            throw new ArgumentOutOfRangeException(nameof(method), method, "unknown UnitCorrelation");
        Method = method;
    }

    /// <summary>Unit correlation method.</summary>
    public UnitCorrelation Method { get; }

    /// <inheritdoc />
    public string Name => $"mean_max_correlation({Method.ToString().ToLowerInvariant()})";

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>mean_i max_j |C_ij| for <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    public double Compute(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return Compute(pair);
    }

    /// <summary><see cref="Compute(Tensor, Tensor)"/> on a pair whose correlation matrix may be shared with <see cref="UnitMatching"/>.</summary>
    internal double Compute(PairContext pair)
    {
        using var scope = NewDisposeScope();
        return UnitCorrelations.NaiveScore(UnitCorrelations.SharedCrossCorrelation(pair, Method));
    }
}
