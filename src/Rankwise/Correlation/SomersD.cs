using Rankwise.Numerics;
using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// Somers' D(Y|X), an asymmetric rank association with x as the independent ("row") variable and y
/// as the dependent ("column") variable, with its asymptotic p-value (scipy.stats.somersd for two
/// 1-D inputs, scipy 1.10). For D(X|Y) swap the arguments.
/// </summary>
/// <remarks>
/// <para>D(Y|X) = (P − Q) / (pairs not tied in x) = 2(P − Q) / (n² − Σ rᵢ²), with P, Q the concordant
/// and discordant pairs and rᵢ the x tie-group sizes (contingency-table row sums). p-value (Brown &amp;
/// Benedetti 1977; SAS PROC FREQ): Z = 2(P − Q) / √(4S), S = Σₖ (cₖ − dₖ)² − (2(P − Q))²/n, where cₖ, dₖ
/// count the observations concordant and discordant with observation k; Z is referred to the
/// standard normal for the chosen alternative.</para>
/// <para>Where scipy builds the r × s contingency table (O(n + r·s) memory and O(r²s²) time),
/// this computes every cₖ − dₖ in O(n log n) with a Fenwick-tree sweep over the x-sorted data, in exact
/// 64/128-bit integer arithmetic.</para>
/// <para>Undefined results (NaN plus a warning): fewer than 2 pairs, a constant x or y (a table with a
/// single row or column), NaN under <see cref="NanPolicy.Propagate"/>. scipy.stats.somersd has no
/// nan_policy; <see cref="NanPolicy.Omit"/> gives somersd of the complete pairs.</para>
/// </remarks>
public static class SomersD
{
    /// <summary>Somers' D(Y|X) for <paramref name="x"/> (independent) and <paramref name="y"/> (dependent).</summary>
    /// <param name="x">The independent (row) variable.</param>
    /// <param name="y">The dependent (column) variable, same length.</param>
    /// <param name="alternative">Alternative hypothesis; default two-sided.</param>
    /// <param name="nanPolicy">NaN handling for the pairs; default <see cref="NanPolicy.Propagate"/>.</param>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static CorrelationResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        var data = PairedSamples.Prepare(x, y, nanPolicy);
        if (CorrelationResults.CheckDefined(CorrelationResults.SomersD, data, alternative) is { } undefined) return undefined;
        int n = data.Length;
        DenseRanking rx = DenseRanking.Compute(data.X);
        DenseRanking ry = DenseRanking.Compute(data.Y);
        ConcordanceScores(rx, ry, out long twiceDifference, out Int128 sumOfSquares);

        Int128 rowSquares = 0;
        foreach (int size in rx.GroupSizes) rowSquares += (Int128)size * size;
        double d = (double)twiceDifference / (double)((Int128)n * n - rowSquares);

        double s = (double)sumOfSquares - (double)((Int128)twiceDifference * twiceDifference) / n;
        double z = twiceDifference / Math.Sqrt(4 * s);
        return new CorrelationResult(CorrelationResults.SomersD, n, d, Normal.PValue(z, alternative), alternative);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double}, Alternative, NanPolicy)"/>
    public static CorrelationResult Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate)
        => Compute(PairedSamples.Widen(x), PairedSamples.Widen(y), alternative, nanPolicy);

    /// <summary>
    /// Σₖ (cₖ − dₖ) = 2(P − Q) and Σₖ (cₖ − dₖ)², where cₖ (dₖ) counts the observations concordant
    /// (discordant) with observation k. One sweep over the (x, y)-sorted data: a Fenwick tree over y
    /// ranks holds the observations with smaller x; the ones with larger x follow from the y totals.
    /// </summary>
    internal static void ConcordanceScores(DenseRanking rx, DenseRanking ry, out long sum, out Int128 sumOfSquares)
    {
        int n = rx.Ranks.Length;
        int[] order = DenseRanking.LexicographicOrder(rx, ry);
        int groups = ry.GroupCount;
        // yBelow[g] = number of observations with y rank < g.
        var yBelow = new long[groups + 1];
        for (int g = 0; g < groups; g++) yBelow[g + 1] = yBelow[g] + ry.GroupSizes[g];
        var tree = new int[groups + 1];
        sum = 0;
        sumOfSquares = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            int xGroup = rx.Ranks[order[start]];
            while (end < n && rx.Ranks[order[end]] == xGroup) end++;
            // Within the x group the observations are sorted by y; a run of equal y (a joint tie)
            // shares one score.
            for (int runStart = start; runStart < end;)
            {
                int g = ry.Ranks[order[runStart]];
                int runEnd = runStart + 1;
                while (runEnd < end && ry.Ranks[order[runEnd]] == g) runEnd++;
                long sameXBelow = runStart - start;
                long sameXAbove = end - runEnd;
                long leftBelow = Prefix(tree, g);                       // x smaller, y smaller
                long leftAbove = start - Prefix(tree, g + 1);           // x smaller, y larger
                long rightBelow = yBelow[g] - leftBelow - sameXBelow;   // x larger, y smaller
                long rightAbove = n - yBelow[g + 1] - leftAbove - sameXAbove; // x larger, y larger
                long score = (leftBelow + rightAbove) - (leftAbove + rightBelow);
                long count = runEnd - runStart;
                sum += score * count;
                sumOfSquares += (Int128)score * score * count;
                runStart = runEnd;
            }
            for (int k = start; k < end; k++)
            {
                for (int i = ry.Ranks[order[k]] + 1; i <= groups; i += i & -i) tree[i]++;
            }
            start = end;
        }
    }

    /// <summary>Number of inserted observations with y rank &lt; <paramref name="g"/>.</summary>
    private static long Prefix(int[] tree, int g)
    {
        long total = 0;
        for (int i = g; i > 0; i -= i & -i) total += tree[i];
        return total;
    }
}
