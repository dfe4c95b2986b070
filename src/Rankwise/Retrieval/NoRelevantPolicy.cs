namespace Rankwise.Retrieval;

/// <summary>
/// What a mean over queries does with a query that has no relevant item (its average precision is undefined).
/// </summary>
public enum NoRelevantPolicy
{
    /// <summary>Leave the query out of the mean and count it in <see cref="MeanAveragePrecisionResult.QueriesWithoutRelevant"/> (default).</summary>
    Skip,

    /// <summary>Count the query with an average precision of 0 (scikit-learn returns 0 for such a query, with a warning).</summary>
    Zero,

    /// <summary>Throw a <see cref="RankwiseInputException"/> naming the first such query.</summary>
    Raise,
}
