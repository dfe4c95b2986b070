using Rankwise.Torch.Similarity;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>
/// Invariance in both directions: for every measure and every transform of x, the value is unchanged (to 1e−9) when the
/// measure is documented as invariant, and changes by more than 1e−4 when it is not.
/// </summary>
public class InvarianceTests(ITestOutputHelper output)
{
    private const string Orthogonal = "orthogonal", Scale = "isotropic scaling", Translation = "translation",
        Permutation = "unit permutation", Invertible = "anisotropic invertible map", Monotone = "monotone elementwise";

    private static readonly string[] AllTransforms = [Orthogonal, Scale, Translation, Permutation, Invertible, Monotone];

    private sealed record MeasureCase(string Name, Func<Tensor, Tensor, double> Compute, params string[] Invariant);

    private static double Minibatch(Tensor x, Tensor y)
    {
        var acc = new MinibatchCka();
        for (long s = 0; s < x.shape[0]; s += 20)
            acc.Update(x[TensorIndex.Slice(s, s + 20)], y[TensorIndex.Slice(s, s + 20)]);
        return acc.Value;
    }

    private static readonly MeasureCase[] Measures =
    [
        new("linear CKA", (x, y) => F.linear_cka(x, y), Orthogonal, Scale, Translation, Permutation),
        new("linear CKA (Gram)", (x, y) => F.linear_cka(x, y, LinearCkaForm.Gram), Orthogonal, Scale, Translation, Permutation),
        new("debiased CKA", (x, y) => F.debiased_cka(x, y), Orthogonal, Scale, Translation, Permutation),
        new("RBF CKA", (x, y) => F.rbf_cka(x, y), Orthogonal, Scale, Translation, Permutation),
        new("debiased RBF CKA", (x, y) => F.rbf_cka(x, y, 0.5, debiased: true), Orthogonal, Scale, Translation, Permutation),
        new("minibatch CKA", Minibatch, Orthogonal, Scale, Translation, Permutation),
        new("mean CCA", (x, y) => F.mean_cca(x, y), Orthogonal, Scale, Translation, Permutation, Invertible),
        new("R2 CCA", (x, y) => F.r2cca(x, y), Orthogonal, Scale, Translation, Permutation, Invertible),
        new("SVCCA", (x, y) => F.svcca(x, y), Orthogonal, Scale, Translation, Permutation),
        new("PWCCA", (x, y) => F.pwcca(x, y), Scale, Translation, Permutation),
        new("Procrustes (Euclidean)", (x, y) => F.procrustes_distance(x, y), Orthogonal, Scale, Translation, Permutation),
        new("shape metric alpha=1", (x, y) => F.shape_metric(x, y, 1.0), Orthogonal, Scale, Translation, Permutation),
        new("shape metric alpha=0.5", (x, y) => F.shape_metric(x, y, 0.5), Orthogonal, Scale, Translation, Permutation),
        new("shape metric alpha=0", (x, y) => F.shape_metric(x, y, 0.0), Orthogonal, Scale, Translation, Permutation, Invertible),
        new("RSA euclidean/spearman", (x, y) => F.rsa(x, y, RdmMetric.Euclidean), Orthogonal, Scale, Translation, Permutation),
        new("RSA euclidean/kendall-b", (x, y) => F.rsa(x, y, RdmMetric.Euclidean, RdmComparison.KendallTauB), Orthogonal, Scale, Translation, Permutation),
        new("RSA euclidean/pearson", (x, y) => F.rsa(x, y, RdmMetric.Euclidean, RdmComparison.Pearson), Orthogonal, Scale, Translation, Permutation),
        new("RSA correlation/spearman", (x, y) => F.rsa(x, y), Scale, Permutation),
        new("RSA cosine/spearman", (x, y) => F.rsa(x, y, RdmMetric.Cosine), Orthogonal, Scale, Permutation),
        new("RSA cosine/cosine", (x, y) => F.rsa(x, y, RdmMetric.Cosine, RdmComparison.Cosine), Orthogonal, Scale, Permutation),
        new("mean max |r| Pearson", (x, y) => F.mean_max_correlation(x, y), Scale, Translation, Permutation),
        new("mean max |r| Spearman", (x, y) => F.mean_max_correlation(x, y, UnitCorrelation.Spearman), Scale, Translation, Permutation, Monotone),
        new("unit matching Pearson", (x, y) => F.unit_matching(x, y, SubsetDpAssignment.Solve).Mean, Scale, Translation, Permutation),
        new("unit matching Spearman", (x, y) => F.unit_matching(x, y, SubsetDpAssignment.Solve, UnitCorrelation.Spearman).Mean, Scale, Translation, Permutation, Monotone),
    ];

