namespace Rankwise.Inference;

/// <summary>
/// How zero differences are treated by <see cref="WilcoxonSignedRank"/> (scipy.stats.wilcoxon's <c>zero_method</c>).
/// </summary>
public enum WilcoxonZeroMethod
{
    /// <summary>Zero differences are discarded before ranking (<c>'wilcox'</c>, the default; Wilcoxon 1945).</summary>
    Wilcox,

    /// <summary>
    /// Zeros are ranked with the others, then their ranks are dropped, and the normal approximation is adjusted
    /// (<c>'pratt'</c>; Pratt 1959, Cureton 1967).
    /// </summary>
    Pratt,

    /// <summary>Zeros are ranked with the others and their rank sum is split equally between R⁺ and R⁻ (<c>'zsplit'</c>).</summary>
    Zsplit,
}

/// <summary>How <see cref="WilcoxonSignedRank"/> computes the p-value (scipy.stats.wilcoxon's <c>method</c>).</summary>
public enum WilcoxonMethod
{
    /// <summary>Exact when there are at most 50 differences, else the normal approximation (<c>'auto'</c>).</summary>
    Auto,

    /// <summary>The exact null distribution of R⁺ (switches to the approximation when there are zeros).</summary>
    Exact,

    /// <summary>The normal approximation with tie correction (<c>'approx'</c>).</summary>
    Approx,
}

/// <summary>The result of a Wilcoxon signed-rank test (scipy.stats.wilcoxon's result, plus details).</summary>
/// <param name="Statistic">Two-sided: min(R⁺, R⁻); one-sided: R⁺ (scipy's convention).</param>
/// <param name="PValue">The p-value for <paramref name="Alternative"/>; NaN for empty input or NaN under
/// <see cref="NanPolicy.Propagate"/>.</param>
/// <param name="ZStatistic">z = (T − μ − c)/σ when the normal approximation was used (scipy's <c>zstatistic</c>, which
/// scipy only exposes for <c>method='approx'</c>); NaN when the exact distribution was used.</param>
/// <param name="MethodUsed"><see cref="WilcoxonMethod.Exact"/> or <see cref="WilcoxonMethod.Approx"/> (the requested
/// method when the result is NaN because of NaN or empty input).</param>
/// <param name="Count">Number of differences ranked (zeros excluded under the approximation with
/// <see cref="WilcoxonZeroMethod.Wilcox"/>).</param>
/// <param name="Zeros">Number of zero differences in the (NaN-free) input.</param>
/// <param name="RPlus">Sum of the ranks of the positive differences (plus half the zero ranks under
/// <see cref="WilcoxonZeroMethod.Zsplit"/>).</param>
/// <param name="RMinus">Sum of the ranks of the negative differences (likewise).</param>
/// <param name="Alternative">The alternative the p-value refers to.</param>
/// <param name="Warnings">scipy's warnings, e.g. the switch to the normal approximation when there are zeros.</param>
public sealed record WilcoxonResult(
    double Statistic,
    double PValue,
    double ZStatistic,
    WilcoxonMethod MethodUsed,
    int Count,
    int Zeros,
    double RPlus,
    double RMinus,
    Alternative Alternative,
    IReadOnlyList<string> Warnings);

