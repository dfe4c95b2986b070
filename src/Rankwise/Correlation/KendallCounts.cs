using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// The pair counts behind Kendall's tau for n NaN-free pairs, computed in O(n log n):
/// dense ranks of x and y, a counting sort by (x, y), and a merge-sort inversion count of the y
/// ranks (the discordant pairs). Counts are 64-bit and the cubic tie sums 128-bit, so nothing
/// overflows for n up to 10⁸ and beyond (scipy 1.10 overflows int64 in <c>2·xtie·ytie</c> for
/// n ≳ 10⁵ with heavy ties).
/// </summary>
internal readonly struct KendallCounts
{
    /// <summary>Number of pairs.</summary>
    public long N { get; init; }

    /// <summary>n(n − 1)/2.</summary>
    public long Total { get; init; }

    /// <summary>Discordant pairs (x and y ordered oppositely, no tie).</summary>
    public long Discordant { get; init; }

    /// <summary>Pairs tied in x: Σ t(t − 1)/2 over the x tie groups.</summary>
    public long XTies { get; init; }

    /// <summary>Pairs tied in y.</summary>
    public long YTies { get; init; }

    /// <summary>Pairs tied in both x and y.</summary>
    public long JointTies { get; init; }

    /// <summary>Σ t(t − 1)(t − 2) over the x tie groups.</summary>
    public Int128 X0 { get; init; }

    /// <summary>Σ t(t − 1)(2t + 5) over the x tie groups.</summary>
    public Int128 X1 { get; init; }

    /// <summary>Σ u(u − 1)(u − 2) over the y tie groups.</summary>
    public Int128 Y0 { get; init; }

    /// <summary>Σ u(u − 1)(2u + 5) over the y tie groups.</summary>
    public Int128 Y1 { get; init; }

    /// <summary>Number of distinct x values.</summary>
    public int XGroups { get; init; }

    /// <summary>Number of distinct y values.</summary>
    public int YGroups { get; init; }

    /// <summary>Concordant minus discordant pairs: Total − XTies − YTies + JointTies − 2·Discordant.</summary>
    public long ConcordantMinusDiscordant => Total - XTies - YTies + JointTies - 2 * Discordant;

    /// <summary>Counts the pairs of NaN-free <paramref name="x"/>, <paramref name="y"/> (same length).</summary>
    public static KendallCounts Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        DenseRanking rx = DenseRanking.Compute(x);
        DenseRanking ry = DenseRanking.Compute(y);
        int[] order = DenseRanking.LexicographicOrder(rx, ry);
        var ySequence = new int[n];
        long joint = 0;
        long run = 1;
        for (int k = 0; k < n; k++)
        {
            int i = order[k];
            ySequence[k] = ry.Ranks[i];
            if (k > 0)
            {
                int p = order[k - 1];
                if (rx.Ranks[i] == rx.Ranks[p] && ry.Ranks[i] == ry.Ranks[p])
                {
                    run++;
                    continue;
                }
                joint += run * (run - 1) / 2;
                run = 1;
            }
        }
        if (n > 0) joint += run * (run - 1) / 2;
        long discordant = InversionCount.CountAndSort(ySequence);
        TieSums(rx.GroupSizes, out long xTies, out Int128 x0, out Int128 x1);
        TieSums(ry.GroupSizes, out long yTies, out Int128 y0, out Int128 y1);
        return new KendallCounts
        {
            N = n,
            Total = (long)n * (n - 1) / 2,
            Discordant = discordant,
            XTies = xTies,
            YTies = yTies,
            JointTies = joint,
            X0 = x0,
            X1 = x1,
            Y0 = y0,
            Y1 = y1,
            XGroups = rx.GroupCount,
            YGroups = ry.GroupCount,
        };
    }

    private static void TieSums(int[] groupSizes, out long pairs, out Int128 cubic0, out Int128 cubic1)
    {
        pairs = 0;
        cubic0 = 0;
        cubic1 = 0;
        foreach (int size in groupSizes)
        {
            if (size < 2) continue;
            long t = size;
            pairs += t * (t - 1) / 2;
            cubic0 += (Int128)(t * (t - 1)) * (t - 2);
            cubic1 += (Int128)(t * (t - 1)) * (2 * t + 5);
        }
    }
}
