using System.Numerics;

namespace Rankwise.Correlation;

/// <summary>
/// The exact null distribution of the number of concordant pairs c among n untied pairs (the
/// Mahonian numbers: permutations of n elements with c inversions), giving the exact p-value of
/// Kendall's tau with scipy 1.10's conventions (<c>scipy.stats._mstats_basic._kendall_p_exact</c>;
/// M. G. Kendall, <i>Rank Correlation Methods</i>, 4th ed., 1970). For n ≤ 34 the counts are exact
/// 128-bit integers and the p-value is a correctly computed ratio; for larger n the recurrence runs
/// on normalized doubles (relative error ~1e-14). Cost O(n·c).
/// </summary>
internal static class KendallExactDistribution
{
    private const int ExactIntegerLimit = 34;

    /// <summary>The p-value for <paramref name="concordant"/> concordant pairs among <paramref name="n"/> untied pairs.</summary>
    internal static double PValue(long n, long concordant, Alternative alternative)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive");
        long total = n * (n - 1) / 2;
        bool inRightTail = concordant >= total - concordant;
        long c = Math.Min(concordant, total - concordant);
        double probability;
        double massAtC;
        if (n == 1)
        {
            probability = 1;
            massAtC = 1;
        }
        else if (n == 2)
        {
            probability = 1;
            massAtC = 0.5;
        }
        else if (c == 0)
        {
            probability = n < 171 ? 2.0 / Factorial(n) : 0.0;
            massAtC = probability / 2;
        }
        else if (c == 1)
        {
            probability = n < 172 ? 2.0 / Factorial(n - 1) : 0.0;
            massAtC = n < 171 ? (n - 1) / Factorial(n) : 0.0;
        }
        else if (4 * c == n * (n - 1) && alternative == Alternative.TwoSided)
        {
            probability = 1;
            massAtC = double.NaN;
        }
        else if (n <= ExactIntegerLimit)
        {
            return ExactIntegerPValue((int)n, (int)c, inRightTail, alternative);
        }
        else
        {
            NormalizedTail((int)n, (int)c, out probability, out massAtC);
        }
        if (alternative != Alternative.TwoSided)
        {
            if (inRightTail == (alternative == Alternative.Greater))
                probability /= 2;
            else
                probability = 1 - probability / 2 + massAtC;
        }
        return Math.Clamp(probability, 0, 1);
    }

    /// <summary>n! as the correctly rounded double (n ≤ 170).</summary>
    private static double Factorial(long n)
    {
        BigInteger f = BigInteger.One;
        for (long k = 2; k <= n; k++) f *= k;
        return (double)f;
    }

    /// <summary>The p-value from exact Mahonian numbers (n ≤ 34, so n! &lt; 2¹²⁸).</summary>
    private static double ExactIntegerPValue(int n, int c, bool inRightTail, Alternative alternative)
    {
        var counts = new UInt128[c + 1];
        var prefix = new UInt128[c + 2];
        counts[0] = 1;
        if (c >= 1) counts[1] = 1; // n = 2
        UInt128 factorial = 2;
        for (int j = 3; j <= n; j++)
        {
            factorial *= (uint)j;
            prefix[0] = 0;
            for (int k = 0; k <= c; k++) prefix[k + 1] = prefix[k] + counts[k];
            // M_j[k] = Σ_{i=0}^{min(k, j−1)} M_{j−1}[k − i]
            for (int k = 0; k <= c; k++)
                counts[k] = prefix[k + 1] - (k - j + 1 >= 0 ? prefix[k - j + 1] : 0);
        }
        UInt128 lowerTail = 0;
        for (int k = 0; k <= c; k++) lowerTail += counts[k];
        // two-sided: 2·P(C ≤ c); same-side one-sided: P(C ≤ c); other side: 1 − P(C ≤ c) + P(C = c).
        BigInteger numerator;
        if (alternative == Alternative.TwoSided)
            numerator = 2 * (BigInteger)lowerTail;
        else if (inRightTail == (alternative == Alternative.Greater))
            numerator = (BigInteger)lowerTail;
        else
            numerator = (BigInteger)factorial - (BigInteger)lowerTail + (BigInteger)counts[c];
        return Math.Clamp(Ratio(numerator, (BigInteger)factorial), 0, 1);
    }

    /// <summary>numerator / denominator rounded to the nearest double (both positive, ratio ≤ 2).</summary>
    private static double Ratio(BigInteger numerator, BigInteger denominator)
    {
        if (numerator.IsZero) return 0;
        // Scale so the integer quotient has 64+ significant bits, then one rounding to double.
        long shift = Math.Max(0, 66 - ((long)numerator.GetBitLength() - (long)denominator.GetBitLength()));
        BigInteger quotient = BigInteger.Divide(numerator << (int)shift, denominator);
        return Math.ScaleB((double)quotient, -(int)shift);
    }

    /// <summary>
    /// 2·P(C ≤ c) and P(C = c) from the recurrence on counts scaled by 2/j! (scipy's large-n path).
    /// </summary>
    private static void NormalizedTail(int n, int c, out double probability, out double massAtC)
    {
        var values = new double[c + 1];
        var prefix = new double[c + 2];
        values[0] = 1;
        values[1] = 1;
        for (int j = 3; j <= n; j++)
        {
            prefix[0] = 0;
            for (int k = 0; k <= c; k++) prefix[k + 1] = prefix[k] + values[k];
            for (int k = 0; k <= c; k++)
                values[k] = (prefix[k + 1] - (k - j + 1 >= 0 ? prefix[k - j + 1] : 0)) / j;
        }
        double sum = 0;
        for (int k = 0; k <= c; k++) sum += values[k];
        probability = sum;
        massAtC = values[c] / 2;
    }
}
