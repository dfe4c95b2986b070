using Rankwise.IO;
using Rankwise.Torch.Neighbors;
using Rankwise.Torch.Tests.Neighbors;
using TorchSharp;
using static TorchSharp.torch;
using S = Rankwise.Torch.Tests.Streaming.StreamingTestData;

namespace Rankwise.Torch.Tests.Streaming;

/// <summary>
/// Streamed k-NN against the in-memory <see cref="ExactKnn"/> on the same rows: identical indices and bit-identical
/// scores (so identical tie order), for every metric, with and without self, block sizes of one row, not dividing n,
/// equal to n and larger than n, on data full of exact ties and duplicate rows.
/// </summary>
[Collection(NeighborsTestData.Collection)]
public class StreamingKnnTests
{
    private static KnnResult InMemorySelf(string path, KnnMetric metric, int k, bool includeSelf, bool float64 = false)
    {
        using var scope = NewDisposeScope();
        var t = float64 ? TensorConversions.ToTensor(NpyReader.Read<double>(path), CPU) : TensorConversions.ToTensor(NpyReader.Read<float>(path), CPU);
        return new ExactKnn(metric).SelfQuery(t, k, includeSelf);
    }

    private static void AssertSame(KnnResult expected, KnnResult actual, string what)
    {
        Assert.Equal(expected.Queries, actual.Queries);
        Assert.Equal(expected.K, actual.K);
        Assert.Equal(expected.BaseCount, actual.BaseCount);
        Assert.Equal(expected.IsSelfQuery, actual.IsSelfQuery);
        Assert.Equal(expected.IncludesSelf, actual.IncludesSelf);
        for (int t = 0; t < expected.Indices.Length; t++)
        {
            if (expected.Indices[t] != actual.Indices[t] || BitConverter.DoubleToInt64Bits(expected.Scores[t]) != BitConverter.DoubleToInt64Bits(actual.Scores[t]))
                Assert.Fail($"{what}: query {t / expected.K}, rank {t % expected.K}: expected ({expected.Indices[t]}, {expected.Scores[t]:R}), got ({actual.Indices[t]}, {actual.Scores[t]:R})");
        }
    }

    public static IEnumerable<object[]> SelfCases() =>
        from metric in new[] { KnnMetric.Cosine, KnnMetric.Euclidean, KnnMetric.InnerProduct }
        from includeSelf in new[] { false, true }
        from data in new[] { "gaussian", "ties" }
        select new object[] { metric, includeSelf, data };

    [Theory]
    [MemberData(nameof(SelfCases))]
    public void SelfQueryEqualsInMemoryForEveryBlockSize(KnnMetric metric, bool includeSelf, string data)
    {
        using var dir = new NpyDir();
        int n = 41;
        var m = data == "ties" ? S.Integers(n, 3, 5, range: 1) : S.Random(n, 6, 6, offset: 0.3);
        if (data == "ties")
        {
            // Exact duplicates far apart in the index order and a zero row (cosine: every score 0).
            for (int j = 0; j < 3; j++) { m[40, j] = m[2, j]; m[17, j] = m[2, j]; m[9, j] = 0; }
        }
        string path = dir.Write("x.npy", S.ToFloat(m));
        foreach (int k in new[] { 1, 4, includeSelf ? n : n - 1 })
        {
            var expected = InMemorySelf(path, metric, k, includeSelf);
            // Every block size for one k (one-row blocks, sizes not dividing n, n − 1, n, larger than n); a few for the others.
            foreach (int b in k == 4 ? new[] { 1, 2, 3, 7, 13, n - 1, n, n + 3 } : new[] { 3, 13, n })
            {
                using var source = NpyRowSource.Open(path);
                var knn = new StreamingKnn(metric, new StreamingOptions { BlockRows = b });
                AssertSame(expected, knn.SelfQuery(source, k, includeSelf), $"{metric}, {data}, self {includeSelf}, k {k}, block {b}");
            }
        }
    }

    [Theory]
    [InlineData(KnnMetric.Cosine)]
    [InlineData(KnnMetric.Euclidean)]
    [InlineData(KnnMetric.InnerProduct)]
    public void QueryAgainstABaseEqualsInMemory(KnnMetric metric)
    {
        using var dir = new NpyDir();
        var data = S.Integers(29, 4, 7, range: 2);
        var queries = S.Integers(11, 4, 8, range: 2);
        for (int j = 0; j < 4; j++) queries[3, j] = data[20, j];     // a query that duplicates a base row
        string fd = dir.Write("d.npy", S.ToFloat(data)), fq = dir.Write("q.npy", S.ToFloat(queries));
        using var scope = NewDisposeScope();
        var td = TensorConversions.ToTensor(S.ToFloat(data), CPU);
        var tq = TensorConversions.ToTensor(S.ToFloat(queries), CPU);
        foreach (int k in new[] { 1, 6, 29 })
        {
            var expected = new ExactKnn(metric).Query(tq, td, k);
            foreach (int b in new[] { 1, 4, 10, 11, 29, 40 })
            {
                using var sd = NpyRowSource.Open(fd);
                using var sq = NpyRowSource.Open(fq);
                AssertSame(expected, new StreamingKnn(metric, new StreamingOptions { BlockRows = b }).Query(sq, sd, k), $"{metric}, k {k}, block {b}");
            }
        }
    }

