using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

#pragma warning disable CS8981 // lower-case type name on purpose: it mirrors torch.nn.functional
/// <summary>
/// Functional forms of the neighbour tools, named as in the literature and the Python reference code
/// (e.g. <c>functional.mnno(v, z, 10)</c>, <c>functional.mutual_knn(a, b, 10)</c>). Thin wrappers over
/// <see cref="ExactKnn"/>, <see cref="NeighborOverlap"/> and <see cref="MappingNeighborhood"/>, which document the
/// definitions, tie rule and self convention.
/// </summary>
public static class functional
#pragma warning restore CS8981
{
    /// <summary>Exact k-NN of every row of x [n, d] among the rows of x; see <see cref="ExactKnn.SelfQuery"/>.</summary>
    public static KnnResult knn(Tensor x, int k, KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false) =>
        new ExactKnn(metric).SelfQuery(x, k, includeSelf);

    /// <summary>Exact k-NN of every query row [m, d] among the rows of data [n, d]; see <see cref="ExactKnn.Query"/>.</summary>
    public static KnnResult knn(Tensor queries, Tensor data, int k, KnnMetric metric = KnnMetric.Cosine) =>
        new ExactKnn(metric).Query(queries, data, k);

    /// <summary>NNO^K(v_i, z_i) per item (Collell &amp; Moens 2018); see <see cref="NeighborOverlap.Compute"/>.</summary>
    public static int[] nno(Tensor v, Tensor z, int k = 10, KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false) =>
        NeighborOverlap.Compute(v, z, k, metric, includeSelf).PerItem;

    /// <summary>mNNO^K(V, Z) = Σ NNO / (K·N) (Collell &amp; Moens 2018); see <see cref="NeighborOverlap.Compute"/>.</summary>
    public static double mnno(Tensor v, Tensor z, int k = 10, KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false) =>
        NeighborOverlap.Compute(v, z, k, metric, includeSelf).Mnno;

    /// <summary>mNNO for several K from one k-NN search per space; see <see cref="NeighborOverlap.ComputeCurve"/>.</summary>
    public static NnoCurve mnno_curve(Tensor v, Tensor z, IReadOnlyList<int> ks, KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false) =>
        NeighborOverlap.ComputeCurve(v, z, ks, metric, includeSelf);

    /// <summary>Mutual k-NN alignment (Huh et al. 2024); see <see cref="NeighborOverlap.MutualKnn"/>.</summary>
    public static double mutual_knn(Tensor a, Tensor b, int topk, bool normalize = true) =>
        NeighborOverlap.MutualKnn(a, b, topk, normalize);

    /// <summary>Mean Jaccard overlap of the K-NN sets of paired items; see <see cref="NeighborOverlap"/>.</summary>
    public static double knn_jaccard(Tensor v, Tensor z, int k = 10, KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false) =>
        NeighborOverlap.Compute(v, z, k, metric, includeSelf).Jaccard;

    /// <summary>The three-way mapping report mNNO(X, f(X)), mNNO(Y, f(X)), mNNO(X, Y) with paired tests; see <see cref="MappingNeighborhood.Compare"/>.</summary>
    public static MappingNeighborhoodReport mapping_report(Tensor x, Tensor y, Tensor fx, int k = 10, KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false) =>
        MappingNeighborhood.Compare(x, y, fx, k, metric, includeSelf);
}
