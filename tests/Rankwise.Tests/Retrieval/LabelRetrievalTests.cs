using System.Text.Json;
using Rankwise.Retrieval;
using static Rankwise.Tests.Retrieval.RetrievalReference;

namespace Rankwise.Tests.Retrieval;

public class LabelRetrievalTests
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Section("labelRetrieval").Length; i++)
            data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesScikitLearnReference(int index)
    {
        JsonElement c = Section("labelRetrieval")[index];
        string kind = c.GetProperty("kind").GetString()!;
        foreach (AveragePrecisionMethod m in Methods)
        {
            MeanAveragePrecisionResult result = kind switch
            {
                "embeddings" => LabelRetrieval.MeanAveragePrecision(
                    Matrix(c.GetProperty("embeddings")), Labels(c.GetProperty("labels")), Measure(c), m),
                "square-scores" => LabelRetrieval.MeanAveragePrecisionFromScores(
                    Matrix(c.GetProperty("scores")), Labels(c.GetProperty("labels")), m),
                "cross-embeddings" => LabelRetrieval.MeanAveragePrecision(
                    Matrix(c.GetProperty("queries")), Labels(c.GetProperty("queryLabels")),
                    Matrix(c.GetProperty("database")), Labels(c.GetProperty("databaseLabels")), Measure(c), m),
                "cross-scores" => LabelRetrieval.MeanAveragePrecisionFromScores(
                    Matrix(c.GetProperty("scores")), Labels(c.GetProperty("queryLabels")), Labels(c.GetProperty("databaseLabels")), m),
                _ => throw new InvalidOperationException(kind),
            };
            JsonElement expected = c.GetProperty("expected").GetProperty(m.ToString());
            double[] perQuery = Numbers(expected.GetProperty("perQuery"));
            Assert.Equal(perQuery.Length, result.Queries);
            for (int q = 0; q < perQuery.Length; q++)
                Close(perQuery[q], result.PerQuery[q], 1e-12, $"{kind} {m} query {q}");
            Close(Number(expected.GetProperty("map")), result.Value, 1e-12, $"{kind} {m} mAP");
            Assert.Equal(expected.GetProperty("without").GetInt32(), result.QueriesWithoutRelevant);
        }
    }

    private static SimilarityMeasure Measure(JsonElement c) => c.GetProperty("measure").GetString() switch
    {
        "cosine" => SimilarityMeasure.Cosine,
        "negative-euclidean" => SimilarityMeasure.NegativeEuclidean,
        var s => throw new InvalidOperationException(s),
    };

    [Fact]
    public void SingleLabelsIndicatorsAndMultiLabelsAgree()
    {
        var random = new Random(8);
        int n = 30, d = 4, classes = 3;
        var x = new Matrix<double>(n, d, Enumerable.Range(0, n * d).Select(_ => random.NextDouble() - 0.5).ToArray());
        int[] single = Enumerable.Range(0, n).Select(_ => random.Next(classes)).ToArray();
        var indicators = new Matrix<double>(n, classes);
        for (int i = 0; i < n; i++)
            indicators[i, single[i]] = 1;
        var a = LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromSingle(single));
        var b = LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromIndicators(indicators));
        var c = LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromMulti(single.Select(l => (IReadOnlyCollection<int>)[l, l]).ToArray()));
        Assert.Equal(a.PerQuery, b.PerQuery);
        Assert.Equal(a.PerQuery, c.PerQuery);
    }

    [Fact]
    public void ScoresFromEmbeddingsEqualTheGivenScoreForm()
    {
        var random = new Random(9);
        int n = 25, d = 5;
        var x = new Matrix<double>(n, d, Enumerable.Range(0, n * d).Select(_ => random.NextDouble()).ToArray());
        var labels = ItemLabels.FromMulti(Enumerable.Range(0, n).Select(_ => (IReadOnlyCollection<int>)[random.Next(4), random.Next(4)]).ToArray());
        var scores = new Matrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                    s += (x[i, k] - x[j, k]) * (x[i, k] - x[j, k]);
                scores[i, j] = -Math.Sqrt(s);
            }
        }
        var fromEmbeddings = LabelRetrieval.MeanAveragePrecision(x, labels, SimilarityMeasure.NegativeEuclidean);
        var fromScores = LabelRetrieval.MeanAveragePrecisionFromScores(scores, labels);
        for (int q = 0; q < n; q++)
            Assert.Equal(fromScores.PerQuery[q], fromEmbeddings.PerQuery[q], 14);
    }

    [Fact]
    public void ManyLabelsUseTheListIntersectionPath()
    {
        // 2000 distinct labels exceed the bit-mask limit; relevance must be the same as with remapped small ids.
        var random = new Random(10);
        int n = 40;
        var x = new Matrix<double>(n, 3, Enumerable.Range(0, n * 3).Select(_ => random.NextDouble()).ToArray());
        int[][] small = Enumerable.Range(0, n).Select(_ => new[] { random.Next(6), random.Next(6) }).ToArray();
        var filler = Enumerable.Range(100, 2000).ToArray();
        var big = small.Select((s, i) => (IReadOnlyCollection<int>)s.Select(l => l * 1000).Concat(filler.Skip(i * 50).Take(50)).ToArray()).ToArray();
        var a = LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromMulti(small.Select(s => (IReadOnlyCollection<int>)s).ToArray()));
        var b = LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromMulti(big));
        Assert.Equal(a.PerQuery, b.PerQuery);
    }

    [Fact]
    public void ZeroEmbeddingHasCosineZero()
    {
        var x = new Matrix<double>(3, 2, [0, 0, 1, 0, -1, 0]);
        var labels = ItemLabels.FromSingle([0, 0, 1]);
        // Query 0 (zero row): both others score 0, one relevant: AP = 1/2.
        var result = LabelRetrieval.MeanAveragePrecision(x, labels);
        Assert.Equal(0.5, result.PerQuery[0], 15);
        // Query 1: item 0 (score 0, relevant) ranks above item 2 (score -1): AP = 1.
        Assert.Equal(1.0, result.PerQuery[1], 15);
        Assert.True(double.IsNaN(result.PerQuery[2]));
    }

    [Fact]
    public void BadInputThrows()
    {
        var x = new Matrix<double>(2, 2, [1, 0, 0, 1]);
        Assert.Throws<RankwiseInputException>(() => LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromSingle([0, 1, 2])));
        Assert.Throws<RankwiseInputException>(() => LabelRetrieval.MeanAveragePrecision(new Matrix<double>(2, 2, [1, double.NaN, 0, 1]), ItemLabels.FromSingle([0, 1])));
        Assert.Throws<RankwiseInputException>(() => LabelRetrieval.MeanAveragePrecisionFromScores(new Matrix<double>(2, 3), ItemLabels.FromSingle([0, 1])));
        Assert.Throws<RankwiseInputException>(() => LabelRetrieval.MeanAveragePrecisionFromScores(new Matrix<double>(2, 2, [0, double.NaN, 1, 0]), ItemLabels.FromSingle([0, 1])));
        Assert.Throws<RankwiseInputException>(() => ItemLabels.FromIndicators(new Matrix<double>(1, 2, [0.5, 1])));
        Assert.Throws<RankwiseInputException>(() => LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromSingle([0, 1]), new Matrix<double>(2, 3), ItemLabels.FromSingle([0, 1])));
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var data = new double[] { 3, 4, 1, 0, 0, 2 };
        var x = new Matrix<double>(3, 2, (double[])data.Clone());
        LabelRetrieval.MeanAveragePrecision(x, ItemLabels.FromSingle([0, 0, 1]));
        Assert.Equal(data, x.Data);
    }
}
