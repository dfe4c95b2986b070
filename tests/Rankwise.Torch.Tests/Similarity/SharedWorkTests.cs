using Rankwise.Torch.Comparison;
using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>
/// The work shared between measures (<see cref="PairComparison"/>, <see cref="PairContext"/>) and the CPU paths that
/// avoid n × n matrices (<see cref="CondensedProducts"/>, <see cref="CondensedRbf"/>, <see cref="OrderStatistic"/>) give
/// the values of the straightforward computations, up to float64 rounding.
/// </summary>
public class SharedWorkTests
{
    private static (Tensor X, Tensor Y) Pair(long n, long dx, long dy, int seed)
    {
        using var g = new Generator((ulong)seed);
        var x = SimilarityTestData.Randn(n, dx, g);
        var y = x[.., ..(int)Math.Min(dx, dy)].matmul(SimilarityTestData.Randn(Math.Min(dx, dy), dy, g)) * 0.3 + SimilarityTestData.Randn(n, dy, g);
        return (x, y);
    }

    [Theory]
    [InlineData(40, 6, 9, 1)]
    [InlineData(25, 12, 5, 2)]
    [InlineData(8, 20, 30, 3)]   // wider than the number of stimuli
    public void EveryNamedMeasureOfASharedPairEqualsTheMeasureComputedAlone(long n, long dx, long dy, int seed)
    {
        var (x, y) = Pair(n, dx, dy, seed);
        using (x)
        using (y)
        {
            var settings = new MeasureSettings(Alpha: 0.5);
            using var pair = new PairComparison(x, y, settings);
            // Twice over, in two orders: cached intermediates must not change a later measure's value.
            var names = Rankwise.Torch.Comparison.MeasureCatalog.Names;
            foreach (var name in names.Concat(names.Reverse()))
            {
                var shared = pair.Compute(name);
                double alone = Rankwise.Torch.Comparison.MeasureCatalog.Create(name, settings).Compute(x, y);
                Assert.Equal(alone, shared.Value, 1e-13);
            }
        }
    }

    [Fact]
    public void ProcrustesAndTheShapeMetricAtAlphaOneAreOneComputation()
    {
        var (x, y) = Pair(30, 5, 7, 4);
        using (x)
        using (y)
        {
            using var pair = new PairComparison(x, y);
            var procrustes = pair.Compute("procrustes");
            var shape = pair.Compute("shape");
            Assert.Same(procrustes.Detail, shape.Detail);
            Assert.Equal(new ShapeMetric().ComputeDetailed(x, y).Angular, procrustes.Value, 1e-14);
        }
    }

    [Fact]
    public void ASharedPairReleasesItsTensorsAndRefusesWorkOnceDisposed()
    {
        var (x, y) = Pair(30, 5, 7, 5);
        using (x)
        using (y)
        {
            // Warm-up: TorchSharp's lazy initialisation must not count as a leak.
            using (var warm = new PairComparison(x, y))
                foreach (var name in Rankwise.Torch.Comparison.MeasureCatalog.Names)
                    warm.Compute(name);
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var pair = new PairComparison(x, y);
            foreach (var name in Rankwise.Torch.Comparison.MeasureCatalog.Names)
                pair.Compute(name);
            pair.Dispose();
            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            Assert.Throws<ObjectDisposedException>(() => pair.Compute("cka-linear"));
        }
    }

