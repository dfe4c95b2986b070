using Rankwise.Inference;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>Which space the neighbourhoods of mapped vectors f(X) resemble more (see <see cref="MappingNeighborhood"/>).</summary>
public enum MappingNeighborhoodVerdict
{
    /// <summary>NNO(X, f(X)) is significantly larger than NNO(Y, f(X)): f(X) keeps the input's neighbourhood structure.</summary>
    CloserToInput,

    /// <summary>NNO(Y, f(X)) is significantly larger than NNO(X, f(X)): f(X) has taken on the target's structure.</summary>
    CloserToTarget,

    /// <summary>No significant difference at the chosen level (or no non-zero difference at all).</summary>
    NoSignificantDifference,
}

/// <summary>
/// The three-way neighbourhood report of a mapping f: X → Y (Collell &amp; Moens 2018): mNNO(X, f(X)), mNNO(Y, f(X)),
/// mNNO(X, Y), per-item overlaps, and paired tests over items of whether f(X) is closer to X or to Y.
/// </summary>
/// <param name="N">Number of items.</param>
/// <param name="K">Neighbourhood size.</param>
/// <param name="Metric">Neighbour metric.</param>
/// <param name="IncludeSelf">Whether items were their own neighbours (see <see cref="NeighborOverlap"/>).</param>
/// <param name="MnnoXFx">mNNO^K(X, f(X)): how much the mapping preserves the input's neighbourhoods.</param>
/// <param name="MnnoYFx">mNNO^K(Y, f(X)): how well the mapped vectors reproduce the target's neighbourhoods.</param>
/// <param name="MnnoXY">mNNO^K(X, Y): the baseline overlap of input and target spaces.</param>
/// <param name="NnoXFx">NNO^K(x_i, f(x_i)) per item.</param>
/// <param name="NnoYFx">NNO^K(y_i, f(x_i)) per item.</param>
/// <param name="NnoXY">NNO^K(x_i, y_i) per item.</param>
/// <param name="Wilcoxon">Two-sided Wilcoxon signed-rank test (scipy defaults: zero_method 'wilcox', method 'auto') on
/// d_i = NNO(X, f(X))_i − NNO(Y, f(X))_i; null when every d_i is 0 (scipy raises then).</param>
/// <param name="SignFlip">Sign-flip permutation test of mean(d) (scipy's permutation_test with permutation_type='samples'
/// on one sample), exact when 2^N ≤ resamples.</param>
/// <param name="Alpha">The significance level of <paramref name="Verdict"/>.</param>
/// <param name="Verdict">From the Wilcoxon test: significant at <paramref name="Alpha"/> with R⁺ &gt; R⁻ means closer to
/// the input, with R⁺ &lt; R⁻ closer to the target.</param>
/// <param name="Warnings">Warnings of the tests, e.g. the normal approximation used because of zero differences.</param>
public sealed record MappingNeighborhoodReport(
    int N,
    int K,
    KnnMetric Metric,
    bool IncludeSelf,
    double MnnoXFx,
    double MnnoYFx,
    double MnnoXY,
    int[] NnoXFx,
    int[] NnoYFx,
    int[] NnoXY,
    WilcoxonResult? Wilcoxon,
    PermutationTestResult SignFlip,
    double Alpha,
    MappingNeighborhoodVerdict Verdict,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Does a cross-modal mapping f: X → Y bridge the modalities? Collell &amp; Moens (2018, "Do Neural Network Cross-Modal
/// Mappings Really Bridge Modalities?", ACL) compare the neighbourhood structure of the mapped vectors f(X) with that of
/// the input X and of the target Y by mNNO^K (K = 10): in their experiments mNNO(X, f(X)) &gt; mNNO(Y, f(X)), i.e. the
/// mapped vectors keep the input's structure. This computes the three overlaps from three k-NN searches (X, Y and f(X),
/// each in its own space, any widths) and tests, over items, whether f(X) is closer to X or to Y.
/// </summary>
/// <remarks>
/// Rows of x, y and fx are the same N items in the same order: x_i is the input, y_i its paired target, fx_i = f(x_i).
/// Neighbours as in <see cref="NeighborOverlap"/> (exact, ties by index). The paired tests use the per-item
/// differences d_i = NNO(x_i, f(x_i)) − NNO(y_i, f(x_i)), which are integers with many ties and zeros, so the Wilcoxon
/// test normally uses its tie-corrected normal approximation; the sign-flip permutation test of the mean is given as
/// a check that makes no such approximation.
/// </remarks>
public static class MappingNeighborhood
{
    /// <summary>Computes the three-way report.</summary>
    /// <param name="x">Inputs X [N, d_x].</param>
    /// <param name="y">Targets Y [N, d_y], paired with the inputs.</param>
    /// <param name="fx">Mapped inputs f(X) [N, d_f] (usually d_f = d_y).</param>
    /// <param name="k">Neighbourhood size (default 10).</param>
    /// <param name="metric">Neighbour metric (default cosine).</param>
    /// <param name="includeSelf">False (default): K other items; true: the authors' evaluation (self + K − 1 others).</param>
    /// <param name="alpha">Significance level of the verdict (default 0.05).</param>
    /// <param name="permutation">Options of the sign-flip test (resamples, seed); null for the defaults (9999, seed 0).</param>
    /// <param name="knnOptions">k-NN tuning options.</param>
    /// <param name="cancellationToken">Cancels the searches and the permutation test.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">Row counts differ, N &lt; 2, k out of range, alpha not in (0, 1), NaN/∞ input.</exception>
    public static MappingNeighborhoodReport Compare(Tensor x, Tensor y, Tensor fx, int k = 10,
        KnnMetric metric = KnnMetric.Cosine, bool includeSelf = false, double alpha = 0.05,
        PermutationOptions? permutation = null, KnnOptions? knnOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(fx);
        if (!(alpha > 0 && alpha < 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "mapping report: alpha must be in (0, 1)");
        foreach (var (t, name) in new[] { (x, nameof(x)), (y, nameof(y)), (fx, nameof(fx)) })
            if (t.ndim != 2)
                throw new ArgumentException($"mapping report: {name} must be a 2-D tensor [items, features], got shape [{string.Join(", ", t.shape)}]", name);
        long n = x.shape[0];
        if (y.shape[0] != n || fx.shape[0] != n)
            throw new ArgumentException($"mapping report: x, y and fx must have the same rows (items), got {n}, {y.shape[0]} and {fx.shape[0]}", nameof(fx));
        if (n < 2)
            throw new ArgumentException($"mapping report: at least 2 items are needed, got {n}", nameof(x));

        var knn = new ExactKnn(metric, knnOptions);
        var nx = knn.SelfQuery(x, k, includeSelf, cancellationToken);
        var ny = knn.SelfQuery(y, k, includeSelf, cancellationToken);
        var nf = knn.SelfQuery(fx, k, includeSelf, cancellationToken);
        return FromNeighbors(nx, ny, nf, k, alpha, permutation, cancellationToken);
    }

    /// <summary>
    /// Computes the three-way report from the k-NN lists of the three spaces, already computed (e.g. by
    /// <see cref="StreamingKnn"/> for data larger than memory); the same report as <see cref="Compare(Tensor, Tensor, Tensor, int, KnnMetric, bool, double, PermutationOptions?, KnnOptions?, CancellationToken)"/>
    /// when the lists come from <see cref="ExactKnn.SelfQuery"/>.
    /// </summary>
    /// <param name="nx">Self-query neighbours of the inputs X [N, ≥ k].</param>
    /// <param name="ny">Self-query neighbours of the targets Y [N, ≥ k].</param>
    /// <param name="nf">Self-query neighbours of the mapped inputs f(X) [N, ≥ k].</param>
    /// <param name="k">Neighbourhood size, at most the lists' K (default 10).</param>
    /// <param name="alpha">Significance level of the verdict (default 0.05).</param>
    /// <param name="permutation">Options of the sign-flip test; null for the defaults (9999, seed 0).</param>
    /// <param name="cancellationToken">Cancels the permutation test.</param>
    /// <returns>The report (metric and self convention taken from the lists).</returns>
    /// <exception cref="ArgumentException">The lists are not self-queries of the same N items with the same metric and self
    /// convention, k exceeds their K, N &lt; 2, or alpha is not in (0, 1).</exception>
    public static MappingNeighborhoodReport FromNeighbors(KnnResult nx, KnnResult ny, KnnResult nf, int k = 10, double alpha = 0.05,
        PermutationOptions? permutation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nx);
        ArgumentNullException.ThrowIfNull(ny);
        ArgumentNullException.ThrowIfNull(nf);
        if (!(alpha > 0 && alpha < 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "mapping report: alpha must be in (0, 1)");
        foreach (var (r, name) in new[] { (nx, nameof(nx)), (ny, nameof(ny)), (nf, nameof(nf)) })
        {
            if (!r.IsSelfQuery)
                throw new ArgumentException($"mapping report: {name} must be a self-query", name);
            if (r.Queries != nx.Queries || r.Metric != nx.Metric || r.IncludesSelf != nx.IncludesSelf)
                throw new ArgumentException($"mapping report: {name} must have the same items, metric and self convention as nx", name);
            if (k < 1 || k > r.K)
                throw new ArgumentOutOfRangeException(nameof(k), k, $"mapping report: k must be in [1, {r.K}] for {name}");
        }
        int n = nx.Queries;
        if (n < 2)
            throw new ArgumentException($"mapping report: at least 2 items are needed, got {n}", nameof(nx));
        int[] xf = NeighborOverlap.PerItem(nx, nf, k);
        int[] yf = NeighborOverlap.PerItem(ny, nf, k);
        int[] xy = NeighborOverlap.PerItem(nx, ny, k);

        var d = new double[n];
        for (int i = 0; i < n; i++)
            d[i] = xf[i] - yf[i];
        var warnings = new List<string>();
        WilcoxonResult? wilcoxon = null;
        if (d.Any(v => v != 0))
        {
            wilcoxon = WilcoxonSignedRank.TestDifferences(d);
            warnings.AddRange(wilcoxon.Warnings.Select(w => "wilcoxon: " + w));
        }
        else
        {
            warnings.Add("every item has NNO(X, f(X)) = NNO(Y, f(X)); the Wilcoxon test is undefined (no non-zero difference)");
        }
        var signFlip = PermutationTest.SignFlip(d, MeanOf, permutation, cancellationToken);
        warnings.AddRange(signFlip.Warnings.Select(w => "sign-flip test: " + w));

        var verdict = MappingNeighborhoodVerdict.NoSignificantDifference;
        if (wilcoxon is not null && wilcoxon.PValue < alpha)
        {
            if (wilcoxon.RPlus > wilcoxon.RMinus)
                verdict = MappingNeighborhoodVerdict.CloserToInput;
            else if (wilcoxon.RPlus < wilcoxon.RMinus)
                verdict = MappingNeighborhoodVerdict.CloserToTarget;
        }
        return new MappingNeighborhoodReport(n, k, nx.Metric, nx.IncludesSelf,
            Mean(xf, k), Mean(yf, k), Mean(xy, k), xf, yf, xy, wilcoxon, signFlip, alpha, verdict, warnings);
    }

    private static double MeanOf(ReadOnlySpan<double> values)
    {
        double s = 0;
        foreach (double v in values)
            s += v;
        return s / values.Length;
    }

    private static double Mean(int[] counts, int k)
    {
        long s = 0;
        foreach (int c in counts)
            s += c;
        return (double)s / ((double)k * counts.Length);
    }
}
