namespace Rankwise.Retrieval;

/// <summary>
/// Label-based retrieval mAP: every item is used as a query against the other items (or a query set against a
/// database set), and a retrieved item is relevant when it shares at least one label with the query (the protocol of
/// e.g. Collell &amp; Moens 2018 on Wiki and IAPR TC-12: "document B is relevant for A if A and B share a class label").
/// </summary>
/// <remarks>
/// <para>Scores are similarities from embeddings (<see cref="SimilarityMeasure"/>) or a given score matrix; higher
/// scores rank first. In the single-set forms the query itself is excluded from its own ranking (a query would
/// otherwise always retrieve itself first); the database is the other n − 1 items.</para>
/// <para>Ties: items with equal scores enter the ranking together as one point of the precision–recall curve (the
/// scikit-learn rule of <c>average_precision_score</c>, which the non-interpolated method reproduces exactly), so
/// the result never depends on item order. Duplicate embeddings give bitwise-equal scores and hence exact ties.</para>
/// <para>A query with no relevant item (its labels are shared by no other item) is handled by
/// <see cref="NoRelevantPolicy"/> (skipped and counted by default). Cost: O(n² d) for the scores plus O(n² log R)
/// for the rankings, parallel over queries; inputs are not modified.</para>
/// </remarks>
public static class LabelRetrieval
{
    /// <summary>mAP of each item retrieving the other items of the same set by embedding similarity.</summary>
    /// <param name="embeddings"><c>[n, d]</c> embeddings, finite.</param>
    /// <param name="labels">The labels of the n items.</param>
    /// <param name="measure">Similarity used for ranking; default cosine.</param>
    /// <param name="method">How each precision–recall curve is summarised; default non-interpolated (scikit-learn).</param>
    /// <param name="policy">What to do with queries that have no relevant item.</param>
    /// <returns>The mean and the per-query APs (query i = item i).</returns>
    /// <exception cref="RankwiseInputException">Counts differ, or an embedding entry is not finite.</exception>
    public static MeanAveragePrecisionResult MeanAveragePrecision(
        Matrix<double> embeddings, ItemLabels labels,
        SimilarityMeasure measure = SimilarityMeasure.Cosine,
        AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated,
        NoRelevantPolicy policy = NoRelevantPolicy.Skip)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        CheckCount(labels.Count, embeddings.Rows, "labels", "embeddings");
        var kernels = new SimilarityKernels(embeddings, embeddings, measure, "embeddings", "embeddings");
        return Run(labels, labels, embeddings.Rows, excludeSelf: true, kernels.Score, method, policy);
    }

    /// <summary>mAP of query items retrieving database items (e.g. images retrieving texts) by embedding similarity;
    /// nothing is excluded.</summary>
    /// <param name="queries"><c>[m, d]</c> query embeddings, finite.</param>
    /// <param name="queryLabels">The labels of the m queries.</param>
    /// <param name="database"><c>[n, d]</c> database embeddings, finite.</param>
    /// <param name="databaseLabels">The labels of the n database items (same label ids as the queries).</param>
    /// <param name="measure">Similarity used for ranking; default cosine.</param>
    /// <param name="method">How each precision–recall curve is summarised.</param>
    /// <param name="policy">What to do with queries that have no relevant item.</param>
    /// <returns>The mean and the per-query APs.</returns>
    /// <exception cref="RankwiseInputException">Counts or dimensions differ, or an embedding entry is not finite.</exception>
    public static MeanAveragePrecisionResult MeanAveragePrecision(
        Matrix<double> queries, ItemLabels queryLabels, Matrix<double> database, ItemLabels databaseLabels,
        SimilarityMeasure measure = SimilarityMeasure.Cosine,
        AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated,
        NoRelevantPolicy policy = NoRelevantPolicy.Skip)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(queryLabels);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(databaseLabels);
        CheckCount(queryLabels.Count, queries.Rows, "queryLabels", "queries");
        CheckCount(databaseLabels.Count, database.Rows, "databaseLabels", "database");
        var kernels = new SimilarityKernels(queries, database, measure, "queries", "database");
        return Run(queryLabels, databaseLabels, database.Rows, excludeSelf: false, kernels.Score, method, policy);
    }

    /// <summary>mAP from a square <c>[n, n]</c> score matrix (row = query, column = item); the diagonal is ignored
    /// (it may hold NaN or −∞ as a self mask).</summary>
    /// <param name="scores"><c>[n, n]</c> scores, higher = more relevant; no NaN off the diagonal.</param>
    /// <param name="labels">The labels of the n items.</param>
    /// <param name="method">How each precision–recall curve is summarised.</param>
    /// <param name="policy">What to do with queries that have no relevant item.</param>
    /// <returns>The mean and the per-query APs.</returns>
    /// <exception cref="RankwiseInputException">The matrix is not square or does not match the labels, or an
    /// off-diagonal score is NaN.</exception>
    public static MeanAveragePrecisionResult MeanAveragePrecisionFromScores(
        Matrix<double> scores, ItemLabels labels,
        AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated,
        NoRelevantPolicy policy = NoRelevantPolicy.Skip)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Rows != scores.Columns)
            throw new RankwiseInputException("scores", $"has shape [{scores.Rows}, {scores.Columns}]; a square [n, n] matrix is needed");
        CheckCount(labels.Count, scores.Rows, "labels", "scores");
        int n = scores.Rows;
        for (int i = 0; i < n; i++)
        {
            Span<double> row = scores.Row(i);
            for (int j = 0; j < n; j++)
            {
                if (j != i && double.IsNaN(row[j]))
                    throw new RankwiseInputException("scores", $"entry [{i}, {j}] is NaN; off-diagonal scores must be numbers");
            }
        }
        return Run(labels, labels, n, excludeSelf: true, (q, j) => scores[q, j], method, policy);
    }

    /// <summary>mAP from a rectangular <c>[m, n]</c> score matrix of m queries against n database items; nothing is
    /// excluded.</summary>
    /// <param name="scores"><c>[m, n]</c> scores, higher = more relevant; no NaN.</param>
    /// <param name="queryLabels">The labels of the m queries.</param>
    /// <param name="databaseLabels">The labels of the n database items.</param>
    /// <param name="method">How each precision–recall curve is summarised.</param>
    /// <param name="policy">What to do with queries that have no relevant item.</param>
    /// <returns>The mean and the per-query APs.</returns>
    /// <exception cref="RankwiseInputException">The shape does not match the labels, or a score is NaN.</exception>
    public static MeanAveragePrecisionResult MeanAveragePrecisionFromScores(
        Matrix<double> scores, ItemLabels queryLabels, ItemLabels databaseLabels,
        AveragePrecisionMethod method = AveragePrecisionMethod.NonInterpolated,
        NoRelevantPolicy policy = NoRelevantPolicy.Skip)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(queryLabels);
        ArgumentNullException.ThrowIfNull(databaseLabels);
        CheckCount(queryLabels.Count, scores.Rows, "queryLabels", "scores rows");
        CheckCount(databaseLabels.Count, scores.Columns, "databaseLabels", "scores columns");
        AveragePrecisionCore.CheckNoNaN(scores.Data, "scores");
        return Run(queryLabels, databaseLabels, scores.Columns, excludeSelf: false, (q, j) => scores[q, j], method, policy);
    }

    private static MeanAveragePrecisionResult Run(
        ItemLabels queryLabels, ItemLabels databaseLabels, int items, bool excludeSelf, Func<int, int, double> score,
        AveragePrecisionMethod method, NoRelevantPolicy policy)
    {
        ItemLabels.SharedLabelOracle oracle = ItemLabels.Oracle(queryLabels, databaseLabels);
        var perQuery = new double[queryLabels.Count];
        QueryRunner.Run(queryLabels.Count, items, (q, workspace) =>
        {
            Span<double> s = workspace.Scores;
            Span<bool> r = workspace.Relevant;
            int m = 0;
            for (int j = 0; j < items; j++)
            {
                if (excludeSelf && j == q)
                    continue;
                s[m] = score(q, j);
                r[m] = oracle.Share(q, j);
                m++;
            }
            return workspace.FromScores(s[..m], r[..m], method);
        }, perQuery);
        return MeanAveragePrecisionResult.FromPerQuery(perQuery, method, policy, "labels");
    }

    private static void CheckCount(int labels, int rows, string labelSource, string rowSource)
    {
        if (labels != rows)
            throw new RankwiseInputException(labelSource, $"has {labels} items but {rowSource} has {rows} rows");
    }
}