    [Fact]
    public void ASharedPairNamesTheMeasureThatRejectsItsInputs()
    {
        using var x = zeros(3, 2, dtype: ScalarType.Float64);
        using var y = zeros(3, 2, dtype: ScalarType.Float64);
        using var pair = new PairComparison(x, y);
        var e = Assert.Throws<ArgumentException>(() => pair.Compute("cka-debiased"));
        Assert.Contains("debiased CKA", e.Message);
        Assert.Throws<ArgumentException>(() => pair.Compute("no-such-measure"));
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(7, 4)]
    [InlineData(64, 5)]
    [InlineData(65, 3)]
    [InlineData(1500, 4)]    // two row blocks of the block products
    public void BlockedRdmsEqualTheDenseRdms(int n, int d)
    {
        using var g = new Generator((ulong)n);
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.Randn(n, d, g) + 3.0;
        foreach (var metric in new[] { RdmMetric.Correlation, RdmMetric.Cosine, RdmMetric.Euclidean })
        {
            var blocked = Rsa.CondensedArray(x, metric);
            var dense = Rsa.DenseCondensed(x, metric).data<double>().ToArray();
            Assert.Equal(dense.Length, blocked.Length);
            for (int i = 0; i < dense.Length; i++)
                Assert.Equal(dense[i], blocked[i], 1e-14);
        }
    }

    [Fact]
    public void BlockedEuclideanRdmsKeepExactTiesOfIntegerData()
    {
        var rows = new double[,] { { 0, 0 }, { 3, 4 }, { 6, 8 }, { 0, 5 }, { 4, 3 } };
        using var x = SimilarityTestData.T(rows);
        var rdm = Rsa.CondensedArray(x, RdmMetric.Euclidean);
        // |p0 − p1| = |p1 − p2| = |p0 − p3| = |p0 − p4| = 5 exactly.
        Assert.Equal([5.0, 10.0, 5.0, 5.0, 5.0], rdm[..5]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(33)]
    [InlineData(200)]
    public void CondensedRbfCkaEqualsTheDenseComputation(int n)
    {
        using var g = new Generator((ulong)(100 + n));
        using var scope = NewDisposeScope();
        var xc = SimilarityInput.Centre(SimilarityTestData.Randn(n, 6, g) * 2.0 + 1e3);
        var yc = SimilarityInput.Centre(SimilarityTestData.Randn(n, 4, g).square());
        foreach (var (threshold, sigma) in new (double, double?)[] { (0.5, null), (1.7, null), (0.5, 1.3) })
        {
            double dense = CkaKernels.CkaFromGramsInPlace(CkaKernels.RbfGram(xc, threshold, sigma), CkaKernels.RbfGram(yc, threshold, sigma)).item<double>();
            double condensed = CondensedRbf.Cka(xc, yc, threshold, sigma);
            Assert.Equal(dense, condensed, 1e-13);
        }
    }

    [Fact]
    public void CondensedRbfCkaIsNaNForAConstantRepresentationAsTheDensePath()
    {
        using var g = new Generator(7);
        using var scope = NewDisposeScope();
        var xc = zeros(12, 3, dtype: ScalarType.Float64);
        var yc = SimilarityInput.Centre(SimilarityTestData.Randn(12, 3, g));
        Assert.True(double.IsNaN(CondensedRbf.Cka(xc, yc, 0.5, null)));
        Assert.True(double.IsNaN(CkaKernels.CkaFromGramsInPlace(CkaKernels.RbfGram(xc, 0.5, null), CkaKernels.RbfGram(yc, 0.5, null)).item<double>()));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 0)]
    [InlineData(4, 0)]
    [InlineData(9, 0)]
    [InlineData(10, 0)]
    [InlineData(10, 6)]   // most distances zero: the median falls on the zeros
    [InlineData(11, 3)]
    [InlineData(50, 25)]
    public void MedianFromTheUpperTriangleEqualsTheMedianOfTheFullMatrix(int n, int duplicates)
    {
        using var g = new Generator((ulong)(200 + n + duplicates));
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.Randn(n, 3, g).round();
        if (duplicates > 0)
            x[..duplicates] = x[0].clone().unsqueeze(0).expand(duplicates, 3);
        // The dense matrix product is symmetric only up to rounding: mirror its upper triangle so that both sides see the
        // same multiset of values.
        var upperPart = CkaKernels.SquaredDistances(SimilarityInput.Centre(x)).triu(1);
        var d2 = upperPart + upperPart.t();
        double full = CkaKernels.MedianAll(d2);
        using var upper = ones(n, n, ScalarType.Bool).triu_(1);
        var condensed = d2.masked_select(upper).data<double>().ToArray();
        Assert.Equal(full, CondensedRbf.MedianWithZeroDiagonal(condensed, n));
    }