    /// <summary>Data of the boundary tests: Gaussian-ish rows, or tie-heavy integer rows with duplicate groups and zero rows.</summary>
    private static Matrix<double> BoundaryData(int n, int d, int seed, bool ties)
    {
        var m = ties ? S.Integers(n, d, seed, range: 1) : S.Random(n, d, seed, offset: 0.2);
        if (ties)
        {
            // A group of identical rows spread over the blocks (more than k + margin of them when n allows) and two zero rows.
            var rng = new Random(seed + 100);
            for (int i = 0; i < n / 3; i++)
            {
                int r = rng.Next(n);
                for (int j = 0; j < d; j++)
                    m[r, j] = m[0, j];
            }
            for (int j = 0; j < d; j++)
            {
                m[n / 2, j] = 0;
                m[n - 1, j] = 0;
            }
        }
        return m;
    }

    public static IEnumerable<object[]> BoundaryCases() =>
        from metric in new[] { KnnMetric.Cosine, KnnMetric.Euclidean, KnnMetric.InnerProduct }
        from includeSelf in new[] { false, true }
        from ties in new[] { false, true }
        select new object[] { metric, includeSelf, ties };

    [Theory]
    [MemberData(nameof(BoundaryCases))]
    public void SelfQueryEqualsInMemoryWithKNearTheBlockSizeAndWithoutMargin(KnnMetric metric, bool includeSelf, bool ties)
    {
        using var dir = new NpyDir();
        int n = 61, b = 8;                                              // 8 blocks, the last of 5 rows
        string path = dir.Write("x.npy", S.ToFloat(BoundaryData(n, 5, 21, ties)));
        foreach (int k in new[] { b - 1, b, b + 1, 2 * b + 3 })
        {
            var expected = InMemorySelf(path, metric, k, includeSelf);
            foreach (int margin in new[] { 0, 3, 16 })
            {
                using var source = NpyRowSource.Open(path);
                var knn = new StreamingKnn(metric, new StreamingOptions { BlockRows = b }, new KnnOptions { CandidateMargin = margin, Threads = 2 });
                var actual = knn.SelfQuery(source, k, includeSelf);
                AssertSame(expected, actual, $"{metric}, ties {ties}, self {includeSelf}, k {k}, margin {margin}");
                if (ties && margin == 0)
                    Assert.True(actual.WidenedRows > 0, "tie-heavy data without a margin must need the widening passes");
            }
        }
    }

    [Theory]
    [InlineData(KnnMetric.Cosine)]
    [InlineData(KnnMetric.Euclidean)]
    [InlineData(KnnMetric.InnerProduct)]
    public void QueryEqualsInMemoryWithTiesAndWithoutMargin(KnnMetric metric)
    {
        using var dir = new NpyDir();
        var data = BoundaryData(47, 4, 31, ties: true);
        var queries = S.Integers(19, 4, 32, range: 1);
        for (int j = 0; j < 4; j++) { queries[0, j] = data[0, j]; queries[5, j] = 0; }
        string fd = dir.Write("d.npy", S.ToFloat(data)), fq = dir.Write("q.npy", S.ToFloat(queries));
        using var scope = NewDisposeScope();
        var td = TensorConversions.ToTensor(S.ToFloat(data), CPU);
        var tq = TensorConversions.ToTensor(S.ToFloat(queries), CPU);
        foreach (int k in new[] { 5, 6, 7, 20 })
        {
            var expected = new ExactKnn(metric).Query(tq, td, k);
            foreach (int margin in new[] { 0, 16 })
                foreach (int b in new[] { 6, 7, 19 })
                {
                    using var sd = NpyRowSource.Open(fd);
                    using var sq = NpyRowSource.Open(fq);
                    var knn = new StreamingKnn(metric, new StreamingOptions { BlockRows = b }, new KnnOptions { CandidateMargin = margin });
                    AssertSame(expected, knn.Query(sq, sd, k), $"{metric}, k {k}, margin {margin}, block {b}");
                }
        }
    }

