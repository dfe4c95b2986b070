using CsCheck;
using Rankwise.Torch.Neighbors;
using TorchSharp;
using static TorchSharp.torch;
using D = Rankwise.Torch.Tests.Neighbors.NeighborsTestData;

namespace Rankwise.Torch.Tests.Neighbors;

/// <summary>Properties of the exact k-NN: invariance to block size, thread count and candidate selection; consistency
/// between modes; self handling; exactness where float32 screening alone would fail.</summary>
[Collection(NeighborsTestData.Collection)]
public class KnnPropertyTests
{
    private static readonly KnnMetric[] Metrics = [KnnMetric.Cosine, KnnMetric.Euclidean, KnnMetric.InnerProduct];

    /// <summary>Random data: Gaussian, or small integers with duplicated rows (exact ties).</summary>
    private static Tensor Data(int n, int d, bool integers, ulong seed)
    {
        using var g = new Generator(seed);
        if (!integers)
            return randn([n, d], dtype: ScalarType.Float64, generator: g);
        var x = randint(-2, 3, [n, d], dtype: ScalarType.Float64, generator: g);
        int dups = n / 4;
        if (dups > 0)
        {
            var src = randint(0, n, [dups], dtype: ScalarType.Int64, generator: g);
            var dst = randint(0, n, [dups], dtype: ScalarType.Int64, generator: g);
            x.index_copy_(0, dst, x.index_select(0, src));
        }
        return x;
    }

    [Fact]
    public void ResultIsIndependentOfBlockSizeThreadsAndSelection()
    {
        var gen = Gen.Select(Gen.Int[2, 90], Gen.Int[1, 12], Gen.Bool, Gen.Int[0, 2], Gen.UInt, Gen.Bool);
        gen.Sample((n, d, integers, m, seed, include) =>
        {
            var metric = Metrics[m];
            using var x = Data(n, d, integers, seed);
            int available = include ? n : n - 1;
            if (available < 1) return;
            int k = 1 + (int)(seed % (uint)Math.Min(available, 15));
            var reference = new ExactKnn(metric).SelfQuery(x, k, include);
            foreach (int block in new[] { 1, 7, 64, 1000 })
                foreach (var sel in new[] { CandidateSelection.Auto, CandidateSelection.TorchTopK })
                    foreach (int threads in new[] { 1, 2 })
                    {
                        var options = new KnnOptions
                        {
                            BlockRows = block, Selection = sel, Threads = threads, CandidateMargin = block % 5,
                            ChunkColumns = block == 1000 ? null : 1 + (block * 3 + threads) % 40,
                        };
                        // The torch.topk path uses libtorch's own threads: vary them too (restored below).
                        int saved = get_num_threads();
                        if (sel == CandidateSelection.TorchTopK)
                            set_num_threads(threads);
                        KnnResult r;
                        try
                        {
                            r = new ExactKnn(metric, options).SelfQuery(x, k, include);
                        }
                        finally
                        {
                            set_num_threads(saved);
                        }
                        Assert.Equal(reference.Indices, r.Indices);
                        Assert.Equal(reference.Scores, r.Scores);
                    }
        }, iter: 25);
    }

    [Theory]
    [InlineData(KnnMetric.Cosine)]
    [InlineData(KnnMetric.Euclidean)]
    [InlineData(KnnMetric.InnerProduct)]
    public void LargerInstanceAgreesAcrossPathsAndChunkings(KnnMetric metric)
    {
        // Clustered data (many close pairs) with some exact duplicates, several blocks and column chunks.
        using var centres = D.Randn(40, 20, 21);
        using var g = new Generator(22);
        using var assign = randint(0, 40, [2500], dtype: ScalarType.Int64, generator: g);
        using var x = centres.index_select(0, assign) + 0.05 * randn([2500, 20], dtype: ScalarType.Float64, generator: g);
        x[100] = x[7].clone();
        x[2000] = x[7].clone();
        var reference = new ExactKnn(metric, new KnnOptions { Selection = CandidateSelection.TorchTopK, BlockRows = 999 }).SelfQuery(x, 15);
        foreach (var options in new[]
        {
            new KnnOptions(),
            new KnnOptions { BlockRows = 300, ChunkColumns = 700 },
            new KnnOptions { BlockRows = 1024, ChunkColumns = 256, CandidateMargin = 0 },
        })
        {
            var r = new ExactKnn(metric, options).SelfQuery(x, 15);
            Assert.Equal(reference.Indices, r.Indices);
            Assert.Equal(reference.Scores, r.Scores);
        }
        Assert.Equal(BruteForce(x, 15, metric), reference.Indices);
    }

    [Theory]
    [InlineData(KnnMetric.Cosine)]
    [InlineData(KnnMetric.Euclidean)]
    [InlineData(KnnMetric.InnerProduct)]
    public void QueryOfTheDataItselfEqualsSelfQueryWithSelf(KnnMetric metric)
    {
        using var x = D.Randn(300, 9, 11);
        var knn = new ExactKnn(metric, new KnnOptions { BlockRows = 37 });
        var self = knn.SelfQuery(x, 12, includeSelf: true);
        var query = knn.Query(x, x, 12);
        Assert.Equal(self.Indices, query.Indices);
        Assert.Equal(self.Scores, query.Scores);
        Assert.True(self.IsSelfQuery && self.IncludesSelf);
        Assert.False(query.IsSelfQuery);
    }