    public static IEnumerable<object[]> MeasureNames => Measures.Select(m => new object[] { m.Name });

    /// <summary>x [60, 8], y [60, 10] related through a linear map plus noise; transforms of x.</summary>
    private static (Tensor X, Tensor Y, Dictionary<string, Tensor> Transformed) Data()
    {
        using var g = new Generator(20240611);
        var x = SimilarityTestData.Randn(60, 8, g);
        var y = x.matmul(SimilarityTestData.Randn(8, 10, g)) + 0.8 * SimilarityTestData.Randn(60, 10, g);
        var q = SimilarityTestData.RandomOrthogonal(8, g);
        var singular = tensor(new double[] { 5, 3, 2, 1, 0.7, 0.3, 0.1, 0.05 });
        var anisotropic = SimilarityTestData.RandomOrthogonal(8, g).matmul(diag(singular)).matmul(SimilarityTestData.RandomOrthogonal(8, g));
        var offset = 5.0 * SimilarityTestData.Randn(1, 8, g);
        var perm = tensor(new long[] { 3, 7, 0, 5, 1, 6, 2, 4 });
        var transformed = new Dictionary<string, Tensor>
        {
            [Orthogonal] = x.matmul(q),
            [Scale] = x * 3.7,
            [Translation] = x + offset,
            [Permutation] = x.index_select(1, perm),
            [Invertible] = x.matmul(anisotropic),
            [Monotone] = x.pow(3) + x,
        };
        return (x, y, transformed);
    }

    [Theory]
    [MemberData(nameof(MeasureNames))]
    public void InvariantExactlyWhereDocumented(string measureName)
    {
        var m = Measures.Single(c => c.Name == measureName);
        using var scope = NewDisposeScope();
        var (x, y, transformed) = Data();
        double baseline = m.Compute(x, y);
        Assert.True(double.IsFinite(baseline), $"{m.Name}: baseline {baseline}");
        var problems = new List<string>();
        foreach (var t in AllTransforms)
        {
            double value = m.Compute(transformed[t], y);
            double diff = Math.Abs(value - baseline);
            bool invariant = m.Invariant.Contains(t);
            output.WriteLine($"{m.Name} / {t}: {baseline:R} -> {value:R} (|diff| {diff:E2}, documented {(invariant ? "invariant" : "not invariant")})");
            if (invariant && !(diff <= 1e-9))
                problems.Add($"{t}: expected invariance, |diff| = {diff:E2}");
            if (!invariant && !(diff > 1e-4))
                problems.Add($"{t}: expected a change, |diff| = {diff:E2}");
        }
        Assert.True(problems.Count == 0, $"{m.Name}: " + string.Join("; ", problems));
    }

    [Fact]
    public void UnitMatchingFollowsAPermutationOfY()
    {
        using var scope = NewDisposeScope();
        var (x, _, _) = Data();
        using var g = new Generator(7);
        var perm = new long[] { 2, 0, 3, 1, 7, 5, 4, 6 };
        var y = 2.0 * x.index_select(1, tensor(perm)) + 0.3 * SimilarityTestData.Randn(60, 8, g) - 4.0;
        var r = F.unit_matching(x, y, SubsetDpAssignment.Solve);
        // y's unit j copies x's unit perm[j], so x's unit perm[j] must be matched to y's unit j.
        for (int j = 0; j < perm.Length; j++)
            Assert.Equal(j, r.Permutation[perm[j]]);
        Assert.All(r.Correlations, c => Assert.True(c > 0.9, $"matched correlation {c}"));
        Assert.Equal(Enumerable.Range(0, 8).ToArray(), r.UnitsA);
        // Reordering y with the permutation aligns it with x unit by unit.
        var aligned = y.index_select(1, tensor(r.Permutation.Select(v => (long)v).ToArray()));
        var diagonal = F.cross_correlation(x, aligned).diagonal();
        Assert.True(diagonal.min().item<double>() > 0.9);
    }
}
