namespace Rankwise.Torch.Neighbors;

/// <summary>Nearest-neighbour overlap of paired representations at one K (Collell &amp; Moens 2018).</summary>
/// <param name="K">Neighbourhood size.</param>
/// <param name="Metric">Neighbour metric.</param>
/// <param name="IncludeSelf">Whether items were their own neighbours (see <see cref="NeighborOverlap"/>).</param>
/// <param name="PerItem">NNO^K(v_i, z_i) for every item, in [0, K].</param>
/// <param name="Mnno">mNNO^K = Σ NNO / (K·N), in [0, 1].</param>
/// <param name="Jaccard">Mean Jaccard overlap of the neighbour sets, mean_i o_i/(2K − o_i).</param>
public sealed record NnoResult(int K, KnnMetric Metric, bool IncludeSelf, int[] PerItem, double Mnno, double Jaccard);

/// <summary>mNNO and mean Jaccard overlap over several neighbourhood sizes, from one k-NN search per space.</summary>
/// <param name="Ks">The neighbourhood sizes, as requested.</param>
/// <param name="Mnno">mNNO^k for each entry of <paramref name="Ks"/>.</param>
/// <param name="Jaccard">Mean Jaccard overlap for each entry of <paramref name="Ks"/>.</param>
/// <param name="Metric">Neighbour metric.</param>
/// <param name="IncludeSelf">Whether items were their own neighbours.</param>
public sealed record NnoCurve(int[] Ks, double[] Mnno, double[] Jaccard, KnnMetric Metric, bool IncludeSelf);
