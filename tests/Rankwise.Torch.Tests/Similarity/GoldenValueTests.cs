using Rankwise.Torch.Similarity;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>
/// Every measure against the independent numpy/scipy reference (make_similarity_reference.py), in float64, on 21 pairs
/// (Kornblith's demo pair, d &gt; n, rank-deficient, n = 4, ties, offset 1e8, different widths).
/// </summary>
public class GoldenValueTests(ITestOutputHelper output)
{
    /// <summary>Absolute tolerance against the reference (all compared values are O(1)).</summary>
    private const double Tolerance = 1e-12;

    public static IEnumerable<object[]> Cases => SimilarityTestData.CaseNames;

    private static readonly (string Key, Func<Tensor, Tensor, double> Compute)[] Scalars =
    [
        ("linear_cka_gram", (x, y) => F.linear_cka(x, y, LinearCkaForm.Gram)),
        ("linear_cka_feature", (x, y) => F.linear_cka(x, y, LinearCkaForm.Feature)),
        ("linear_cka_gram", (x, y) => F.linear_cka(x, y)),
        ("linear_cka_gram", (x, y) => new LinearCka().Compute(x, y)),
        ("rbf_cka_0.5", (x, y) => F.rbf_cka(x, y)),
        ("rbf_cka_1.0", (x, y) => new RbfCka(1.0).Compute(x, y)),
        ("debiased_cka", (x, y) => F.debiased_cka(x, y)),
        ("debiased_cka", (x, y) => F.debiased_cka(x, y, LinearCkaForm.Gram)),
        ("debiased_cka", (x, y) => new LinearCka(LinearCkaForm.Feature, debiased: true).Compute(x, y)),
        ("debiased_rbf_cka_0.5", (x, y) => F.rbf_cka(x, y, 0.5, debiased: true)),
        ("mean_cca", (x, y) => F.mean_cca(x, y)),
        ("r2cca", (x, y) => F.r2cca(x, y)),
        ("r2cca", (x, y) => new Cca(CcaStatistic.R2).Compute(x, y)),
        ("mean_cca_eps0.1", (x, y) => F.mean_cca(x, y, 0.1)),
        ("svcca", (x, y) => F.svcca(x, y)),
        ("svcca_kx", (x, y) => new Svcca().ComputeDetailed(x, y).KeptX),
        ("svcca_ky", (x, y) => new Svcca().ComputeDetailed(x, y).KeptY),
        ("pwcca", (x, y) => F.pwcca(x, y)),
        ("shape_angular_1.0", (x, y) => F.shape_metric(x, y, 1.0)),
        ("shape_euclidean_1.0", (x, y) => F.procrustes_distance(x, y)),
        ("shape_angular_1.0", (x, y) => F.procrustes_distance(x, y, ShapeMetricScore.Angular)),
        ("shape_angular_0.5", (x, y) => F.shape_metric(x, y, 0.5)),
        ("shape_euclidean_0.5", (x, y) => F.shape_metric(x, y, 0.5, ShapeMetricScore.Euclidean)),
        ("shape_angular_0.0", (x, y) => F.shape_metric(x, y, 0.0)),
        ("shape_euclidean_0.0", (x, y) => new ShapeMetric(0.0, ShapeMetricScore.Euclidean).Compute(x, y)),
        ("naive_max_pearson", (x, y) => F.mean_max_correlation(x, y)),
        ("naive_max_spearman", (x, y) => F.mean_max_correlation(x, y, UnitCorrelation.Spearman)),
        ("matched_pearson", (x, y) => F.unit_matching(x, y, SimilarityTestData.BruteForceAssignment).Mean),
        ("matched_spearman", (x, y) => F.unit_matching(x, y, SimilarityTestData.BruteForceAssignment, UnitCorrelation.Spearman).Mean),
        ("minibatch_cka_25", (x, y) => MinibatchOf(x, y, 25)),
        ("minibatch_cka_30", (x, y) => MinibatchOf(x, y, 30)),
    ];

    private static double MinibatchOf(Tensor x, Tensor y, int batch)
    {
        var acc = new MinibatchCka();
        for (long start = 0; start < x.shape[0]; start += batch)
        {
            long end = Math.Min(start + batch, x.shape[0]);
            acc.Update(x[TensorIndex.Slice(start, end)], y[TensorIndex.Slice(start, end)]);
        }
        return acc.Value;
    }

