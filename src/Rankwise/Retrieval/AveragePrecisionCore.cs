namespace Rankwise.Retrieval;

/// <summary>
/// Summaries of a precision–recall curve by <see cref="AveragePrecisionMethod"/> and input checks shared by every
/// average-precision entry point (the curves are built by <see cref="AveragePrecisionWorkspace"/>).
/// </summary>
internal static class AveragePrecisionCore
{
    /// <summary>
    /// Summarises curve points k = 0..m−1 with cumulative relevant count tp[k] and cumulative item count count[k]
    /// (both non-decreasing) for <paramref name="totalRelevant"/> relevant items in all. Overwrites nothing.
    /// </summary>
    public static double Summarise(ReadOnlySpan<int> tp, ReadOnlySpan<int> count, int totalRelevant, AveragePrecisionMethod method)
    {
        int m = tp.Length;
        double total = totalRelevant;
        switch (method)
        {
            case AveragePrecisionMethod.NonInterpolated:
            {
                double sum = 0, previousRecall = 0;
                for (int k = 0; k < m; k++)
                {
                    double recall = tp[k] / total;
                    if (recall != previousRecall)
                    {
                        sum += (recall - previousRecall) * ((double)tp[k] / count[k]);
                        previousRecall = recall;
                    }
                }
                return sum;
            }
            case AveragePrecisionMethod.Voc2010:
            {
                // Walk from the lowest threshold up, keeping the envelope max_{j >= k} p_j; each step where recall
                // rises (tp[k] > tp[k-1]) contributes (r_k - r_{k-1}) * envelope_k.
                double sum = 0, envelope = 0;
                for (int k = m - 1; k >= 0; k--)
                {
                    double precision = (double)tp[k] / count[k];
                    if (precision > envelope)
                        envelope = precision;
                    int previousTp = k == 0 ? 0 : tp[k - 1];
                    if (tp[k] != previousTp)
                        sum += (tp[k] / total - previousTp / total) * envelope;
                }
                return sum;
            }
            case AveragePrecisionMethod.Voc2007ElevenPoint:
            {
                // Level t = j/10 is reached by the suffix of points with tp*10 >= j*R (tp is non-decreasing), so its
                // interpolated precision is the suffix maximum at the first such point.
                double sum = 0, envelope = 0;
                int level = 10;
                long maxTp10 = m == 0 ? 0 : (long)tp[m - 1] * 10;
                while (level >= 0 && maxTp10 < (long)level * totalRelevant)
                    level--; // levels never reached contribute 0
                for (int k = m - 1; k >= 0; k--)
                {
                    double precision = (double)tp[k] / count[k];
                    if (precision > envelope)
                        envelope = precision;
                    // Invariant: the current level is reached at k. Assign every level not reached at k-1.
                    long below = k == 0 ? long.MinValue : (long)tp[k - 1] * 10;
                    while (level >= 0 && below < (long)level * totalRelevant)
                    {
                        sum += envelope;
                        level--;
                    }
                }
                return sum / 11.0;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "unknown average precision method");
        }
    }

    public static int CountTrue(ReadOnlySpan<bool> values)
    {
        int c = 0;
        foreach (bool v in values)
        {
            if (v)
                c++;
        }
        return c;
    }

    public static void CheckNoNaN(ReadOnlySpan<double> scores, string source)
    {
        int at = scores.IndexOfAnyExceptInRange(double.NegativeInfinity, double.PositiveInfinity);
        if (at >= 0)
            throw new RankwiseInputException(source, $"NaN score at index {at}; scores must be numbers");
    }
}
