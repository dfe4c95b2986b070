using Rankwise.Torch.Neighbors;
using TorchSharp;
using static TorchSharp.torch;
using D = Rankwise.Torch.Tests.Neighbors.NeighborsTestData;

namespace Rankwise.Torch.Tests.Neighbors;

/// <summary>Input handling, validation, progress, cancellation, dtypes, devices and resource use of the k-NN engine.</summary>
[Collection(NeighborsTestData.Collection)]
public class KnnBehaviourTests
{
    [Fact]
    public void InputsAreNotModifiedAndViewsWork()
    {
        using var x = D.Randn(50, 6, 4);
        using var copy = x.clone();
        var a = new ExactKnn(KnnMetric.Euclidean).SelfQuery(x, 5);
        Assert.True(x.eq(copy).all().item<bool>());
        // A non-contiguous view (transpose of a transpose) and a narrowed view give the same answers.
        using var tt = x.t().contiguous().t();
        Assert.False(tt.is_contiguous());
        Assert.Equal(a.Indices, new ExactKnn(KnnMetric.Euclidean).SelfQuery(tt, 5).Indices);
        using var big = cat([D.Randn(3, 6, 5), x], 0);
        using var view = big.narrow(0, 3, 50);
        Assert.Equal(a.Indices, new ExactKnn(KnnMetric.Euclidean).SelfQuery(view, 5).Indices);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void LowerPrecisionInputIsScoredFromItsOwnValues(ScalarType dtype)
    {
        using var x = D.Randn(80, 5, 6).to_type(dtype);
        // Reference: the same values held in float64.
        using var x64 = x.to_type(ScalarType.Float64);
        foreach (var metric in new[] { KnnMetric.Cosine, KnnMetric.Euclidean })
        {
            var a = new ExactKnn(metric).SelfQuery(x, 4);
            var b = new ExactKnn(metric).SelfQuery(x64, 4);
            Assert.Equal(b.Indices, a.Indices);
            for (int t = 0; t < a.Scores.Length; t++)
                Assert.Equal(b.Scores[t], a.Scores[t], 12);
        }
    }

    [Fact]
    public void MixedPrecisionQueryAndBase()
    {
        using var x = D.Randn(60, 4, 7);
        using var q = D.Randn(9, 4, 8);
        var a = new ExactKnn().Query(q.to_type(ScalarType.Float32), x, 5);
        var b = new ExactKnn().Query(q.to_type(ScalarType.Float32).to_type(ScalarType.Float64), x, 5);
        Assert.Equal(b.Indices, a.Indices);
        Assert.Equal(b.Scores, a.Scores);
    }

    [Fact]
    public void ValidatesArguments()
    {
        using var x = D.Randn(10, 3, 1);
        var knn = new ExactKnn();
        Assert.Throws<ArgumentOutOfRangeException>(() => knn.SelfQuery(x, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => knn.SelfQuery(x, 10));
        Assert.Equal(10, knn.SelfQuery(x, 10, includeSelf: true).K);
        Assert.Throws<ArgumentOutOfRangeException>(() => knn.Query(x, x, 11));
        Assert.Throws<ArgumentException>(() => knn.SelfQuery(x[0], 1));
        Assert.Throws<ArgumentException>(() => knn.SelfQuery(zeros([5, 0], ScalarType.Float64), 1));
        Assert.Throws<ArgumentException>(() => knn.SelfQuery(ones([5, 2], ScalarType.Int32), 1));
        Assert.Throws<ArgumentException>(() => knn.Query(D.Randn(3, 4, 2), x, 1));
        using var bad = x.clone();
        bad[3, 1] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => knn.SelfQuery(bad, 2));
        Assert.Contains("NaN", e.Message);
        bad[3, 1] = double.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => knn.Query(bad, x, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExactKnn(KnnMetric.Cosine, new KnnOptions { BlockRows = 0 }).SelfQuery(x, 2));
        Assert.Throws<ArgumentException>(() => NeighborOverlap.Compute(x, D.Randn(9, 3, 2), 2));
        Assert.True(double.IsNaN(new MeanNeighborOverlap(2).Compute(bad, x)));
    }

    [Fact]
    public void ReportsProgressAndHonoursCancellation()
    {
        using var x = D.Randn(500, 8, 2);
        var seen = new List<double>();
        var progress = new SynchronousProgress(seen.Add);
        foreach (var sel in new[] { CandidateSelection.Auto, CandidateSelection.TorchTopK })
        {
            seen.Clear();
            new ExactKnn(KnnMetric.Cosine, new KnnOptions { BlockRows = 64, Progress = progress, Selection = sel }).SelfQuery(x, 5);
            Assert.Equal(8, seen.Count);
            Assert.Equal(1.0, seen[^1]);
            Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First < p.Second));
        }
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new ExactKnn().SelfQuery(x, 5, cancellationToken: cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => new ExactKnn().Query(x, x, 5, cts.Token));
    }

    [Fact]
    public void LibtorchThreadCountIsRestoredEvenUnderConcurrentSearches()
    {
        int before = get_num_threads();
        using var x = D.Randn(400, 6, 3);
        new ExactKnn(KnnMetric.Cosine, new KnnOptions { Threads = 1 }).SelfQuery(x, 3);
        Assert.Equal(before, get_num_threads());
        var expected = new ExactKnn(KnnMetric.Euclidean).SelfQuery(x, 5).Indices;
        Parallel.For(0, 8, i =>
        {
            var r = i % 2 == 0 ? new ExactKnn(KnnMetric.Euclidean).SelfQuery(x, 5) : new ExactKnn(KnnMetric.Euclidean).Query(x, x, 6);
            if (i % 2 == 0)
                Assert.Equal(expected, r.Indices);
        });
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void DoesNotLeakTensors()
    {
        using var x = D.Randn(200, 5, 3);
        using var q = x[..20];
        var knn = new ExactKnn(KnnMetric.Euclidean, new KnnOptions { BlockRows = 16 });
        knn.SelfQuery(x, 4); // warm-up
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++)
        {
            knn.SelfQuery(x, 4);
            knn.Query(q, x, 4);
            NeighborOverlap.Compute(x, x, 3);
            new MeanNeighborOverlap(3).Compute(x, x);
            MappingNeighborhood.Compare(x, x, x, 3);
            new ExactKnn(KnnMetric.Cosine, new KnnOptions { Selection = CandidateSelection.TorchTopK }).SelfQuery(x, 4);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void RunsOnCudaWhenAvailable()
    {
        if (!cuda.is_available())
            return; // CPU-only build: nothing to compare
        using var x = D.Randn(700, 16, 12);
        foreach (var metric in new[] { KnnMetric.Cosine, KnnMetric.Euclidean, KnnMetric.InnerProduct })
        {
            var cpu = new ExactKnn(metric).SelfQuery(x, 10);
            using var xc = x.to(CUDA);
            var gpu = new ExactKnn(metric).SelfQuery(xc, 10);
            Assert.Equal(cpu.Indices, gpu.Indices);
            Assert.Equal(cpu.Scores, gpu.Scores);
        }
    }

    [Fact]
    public void ResultConstructorValidates()
    {
        Assert.Throws<ArgumentException>(() => new KnnResult([0, 1], [0, 0], 1, 3, 3, KnnMetric.Cosine, false, false));
        Assert.Throws<ArgumentException>(() => new KnnResult([0, 0], [0, 0], 1, 3, 2, KnnMetric.Cosine, false, false));
        Assert.Throws<ArgumentException>(() => new KnnResult([0, 5], [0, 0], 1, 3, 2, KnnMetric.Cosine, false, false));
        Assert.Throws<ArgumentException>(() => new KnnResult([0, 1, 0, 2], [0, 0, 0, 0], 2, 2, 2, KnnMetric.Cosine, true, false));
        var ok = new KnnResult([1, 2, 0, 2, 0, 1], new double[6], 3, 3, 2, KnnMetric.Euclidean, true, false);
        Assert.Equal([0, 2], ok.NeighborsOf(1).ToArray());
        // External lists can be compared with the overlap functions.
        var other = new KnnResult([2, 1, 2, 0, 1, 0], new double[6], 3, 3, 2, KnnMetric.Euclidean, true, false);
        Assert.Equal([2, 2, 2], NeighborOverlap.PerItem(ok, other, 2));
        Assert.Equal([0, 0, 0], NeighborOverlap.PerItem(ok, other, 1));
        Assert.Equal(1.0, NeighborOverlap.Mean(ok, other, 2));
        var third = new KnnResult([1, 0, 0, 1, 0, 1], new double[6], 3, 3, 2, KnnMetric.Euclidean, false, false);
        // o = 1, 1, 2 at k = 2: Jaccard 1/3, 1/3, 1.
        Assert.Equal([1, 1, 2], NeighborOverlap.PerItem(ok, third, 2));
        Assert.Equal((1 / 3.0 + 1 / 3.0 + 1) / 3, NeighborOverlap.Jaccard(ok, third, 2), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => NeighborOverlap.PerItem(ok, other, 3));
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
