namespace Rankwise.Comparison;

/// <summary>
/// Small self-contained Pearson, Spearman and Kendall tau-b estimators used by <see cref="DependentCorrelation"/> and
/// <see cref="TrainingEvaluator"/> (scipy.stats semantics: NaN for n &lt; 2 or constant input). Pearson is two-pass,
/// O(n); Spearman is Pearson of average ranks, O(n log n); Kendall tau-b counts discordant pairs by merge sort
/// (Knight 1966), O(n log n). Inputs must not contain NaN (the callers filter them).
/// </summary>
internal static class InterimCorrelations
{
    /// <summary>Pearson's r, clamped to [−1, 1] like scipy.stats.pearsonr.</summary>
    public static double Pearson(double[] x, double[] y)
    {
        int n = x.Length;
        if (n < 2)
            return double.NaN;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (IsConstant(x) || IsConstant(y))
            return double.NaN;
        double r = sxy / (Math.Sqrt(sxx) * Math.Sqrt(syy));
        return Math.Clamp(r, -1.0, 1.0);
    }

    /// <summary>Spearman's ρ: Pearson's r of the average ranks (scipy.stats.spearmanr).</summary>
    public static double Spearman(double[] x, double[] y) => Pearson(AverageRanks(x), AverageRanks(y));

    /// <summary>1-based ranks with ties given their average rank (scipy.stats.rankdata, method='average').</summary>
    public static double[] AverageRanks(double[] values)
    {
        int n = values.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        var keys = (double[])values.Clone();
        Array.Sort(keys, order);
        var ranks = new double[n];
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
                end++;
            double rank = 0.5 * (start + 1 + end); // mean of start+1 .. end
            for (int i = start; i < end; i++)
                ranks[order[i]] = rank;
            start = end;
        }
        return ranks;
    }

    /// <summary>Kendall's tau-b (scipy.stats.kendalltau, variant 'b'): (P − Q) / √((n₀ − n₁)(n₀ − n₂)).</summary>
    public static double KendallTauB(double[] x, double[] y)
    {
        int n = x.Length;
        if (n < 2)
            return double.NaN;
        // Sort by x, then y.
        var order = new int[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int c = x[a].CompareTo(x[b]);
            return c != 0 ? c : y[a].CompareTo(y[b]);
        });
        long total = (long)n * (n - 1) / 2;
        long xTies = 0, jointTies = 0;
        int runX = 1, runXY = 1;
        for (int i = 1; i <= n; i++)
        {
            bool sameX = i < n && x[order[i]] == x[order[i - 1]];
            bool sameXY = sameX && y[order[i]] == y[order[i - 1]];
            if (sameX)
            {
                runX++;
            }
            else
            {
                xTies += (long)runX * (runX - 1) / 2;
                runX = 1;
            }
            if (sameXY)
            {
                runXY++;
            }
            else
            {
                jointTies += (long)runXY * (runXY - 1) / 2;
                runXY = 1;
            }
        }
        var ys = new double[n];
        for (int i = 0; i < n; i++)
            ys[i] = y[order[i]];
        long discordant = CountInversions(ys, new double[n], 0, n);
        // ys is now sorted: count ties in y.
        long yTies = 0;
        int runY = 1;
        for (int i = 1; i <= n; i++)
        {
            if (i < n && ys[i] == ys[i - 1])
            {
                runY++;
            }
            else
            {
                yTies += (long)runY * (runY - 1) / 2;
                runY = 1;
            }
        }
        if (xTies == total || yTies == total)
            return double.NaN;
        double numerator = total - xTies - yTies + jointTies - 2 * discordant;
        double tau = numerator / Math.Sqrt(total - xTies) / Math.Sqrt(total - yTies);
        return Math.Clamp(tau, -1.0, 1.0);
    }

    /// <summary>Sorts values[lo, hi) ascending and returns the number of strict inversions (i &lt; j, v_i &gt; v_j).</summary>
    private static long CountInversions(double[] values, double[] scratch, int lo, int hi)
    {
        if (hi - lo < 2)
            return 0;
        int mid = (lo + hi) >>> 1;
        long count = CountInversions(values, scratch, lo, mid) + CountInversions(values, scratch, mid, hi);
        int i = lo, j = mid, k = lo;
        while (i < mid && j < hi)
        {
            if (values[i] <= values[j])
            {
                scratch[k++] = values[i++];
            }
            else
            {
                count += mid - i;
                scratch[k++] = values[j++];
            }
        }
        while (i < mid)
            scratch[k++] = values[i++];
        while (j < hi)
            scratch[k++] = values[j++];
        Array.Copy(scratch, lo, values, lo, hi - lo);
        return count;
    }

    private static bool IsConstant(double[] values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] != values[0])
                return false;
        }
        return true;
    }
}