    [Theory]
    [InlineData(KnnMetric.Cosine)]
    [InlineData(KnnMetric.Euclidean)]
    [InlineData(KnnMetric.InnerProduct)]
    public void TruncationEqualsSmallerK(KnnMetric metric)
    {
        using var x = Data(120, 4, integers: true, seed: 5);
        var knn = new ExactKnn(metric);
        var big = knn.SelfQuery(x, 30);
        foreach (int k in new[] { 1, 2, 7, 29, 30 })
        {
            var small = knn.SelfQuery(x, k);
            var cut = big.Truncate(k);
            Assert.Equal(small.Indices, cut.Indices);
            Assert.Equal(small.Scores, cut.Scores);
        }
    }

    [Theory]
    [InlineData(KnnMetric.Cosine)]
    [InlineData(KnnMetric.Euclidean)]
    public void ExcludingSelfRemovesTheIndexNotTheDuplicates(KnnMetric metric)
    {
        // Rows 2, 5 and 7 are identical; row 9 is another point.
        double[] v = [1, 0, 0, 1, 3, 1, 2, 2, 5, 5, 3, 1, 9, 1, 3, 1, 4, 4, -1, 2];
        using var x = tensor(v, [10, 2], dtype: ScalarType.Float64);
        x[5] = x[2].clone();
        x[7] = x[2].clone();
        var knn = new ExactKnn(metric);
        var excl = knn.SelfQuery(x, 3);
        Assert.Equal([5, 7], excl.NeighborsOf(2)[..2].ToArray());
        Assert.Equal([2, 7], excl.NeighborsOf(5)[..2].ToArray());
        Assert.Equal([2, 5], excl.NeighborsOf(7)[..2].ToArray());
        double same = metric == KnnMetric.Cosine ? 1.0 : 0.0;
        Assert.Equal(same, excl.ScoresOf(7)[0], 15);
        var incl = knn.SelfQuery(x, 3, includeSelf: true);
        // All three tie with the query itself: lowest index first.
        Assert.Equal([2, 5, 7], incl.NeighborsOf(7).ToArray());
        Assert.Equal([2, 5, 7], incl.NeighborsOf(2).ToArray());
        for (int i = 0; i < 10; i++)
            Assert.DoesNotContain(i, excl.NeighborsOf(i).ToArray());
    }

    [Fact]
    public void IncludedSelfIsOneSharedNeighbourPlusTheExcludedListOfKMinusOne()
    {
        using var v = D.Randn(200, 6, 1);
        using var z = D.Randn(200, 4, 2) + v[.., ..4];
        foreach (var metric in new[] { KnnMetric.Cosine, KnnMetric.Euclidean })
            foreach (int k in new[] { 2, 5, 10 })
            {
                var incl = NeighborOverlap.Compute(v, z, k, metric, includeSelf: true);
                var excl = NeighborOverlap.Compute(v, z, k - 1, metric, includeSelf: false);
                Assert.Equal(excl.PerItem.Select(o => o + 1).ToArray(), incl.PerItem);
                Assert.Equal((1 + (k - 1) * excl.Mnno) / k, incl.Mnno, 14);
            }
    }

    [Fact]
    public void EuclideanIsExactUnderALargeOffset()
    {
        // With an offset of 1e6 the float32 expansion ‖q‖² − 2q·b + ‖b‖² would lose every digit; centring and exact
        // float64 re-ranking must give the same lists as the offset-free data (distances are translation invariant).
        using var x = D.Randn(400, 5, 3);
        using var shifted = x + 1e6;
        var a = new ExactKnn(KnnMetric.Euclidean).SelfQuery(x, 8);
        var b = new ExactKnn(KnnMetric.Euclidean).SelfQuery(shifted, 8);
        Assert.Equal(a.Indices, b.Indices);
        for (int t = 0; t < a.Scores.Length; t++)
            Assert.Equal(a.Scores[t], b.Scores[t], 6); // x + 1e6 itself rounds to ulp(1e6) ≈ 1.2e-10
        Assert.Equal(BruteForce(x, 8, KnnMetric.Euclidean), a.Indices);
    }

    [Fact]
    public void CosineIgnoresRowScalingAndMatchesBruteForce()
    {
        using var x = D.Randn(250, 7, 8);
        using var g = new Generator(9);
        using var scales = rand([250, 1], dtype: ScalarType.Float64, generator: g) * 100 + 0.01;
        var a = new ExactKnn(KnnMetric.Cosine).SelfQuery(x, 6);
        var b = new ExactKnn(KnnMetric.Cosine).SelfQuery(x * scales, 6);
        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(BruteForce(x, 6, KnnMetric.Cosine), a.Indices);
        Assert.Equal(BruteForce(x, 6, KnnMetric.InnerProduct), new ExactKnn(KnnMetric.InnerProduct).SelfQuery(x, 6).Indices);
    }

    /// <summary>Independent managed brute force (self excluded): full sort of float64 scores, ties by index.</summary>
    private static int[] BruteForce(Tensor x, int k, KnnMetric metric)
    {
        int n = (int)x.shape[0], d = (int)x.shape[1];
        var a = x.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var result = new List<int>();
        for (int i = 0; i < n; i++)
        {
            var scored = new List<(double Key, int J)>();
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dot = 0, qq = 0, bb = 0, dist = 0;
                for (int t = 0; t < d; t++)
                {
                    double p = a[i * d + t], q = a[j * d + t];
                    dot += p * q; qq += p * p; bb += q * q; dist += (p - q) * (p - q);
                }
                double key = metric switch
                {
                    KnnMetric.Cosine => -dot / Math.Sqrt(qq * bb),
                    KnnMetric.InnerProduct => -dot,
                    _ => dist,
                };
                scored.Add((key, j));
            }
            result.AddRange(scored.OrderBy(s => s.Key).ThenBy(s => s.J).Take(k).Select(s => s.J));
        }
        return [.. result];
    }
}
