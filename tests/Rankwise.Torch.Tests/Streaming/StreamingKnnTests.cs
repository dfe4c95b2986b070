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
    }
}
