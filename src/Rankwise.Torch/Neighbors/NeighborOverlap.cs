using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// Overlap of the nearest-neighbour sets of paired items in two spaces: Collell &amp; Moens' nearest-neighbour overlap
/// (NNO, mNNO), Huh et al.'s mutual k-NN alignment, and the Jaccard overlap of the neighbour sets.
/// </summary>
/// <remarks>
/// <para><b>Definitions.</b> Items i = 1…N have representations v_i (rows of V [N, d_v]) and z_i (rows of Z [N, d_z]);
/// the widths may differ. With N_K(v_i) the indices of the K nearest neighbours of v_i among the rows of V (likewise
/// for Z), NNO^K(v_i, z_i) = |N_K(v_i) ∩ N_K(z_i)| and mNNO^K(V, Z) = (1/(K·N)) Σ_i NNO^K(v_i, z_i), in [0, 1]
/// (Collell &amp; Moens 2018, "Do Neural Network Cross-Modal Mappings Really Bridge Modalities?", ACL, Section 3;
/// K = 10 and cosine neighbours in their tables).</para>
/// <para><b>Self.</b> With <c>includeSelf: false</c> (default) item i is excluded from its own neighbour lists, so the K
/// neighbours are K other items. With <c>includeSelf: true</c> the lists come from a k-NN fitted and queried on the same
/// set, as in the authors' evaluation code, so an item is (normally) its own first neighbour in both spaces: the list
/// holds itself plus K − 1 others, and the shared self always counts, giving NNO^K_incl = 1 + NNO^{K−1}_excl and
/// mNNO^K_incl = (1 + (K − 1)·mNNO^{K−1}_excl)/K ≥ 1/K. (This holds whenever each item is its own first neighbour;
/// it can fail only where another row is at least as near as the item itself: an exact duplicate with a lower index,
/// for cosine also a positive multiple, for inner products any row with a larger projection.)</para>
/// <para><b>Mutual k-NN (Huh, Cheung, Wang &amp; Isola 2024, "The Platonic Representation Hypothesis", ICML).</b>
/// mean_i |N_k(a_i) ∩ N_k(b_i)| / k with neighbours by inner product of the (L2-normalised) features and self excluded:
/// for normalised features this is mNNO^k with cosine neighbours and self excluded — the same number.
/// <see cref="MutualKnn"/> implements their definition (normalise, then inner-product neighbours, self excluded); it
/// differs from their code only where they break ties arbitrarily (unstable argsort) and ours by index.</para>
/// <para><b>Jaccard.</b> mean_i |A_i ∩ B_i| / |A_i ∪ B_i| = mean_i o_i / (2K − o_i) for lists of equal size K.</para>
/// <para><b>Order.</b> Neighbour lists come from <see cref="ExactKnn"/> (exact scores, ties by lower index), so results
/// are deterministic and a curve over several K is computed from one k-NN search at the largest K.</para>
/// </remarks>
public static class NeighborOverlap
{
    /// <summary>
    /// NNO^k per item: |first k neighbours of row i in <paramref name="a"/> ∩ first k neighbours of row i in
    /// <paramref name="b"/>|, for every row.
    /// </summary>
    /// <param name="a">Neighbour lists in the first space.</param>
    /// <param name="b">Neighbour lists of the same items in the second space (same number of queries and base rows).</param>
    /// <param name="k">Neighbourhood size, 1 ≤ k ≤ min(a.K, b.K).</param>
    /// <returns>Counts in [0, k], one per query row.</returns>
    /// <exception cref="ArgumentException">The results do not describe the same items, or k is out of range.</exception>
    public static int[] PerItem(KnnResult a, KnnResult b, int k)
    {
        CheckPair(a, b, k);
        var counts = new int[a.Queries];
        ForEachRow(a, b, k, (i, ranks) =>
        {
            int c = 0;
            foreach (int r in ranks)
                if (r < k) c++;
            counts[i] = c;
        });
        return counts;
    }

    /// <summary>mNNO^k = Σ_i NNO^k_i / (k·N) (Collell &amp; Moens 2018).</summary>
    /// <param name="a">Neighbour lists in the first space.</param>
    /// <param name="b">Neighbour lists of the same items in the second space.</param>
    /// <param name="k">Neighbourhood size, 1 ≤ k ≤ min(a.K, b.K).</param>
    /// <returns>mNNO^k in [0, 1].</returns>
    public static double Mean(KnnResult a, KnnResult b, int k)
    {
        long sum = 0;
        foreach (int c in PerItem(a, b, k))
            sum += c;
        return (double)sum / ((double)k * a.Queries);
    }