    public static TheoryData<string, int> SelectionInputs => new()
    {
        { "normal", 1 }, { "normal", 1000 }, { "normal", 300_000 },
        { "integers", 300_000 }, { "constant", 70_000 }, { "two-values", 100_000 },
        { "narrow", 400_000 }, { "signed-zeros", 50_000 }, { "wide", 200_000 },
    };

    [Theory]
    [MemberData(nameof(SelectionInputs))]
    public void RadixSelectionFindsTheSortedOrderStatistics(string shape, int length)
    {
        var random = new Random(length + shape.Length);
        var v = new double[length];
        for (int i = 0; i < length; i++)
        {
            v[i] = shape switch
            {
                "normal" => random.NextDouble() - random.NextDouble(),
                "integers" => random.Next(50),
                "constant" => 2.5,
                "two-values" => random.Next(1000) == 0 ? 1e300 : -3,
                // Nearly all values in one tiny range: several selection rounds before few candidates remain.
                "narrow" => random.Next(100) == 0 ? random.NextDouble() * 1e6 : 1 + random.Next(1 << 20) * 1e-15,
                "signed-zeros" => random.Next(3) switch { 0 => 0.0, 1 => -0.0, _ => random.NextDouble() },
                _ => Math.Pow(10, random.NextDouble() * 400 - 200) * (random.Next(2) == 0 ? -1 : 1),
            };
        }
        var sorted = (double[])v.Clone();
        Array.Sort(sorted);
        var copy = (double[])v.Clone();
        foreach (long k in new long[] { 1, 2, length / 3 + 1, (length + 1) / 2, length - 1, length }.Where(k => k >= 1 && k <= length).Distinct())
        {
            Assert.Equal(sorted[k - 1], OrderStatistic.Kth(v, k));
            if (k < length)
            {
                var (kth, next) = OrderStatistic.KthAndNext(v, k);
                Assert.Equal(sorted[k - 1], kth);
                Assert.Equal(sorted[k], next);
            }
        }
        Assert.Equal(copy, v);
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistic.Kth(v, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistic.Kth(v, length + 1L));
    }

    [Theory]
    [InlineData(50, 8, 0)]
    [InlineData(50, 8, 3)]    // rank-deficient: 3 columns are combinations of the others
    [InlineData(6, 9, 0)]     // wide: the thin-SVD branch
    public void RankBasisIsAnOrthonormalBasisOfTheColumnSpace(int n, int d, int dependent)
    {
        using var g = new Generator((ulong)(300 + n + dependent));
        using var scope = NewDisposeScope();
        var a = SimilarityTestData.Randn(n, d, g);
        if (dependent > 0)
            a[.., ..dependent] = a[.., dependent..].matmul(SimilarityTestData.Randn(d - dependent, dependent, g));
        var (u, s) = SimilarityInput.RankBasis(a, null);
        int rank = (int)linalg.matrix_rank(a).item<long>();
        Assert.Equal(rank, (int)u.shape[1]);
        Assert.Equal(rank, (int)s.shape[0]);
        Assert.True((u.t().matmul(u) - eye(rank, dtype: ScalarType.Float64)).abs().max().item<double>() < 1e-13);
        // Projecting a onto the basis reproduces it; the singular values are those of a.
        Assert.True((u.matmul(u.t().matmul(a)) - a).abs().max().item<double>() < 1e-12);
        var expected = linalg.svdvals(a)[..rank];
        Assert.True((s - expected).abs().max().item<double>() < 1e-12);
    }
}
