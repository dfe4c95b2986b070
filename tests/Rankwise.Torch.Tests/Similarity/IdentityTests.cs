using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>Algebraic identities that must hold up to rounding.</summary>
public class IdentityTests
{
    public static IEnumerable<object[]> Shapes =>
    [
        [100, 10, 10], [50, 3, 40], [12, 30, 25], [4, 2, 3], [7, 1, 1], [200, 20, 5], [33, 33, 32],
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GramFormEqualsFeatureForm(int n, int dx, int dy)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)(n * 1000 + dx * 10 + dy));
        var x = SimilarityTestData.Randn(n, dx, g);
        var y = x[.., ..Math.Min(dx, dy)].sum([1L], keepdim: true) + SimilarityTestData.Randn(n, dy, g);
        double gram = F.linear_cka(x, y, LinearCkaForm.Gram);
        double feature = F.linear_cka(x, y, LinearCkaForm.Feature);
        Assert.InRange(gram, 0.0, 1.0);
        Assert.Equal(gram, feature, 1e-13);
        Assert.Equal(gram, F.linear_cka(x, y), 1e-13);
        if (n >= 4)
            Assert.Equal(F.debiased_cka(x, y, LinearCkaForm.Gram), F.debiased_cka(x, y, LinearCkaForm.Feature), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MinibatchCkaOverOneBatchEqualsDebiasedCka(int n, int dx, int dy)
    {
        if (n < 4) return;
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)(n + dx + dy));
        var x = SimilarityTestData.Randn(n, dx, g);
        var y = SimilarityTestData.Randn(n, dy, g) + x[.., ..1];
        var acc = new MinibatchCka();
        acc.Update(x, y);
        Assert.Equal(F.debiased_cka(x, y), acc.Value, 1e-12);
        Assert.Equal(1, acc.BatchCount);
        Assert.Equal(n, acc.RowCount);
        var gramAcc = new MinibatchCka(LinearCkaForm.Gram);
        gramAcc.Update(x, y);
        Assert.Equal(acc.Value, gramAcc.Value, 1e-12);
    }

    [Fact]
    public void MinibatchMergeEqualsSequentialAccumulation()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(99);
        var x = SimilarityTestData.Randn(230, 12, g);
        var y = x.matmul(SimilarityTestData.Randn(12, 7, g)) + SimilarityTestData.Randn(230, 7, g);
        var all = new MinibatchCka();
        var first = new MinibatchCka();
        var second = new MinibatchCka();
        long[] bounds = [0, 50, 90, 150, 200, 230];
        for (int b = 0; b + 1 < bounds.Length; b++)
        {
            var xb = x[TensorIndex.Slice(bounds[b], bounds[b + 1])];
            var yb = y[TensorIndex.Slice(bounds[b], bounds[b + 1])];
            all.Update(xb, yb);
            (b < 2 ? first : second).Update(xb, yb);
        }
        first.Merge(second);
        Assert.Equal(all.Value, first.Value, 1e-14);
        Assert.Equal(5, first.BatchCount);
        Assert.Equal(230, first.RowCount);
        first.Merge(new MinibatchCka());
        Assert.Equal(5, first.BatchCount);
        // Minibatch CKA is a different estimator from full-data CKA, but close to the debiased value for large batches.
        Assert.Equal(F.debiased_cka(x, y), all.Value, 0.05);
        Assert.NotEqual(F.debiased_cka(x, y), all.Value, 1e-6);
        all.Reset();
        Assert.True(double.IsNaN(all.Value));
        Assert.Equal(0, all.BatchCount);
    }

    [Fact]
    public void SvccaOfARepresentationAndAnInvertibleMapOfItIsOne()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        // Rank-4 representation in 10 units with balanced singular values: 99 % keeps all 4 directions,
        // both before and after a well-conditioned invertible map, so the kept subspaces coincide.
        var a = SimilarityTestData.Randn(80, 4, g).matmul(SimilarityTestData.RandomOrthogonal(10, g)[..4, ..]);
        var sv = tensor(new double[] { 1.4, 1.3, 1.2, 1.1, 1.0, 0.95, 0.9, 0.85, 0.8, 0.7 });
        var w = SimilarityTestData.RandomOrthogonal(10, g).matmul(diag(sv)).matmul(SimilarityTestData.RandomOrthogonal(10, g));
        var r = new Svcca().ComputeDetailed(a, a.matmul(w) + 3.0);
        Assert.Equal(4, r.KeptX);
        Assert.Equal(4, r.KeptY);
        Assert.Equal(1.0, r.Value, 1e-12);
        // Full-rank general case: keeping every direction (threshold 1) makes SVCCA plain CCA, hence exactly 1.
        var b = SimilarityTestData.Randn(60, 9, g);
        var general = SimilarityTestData.Randn(9, 9, g);
        Assert.Equal(1.0, new Svcca(1.0).Compute(b, b.matmul(general)), 1e-12);
    }

    public static IEnumerable<object[]> CcaShapes => [[100, 10, 0], [50, 12, 5], [20, 30, 0], [15, 40, 8]];

    [Theory]
    [MemberData(nameof(CcaShapes))]
    public void CcaOfARepresentationAndAnInvertibleMapOfItIsOne(int n, int d, int rank)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)(n * d + rank));
        var x = rank == 0 ? SimilarityTestData.Randn(n, d, g) : SimilarityTestData.Randn(n, rank, g).matmul(SimilarityTestData.Randn(rank, d, g));
        var w = SimilarityTestData.Randn(d, d, g);
        var r = F.cca(x, x.matmul(w) - 2.0);
        int expectedRank = rank == 0 ? Math.Min(n - 1, d) : rank;
        Assert.Equal(expectedRank, r.RankX);
        Assert.Equal(expectedRank, r.RankY);
        Assert.Equal(expectedRank, r.Correlations.Length);
        Assert.All(r.Correlations, c => Assert.Equal(1.0, c, 1e-10));
        Assert.Equal(1.0, r.Mean, 1e-12);
        Assert.Equal(1.0, r.R2, 1e-12);
        Assert.Equal(1.0, F.pwcca(x, x.matmul(w)), 1e-10);
        // Full whitening makes the shape metric blind to invertible maps too.
        Assert.Equal(0.0, F.shape_metric(x, x.matmul(w), alpha: 0.0), 1e-7);
    }

    [Fact]
    public void ProcrustesDistanceIsZeroForRotatedScaledShiftedCopies()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        var x = SimilarityTestData.Randn(40, 6, g);
        var y = 0.3 * x.matmul(SimilarityTestData.RandomOrthogonal(6, g)) + 10.0;
        var r = new ShapeMetric().ComputeDetailed(x, y);
        Assert.Equal(0.0, r.Euclidean, 1e-12);
        Assert.Equal(0.0, r.Angular, 1e-12);
        Assert.Equal(1.0, r.Cosine, 1e-12);
        // Zero-padding: a copy with two extra zero units is the same shape.
        var padded = cat([y, zeros(40, 2, dtype: ScalarType.Float64)], 1);
        Assert.Equal(0.0, F.procrustes_distance(x, padded), 1e-12);
        // Chord and angle agree: Euclidean = 2 sin(θ/2), and cosine = cos θ.
        var z = SimilarityTestData.Randn(40, 9, g);
        var s = new ShapeMetric(0.3).ComputeDetailed(x, z);
        Assert.Equal(2 * Math.Sin(s.Angular / 2), s.Euclidean, 1e-14);
        Assert.Equal(Math.Cos(s.Angular), s.Cosine, 1e-12);
    }

    [Fact]
    public void ShapeMetricSatisfiesTheTriangleInequality()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(12);
        var reps = Enumerable.Range(0, 5).Select(i => SimilarityTestData.Randn(30, 4 + i, g)).ToArray();
        foreach (double alpha in new[] { 0.0, 0.5, 1.0 })
        {
            var metric = new ShapeMetric(alpha);
            var d = new double[5, 5];
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++)
                    d[i, j] = metric.Compute(reps[i], reps[j]);
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(0.0, d[i, i], 1e-7);
                for (int j = 0; j < 5; j++)
                {
                    Assert.Equal(d[i, j], d[j, i], 1e-12);
                    for (int k = 0; k < 5; k++)
                        Assert.True(d[i, k] <= d[i, j] + d[j, k] + 1e-12, $"alpha {alpha}: d({i},{k}) > d({i},{j}) + d({j},{k})");
                }
            }
        }
    }

    [Fact]
    public void SelfSimilarityIsOne()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(13);
        var x = SimilarityTestData.Randn(50, 7, g);
        Assert.Equal(1.0, F.linear_cka(x, x), 1e-14);
        Assert.Equal(1.0, F.debiased_cka(x, x), 1e-14);
        Assert.Equal(1.0, F.rbf_cka(x, x), 1e-14);
        Assert.Equal(1.0, F.svcca(x, x), 1e-12);
        Assert.Equal(1.0, F.rsa(x, x), 1e-14);
        Assert.Equal(1.0, F.mean_max_correlation(x, x), 1e-14);
        Assert.Equal(1.0, F.unit_matching(x, x, SubsetDpAssignment.Solve).Mean, 1e-14);
    }
}
