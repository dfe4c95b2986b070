using Rankwise.Retrieval;
using static Rankwise.Tests.Retrieval.RetrievalReference;

namespace Rankwise.Tests.Retrieval;

public class AveragePrecisionTests
{
    private static readonly int[] Golden = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0];

    [Fact]
    public void GoldenRankedListGivesKnownValues()
    {
        Assert.Equal(8.0 / 11, AveragePrecision.FromRankedRelevance(Golden, AveragePrecisionMethod.Voc2007ElevenPoint), 14);
        Assert.Equal(0.7222222222, AveragePrecision.FromRankedRelevance(Golden, AveragePrecisionMethod.Voc2010), 10);
        Assert.Equal((1 + 2.0 / 3 + 0.5) / 3, AveragePrecision.FromRankedRelevance(Golden, AveragePrecisionMethod.NonInterpolated), 15);
    }

    [Fact]
    public void ScoresInDecreasingOrderEqualTheRankedList()
    {
        double[] scores = Enumerable.Range(0, Golden.Length).Select(i => 10.0 - i).ToArray();
        foreach (AveragePrecisionMethod m in Methods)
            Assert.Equal(AveragePrecision.FromRankedRelevance(Golden, m), AveragePrecision.Compute(scores, Golden, m), 15);
    }

    [Fact]
    public void MatchesScikitLearnAndVocReferenceOnRandomCasesWithTies()
    {
        JsonCases(out var cases);
        Assert.True(cases.Length >= 200);
        for (int c = 0; c < cases.Length; c++)
        {
            double[] scores = Numbers(cases[c].GetProperty("scores"));
            int[] relevant = Ints(cases[c].GetProperty("relevant"));
            foreach (AveragePrecisionMethod m in Methods)
            {
                double expected = Number(cases[c].GetProperty("expected").GetProperty(m.ToString()));
                Close(expected, AveragePrecision.Compute(scores, relevant, m), 1e-12, $"case {c} {m}");
            }
        }
    }

    [Fact]
    public void RankedListsMatchReferenceIncludingTruncatedLists()
    {
        foreach (var entry in Section("rankedRelevance"))
        {
            bool[] ranked = Ints(entry.GetProperty("ranked")).Select(v => v == 1).ToArray();
            var truncated = entry.GetProperty("truncated");
            int total = truncated.GetProperty("totalRelevant").GetInt32();
            foreach (AveragePrecisionMethod m in Methods)
            {
                Close(Number(entry.GetProperty("expected").GetProperty(m.ToString())), AveragePrecision.FromRankedRelevance(ranked, m), 1e-12, $"{m}");
                Close(Number(truncated.GetProperty("expected").GetProperty(m.ToString())), AveragePrecision.FromRankedRelevance(ranked, m, total), 1e-12, $"{m} truncated");
            }
        }
    }

    [Fact]
    public void TiedGroupIsOnePointOfTheCurve()
    {
        // Three items tied at the top (two relevant), then one relevant: sklearn gives 2/3 * 2/3 + 1/3 * 3/4.
        double[] scores = [0.5, 0.5, 0.5, 0.2];
        int[] relevant = [1, 0, 1, 1];
        Assert.Equal(2.0 / 3 * 2.0 / 3 + 1.0 / 3 * 3.0 / 4, AveragePrecision.Compute(scores, relevant), 15);
        // All tied: a single point with precision = prevalence.
        Assert.Equal(0.5, AveragePrecision.Compute([1.0, 1.0, 1.0, 1.0], [1, 0, 0, 1]), 15);
        Assert.Equal(0.5, AveragePrecision.Compute([1.0, 1.0, 1.0, 1.0], [1, 0, 0, 1], AveragePrecisionMethod.Voc2007ElevenPoint), 15);
    }

    [Fact]
    public void ResultDoesNotDependOnInputOrder()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(1, 40);
            double[] scores = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 5)).ToArray();
            bool[] relevant = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0).ToArray();
            int[] perm = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
            foreach (AveragePrecisionMethod m in Methods)
            {
                double a = AveragePrecision.Compute(scores, relevant, m);
                double b = AveragePrecision.Compute(perm.Select(i => scores[i]).ToArray(), perm.Select(i => relevant[i]).ToArray(), m);
                Assert.Equal(a, b);
            }
        }
    }

    [Fact]
    public void InterpolationOrdering()
    {
        // The VOC2010 envelope is never below the non-interpolated precision, so AP_2010 >= AP_nonint.
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = random.Next(1, 30);
            double[] scores = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
            bool[] relevant = Enumerable.Range(0, n).Select(_ => random.Next(2) == 0).ToArray();
            double plain = AveragePrecision.Compute(scores, relevant, AveragePrecisionMethod.NonInterpolated);
            double voc10 = AveragePrecision.Compute(scores, relevant, AveragePrecisionMethod.Voc2010);
            if (double.IsNaN(plain))
                continue;
            Assert.True(voc10 >= plain - 1e-15, $"{voc10} < {plain}");
            Assert.InRange(voc10, 0, 1 + 1e-15);
        }
    }

    [Fact]
    public void ExactTenthsCountForVoc2007()
    {
        // R = 10 relevant, the first 3 at the top: recall exactly 0.3 must count for t = 0.3.
        bool[] ranked = [true, true, true, false, false, false, false, false, false, false];
        double ap = AveragePrecision.FromRankedRelevance(ranked, AveragePrecisionMethod.Voc2007ElevenPoint, totalRelevant: 10);
        Assert.Equal(4.0 / 11, ap, 15); // t = 0, 0.1, 0.2, 0.3 at precision 1
    }

    [Fact]
    public void NoRelevantItemGivesNaN()
    {
        Assert.True(double.IsNaN(AveragePrecision.Compute([0.1, 0.2], [0, 0])));
        Assert.True(double.IsNaN(AveragePrecision.FromRankedRelevance(Array.Empty<bool>())));
        Assert.Equal(0.0, AveragePrecision.FromRankedRelevance([false, false], totalRelevant: 3));
    }

    [Fact]
    public void BadInputThrows()
    {
        Assert.Throws<RankwiseInputException>(() => AveragePrecision.Compute([0.1, double.NaN], [1, 0]));
        Assert.Throws<RankwiseInputException>(() => AveragePrecision.Compute([0.1, 0.2], [1, 0, 1]));
        Assert.Throws<RankwiseInputException>(() => AveragePrecision.Compute([0.1, 0.2], [1, 2]));
        Assert.Throws<RankwiseInputException>(() => AveragePrecision.FromRankedRelevance([1, 1, 0], totalRelevant: 1));
    }

    [Fact]
    public void InputsAreNotModified()
    {
        double[] scores = [0.3, 0.1, 0.2];
        bool[] relevant = [false, true, true];
        AveragePrecision.Compute(scores, relevant);
        Assert.Equal([0.3, 0.1, 0.2], scores);
        Assert.Equal([false, true, true], relevant);
    }

    [Fact]
    public void SignedZerosTie()
    {
        // -0.0 == 0.0: one tied group (numpy's diff is 0 there too).
        Assert.Equal(AveragePrecision.Compute([0.0, 0.0, -1], [0, 1, 1]), AveragePrecision.Compute([-0.0, 0.0, -1], [0, 1, 1]));
        Assert.Equal(0.5 * 0.5 + 0.5 * 2.0 / 3, AveragePrecision.Compute([-0.0, 0.0, -1], [0, 1, 1]), 15);
    }

    [Fact]
    public void MatchesNaiveFullSortOnLargeRandomInputs()
    {
        // Independent check of the O(N log R) curve construction against a plain sort of all items.
        var random = new Random(17);
        for (int trial = 0; trial < 30; trial++)
        {
            int n = random.Next(100, 3000);
            int levels = random.Next(2, 50);
            double[] scores = Enumerable.Range(0, n).Select(_ => (double)random.Next(levels)).ToArray();
            bool[] relevant = Enumerable.Range(0, n).Select(_ => random.Next(10) == 0).ToArray();
            int[] order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();
            int total = relevant.Count(v => v);
            if (total == 0)
                continue;
            double expected = 0;
            int tp = 0, k = 0;
            for (int i = 0; i < n;)
            {
                int start = i, groupTp = 0;
                while (i < n && scores[order[i]] == scores[order[start]])
                {
                    if (relevant[order[i]])
                        groupTp++;
                    i++;
                }
                tp += groupTp;
                k = i;
                expected += (double)groupTp / total * tp / k;
            }
            Assert.Equal(expected, AveragePrecision.Compute(scores, relevant), 12);
        }
    }

    [Fact]
    public void InfiniteScoresAreOrdered()
    {
        Assert.Equal(1.0, AveragePrecision.Compute([double.PositiveInfinity, 0, double.NegativeInfinity], [1, 0, 0]));
        Assert.Equal(1.0 / 3, AveragePrecision.Compute([double.PositiveInfinity, 0, double.NegativeInfinity], [0, 0, 1]), 15);
    }

    private static void JsonCases(out System.Text.Json.JsonElement[] cases) => cases = Section("averagePrecision");
}
