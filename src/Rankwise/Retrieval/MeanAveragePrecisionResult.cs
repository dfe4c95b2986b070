namespace Rankwise.Retrieval;

/// <summary>
/// Mean average precision (mAP) over queries, with the per-query values and the bookkeeping of queries that had no
/// relevant item.
/// </summary>
/// <param name="Value">The mean of the per-query APs that entered it (see <paramref name="Policy"/>); NaN when none did.</param>
/// <param name="Method">How each query's precision–recall curve was summarised.</param>
/// <param name="Policy">What was done with queries that have no relevant item.</param>
/// <param name="PerQuery">AP of every query in input order; NaN for a query without relevant items (also under
/// <see cref="NoRelevantPolicy.Zero"/>, where the mean counts it as 0).</param>
/// <param name="QueriesWithoutRelevant">How many queries had no relevant item.</param>
public sealed record MeanAveragePrecisionResult(
    double Value,
    AveragePrecisionMethod Method,
    NoRelevantPolicy Policy,
    IReadOnlyList<double> PerQuery,
    int QueriesWithoutRelevant)
{
    /// <summary>Number of queries given.</summary>
    public int Queries => PerQuery.Count;

    /// <summary>Number of queries in the mean: all of them under <see cref="NoRelevantPolicy.Zero"/>, otherwise those with a relevant item.</summary>
    public int QueriesUsed => Policy == NoRelevantPolicy.Zero ? PerQuery.Count : PerQuery.Count - QueriesWithoutRelevant;

    /// <summary>Builds the result from per-query APs (NaN = no relevant item), applying the policy.</summary>
    internal static MeanAveragePrecisionResult FromPerQuery(
        double[] perQuery, AveragePrecisionMethod method, NoRelevantPolicy policy, string source)
    {
        double sum = 0;
        int used = 0, without = 0;
        for (int q = 0; q < perQuery.Length; q++)
        {
            if (double.IsNaN(perQuery[q]))
            {
                without++;
                switch (policy)
                {
                    case NoRelevantPolicy.Raise:
                        throw new RankwiseInputException(source, $"query {q} has no relevant item, so its average precision is undefined");
                    case NoRelevantPolicy.Zero:
                        used++;
                        break;
                    case NoRelevantPolicy.Skip:
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown policy");
                }
                continue;
            }
            sum += perQuery[q];
            used++;
        }
        double value = used == 0 ? double.NaN : sum / used;
        return new MeanAveragePrecisionResult(value, method, policy, perQuery, without);
    }
}
