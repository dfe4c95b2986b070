using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

#pragma warning disable CS8981 // lower-case type name on purpose: it mirrors torch.nn.functional
/// <summary>
/// Functional forms of the representation-similarity measures, named as in the literature and in the Python reference
/// code (e.g. <c>functional.linear_cka(x, y)</c>). Each is a thin wrapper over the measure class documented in the
/// <c>see</c> reference, which describes formula, invariances and NaN behaviour.
/// Inputs: x [n, d_x], y [n, d_y], rows = the same n stimuli, float32 or float64, one device; computed in float64 there
/// (linear CKA of two float32 inputs: float32 block products summed in float64 unless <see cref="CkaPrecision.Float64"/>).
/// </summary>
public static class functional
#pragma warning restore CS8981
{
    /// <summary>Linear CKA (Kornblith et al. 2019); see <see cref="LinearCka"/>.</summary>
    public static double linear_cka(Tensor x, Tensor y, LinearCkaForm form = LinearCkaForm.Auto, CkaPrecision precision = CkaPrecision.Auto) =>
        LinearCka.Evaluate(x, y, form, debiased: false, precision);

    /// <summary>Debiased linear CKA with the unbiased HSIC estimator (Song et al. 2012), n ≥ 4; see <see cref="LinearCka"/>.</summary>
    public static double debiased_cka(Tensor x, Tensor y, LinearCkaForm form = LinearCkaForm.Auto) =>
        LinearCka.Evaluate(x, y, form, debiased: true);

    /// <summary>RBF CKA with σ = threshold · √median(squared distances); see <see cref="RbfCka"/>.</summary>
    public static double rbf_cka(Tensor x, Tensor y, double threshold = 0.5, bool debiased = false) =>
        new RbfCka(threshold, debiased).Compute(x, y);

    /// <summary>Minibatch CKA (Nguyen et al. 2021) over a sequence of (x batch, y batch) pairs; see <see cref="MinibatchCka"/>.</summary>
    public static double minibatch_cka(IEnumerable<(Tensor x, Tensor y)> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var acc = new MinibatchCka();
        foreach (var (xb, yb) in batches)
            acc.Update(xb, yb);
        return acc.Value;
    }

    /// <summary>All canonical correlations with ρ̄ and R²_CCA; see <see cref="Cca"/>.</summary>
    public static CcaResult cca(Tensor x, Tensor y, double epsilon = 0, double? rtol = null) =>
        new Cca(CcaStatistic.Mean, epsilon, rtol).ComputeDetailed(x, y);

    /// <summary>Mean canonical correlation ρ̄; see <see cref="Cca"/>.</summary>
    public static double mean_cca(Tensor x, Tensor y, double epsilon = 0) =>
        new Cca(CcaStatistic.Mean, epsilon).Compute(x, y);

    /// <summary>Mean squared canonical correlation R²_CCA = ‖Q_YᵀQ_X‖²_F / k; see <see cref="Cca"/>.</summary>
    public static double r2cca(Tensor x, Tensor y, double epsilon = 0) =>
        new Cca(CcaStatistic.R2, epsilon).Compute(x, y);

    /// <summary>SVCCA (Raghu et al. 2017) keeping the top directions that explain <paramref name="varianceThreshold"/> of the squared singular values; see <see cref="Svcca"/>.</summary>
    public static double svcca(Tensor x, Tensor y, double varianceThreshold = 0.99) =>
        new Svcca(varianceThreshold).Compute(x, y);

    /// <summary>Projection-weighted CCA (Morcos et al. 2018) on centred inputs; see <see cref="Pwcca"/>.</summary>
    public static double pwcca(Tensor x, Tensor y, double epsilon = 0) =>
        new Pwcca(epsilon).Compute(x, y);

    /// <summary>
    /// Orthogonal Procrustes distance of the centred, unit-Frobenius-norm representations (shape metric with α = 1):
    /// Euclidean min_Q ‖X̂Q − Ŷ‖_F (default) or angular arccos ‖X̂ᵀŶ‖_*; see <see cref="ShapeMetric"/>.
    /// </summary>
    public static double procrustes_distance(Tensor x, Tensor y, ShapeMetricScore score = ShapeMetricScore.Euclidean) =>
        new ShapeMetric(1.0, score).Compute(x, y);

    /// <summary>Generalised shape metric (Williams et al. 2021) with partial whitening α ∈ [0, 1]; see <see cref="ShapeMetric"/>.</summary>
    public static double shape_metric(Tensor x, Tensor y, double alpha = 1.0, ShapeMetricScore score = ShapeMetricScore.Angular) =>
        new ShapeMetric(alpha, score).Compute(x, y);

    /// <summary>Condensed RDM [n(n−1)/2] of x on its device, float64 (caller disposes); see <see cref="Rsa.Rdm"/>.</summary>
    public static Tensor rdm(Tensor x, RdmMetric metric = RdmMetric.Correlation) => Rsa.Rdm(x, metric);

    /// <summary>Compares two condensed RDMs; see <see cref="Rsa.CompareRdms"/>.</summary>
    public static double compare_rdms(Tensor a, Tensor b, RdmComparison comparison = RdmComparison.Spearman) =>
        Rsa.CompareRdms(a, b, comparison);

    /// <summary>Representational similarity analysis; see <see cref="Rsa"/>.</summary>
    public static double rsa(Tensor x, Tensor y, RdmMetric metric = RdmMetric.Correlation, RdmComparison comparison = RdmComparison.Spearman) =>
        new Rsa(metric, comparison).Compute(x, y);

    /// <summary>Unit cross-correlation matrix [d_x, d_y] on the device (caller disposes); see <see cref="UnitCorrelations.CrossCorrelation"/>.</summary>
    public static Tensor cross_correlation(Tensor x, Tensor y, UnitCorrelation method = UnitCorrelation.Pearson) =>
        UnitCorrelations.CrossCorrelation(x, y, method);

    /// <summary>Naive mean over x's units of the best |correlation| with any unit of y (not one-to-one); see <see cref="MeanMaxCorrelation"/>.</summary>
    public static double mean_max_correlation(Tensor x, Tensor y, UnitCorrelation method = UnitCorrelation.Pearson) =>
        new MeanMaxCorrelation(method).Compute(x, y);

    /// <summary>One-to-one unit matching with an assignment solver; see <see cref="UnitMatching"/>.</summary>
    public static UnitMatchingResult unit_matching(Tensor x, Tensor y, Func<double[,], bool, (int[] rows, int[] cols)> solver,
        UnitCorrelation method = UnitCorrelation.Pearson, bool absolute = true) =>
        new UnitMatching(solver, method, absolute).ComputeDetailed(x, y);
}
