namespace Rankwise.Retrieval;

/// <summary>
/// Average precision (AP) of one query: scores with binary relevance (scikit-learn's
/// <c>average_precision_score(y_true, y_score)</c>), or a relevance list already in ranked order.
/// </summary>
/// <remarks>
/// <para>The precision–recall curve has one point per distinct score value, visited from the highest score down: at the
/// point for score s, tp = number of relevant items with score ≥ s, k = number of items with score ≥ s,
/// precision = tp/k and recall = tp/R (R = number of relevant items). Tied scores therefore enter the ranking as a
/// group, exactly as scikit-learn's <c>_binary_clf_curve</c> does, and the result does not depend on the input
/// order. <see cref="AveragePrecisionMethod"/> says how the curve is summarised.</para>
/// <para>A query without relevant items has an undefined AP: these methods return NaN (scikit-learn 1.2 returns
/// −0.0 with a warning). Scores may be ±∞; a NaN score throws <see cref="RankwiseInputException"/>. Inputs are not
/// modified. Cost: O(R log R + n log R) for n scores with R relevant items (only the relevant scores are sorted),
/// O(n) for a ranked list.</para>
/// </remarks>
public static class AveragePrecision
{
    /// <summary>AP of one query from scores (higher = more relevant) and binary relevance.</summary>
    /// <param name="scores">One score per item.</param>
    /// <param name="relevant">Whether each item is relevant; same length as <paramref name="scores"/>.</param>
    /// <param name="method">How the precision–recall curve is summarised; default non-interpolated (scikit-learn).</param>
    /// <returns>AP in [0, 1], or NaN when no item is relevant.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ, or a score is NaN.</exception>
    public static double Compute(
        ReadOnlySpan<double> scores, ReadOnlySpan<bool> relevant, AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated)
    {
        if (scores.Length != relevant.Length)
            throw new RankwiseInputException("relevant", $"has {relevant.Length} entries but scores has {scores.Length}");
        AveragePrecisionCore.CheckNoNaN(scores, "scores");
        using var workspace = new AveragePrecisionWorkspace(scores.Length);
        return workspace.FromScores(scores, relevant, method);
    }

    /// <summary>AP of one query from scores and 0/1 relevance labels (scikit-learn's <c>y_true</c>).</summary>
    /// <param name="scores">One score per item.</param>
    /// <param name="relevant">1 for a relevant item, 0 otherwise; same length as <paramref name="scores"/>.</param>
    /// <param name="method">How the precision–recall curve is summarised.</param>
    /// <returns>AP in [0, 1], or NaN when no item is relevant.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ, a label is not 0 or 1, or a score is NaN.</exception>
    public static double Compute(
        ReadOnlySpan<double> scores, ReadOnlySpan<int> relevant, AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated)
        => Compute(scores, ToBool(relevant, "relevant"), method);

    /// <summary>
    /// AP of a relevance list in ranked order (best first), every position its own point on the curve. For the
    /// list [1,0,1,0,0,1,0,0,0,0]: non-interpolated and VOC2010 give (1 + 2/3 + 1/2)/3 = 0.7222…, VOC2007 gives 8/11.
    /// </summary>
    /// <param name="rankedRelevance">Relevance of the retrieved items, best first.</param>
    /// <param name="method">How the precision–recall curve is summarised.</param>
    /// <param name="totalRelevant">The recall denominator R when the list is truncated (e.g. top-K of a larger
    /// collection) and misses relevant items; at least the number of relevant entries in the list. Null: the number
    /// of relevant entries in the list.</param>
    /// <returns>AP in [0, 1], or NaN when R = 0.</returns>
    /// <exception cref="RankwiseInputException"><paramref name="totalRelevant"/> is smaller than the relevant entries in the list.</exception>
    public static double FromRankedRelevance(
        ReadOnlySpan<bool> rankedRelevance, AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated, int? totalRelevant = null)
    {
        int inList = AveragePrecisionCore.CountTrue(rankedRelevance);
        int total = totalRelevant ?? inList;
        if (total < inList)
            throw new RankwiseInputException("totalRelevant", $"is {total} but the ranked list already holds {inList} relevant items");
        using var workspace = new AveragePrecisionWorkspace(rankedRelevance.Length);
        return workspace.FromRanked(rankedRelevance, total, method);
    }

    /// <summary>AP of a 0/1 relevance list in ranked order (best first); see the <see cref="bool"/> overload.</summary>
    /// <param name="rankedRelevance">1 for a relevant item, 0 otherwise, best first.</param>
    /// <param name="method">How the precision–recall curve is summarised.</param>
    /// <param name="totalRelevant">The recall denominator for a truncated list; null for the relevant entries in the list.</param>
    /// <returns>AP in [0, 1], or NaN when R = 0.</returns>
    /// <exception cref="RankwiseInputException">A label is not 0 or 1, or <paramref name="totalRelevant"/> is too small.</exception>
    public static double FromRankedRelevance(
        ReadOnlySpan<int> rankedRelevance, AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated, int? totalRelevant = null)
        => FromRankedRelevance(ToBool(rankedRelevance, "rankedRelevance"), method, totalRelevant);

    internal static bool[] ToBool(ReadOnlySpan<int> labels, string source)
    {
        var result = new bool[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            result[i] = labels[i] switch
            {
                0 => false,
                1 => true,
                var v => throw new RankwiseInputException(source, $"label {v} at index {i}; relevance must be 0 or 1"),
            };
        }
        return result;
    }
}
