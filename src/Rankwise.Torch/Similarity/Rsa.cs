using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Representational similarity analysis (Kriegeskorte, Mur &amp; Bandettini 2008, "Representational similarity analysis —
/// connecting the branches of systems neuroscience", Front. Syst. Neurosci. 2:4): each representation is summarised by
/// its representational dissimilarity matrix (RDM) over the n stimuli, and the two RDMs are correlated.
/// </summary>
/// <remarks>
/// <para><b>RDMs.</b> Condensed upper triangles (pairs i &lt; j in row-major order, length m = n(n−1)/2, the layout of
/// scipy.spatial.distance.pdist) in float64: Euclidean (from the pairwise differences directly, not through a Gram
/// matrix), correlation distance 1 − Pearson(x_i, x_j) across units, cosine distance. On the CPU the RDM is computed by
/// blocks of rows, each multiplied only with the rows after it (half the flops of the full n × n product, no n × n
/// temporaries), straight into a managed array of m doubles; on other devices the full n × n matrix is formed on the
/// device and its upper triangle copied to the host. At most 65,536 stimuli (m must fit one array).</para>
/// <para><b>Comparison.</b> Spearman (default), Kendall τ_a, Kendall τ_b, Pearson or cosine, computed in managed float64
/// on the two condensed RDMs (2 × m doubles). Spearman ranks each RDM with one radix sample sort (the two concurrently,
/// the mid-ranks written over the RDM); Kendall uses Knight's O(m log m) merge-sort algorithm, so n in the thousands
/// (m in the millions) is fine.</para>
/// <para><b>Ties.</b> Before Spearman and Kendall, dissimilarities within <see cref="TieTolerance"/> · max|RDM| (default 1e−13)
/// of the smallest value of their group are made exactly equal (groups formed in ascending order). Distances that are
/// equal in exact arithmetic — common with integer-valued data such as spike counts — otherwise come out a few ulps apart
/// depending on the evaluation order and would be ranked arbitrarily. Set the tolerance to 0 for raw float comparison
/// (scipy's behaviour). Pearson and cosine comparisons use the raw values.</para>
/// <para><b>Invariances.</b> Unit permutation and isotropic scaling: always. Euclidean RDM: also orthogonal transforms and
/// translation. Cosine RDM: also orthogonal transforms, not translation. Correlation RDM: neither orthogonal transforms
/// nor translation (both change each stimulus's pattern across units), but per-stimulus affine changes of a row.
/// None of the RDMs is invariant to general invertible linear maps. Rank-based comparisons (Spearman, Kendall) add
/// invariance to any monotone transform of the dissimilarities.</para>
/// <para><b>NaN / constant input.</b> NaN anywhere in an RDM gives NaN. A constant row (stimulus) makes its correlation
/// distances NaN; an all-zero row makes its cosine distances NaN; an RDM with all entries equal gives NaN for the
/// correlation-type comparisons (0/0).</para>
/// </remarks>
public sealed class Rsa : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="metric">RDM dissimilarity; default correlation distance.</param>
    /// <param name="comparison">How the RDMs are compared; default Spearman.</param>
    /// <param name="tieTolerance">Relative tolerance for treating dissimilarities as ties in Spearman/Kendall (see remarks); 0 disables.</param>
    public Rsa(RdmMetric metric = RdmMetric.Correlation, RdmComparison comparison = RdmComparison.Spearman, double tieTolerance = DefaultTieTolerance)
    {
        ValidateTieTolerance(tieTolerance);
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown RdmMetric");
        if (!Enum.IsDefined(comparison))
            throw new ArgumentOutOfRangeException(nameof(comparison), comparison, "unknown RdmComparison");
        Metric = metric;
        Comparison = comparison;
        TieTolerance = tieTolerance;
    }

    /// <summary>Default relative tie tolerance, 1e−13.</summary>
    public const double DefaultTieTolerance = RdmStatistics.DefaultTieTolerance;

    /// <summary>Relative tie tolerance used by the rank-based comparisons.</summary>
    public double TieTolerance { get; }

    /// <summary>RDM dissimilarity.</summary>
    public RdmMetric Metric { get; }

    /// <summary>RDM comparison.</summary>
    public RdmComparison Comparison { get; }

    /// <inheritdoc />
    public string Name => $"rsa(rdm={Metric.ToString().ToLowerInvariant()}, compare={Comparison.ToString().ToLowerInvariant()})";

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>RSA between <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y] (n ≥ 3 for a meaningful comparison).</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    public double Compute(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return Compute(pair);
    }

    /// <summary><see cref="Compute(Tensor, Tensor)"/> on a pair whose float64 inputs may be shared with other measures.</summary>
    internal double Compute(PairContext pair)
    {
        SimilarityInput.ValidatePair(pair.X, pair.Y, 2, "RSA");
        var a = CondensedArray(pair.X64, Metric, pair);
        var b = CondensedArray(pair.Y64, Metric, pair);
        double value = RdmStatistics.Compare(a, b, Comparison, TieTolerance);
        pair.ReturnArray(a);
        pair.ReturnArray(b);
        return value;
    }

    /// <summary>The condensed RDM of <paramref name="x"/> [n, d]: a float64 tensor [n(n−1)/2] on x's device (caller disposes).</summary>
    /// <exception cref="ArgumentException">x is not a 2-D floating-point tensor with at least 2 rows.</exception>
    public static Tensor Rdm(Tensor x, RdmMetric metric = RdmMetric.Correlation)
    {
        SimilarityInput.ValidateSingle(x, nameof(x), 2, "RDM");
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown RdmMetric");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x64 = SimilarityInput.ToFloat64(x);
        var rdm = x64.device.type == DeviceType.CPU ? frombuffer(CondensedArray(x64, metric), ScalarType.Float64) : DenseCondensed(x64, metric);
        return rdm.MoveToOuterDisposeScope();
    }

    /// <summary>Compares two condensed RDMs (1-D tensors of equal length, e.g. from <see cref="Rdm"/> or measured data).</summary>
    /// <exception cref="ArgumentException">The RDMs are not 1-D or differ in length.</exception>
    /// <param name="a">Condensed RDM [m].</param>
    /// <param name="b">Condensed RDM [m].</param>
    /// <param name="comparison">How the RDMs are compared; default Spearman.</param>
    /// <param name="tieTolerance">Relative tolerance for treating dissimilarities as ties in Spearman/Kendall; 0 disables.</param>
    public static double CompareRdms(Tensor a, Tensor b, RdmComparison comparison = RdmComparison.Spearman, double tieTolerance = DefaultTieTolerance)
    {
        ValidateTieTolerance(tieTolerance);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.ndim != 1 || b.ndim != 1)
            throw new ArgumentException($"RDM comparison: condensed RDMs must be 1-D tensors, got shapes [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]", nameof(a));
        if (!Enum.IsDefined(comparison))
            throw new ArgumentOutOfRangeException(nameof(comparison), comparison, "unknown RdmComparison");
        double[] va, vb;
        using (var scope = NewDisposeScope())
        {
            va = SimilarityInput.ToArray(a.detach().to_type(ScalarType.Float64));
            vb = SimilarityInput.ToArray(b.detach().to_type(ScalarType.Float64));
        }
        return RdmStatistics.Compare(va, vb, comparison, tieTolerance);
    }

    private static void ValidateTieTolerance(double tieTolerance)
    {
        if (!(tieTolerance >= 0 && tieTolerance < 1e-3))
            throw new ArgumentOutOfRangeException(nameof(tieTolerance), tieTolerance, "the RDM tie tolerance must be in [0, 1e-3)");
    }

    /// <summary>
    /// The condensed RDM of float64 <paramref name="x64"/> as a managed array. On the CPU it is built from row-block
    /// products straight into the array (<see cref="CondensedProducts"/>: half the flops of the full n × n product, no
    /// n × n temporaries); elsewhere the full RDM is formed on the device and its upper triangle copied to the host.
    /// </summary>
    internal static double[] CondensedArray(Tensor x64, RdmMetric metric, PairContext? pair = null)
    {
        Func<int, double[]>? allocate = pair is null ? null : pair.RentArray;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (x64.device.type != DeviceType.CPU)
            return SimilarityInput.ToArray(DenseCondensed(x64, metric));
        if (metric == RdmMetric.Euclidean)
        {
            return CondensedProducts.Build(x64.contiguous(),
                (destination, block, rest) => destination.copy_(cdist(block, rest, 2.0, compute_mode.donot_use_mm_for_euclid_dist)),
                CondensedProducts.Transform.Identity, "RDM", allocate: allocate, cancellationToken: pair?.Cancellation ?? default);
        }
        return CondensedProducts.Build(UnitRows(x64, metric).contiguous(), CondensedProducts.InnerProducts, CondensedProducts.Transform.OneMinus, "RDM",
            allocate: allocate, cancellationToken: pair?.Cancellation ?? default);
    }

    /// <summary>The rows whose inner products give 1 − dissimilarity: centred then unit-norm rows (correlation), unit-norm rows (cosine).</summary>
    private static Tensor UnitRows(Tensor x64, RdmMetric metric)
    {
        if (metric == RdmMetric.Correlation)
        {
            var r = x64 - x64.mean([1L], keepdim: true);
            r = r - r.mean([1L], keepdim: true);
            return r / r.square().sum([1L], keepdim: true).sqrt();
        }
        return x64 / x64.square().sum([1L], keepdim: true).sqrt();
    }

    /// <summary>The condensed RDM formed from the full n × n matrix on the device of <paramref name="x64"/> (float64).</summary>
    internal static Tensor DenseCondensed(Tensor x64, RdmMetric metric)
    {
        long n = x64.shape[0];
        Tensor full;
        if (metric == RdmMetric.Euclidean)
        {
            // Direct differences (no Gram-matrix shortcut): exact for nearby values (Sterbenz), so large offsets cost
            // nothing and integer-valued data give exactly tied distances.
            full = cdist(x64, x64, 2.0, compute_mode.donot_use_mm_for_euclid_dist);
        }
        else
        {
            var z = UnitRows(x64, metric);
            full = 1.0 - z.matmul(z.t());
        }
        // The strict upper triangle in row-major order (as scipy's pdist / squareform), via a boolean mask (n² bytes)
        // rather than 2 × n(n−1)/2 int64 indices.
        using var upper = ones(n, n, ScalarType.Bool, device: x64.device).triu_(1);
        return full.masked_select(upper);
    }
}