    /// <summary>Mean Jaccard overlap mean_i o_i / (2k − o_i) of the first k neighbours.</summary>
    /// <param name="a">Neighbour lists in the first space.</param>
    /// <param name="b">Neighbour lists of the same items in the second space.</param>
    /// <param name="k">Neighbourhood size, 1 ≤ k ≤ min(a.K, b.K).</param>
    /// <returns>Mean Jaccard index in [0, 1].</returns>
    public static double Jaccard(KnnResult a, KnnResult b, int k)
    {
        double sum = 0;
        foreach (int o in PerItem(a, b, k))
            sum += (double)o / (2 * k - o);
        return sum / a.Queries;
    }

    /// <summary>
    /// mNNO^k for several k from one pair of neighbour lists computed at (at least) the largest k: for every item the
    /// rank at which each shared neighbour enters both lists is found once, so the whole curve costs one pass.
    /// </summary>
    /// <param name="a">Neighbour lists in the first space.</param>
    /// <param name="b">Neighbour lists of the same items in the second space.</param>
    /// <param name="ks">Neighbourhood sizes, each in [1, min(a.K, b.K)], any order.</param>
    /// <returns>The curve, in the order of <paramref name="ks"/>.</returns>
    public static NnoCurve Curve(KnnResult a, KnnResult b, IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(ks);
        if (ks.Count == 0)
            throw new ArgumentException("mNNO curve: at least one k is needed", nameof(ks));
        int kMax = ks.Max();
        CheckPair(a, b, kMax);
        if (ks.Min() < 1)
            throw new ArgumentOutOfRangeException(nameof(ks), ks.Min(), "mNNO curve: every k must be at least 1");
        // perRank[i, r]: number of shared neighbours of item i whose later position in the two lists is r.
        var perRank = new int[a.Queries, kMax];
        ForEachRow(a, b, kMax, (i, ranks) =>
        {
            foreach (int r in ranks)
                perRank[i, r]++;
        });
        var mnno = new double[ks.Count];
        var jaccard = new double[ks.Count];
        for (int t = 0; t < ks.Count; t++)
        {
            int k = ks[t];
            long total = 0;
            double jac = 0;
            for (int i = 0; i < a.Queries; i++)
            {
                int o = 0;
                for (int r = 0; r < k; r++)
                    o += perRank[i, r];
                total += o;
                jac += (double)o / (2 * k - o);
            }
            mnno[t] = (double)total / ((double)k * a.Queries);
            jaccard[t] = jac / a.Queries;
        }
        return new NnoCurve([.. ks], mnno, jaccard, a.Metric, a.IncludesSelf);
    }

    /// <summary>
    /// NNO^k per item and mNNO^k(V, Z) for paired representations of the same N items (Collell &amp; Moens 2018).
    /// </summary>
    /// <param name="v">First representation [N, d_v] (any floating type and device).</param>
    /// <param name="z">Second representation [N, d_z] of the same items, in the same order (its own device).</param>
    /// <param name="k">Neighbourhood size K (default 10, as in the paper's tables).</param>
    /// <param name="metric">Neighbour metric (default cosine; the paper reports cosine and Euclidean).</param>
    /// <param name="includeSelf">False (default): K other items. True: the authors' evaluation (self + K − 1 others).</param>
    /// <param name="options">k-NN tuning options.</param>
    /// <param name="cancellationToken">Cancels the k-NN searches.</param>
    /// <returns>Per-item counts, mNNO and mean Jaccard.</returns>
    /// <exception cref="ArgumentException">Row counts differ, k out of range, NaN/∞ input.</exception>
    public static NnoResult Compute(Tensor v, Tensor z, int k = 10, KnnMetric metric = KnnMetric.Cosine,
        bool includeSelf = false, KnnOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (a, b) = Neighbours(v, z, k, metric, includeSelf, options, cancellationToken);
        var perItem = PerItem(a, b, k);
        long sum = 0;
        double jac = 0;
        foreach (int o in perItem)
        {
            sum += o;
            jac += (double)o / (2 * k - o);
        }
        return new NnoResult(k, metric, includeSelf, perItem, (double)sum / ((double)k * perItem.Length), jac / perItem.Length);
    }

