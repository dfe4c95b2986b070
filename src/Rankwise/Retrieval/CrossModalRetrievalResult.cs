namespace Rankwise.Retrieval;

/// <summary>Retrieval metrics of one direction (image→text or text→image).</summary>
/// <param name="RecallAt">The K of the recalls, as requested.</param>
/// <param name="RecallPercent">R@K in percent (0–100, as VSE++ and the papers report it), one per K: the share of
/// queries whose ground truth is ranked at or above K.</param>
/// <param name="MedianRank">floor(median of the 1-based ranks), VSE++'s <c>floor(median(ranks)) + 1</c> on 0-based
/// ranks; averaged over folds (then possibly fractional).</param>
/// <param name="MeanRank">Mean of the 1-based ranks; averaged over folds.</param>
/// <param name="Ranks">The 1-based rank of every query's ground truth (within its fold), in query order.</param>
public sealed record RetrievalDirectionMetrics(
    IReadOnlyList<int> RecallAt,
    IReadOnlyList<double> RecallPercent,
    double MedianRank,
    double MeanRank,
    IReadOnlyList<int> Ranks)
{
    /// <summary>R@<paramref name="k"/> in percent.</summary>
    /// <param name="k">One of <see cref="RecallAt"/>.</param>
    /// <returns>The recall in percent.</returns>
    /// <exception cref="ArgumentException"><paramref name="k"/> was not requested.</exception>
    public double Recall(int k)
    {
        for (int i = 0; i < RecallAt.Count; i++)
        {
            if (RecallAt[i] == k)
                return RecallPercent[i];
        }
        throw new ArgumentException($"R@{k} was not computed; available: {string.Join(", ", RecallAt)}", nameof(k));
    }

    /// <summary>Sum of the recalls of this direction.</summary>
    public double RecallSum => RecallPercent.Sum();
}

/// <summary>Cross-modal retrieval metrics in both directions.</summary>
/// <param name="ImageToText">Caption retrieval: each image queries the captions; its rank is the best rank among its own captions.</param>
/// <param name="TextToImage">Image retrieval: each caption queries the images.</param>
/// <param name="Images">Number of images evaluated.</param>
/// <param name="Captions">Number of captions evaluated.</param>
/// <param name="Folds">Per-fold results when more than one fold was used; empty otherwise.</param>
public sealed record CrossModalRetrievalResult(
    RetrievalDirectionMetrics ImageToText,
    RetrievalDirectionMetrics TextToImage,
    int Images,
    int Captions,
    IReadOnlyList<CrossModalRetrievalResult> Folds)
{
    /// <summary>rsum: the sum of all recalls of both directions (six with the default K = 1, 5, 10; at most 600).</summary>
    public double RSum => ImageToText.RecallSum + TextToImage.RecallSum;
}
