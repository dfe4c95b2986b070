using Rankwise.Torch.Similarity;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// mNNO^K(X, Y) as a representation-similarity measure (Collell &amp; Moens 2018): the mean fraction of the K nearest
/// neighbours that paired items share in their own spaces; see <see cref="NeighborOverlap"/> for definitions and the
/// self convention. In [0, 1], higher = more similar.
/// </summary>
/// <remarks>
/// Invariant to anything that preserves each space's neighbour order: for cosine, per-row positive scaling and
/// orthogonal transforms; for Euclidean, translation, isotropic scaling and orthogonal transforms. Any NaN or ±∞ gives
/// NaN. Needs N ≥ K + 1 rows (N ≥ K with self included).
/// </remarks>
public sealed class MeanNeighborOverlap : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="k">Neighbourhood size K (default 10).</param>
    /// <param name="metric">Neighbour metric (default cosine).</param>
    /// <param name="includeSelf">Whether an item counts as its own neighbour (default false).</param>
    /// <param name="options">k-NN tuning options.</param>
    public MeanNeighborOverlap(int k = 10, KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false, KnnOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown KnnMetric");
        K = k;
        Metric = metric;
        IncludeSelf = includeSelf;
        Options = options ?? KnnOptions.Default;
    }

    /// <summary>Neighbourhood size.</summary>
    public int K { get; }

    /// <summary>Neighbour metric.</summary>
    public KnnMetric Metric { get; }

    /// <summary>Whether an item counts as its own neighbour.</summary>
    public bool IncludeSelf { get; }

    /// <summary>k-NN tuning options.</summary>
    public KnnOptions Options { get; }

    /// <inheritdoc />
    public string Name => $"mnno(k={K}, metric={Metric.ToString().ToLowerInvariant()}{(IncludeSelf ? ", include_self=true" : "")})";

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>mNNO^K between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    /// <exception cref="ArgumentException">Shapes invalid, rows differ, or K too large for n.</exception>
    public double Compute(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.ndim == 2 && y.ndim == 2 && x.is_floating_point() && y.is_floating_point()
            && (!KnnEngine.AllFinite(x) || !KnnEngine.AllFinite(y)))
            return double.NaN;
        return NeighborOverlap.Compute(x, y, K, Metric, IncludeSelf, Options).Mnno;
    }
}