    [Theory]
    [InlineData(KnnMetric.Cosine, false)]
    [InlineData(KnnMetric.Euclidean, true)]
    [InlineData(KnnMetric.InnerProduct, false)]
    public void BlocksLargerThanOneProductGroupEqualInMemory(KnnMetric metric, bool includeSelf)
    {
        // Blocks of 1,500 rows are computed in row groups of 1,024 and column chunks of 2,048 (the diagonal blocks
        // symmetrically); n = 3,100 leaves a last block of 100 rows.
        using var dir = new NpyDir();
        var m = S.Random(3100, 6, 41, offset: 0.1);
        for (int i = 2000; i < 2040; i++)
            for (int j = 0; j < 6; j++)
                m[i, j] = m[7, j];                                      // duplicates across blocks
        string path = dir.Write("x.npy", S.ToFloat(m));
        var expected = InMemorySelf(path, metric, 12, includeSelf);
        using var source = NpyRowSource.Open(path);
        var knn = new StreamingKnn(metric, new StreamingOptions { BlockRows = 1500 });
        AssertSame(expected, knn.SelfQuery(source, 12, includeSelf), $"{metric}, 1,500-row blocks");
    }

    [Fact]
    public void RandomShapesEqualInMemory()
    {
        using var dir = new NpyDir();
        var rng = new Random(77);
        for (int trial = 0; trial < 24; trial++)
        {
            int n = rng.Next(2, 70), d = rng.Next(1, 9), b = rng.Next(1, n + 2);
            bool includeSelf = rng.Next(2) == 0, ties = rng.Next(2) == 0, float64 = rng.Next(4) == 0;
            var metric = (KnnMetric)rng.Next(3);
            int k = rng.Next(1, (includeSelf ? n : n - 1) + 1);
            var m = ties ? S.Integers(n, d, 500 + trial, range: 1) : S.Random(n, d, 500 + trial, offset: 0.3);
            string path = float64 ? dir.Write($"x{trial}.npy", m) : dir.Write($"x{trial}.npy", S.ToFloat(m));
            var expected = InMemorySelf(path, metric, k, includeSelf, float64);
            using var source = NpyRowSource.Open(path);
            var knn = new StreamingKnn(metric, new StreamingOptions { BlockRows = b }, new KnnOptions { CandidateMargin = rng.Next(0, 20) }, float64);
            AssertSame(expected, knn.SelfQuery(source, k, includeSelf), $"trial {trial}: n {n}, d {d}, block {b}, k {k}, {metric}, self {includeSelf}, ties {ties}, float64 {float64}");
        }
    }

    [Fact]
    public void Float64InnerProductsMatchInMemory()
    {
        using var dir = new NpyDir();
        var m = S.Random(37, 7, 51, offset: -0.4, scale: 1e-3);
        string f64 = dir.Write("x64.npy", m);
        var expected = InMemorySelf(f64, KnnMetric.InnerProduct, 6, true, float64: true);
        using var source = NpyRowSource.Open(f64);
        AssertSame(expected, new StreamingKnn(KnnMetric.InnerProduct, new StreamingOptions { BlockRows = 5 }, float64: true).SelfQuery(source, 6, true), "float64 inner product");
    }

    [Fact]
    public void Float64RowsAndConvertedDtypesMatchTheirInMemoryCounterparts()
    {
        using var dir = new NpyDir();
        var m = S.Random(33, 5, 9);
        string f64 = dir.Write("x64.npy", m);
        var expected64 = InMemorySelf(f64, KnnMetric.Euclidean, 5, false, float64: true);
        using (var source = NpyRowSource.Open(f64))
            AssertSame(expected64, new StreamingKnn(KnnMetric.Euclidean, new StreamingOptions { BlockRows = 6 }, float64: true).SelfQuery(source, 5), "float64");
        // A float64 file read as float32 (as `rankwise neighbors` does) matches the in-memory float32 path.
        var expected32 = InMemorySelf(f64, KnnMetric.Cosine, 5, false);
        using (var source = NpyRowSource.Open(f64))
            AssertSame(expected32, new StreamingKnn(KnnMetric.Cosine, new StreamingOptions { BlockRows = 6 }).SelfQuery(source, 5), "float64 file as float32");
    }

    [Fact]
    public void TinyBudgetChoosesManyBlocksAndTheSameResult()
    {
        using var dir = new NpyDir();
        var m = S.Random(120, 8, 10);
        string path = dir.Write("x.npy", S.ToFloat(m));
        var expected = InMemorySelf(path, KnnMetric.Cosine, 10, false);
        using var source = NpyRowSource.Open(path);
        long budget = StreamingKnn.EstimatePeakBytes(23, 120, 8, 10);
        var knn = new StreamingKnn(KnnMetric.Cosine, new StreamingOptions { Budget = new MemoryBudget(budget) });
        var plan = knn.PlanSelfQuery(source, 10);
        Assert.Equal(23, plan.BlockRows);
        Assert.Equal(6, plan.Blocks);
        AssertSame(expected, knn.SelfQuery(source, 10), "planned blocks");

        // The result alone (n·k·12 bytes) plus the engine's constant part must fit.
        var tooSmall = new StreamingKnn(KnnMetric.Cosine, new StreamingOptions { Budget = new MemoryBudget(1 << 20) });
        var e = Assert.Throws<MemoryBudgetException>(() => tooSmall.SelfQuery(source, 10));
        Assert.Contains("streamed k-NN of [120, 8] with k = 10 needs at least", e.Message);
    }