/// <summary>
/// The Wilcoxon signed-rank test of paired samples x, y (differences d = x − y) or of one sample of differences,
/// with the semantics of scipy.stats.wilcoxon in scipy 1.10.
/// </summary>
/// <remarks>
/// <para><b>Statistic.</b> The |d| are ranked with average ranks for ties; R⁺ and R⁻ are the rank sums of the positive
/// and negative differences. Two-sided tests report T = min(R⁺, R⁻), one-sided tests R⁺.</para>
/// <para><b>Method.</b> <see cref="WilcoxonMethod.Auto"/> uses the exact distribution when n = len(d) ≤ 50, else the
/// normal approximation. Zeros force the approximation (with a warning). Exactly as scipy 1.10, <i>ties without zeros do
/// not</i>: the exact distribution is then evaluated at ⌊R⁺⌋, although it is no longer the exact null distribution.
/// Exact p-values: greater P(R⁺ ≥ r), less P(R⁺ ≤ r), two-sided 2·min of both (1 at the centre), clipped to 1. The
/// exact distribution costs O(n³) time and O(n²) memory.</para>
/// <para><b>Normal approximation.</b> μ = n(n+1)/4, σ² = [n(n+1)(2n+1) − ½ Σ t(t² − 1)]/24 over tie groups of size t
/// (ranks of zeros excluded under Pratt, whose μ and σ² are reduced by the zeros' terms, Cureton 1967); the optional
/// continuity correction moves T by ½ towards μ. z = (T − μ − c)/σ; two-sided p = 2Φ(−|z|), greater Φ(−z), less Φ(z).
/// A warning is given when fewer than 10 differences are ranked.</para>
/// <para><b>Errors and NaN.</b> Under the approximation, all-zero differences raise <see cref="RankwiseInputException"/>
/// for Wilcox and Pratt (scipy's ValueError). NaN: <see cref="NanPolicy.Propagate"/> gives NaN statistic and p-value,
/// <see cref="NanPolicy.Omit"/> drops incomplete pairs, <see cref="NanPolicy.Raise"/> throws. Empty input gives NaN.</para>
/// </remarks>
public static class WilcoxonSignedRank
{
    private const string ZerosWarning = "Exact p-value calculation does not work if there are zeros. Switching to normal approximation.";
    private const string SmallWarning = "Sample size too small for normal approximation.";

