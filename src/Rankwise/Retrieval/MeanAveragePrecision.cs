namespace Rankwise.Retrieval;

/// <summary>
/// Mean average precision over queries: the mean of <see cref="AveragePrecision"/> over the queries, with a documented
/// policy for queries that have no relevant item (<see cref="NoRelevantPolicy.Skip"/> by default, counted in the result).
/// </summary>
/// <remarks>
/// Each query is scored independently with the tie rule of <see cref="AveragePrecision"/> (tied scores form one point
/// of the precision–recall curve). Queries run in parallel; the result does not depend on the thread count. Inputs are
/// not modified.
/// </remarks>
public static class MeanAveragePrecision
{
    /// <summary>mAP of a score matrix with a 0/1 relevance matrix of the same shape, one query per row.</summary>
    /// <param name="scores"><c>[queries, items]</c> scores, higher = more relevant; no NaN.</param>
    /// <param name="relevance"><c>[queries, items]</c> relevance, every entry 0 or 1.</param>
    /// <param name="method">How each precision–recall curve is summarised.</param>
    /// <param name="policy">What to do with queries that have no relevant item.</param>
    /// <returns>The mean and the per-query APs.</returns>
    /// <exception cref="RankwiseInputException">Shapes differ, a relevance entry is not 0/1, a score is NaN, or (with
    /// <see cref="NoRelevantPolicy.Raise"/>) a query has no relevant item.</exception>
    public static MeanAveragePrecisionResult Compute(
        Matrix<double> scores, Matrix<double> relevance,
        AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated, NoRelevantPolicy policy = NoRelevantPolicy.Skip)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(relevance);
        if (scores.Rows != relevance.Rows || scores.Columns != relevance.Columns)
            throw new RankwiseInputException("relevance", $"has shape [{relevance.Rows}, {relevance.Columns}] but scores has [{scores.Rows}, {scores.Columns}]");
        AveragePrecisionCore.CheckNoNaN(scores.Data, "scores");
        var flags = new bool[relevance.Data.Length];
        for (int i = 0; i < flags.Length; i++)
        {
            double v = relevance.Data[i];
            if (v == 1)
                flags[i] = true;
            else if (v != 0)
                throw new RankwiseInputException("relevance", $"entry [{i / Math.Max(1, relevance.Columns)}, {i % Math.Max(1, relevance.Columns)}] is {v}; relevance must be 0 or 1");
        }
        int items = scores.Columns;
        var perQuery = new double[scores.Rows];
        QueryRunner.Run(scores.Rows, items,
            (q, workspace) => workspace.FromScores(scores.Row(q), flags.AsSpan(q * items, items), method), perQuery);
        return MeanAveragePrecisionResult.FromPerQuery(perQuery, method, policy, "relevance");
    }

    /// <summary>mAP of queries with possibly different numbers of candidate items.</summary>
    /// <param name="scores">Per query, the scores of its candidates; no NaN.</param>
    /// <param name="relevance">Per query, the relevance of its candidates (same lengths as <paramref name="scores"/>).</param>
    /// <param name="method">How each precision–recall curve is summarised.</param>
    /// <param name="policy">What to do with queries that have no relevant item.</param>
    /// <returns>The mean and the per-query APs.</returns>
    /// <exception cref="RankwiseInputException">Counts or lengths differ, a score is NaN, or (with
    /// <see cref="NoRelevantPolicy.Raise"/>) a query has no relevant item.</exception>
    public static MeanAveragePrecisionResult Compute(
        IReadOnlyList<double[]> scores, IReadOnlyList<bool[]> relevance,
        AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated, NoRelevantPolicy policy = NoRelevantPolicy.Skip)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(relevance);
        if (scores.Count != relevance.Count)
            throw new RankwiseInputException("relevance", $"has {relevance.Count} queries but scores has {scores.Count}");
        int maxItems = 0;
        for (int q = 0; q < scores.Count; q++)
        {
            ArgumentNullException.ThrowIfNull(scores[q], $"scores[{q}]");
            ArgumentNullException.ThrowIfNull(relevance[q], $"relevance[{q}]");
            if (scores[q].Length != relevance[q].Length)
                throw new RankwiseInputException("relevance", $"query {q} has {relevance[q].Length} relevance entries but {scores[q].Length} scores");
            AveragePrecisionCore.CheckNoNaN(scores[q], $"scores[{q}]");
            maxItems = Math.Max(maxItems, scores[q].Length);
        }
        var perQuery = new double[scores.Count];
        QueryRunner.Run(scores.Count, maxItems,
            (q, workspace) => workspace.FromScores(scores[q], relevance[q], method), perQuery);
        return MeanAveragePrecisionResult.FromPerQuery(perQuery, method, policy, "relevance");
    }

    /// <summary>mAP of relevance lists already in ranked order (best first), one per query.</summary>
    /// <param name="rankedRelevance">Per query, the relevance of its retrieved items, best first.</param>
    /// <param name="method">How each precision–recall curve is summarised.</param>
    /// <param name="policy">What to do with queries that have no relevant item.</param>
    /// <param name="totalRelevant">Per query, the recall denominator when the lists are truncated; null for the
    /// relevant entries in each list.</param>
    /// <returns>The mean and the per-query APs.</returns>
    /// <exception cref="RankwiseInputException">Counts differ, a total is smaller than the relevant entries in its list,
    /// or (with <see cref="NoRelevantPolicy.Raise"/>) a query has no relevant item.</exception>
    public static MeanAveragePrecisionResult FromRankedRelevance(
        IReadOnlyList<bool[]> rankedRelevance,
        AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated,
        NoRelevantPolicy policy = NoRelevantPolicy.Skip,
        IReadOnlyList<int>? totalRelevant = null)
    {
        ArgumentNullException.ThrowIfNull(rankedRelevance);
        if (totalRelevant is not null && totalRelevant.Count != rankedRelevance.Count)
            throw new RankwiseInputException("totalRelevant", $"has {totalRelevant.Count} entries for {rankedRelevance.Count} queries");
        var perQuery = new double[rankedRelevance.Count];
        for (int q = 0; q < perQuery.Length; q++)
        {
            ArgumentNullException.ThrowIfNull(rankedRelevance[q], $"rankedRelevance[{q}]");
            int inList = AveragePrecisionCore.CountTrue(rankedRelevance[q]);
            int total = totalRelevant?[q] ?? inList;
            if (total < inList)
                throw new RankwiseInputException("totalRelevant", $"query {q}: total {total} is below the {inList} relevant items in its list");
            perQuery[q] = AveragePrecision.FromRankedRelevance(rankedRelevance[q], method, total);
        }
        return MeanAveragePrecisionResult.FromPerQuery(perQuery, method, policy, "rankedRelevance");
    }
}
