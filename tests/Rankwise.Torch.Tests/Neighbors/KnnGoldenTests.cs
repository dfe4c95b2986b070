using Rankwise.Torch.Neighbors;
using TorchSharp;
using static TorchSharp.torch;
using D = Rankwise.Torch.Tests.Neighbors.NeighborsTestData;

namespace Rankwise.Torch.Tests.Neighbors;

/// <summary>
/// Neighbour lists against sklearn 1.2 <c>NearestNeighbors(algorithm='brute')</c> on random data without near-ties
/// (cosine and Euclidean; self included, self excluded, query vs base; float64 and float32 input), and against an
/// independent numpy brute force of the documented tie rule on integer data with ties, duplicates and zero rows.
/// </summary>
[Collection(NeighborsTestData.Collection)]
public class KnnGoldenTests
{
    public static IEnumerable<object[]> SklearnCases => D.Names("knn_cases");

    public static IEnumerable<object[]> TieCases => D.Names("tie_cases");

    private static KnnResult Run(System.Text.Json.JsonElement c, KnnOptions options)
    {
        var metric = D.Metric(c.GetProperty("metric").GetString()!);
        var dtype = c.GetProperty("dtype").GetString() == "float32" ? ScalarType.Float32 : ScalarType.Float64;
        int k = c.GetProperty("k").GetInt32();
        string mode = c.GetProperty("mode").GetString()!;
        using var x = D.Matrix(c.GetProperty("x"), dtype);
        var knn = new ExactKnn(metric, options);
        if (mode == "query")
        {
            using var q = D.Matrix(c.GetProperty("q"), dtype);
            return knn.Query(q, x, k);
        }
        return knn.SelfQuery(x, k, includeSelf: mode == "include");
    }

    private static void AssertMatches(int[] expectedIdx, double[] expectedScores, KnnResult r, string label)
    {
        Assert.Equal(expectedIdx.Length, r.Indices.Length);
        for (int t = 0; t < expectedIdx.Length; t++)
            Assert.True(expectedIdx[t] == r.Indices[t], $"{label}: entry {t} (row {t / r.K}) expected neighbour {expectedIdx[t]}, got {r.Indices[t]}");
        for (int t = 0; t < expectedScores.Length; t++)
        {
            double tol = 1e-12 * Math.Max(1.0, Math.Abs(expectedScores[t]));
            Assert.True(Math.Abs(expectedScores[t] - r.Scores[t]) <= tol,
                $"{label}: score {t} expected {expectedScores[t]:R}, got {r.Scores[t]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(SklearnCases))]
    public void MatchesSklearnBruteForce(string name)
    {
        var c = D.Case("knn_cases", name);
        var expectedIdx = D.FlatInts(c.GetProperty("indices"));
        var expectedScores = D.FlatDoubles(c.GetProperty("scores"));
        foreach (var options in D.OptionGrid(1000, 7))
        {
            var r = Run(c, options);
            AssertMatches(expectedIdx, expectedScores, r, $"{name} block={options.BlockRows} {options.Selection}");
        }
    }

    [Theory]
    [MemberData(nameof(TieCases))]
    public void FollowsTheDocumentedTieRule(string name)
    {
        var c = D.Case("tie_cases", name);
        var metric = D.Metric(c.GetProperty("metric").GetString()!);
        int k = c.GetProperty("k").GetInt32();
        bool exclude = c.GetProperty("exclude_self").GetBoolean();
        var expectedIdx = D.FlatInts(c.GetProperty("indices"));
        var expectedScores = D.FlatDoubles(c.GetProperty("scores"));
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
        {
            using var x = D.Matrix(c.GetProperty("x"), dtype);
            foreach (var options in D.OptionGrid(1, 7, 64, 1000).Append(new KnnOptions { CandidateMargin = 0 }))
            {
                var r = new ExactKnn(metric, options).SelfQuery(x, k, includeSelf: !exclude);
                AssertMatches(expectedIdx, expectedScores, r, $"{name} {dtype} block={options.BlockRows} {options.Selection} margin={options.CandidateMargin}");
            }
        }
    }

    [Fact]
    public void TiesForceWideningButNotOtherResults()
    {
        var c = D.Case("tie_cases", "identical_rows_euclidean");
        using var x = D.Matrix(c.GetProperty("x"));
        var r = new ExactKnn(KnnMetric.Euclidean, new KnnOptions { CandidateMargin = 2 }).SelfQuery(x, 5);
        Assert.True(r.WidenedRows > 0, "identical rows tie at distance 0, so the float32 candidate set must be widened");
        for (int i = 0; i < r.Queries; i++)
        {
            // All rows are identical: the neighbours are the lowest other indices, at distance 0.
            var expected = Enumerable.Range(0, 6).Where(j => j != i).Take(5).ToArray();
            Assert.Equal(expected, r.NeighborsOf(i).ToArray());
            Assert.All(r.ScoresOf(i).ToArray(), s => Assert.Equal(0.0, s));
        }
    }
}