    /// <summary>Wilcoxon signed-rank test of paired samples (scipy.stats.wilcoxon(x, y, ...)).</summary>
    /// <param name="x">First sample.</param>
    /// <param name="y">Second sample, same length; the test is on d = x − y.</param>
    /// <param name="zeroMethod">Treatment of zero differences (default <see cref="WilcoxonZeroMethod.Wilcox"/>).</param>
    /// <param name="correction">Continuity correction for the normal approximation (default false).</param>
    /// <param name="alternative">Two-sided (default), or <see cref="Alternative.Greater"/> when d is expected to be
    /// stochastically greater than a distribution symmetric about 0, <see cref="Alternative.Less"/> for less.</param>
    /// <param name="method">Exact, approximate or automatic (default) p-value.</param>
    /// <param name="nanPolicy">NaN handling; a pair is incomplete when x or y is NaN.</param>
    /// <returns>The test result.</returns>
    /// <exception cref="ArgumentException">x and y differ in length, or an enum value is undefined.</exception>
    /// <exception cref="RankwiseInputException">All differences are zero (Wilcox/Pratt with the approximation), or NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static WilcoxonResult Test(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        WilcoxonZeroMethod zeroMethod = WilcoxonZeroMethod.Wilcox, bool correction = false,
        Alternative alternative = Alternative.TwoSided, WilcoxonMethod method = WilcoxonMethod.Auto,
        NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"wilcoxon: x and y must have the same length, got {x.Length} and {y.Length}", nameof(y));
        var d = new double[x.Length];
        int count = 0;
        bool anyNaN = false;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i]) || double.IsNaN(y[i]))
            {
                anyNaN = true;
                if (nanPolicy == NanPolicy.Raise)
                    throw new RankwiseInputException("wilcoxon", $"pair {i} contains NaN (nan_policy = raise)");
                if (nanPolicy == NanPolicy.Omit)
                    continue;
            }
            d[count++] = x[i] - y[i];
        }
        return Run(d.AsSpan(0, count), anyNaN && nanPolicy == NanPolicy.Propagate, zeroMethod, correction, alternative, method, nanPolicy);
    }

    /// <summary>Wilcoxon signed-rank test of one sample of differences (scipy.stats.wilcoxon(d, ...)).</summary>
    /// <param name="differences">The differences d.</param>
    /// <param name="zeroMethod">Treatment of zero differences (default <see cref="WilcoxonZeroMethod.Wilcox"/>).</param>
    /// <param name="correction">Continuity correction for the normal approximation (default false).</param>
    /// <param name="alternative">Alternative hypothesis about the distribution of d (default two-sided).</param>
    /// <param name="method">Exact, approximate or automatic (default) p-value.</param>
    /// <param name="nanPolicy">NaN handling.</param>
    /// <returns>The test result.</returns>
    /// <exception cref="RankwiseInputException">All differences are zero (Wilcox/Pratt with the approximation), or NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static WilcoxonResult TestDifferences(ReadOnlySpan<double> differences,
        WilcoxonZeroMethod zeroMethod = WilcoxonZeroMethod.Wilcox, bool correction = false,
        Alternative alternative = Alternative.TwoSided, WilcoxonMethod method = WilcoxonMethod.Auto,
        NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        var d = new double[differences.Length];
        int count = 0;
        bool anyNaN = false;
        for (int i = 0; i < differences.Length; i++)
        {
            if (double.IsNaN(differences[i]))
            {
                anyNaN = true;
                if (nanPolicy == NanPolicy.Raise)
                    throw new RankwiseInputException("wilcoxon", $"difference {i} is NaN (nan_policy = raise)");
                if (nanPolicy == NanPolicy.Omit)
                    continue;
            }
            d[count++] = differences[i];
        }
        return Run(d.AsSpan(0, count), anyNaN && nanPolicy == NanPolicy.Propagate, zeroMethod, correction, alternative, method, nanPolicy);
    }

    private static WilcoxonResult Run(Span<double> d, bool propagateNaN, WilcoxonZeroMethod zeroMethod, bool correction,
        Alternative alternative, WilcoxonMethod method, NanPolicy nanPolicy)
    {
        if (!Enum.IsDefined(zeroMethod))
            throw new ArgumentOutOfRangeException(nameof(zeroMethod), zeroMethod, "unknown WilcoxonZeroMethod");
        if (!Enum.IsDefined(alternative))
            throw new ArgumentOutOfRangeException(nameof(alternative), alternative, "unknown Alternative");
        if (!Enum.IsDefined(method))
            throw new ArgumentOutOfRangeException(nameof(method), method, "unknown WilcoxonMethod");
        if (!Enum.IsDefined(nanPolicy))
            throw new ArgumentOutOfRangeException(nameof(nanPolicy), nanPolicy, "unknown NanPolicy");
        var warnings = new List<string>();
        if (propagateNaN)
        {
            warnings.Add("the input contains NaN; the result is NaN (nan_policy = propagate)");
            return new WilcoxonResult(double.NaN, double.NaN, double.NaN, method, d.Length, 0, double.NaN, double.NaN, alternative, warnings);
        }
        if (d.Length == 0)
            return new WilcoxonResult(double.NaN, double.NaN, double.NaN, method, 0, 0, double.NaN, double.NaN, alternative, warnings);

        var mode = method == WilcoxonMethod.Auto ? (d.Length <= 50 ? WilcoxonMethod.Exact : WilcoxonMethod.Approx) : method;
        int zeros = 0;
        foreach (double v in d)
            if (v == 0)
                zeros++;
        if (zeros > 0 && mode == WilcoxonMethod.Exact)
        {
            mode = WilcoxonMethod.Approx;
            warnings.Add(ZerosWarning);
        }
        if (mode == WilcoxonMethod.Approx)
        {
            if (zeroMethod != WilcoxonZeroMethod.Zsplit && zeros == d.Length)
                throw new RankwiseInputException("wilcoxon",
                    $"zero_method '{(zeroMethod == WilcoxonZeroMethod.Wilcox ? "wilcox" : "pratt")}' does not work if x - y is zero for all elements");
            if (zeroMethod == WilcoxonZeroMethod.Wilcox && zeros > 0)
            {
                int w = 0;
                for (int i = 0; i < d.Length; i++)
                    if (d[i] != 0)
                        d[w++] = d[i];
                d = d[..w];
            }
        }
        int count = d.Length;
        if (count < 10 && mode == WilcoxonMethod.Approx)
            warnings.Add(SmallWarning);

        // Average ranks of |d|, and the tie groups (of the ranks that enter the variance).
        var abs = new double[count];
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            abs[i] = Math.Abs(d[i]);
            order[i] = i;
        }
        Array.Sort(abs, order);
        var ranks = new double[count];
        long tieSum = 0;
        for (int start = 0; start < count;)
        {
            int end = start + 1;
            while (end < count && abs[end] == abs[start])
                end++;
            double rank = 0.5 * (start + 1 + end);
            for (int t = start; t < end; t++)
                ranks[order[t]] = rank;
            long size = end - start;
            bool zeroGroup = abs[start] == 0;
            if (size > 1 && !(zeroGroup && zeroMethod == WilcoxonZeroMethod.Pratt))
                tieSum += size * (size * size - 1);
            start = end;
        }
        double rPlus = 0, rMinus = 0, rZero = 0;
        for (int i = 0; i < count; i++)
        {
            if (d[i] > 0) rPlus += ranks[i];
            else if (d[i] < 0) rMinus += ranks[i];
            else rZero += ranks[i];
        }
        if (zeroMethod == WilcoxonZeroMethod.Zsplit)
        {
            rPlus += rZero / 2.0;
            rMinus += rZero / 2.0;
        }
        double statistic = alternative == Alternative.TwoSided ? Math.Min(rPlus, rMinus) : rPlus;

        double p, z = double.NaN;
        if (mode == WilcoxonMethod.Approx)
        {
            double mn = count * (count + 1.0) * 0.25;
            double se = count * (count + 1.0) * (2.0 * count + 1.0);
            if (zeroMethod == WilcoxonZeroMethod.Pratt)
            {
                mn -= zeros * (zeros + 1.0) * 0.25;
                se -= zeros * (zeros + 1.0) * (2.0 * zeros + 1.0);
            }
            if (tieSum != 0)
                se -= 0.5 * tieSum;
            se = Math.Sqrt(se / 24);
            double c = 0;
            if (correction)
                c = alternative switch
                {
                    Alternative.TwoSided => 0.5 * Math.Sign(statistic - mn),
                    Alternative.Less => -0.5,
                    _ => 0.5,
                };
            z = (statistic - mn - c) / se;
            p = alternative switch
            {
                Alternative.TwoSided => 2.0 * Rankwise.Numerics.Normal.Cdf(-Math.Abs(z)),
                Alternative.Greater => Rankwise.Numerics.Normal.Cdf(-z),
                _ => Rankwise.Numerics.Normal.Cdf(z),
            };
        }
        else
        {
            double[] pmf = ExactNullDistribution(count);
            int r = (int)rPlus;
            if (alternative == Alternative.TwoSided)
            {
                if (r == (pmf.Length - 1) / 2)
                    p = 1.0;
                else
                    p = 2 * Math.Min(Sum(pmf, r, pmf.Length), Sum(pmf, 0, r + 1));
            }
            else if (alternative == Alternative.Greater)
                p = Sum(pmf, r, pmf.Length);
            else
                p = Sum(pmf, 0, r + 1);
            p = Math.Clamp(p, 0.0, 1.0);
        }
        return new WilcoxonResult(statistic, p, z, mode, count, zeros, rPlus, rMinus, alternative, warnings);
    }

    /// <summary>
    /// The exact null distribution of R⁺ for n untied, non-zero differences: P(R⁺ = r) for r = 0 … n(n+1)/2 (every sign
    /// pattern equally likely), by the recursion of adding rank k with probability ½ (scipy's <c>_get_wilcoxon_distr</c>).
    /// Values are multiples of 2⁻ⁿ, exact in float64 for n ≤ 52. Costs O(n³) time and O(n²) memory.
    /// </summary>
    /// <param name="n">Number of differences, n ≥ 0.</param>
    /// <returns>The probabilities, length n(n+1)/2 + 1.</returns>
    public static double[] ExactNullDistribution(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var c = new double[] { 1.0 };
        for (int k = 1; k <= n; k++)
        {
            var prev = c;
            c = new double[k * (k + 1) / 2 + 1];
            int m = prev.Length;
            for (int i = 0; i < m; i++)
                c[i] = prev[i] * 0.5;
            int offset = c.Length - m;
            for (int i = 0; i < m; i++)
                c[offset + i] += prev[i] * 0.5;
        }
        return c;
    }

    /// <summary>Sum of a[start..end) by pairwise summation (numpy's order for long arrays is blocked; for n ≤ 52 every partial sum is exact).</summary>
    private static double Sum(double[] a, int start, int end)
    {
        if (end - start <= 8)
        {
            double s = 0;
            for (int i = start; i < end; i++)
                s += a[i];
            return s;
        }
        int mid = start + (end - start) / 2;
        return Sum(a, start, mid) + Sum(a, mid, end);
    }
}
