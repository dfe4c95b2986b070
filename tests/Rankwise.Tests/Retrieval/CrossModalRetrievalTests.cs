using System.Text.Json;
using Rankwise.Retrieval;
using static Rankwise.Tests.Retrieval.RetrievalReference;

namespace Rankwise.Tests.Retrieval;

public class CrossModalRetrievalTests
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Section("crossModal").Length; i++)
            data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesNumpyReference(int index)
    {
        JsonElement c = Section("crossModal")[index];
        var options = new CrossModalOptions
        {
            CaptionsPerImage = c.GetProperty("captionsPerImage").GetInt32(),
            RecallAt = Ints(c.GetProperty("recallAt")),
            Folds = c.GetProperty("folds").GetInt32(),
            Ties = Enum.Parse<RankTieRule>(c.GetProperty("ties").GetString()!),
        };
        CrossModalRetrievalResult result = c.GetProperty("kind").GetString() == "embeddings"
            ? CrossModalRetrieval.EvaluateEmbeddings(Matrix(c.GetProperty("images")), Matrix(c.GetProperty("captions")), options)
            : CrossModalRetrieval.Evaluate(Matrix(c.GetProperty("scores")), options);
        JsonElement expected = c.GetProperty("expected");
        Check(expected.GetProperty("i2t"), result.ImageToText, "i2t");
        Check(expected.GetProperty("t2i"), result.TextToImage, "t2i");
        Close(Number(expected.GetProperty("rsum")), result.RSum, 1e-12, "rsum");
        Assert.Equal(options.Folds == 1 ? 0 : options.Folds, result.Folds.Count);
    }

    private static void Check(JsonElement expected, RetrievalDirectionMetrics actual, string what)
    {
        Assert.Equal(Ints(expected.GetProperty("ranks")), actual.Ranks);
        double[] recall = Numbers(expected.GetProperty("recall"));
        for (int k = 0; k < recall.Length; k++)
            Close(recall[k], actual.RecallPercent[k], 1e-12, $"{what} R@{actual.RecallAt[k]}");
        Close(Number(expected.GetProperty("medianRank")), actual.MedianRank, 1e-12, $"{what} median rank");
        Close(Number(expected.GetProperty("meanRank")), actual.MeanRank, 1e-12, $"{what} mean rank");
    }

    [Fact]
    public void TieRulesOnAHandExample()
    {
        // 2 images, 1 caption each. Row 0: caption 0 (own) ties with caption 1. Row 1: caption 1 (own) ties with caption 0.
        var scores = new Matrix<double>(2, 2, [0.5, 0.5, 0.5, 0.5]);
        CrossModalRetrievalResult Run(RankTieRule rule) =>
            CrossModalRetrieval.Evaluate(scores, new CrossModalOptions { CaptionsPerImage = 1, RecallAt = [1], Ties = rule });
        Assert.Equal([1, 2], Run(RankTieRule.LowerIndexFirst).ImageToText.Ranks);
        Assert.Equal([1, 2], Run(RankTieRule.LowerIndexFirst).TextToImage.Ranks);
        Assert.Equal([1, 1], Run(RankTieRule.Optimistic).ImageToText.Ranks);
        Assert.Equal([2, 2], Run(RankTieRule.Pessimistic).ImageToText.Ranks);
        Assert.Equal([2, 2], Run(RankTieRule.Pessimistic).TextToImage.Ranks);
        Assert.Equal(50.0, Run(RankTieRule.LowerIndexFirst).ImageToText.Recall(1));
    }

    [Fact]
    public void ImageToTextUsesTheBestOwnCaption()
    {
        // 2 images, 2 captions each. Image 0's captions score 0.1 and 0.9; image 1's captions 0.95, 0.2.
        var scores = new Matrix<double>(2, 4, [0.1, 0.9, 0.95, 0.2, 0.3, 0.4, 0.8, 0.7]);
        var r = CrossModalRetrieval.Evaluate(scores, new CrossModalOptions { CaptionsPerImage = 2, RecallAt = [1, 2] });
        Assert.Equal([2, 1], r.ImageToText.Ranks);
        // Captions 0..3 rank their images: col0 (0.1 vs 0.3) -> 2, col1 (0.9 vs 0.4) -> 1, col2 (0.8 vs 0.95) -> 2, col3 (0.7 vs 0.2) -> 1.
        Assert.Equal([2, 1, 2, 1], r.TextToImage.Ranks);
        Assert.Equal(1.0, r.ImageToText.MedianRank); // floor(median(2, 1)) = floor(1.5)
        Assert.Equal(1.5, r.TextToImage.MeanRank);
        Assert.Equal(50 + 100 + 50 + 100, r.RSum);
    }

    [Fact]
    public void PerfectScoresGiveFullRecall()
    {
        int n = 10, cpi = 5;
        var scores = new Matrix<double>(n, n * cpi);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n * cpi; j++)
                scores[i, j] = j / cpi == i ? 1 : 0;
        }
        var r = CrossModalRetrieval.Evaluate(scores);
        Assert.Equal(600, r.RSum);
        Assert.Equal(1, r.ImageToText.MedianRank);
        Assert.Equal(1, r.TextToImage.MeanRank);
    }

    [Fact]
    public void FoldsAverageTheFoldResults()
    {
        var random = new Random(4);
        int n = 20, cpi = 5;
        var scores = new Matrix<double>(n, n * cpi, Enumerable.Range(0, n * n * cpi).Select(_ => random.NextDouble()).ToArray());
        var r = CrossModalRetrieval.Evaluate(scores, new CrossModalOptions { Folds = 4 });
        Assert.Equal(4, r.Folds.Count);
        Assert.Equal(r.Folds.Average(f => f.ImageToText.Recall(5)), r.ImageToText.Recall(5), 12);
        Assert.Equal(r.Folds.Average(f => f.TextToImage.MedianRank), r.TextToImage.MedianRank, 12);
        Assert.Equal(r.Folds.Average(f => f.RSum), r.RSum, 10);
        // Fold 2 equals evaluating its block on its own.
        var block = new Matrix<double>(5, 25);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 25; j++)
                block[i, j] = scores[10 + i, 50 + j];
        }
        Assert.Equal(CrossModalRetrieval.Evaluate(block).ImageToText.Ranks, r.Folds[2].ImageToText.Ranks);
        Assert.Equal(CrossModalRetrieval.Evaluate(block).TextToImage.Ranks, r.Folds[2].TextToImage.Ranks);
    }

    [Fact]
    public void Coco1KOptionsUseFiveFolds()
    {
        Assert.Equal(5, CrossModalOptions.Coco1K.Folds);
        Assert.Equal(5, CrossModalOptions.Coco1K.CaptionsPerImage);
    }

    [Fact]
    public void BadInputThrows()
    {
        var scores = new Matrix<double>(2, 10);
        Assert.Throws<RankwiseInputException>(() => CrossModalRetrieval.Evaluate(new Matrix<double>(2, 9)));
        Assert.Throws<RankwiseInputException>(() => CrossModalRetrieval.Evaluate(scores, new CrossModalOptions { Folds = 3 }));
        Assert.Throws<RankwiseInputException>(() => CrossModalRetrieval.Evaluate(scores, new CrossModalOptions { RecallAt = [0] }));
        Assert.Throws<RankwiseInputException>(() => CrossModalRetrieval.Evaluate(scores, new CrossModalOptions { RecallAt = [] }));
        Assert.Throws<RankwiseInputException>(() => CrossModalRetrieval.Evaluate(scores, new CrossModalOptions { CaptionsPerImage = 0 }));
        scores[1, 3] = double.NaN;
        var error = Assert.Throws<RankwiseInputException>(() => CrossModalRetrieval.Evaluate(scores));
        Assert.Contains("[1, 3]", error.Message);
        Assert.Throws<RankwiseInputException>(() => CrossModalRetrieval.EvaluateEmbeddings(new Matrix<double>(2, 3), new Matrix<double>(10, 4)));
        Assert.Throws<ArgumentException>(() => CrossModalRetrieval.Evaluate(new Matrix<double>(2, 10)).ImageToText.Recall(3));
    }
}
