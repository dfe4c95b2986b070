using Rankwise.Retrieval;
using static Rankwise.Tests.Retrieval.RetrievalReference;

namespace Rankwise.Tests.Retrieval;

public class MeanAveragePrecisionTests
{
    [Fact]
    public void MatrixFormAveragesPerQueryAveragePrecision()
    {
        var cases = Section("averagePrecision").Where(c => c.GetProperty("scores").GetArrayLength() == 12).Take(5).ToArray();
        var random = new Random(3);
        int q = 6, n = 15;
        var scores = new double[q * n];
        var relevance = new double[q * n];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = random.Next(0, 6) / 5.0;
            relevance[i] = random.Next(3) == 0 ? 1 : 0;
        }
        relevance.AsSpan(2 * n, n).Clear(); // query 2 has no relevant item
        var s = new Matrix<double>(q, n, scores);
        var r = new Matrix<double>(q, n, relevance);
        foreach (AveragePrecisionMethod m in Methods)
        {
            var expected = Enumerable.Range(0, q).Select(i =>
                AveragePrecision.Compute(scores.AsSpan(i * n, n), relevance.AsSpan(i * n, n).ToArray().Select(v => v == 1).ToArray(), m)).ToArray();
            var result = MeanAveragePrecision.Compute(s, r, m);
            Assert.Equal(expected, result.PerQuery);
            Assert.Equal(1, result.QueriesWithoutRelevant);
            Assert.Equal(q - 1, result.QueriesUsed);
            Assert.Equal(expected.Where(v => !double.IsNaN(v)).Average(), result.Value, 15);

            var zero = MeanAveragePrecision.Compute(s, r, m, NoRelevantPolicy.Zero);
            Assert.Equal(expected.Select(v => double.IsNaN(v) ? 0 : v).Average(), zero.Value, 15);
            Assert.Equal(q, zero.QueriesUsed);
            var error = Assert.Throws<RankwiseInputException>(() => MeanAveragePrecision.Compute(s, r, m, NoRelevantPolicy.Raise));
            Assert.Contains("query 2", error.Message);
        }
    }

    [Fact]
    public void RaggedFormMatchesReferenceCases()
    {
        var cases = Section("averagePrecision");
        double[][] scores = cases.Select(c => Numbers(c.GetProperty("scores"))).ToArray();
        bool[][] relevance = cases.Select(c => Ints(c.GetProperty("relevant")).Select(v => v == 1).ToArray()).ToArray();
        foreach (AveragePrecisionMethod m in Methods)
        {
            double[] expected = cases.Select(c => Number(c.GetProperty("expected").GetProperty(m.ToString()))).ToArray();
            var result = MeanAveragePrecision.Compute(scores, relevance, m);
            for (int i = 0; i < expected.Length; i++)
                Close(expected[i], result.PerQuery[i], 1e-12, $"{m} query {i}");
            Close(expected.Average(), result.Value, 1e-12, $"{m} mean");
            Assert.Equal(0, result.QueriesWithoutRelevant);
        }
    }

    [Fact]
    public void RankedFormUsesTotals()
    {
        bool[][] lists = [[true, false, true], [false, false], [false, true]];
        var result = MeanAveragePrecision.FromRankedRelevance(lists, totalRelevant: [2, 0, 2]);
        Assert.Equal((1 + 2.0 / 3) / 2, result.PerQuery[0], 15);
        Assert.True(double.IsNaN(result.PerQuery[1]));
        Assert.Equal(0.25, result.PerQuery[2], 15);
        Assert.Equal(((1 + 2.0 / 3) / 2 + 0.25) / 2, result.Value, 15);
        Assert.Equal(1, result.QueriesWithoutRelevant);
    }

    [Fact]
    public void AllQueriesWithoutRelevantGiveNaN()
    {
        var result = MeanAveragePrecision.FromRankedRelevance([[false], [false, false]]);
        Assert.True(double.IsNaN(result.Value));
        Assert.Equal(2, result.QueriesWithoutRelevant);
        Assert.Equal(0, result.QueriesUsed);
    }

    [Fact]
    public void BadInputThrows()
    {
        var s = new Matrix<double>(2, 2, [0.1, 0.2, 0.3, 0.4]);
        Assert.Throws<RankwiseInputException>(() => MeanAveragePrecision.Compute(s, new Matrix<double>(2, 2, [1, 0, 0.5, 1])));
        Assert.Throws<RankwiseInputException>(() => MeanAveragePrecision.Compute(s, new Matrix<double>(1, 2, [1, 0])));
        Assert.Throws<RankwiseInputException>(() => MeanAveragePrecision.Compute(new Matrix<double>(1, 2, [double.NaN, 0]), new Matrix<double>(1, 2, [1, 0])));
        Assert.Throws<RankwiseInputException>(() => MeanAveragePrecision.Compute([new double[] { 1, 2 }], [new bool[] { true }]));
    }
}