    private static IEnumerable<(string Key, double[] Expected, Func<Tensor, Tensor, double[]> Compute)> Vectors(ReferenceCase c)
    {
        yield return ("cca_correlations", c.Vector("cca_correlations"), (x, y) => F.cca(x, y).Correlations);
        foreach (var metric in new[] { "euclidean", "correlation", "cosine" })
        {
            var m = Enum.Parse<RdmMetric>(metric, ignoreCase: true);
            string key = $"rdm_{metric}_first10";
            if (c.Has(key))
                yield return (key, c.Vector(key), (x, y) => SimilarityInput(F.rdm(x, m))[..10]);
            foreach (var (name, comparison) in new[] { ("spearman", RdmComparison.Spearman), ("kendall_tau_a", RdmComparison.KendallTauA),
                         ("kendall_tau_b", RdmComparison.KendallTauB), ("pearson", RdmComparison.Pearson), ("cosine", RdmComparison.Cosine) })
            {
                string k = $"rsa_{metric}_{name}";
                if (c.Has(k))
                    yield return (k, [c.Value(k)], (x, y) => [F.rsa(x, y, m, comparison)]);
            }
        }
        foreach (var method in new[] { "pearson", "spearman" })
        {
            string key = $"cross_correlation_{method}";
            if (!c.Has(key)) continue;
            var um = Enum.Parse<UnitCorrelation>(method, ignoreCase: true);
            yield return (key, c.Matrix(key).SelectMany(r => r).ToArray(), (x, y) => SimilarityInput(F.cross_correlation(x, y, um).reshape(-1)));
        }
    }

    private static double[] SimilarityInput(Tensor t)
    {
        using (t)
            return t.cpu().data<double>().ToArray();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNumpyReference(string caseName)
    {
        var c = SimilarityTestData.Case(caseName);
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(c.X);
        var y = SimilarityTestData.T(c.Y);
        var failures = new List<string>();
        double worst = 0;
        int checkedCount = 0;
        foreach (var (key, compute) in Scalars)
        {
            if (!c.Has(key)) continue;
            double got = compute(x, y), expected = c.Value(key);
            double diff = Math.Abs(got - expected);
            worst = Math.Max(worst, double.IsNaN(diff) ? double.PositiveInfinity : diff);
            checkedCount++;
            if (!(diff <= Tolerance))
                failures.Add($"{key}: got {got:R}, expected {expected:R}, |diff| {diff:E2}");
        }
        foreach (var (key, expected, compute) in Vectors(c))
        {
            var got = compute(x, y);
            checkedCount++;
            if (got.Length != expected.Length)
            {
                failures.Add($"{key}: got {got.Length} values, expected {expected.Length}");
                continue;
            }
            for (int i = 0; i < got.Length; i++)
            {
                double diff = Math.Abs(got[i] - expected[i]);
                worst = Math.Max(worst, double.IsNaN(diff) ? double.PositiveInfinity : diff);
                if (!(diff <= Tolerance * Math.Max(1, Math.Abs(expected[i]))))
                    failures.Add($"{key}[{i}]: got {got[i]:R}, expected {expected[i]:R}, |diff| {diff:E2}");
            }
        }
        output.WriteLine($"{caseName}: {checkedCount} checks, worst |diff| {worst:E2}");
        Assert.True(checkedCount >= 20, $"only {checkedCount} values were checked");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void KornblithDemoNumbersReproduceToPrintedDigits()
    {
        var c = SimilarityTestData.Case("kornblith_demo");
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(c.X);
        var y = SimilarityTestData.T(c.Y);
        Assert.Equal("0.55761", F.linear_cka(x, y, LinearCkaForm.Gram).ToString("F5"));
        Assert.Equal("0.55761", F.linear_cka(x, y, LinearCkaForm.Feature).ToString("F5"));
        Assert.Equal("0.65483", F.rbf_cka(x, y, 0.5).ToString("F5"));
        Assert.Equal("0.51346", F.debiased_cka(x, y).ToString("F5"));
    }

    [Fact]
    public void NpyFixturesHoldTheDemoPair()
    {
        var x = NpyReader.ReadFloat64Matrix(Path.Combine(SimilarityTestData.Directory, "kornblith_demo_X.npy"));
        var y = NpyReader.ReadFloat64Matrix(Path.Combine(SimilarityTestData.Directory, "kornblith_demo_Y.npy"));
        var c = SimilarityTestData.Case("kornblith_demo");
        Assert.Equal(c.X, x);
        Assert.Equal(c.Y, y);
        using var scope = NewDisposeScope();
        Assert.Equal(c.Value("linear_cka_gram"), F.linear_cka(SimilarityTestData.T(x), SimilarityTestData.T(y)), 1e-12);
    }
}