    /// <summary>mNNO^k(V, Z) for several k from one k-NN search per space at the largest k.</summary>
    /// <param name="v">First representation [N, d_v].</param>
    /// <param name="z">Second representation [N, d_z] of the same items.</param>
    /// <param name="ks">Neighbourhood sizes.</param>
    /// <param name="metric">Neighbour metric (default cosine).</param>
    /// <param name="includeSelf">Whether an item is its own neighbour (see the class remarks).</param>
    /// <param name="options">k-NN tuning options.</param>
    /// <param name="cancellationToken">Cancels the k-NN searches.</param>
    /// <returns>The curve, in the order of <paramref name="ks"/>.</returns>
    public static NnoCurve ComputeCurve(Tensor v, Tensor z, IReadOnlyList<int> ks, KnnMetric metric = KnnMetric.Cosine,
        bool includeSelf = false, KnnOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ks);
        if (ks.Count == 0)
            throw new ArgumentException("mNNO curve: at least one k is needed", nameof(ks));
        var (a, b) = Neighbours(v, z, ks.Max(), metric, includeSelf, options, cancellationToken);
        return Curve(a, b, ks);
    }

    /// <summary>
    /// Mutual k-NN alignment of Huh et al. (2024): mean_i |N_k(a_i) ∩ N_k(b_i)| / k, neighbours by inner product of
    /// the features — L2-normalised first when <paramref name="normalize"/> (their pipeline; then it equals cosine
    /// mNNO^k with self excluded) — with each item excluded from its own list.
    /// </summary>
    /// <param name="a">Features [N, d_a].</param>
    /// <param name="b">Features [N, d_b] of the same items.</param>
    /// <param name="topk">k, 1 ≤ k ≤ N − 1.</param>
    /// <param name="normalize">L2-normalise rows first (default true); false uses raw inner products, as their
    /// <c>mutual_knn</c> does on whatever features it is given.</param>
    /// <param name="options">k-NN tuning options.</param>
    /// <param name="cancellationToken">Cancels the k-NN searches.</param>
    /// <returns>The alignment in [0, 1].</returns>
    public static double MutualKnn(Tensor a, Tensor b, int topk, bool normalize = true, KnnOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var metric = normalize ? KnnMetric.Cosine : KnnMetric.InnerProduct;
        var (na, nb) = Neighbours(a, b, topk, metric, includeSelf: false, options, cancellationToken);
        return Mean(na, nb, topk);
    }

    internal static (KnnResult A, KnnResult B) Neighbours(Tensor v, Tensor z, int k, KnnMetric metric, bool includeSelf,
        KnnOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(z);
        if (v.ndim == 2 && z.ndim == 2 && v.shape[0] != z.shape[0])
            throw new ArgumentException($"neighbour overlap: v and z must describe the same items (rows): v has {v.shape[0]} rows, z has {z.shape[0]}", nameof(z));
        var knn = new ExactKnn(metric, options);
        var a = knn.SelfQuery(v, k, includeSelf, cancellationToken);
        var b = knn.SelfQuery(z, k, includeSelf, cancellationToken);
        return (a, b);
    }

    private static void CheckPair(KnnResult a, KnnResult b, int k)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Queries != b.Queries || a.BaseCount != b.BaseCount)
            throw new ArgumentException(
                $"neighbour overlap: the two results must describe the same items: {a.Queries} queries over {a.BaseCount} rows vs {b.Queries} over {b.BaseCount}", nameof(b));
        if (k < 1 || k > Math.Min(a.K, b.K))
            throw new ArgumentOutOfRangeException(nameof(k), k, $"neighbour overlap: k must be in [1, {Math.Min(a.K, b.K)}] (the neighbours computed)");
    }

    /// <summary>
    /// For every row, the list of max(position in a, position in b) over neighbours shared by the first
    /// <paramref name="k"/> entries of both lists (a neighbour counts for every k' greater than that position).
    /// </summary>
    private static void ForEachRow(KnnResult a, KnnResult b, int k, Action<int, ReadOnlySpan<int>> body)
    {
        int rows = a.Queries;
        Parallel.For(0, rows, () => (Position: new int[a.BaseCount], Ranks: new int[k]), (i, _, local) =>
        {
            var pos = local.Position;
            var na = a.NeighborsOf(i)[..k];
            var nb = b.NeighborsOf(i)[..k];
            for (int p = 0; p < k; p++)
                pos[na[p]] = p + 1;
            int shared = 0;
            for (int p = 0; p < k; p++)
            {
                int pa = pos[nb[p]];
                if (pa > 0)
                    local.Ranks[shared++] = Math.Max(pa - 1, p);
            }
            for (int p = 0; p < k; p++)
                pos[na[p]] = 0;
            body(i, local.Ranks.AsSpan(0, shared));
            return local;
        }, _ => { });
    }
}