    [Fact]
    public void NonFiniteRowsAndBadArgumentsAreReported()
    {
        using var dir = new NpyDir();
        var m = S.Random(20, 3, 11);
        m[13, 1] = double.NaN;
        string bad = dir.Write("bad.npy", S.ToFloat(m));
        using var source = NpyRowSource.Open(bad);
        var knn = new StreamingKnn(KnnMetric.Cosine, new StreamingOptions { BlockRows = 5 });
        var e = Assert.Throws<RankwiseInputException>(() => knn.SelfQuery(source, 3));
        Assert.Contains("contains NaN or infinite values (row 13)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => knn.SelfQuery(source, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => knn.SelfQuery(source, 0));
        string narrow = dir.Write("n.npy", S.ToFloat(S.Random(5, 2, 12)));
        using var other = NpyRowSource.Open(narrow);
        Assert.Contains("columns", Assert.Throws<ArgumentException>(() => knn.Query(other, source, 1)).Message);
    }

    [Fact]
    public void ProgressAndCancellation()
    {
        using var dir = new NpyDir();
        string path = dir.Write("x.npy", S.ToFloat(S.Random(30, 4, 13)));
        using var source = NpyRowSource.Open(path);
        var seen = new List<double>();
        new StreamingKnn(KnnMetric.Cosine, new StreamingOptions { BlockRows = 8, Progress = new StreamingCkaTests.SyncProgress(seen.Add) }).SelfQuery(source, 3);
        Assert.Equal(10, seen.Count);                                   // 4 blocks: 4 diagonal + 6 off-diagonal pairs
        Assert.Equal(1.0, seen[^1]);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => new StreamingKnn().SelfQuery(source, 3, cancellationToken: cts.Token));

        // Cancelled after the first block pair: the search stops before the next one.
        foreach (var metric in new[] { KnnMetric.Cosine, KnnMetric.Euclidean })
        {
            using var later = new CancellationTokenSource();
            int reports = 0;
            var cancelling = new StreamingCkaTests.SyncProgress(_ => { reports++; later.Cancel(); });
            var knn = new StreamingKnn(metric, new StreamingOptions { BlockRows = 8, Progress = cancelling });
            Assert.ThrowsAny<OperationCanceledException>(() => knn.SelfQuery(source, 3, cancellationToken: later.Token));
            Assert.Equal(1, reports);
            using var queries = NpyRowSource.Open(path);
            reports = 0;
            using var again = new CancellationTokenSource();
            var cancellingQuery = new StreamingCkaTests.SyncProgress(_ => { reports++; again.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() =>
                new StreamingKnn(metric, new StreamingOptions { BlockRows = 8, Progress = cancellingQuery }).Query(queries, source, 3, again.Token));
            Assert.Equal(1, reports);
        }
    }

    [Fact]
    public void EstimateCountsTheCandidateHeapsOfEveryRowForSelfQueriesOnly()
    {
        // Self-query: result n·k·12 plus heaps n·(8(k + margin) + 8) plus 16 bytes of per-row values, before any block.
        long n = 100_000, k = 10;
        long one = StreamingKnn.EstimatePeakBytes(1, n, 64, (int)k);
        Assert.True(one >= n * k * 12 + n * (8 * (k + 16) + 8) + 16 * n, $"{one}");
        long wider = StreamingKnn.EstimatePeakBytes(1, n, 64, (int)k, candidateMargin: 40);
        Assert.Equal(n * 8 * 24, wider - one);
        // Queries against a base: heaps for two blocks of queries only.
        long query = StreamingKnn.EstimatePeakBytes(1, n, 64, (int)k, selfQuery: false);
        Assert.True(query < one - n * 8 * (k + 16));
        // Non-decreasing in the block size (the plan's binary search relies on it).
        long previous = 0;
        foreach (long b in new long[] { 1, 2, 100, 1023, 1024, 1025, 4096, 100_000 })
        {
            long e = StreamingKnn.EstimatePeakBytes(b, n, 768, (int)k, metric: KnnMetric.Euclidean);
            Assert.True(e > previous);
            previous = e;
        }
    }
}
