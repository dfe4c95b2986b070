namespace Rankwise.Correlation;

/// <summary>
/// Kendall's tau rank correlation with its p-value (scipy.stats.kendalltau, scipy 1.10 semantics).
/// </summary>
/// <remarks>
/// <para>Pairs are counted in O(n log n) (one sort of x carrying the y keys into (x, y) order, then a
/// parallel merge-sort count of the discordant pairs, which also yields the y tie groups) with 64-bit
/// pair counts and 128-bit tie sums, valid for n well beyond 10⁸.</para>
/// <para>p-value: under <see cref="KendallMethod.Asymptotic"/>, z = (P − Q)/√var with the tie-corrected
/// variance var = [n(n−1)(2n+5) − Σt(t−1)(2t+5) − Σu(u−1)(2u+5)]/18 + 2·T·U/(n(n−1))
/// + Σt(t−1)(t−2)·Σu(u−1)(u−2)/(9n(n−1)(n−2)) (T, U: pairs tied in x, in y; t, u: tie-group sizes),
/// evaluated in the same order as scipy; under <see cref="KendallMethod.Exact"/>, the permutation
/// distribution of the concordant count. The p-value is the same for tau-b and tau-c.</para>
/// <para>Undefined results (NaN statistic and p-value, with a warning, never an exception): fewer than
/// 2 pairs, constant x or y, NaN under <see cref="NanPolicy.Propagate"/>. With
/// <see cref="NanPolicy.Omit"/>, incomplete pairs are dropped first; for <see cref="KendallVariant.C"/>
/// this extends scipy 1.10, which rejects <c>nan_policy='omit'</c> with <c>variant='c'</c>.</para>
/// </remarks>
public static class KendallTau
{
    /// <summary>
    /// Kendall's tau between <paramref name="x"/> and <paramref name="y"/> and the p-value for
    /// <paramref name="alternative"/>.
    /// </summary>
    /// <param name="x">First sample.</param>
    /// <param name="y">Second sample, same length.</param>
    /// <param name="variant">Tau-b (default) or tau-c; the method name is <c>kendall</c> or <c>kendall-c</c>.</param>
    /// <param name="method">p-value method; default <see cref="KendallMethod.Auto"/> (scipy's rule).</param>
    /// <param name="alternative">Alternative hypothesis; default two-sided.</param>
    /// <param name="nanPolicy">NaN handling for the pairs; default <see cref="NanPolicy.Propagate"/>.</param>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>, or
    /// <see cref="KendallMethod.Exact"/> requested for data with ties.</exception>
    public static CorrelationResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        KendallVariant variant = KendallVariant.B, KendallMethod method = KendallMethod.Auto,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        string name = variant == KendallVariant.C ? CorrelationResults.KendallC : CorrelationResults.Kendall;
        var data = PairedSamples.Prepare(x, y, nanPolicy);
        if (CorrelationResults.CheckDefined(name, data, alternative) is { } undefined) return undefined;
        KendallCounts counts = KendallCounts.Compute(data.X, data.Y);
        return FromCounts(counts, name, variant, method, alternative);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double}, KendallVariant, KendallMethod, Alternative, NanPolicy)"/>
    public static CorrelationResult Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        KendallVariant variant = KendallVariant.B, KendallMethod method = KendallMethod.Auto,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate)
        => Compute(PairedSamples.Widen(x), PairedSamples.Widen(y), variant, method, alternative, nanPolicy);

    private static CorrelationResult FromCounts(in KendallCounts c, string name, KendallVariant variant, KendallMethod method, Alternative alternative)
    {
        long n = c.N;
        if (c.XTies == c.Total || c.YTies == c.Total)
            return CorrelationResults.Undefined(name, n, alternative, CorrelationResults.ConstantWarning(c.XTies == c.Total ? "x" : "y"));
        long cmd = c.ConcordantMinusDiscordant;
        double tau;
        if (variant == KendallVariant.B)
        {
            tau = cmd / Math.Sqrt(c.Total - c.XTies) / Math.Sqrt(c.Total - c.YTies);
        }
        else
        {
            long minClasses = Math.Min(c.XGroups, c.YGroups);
            double denominator = (double)((Int128)n * n * (minClasses - 1)) / minClasses;
            tau = (double)(2 * (Int128)cmd) / denominator;
        }
        tau = Math.Min(1.0, Math.Max(-1.0, tau));

        bool tied = c.XTies != 0 || c.YTies != 0;
        if (method == KendallMethod.Exact && tied)
            throw new RankwiseInputException("method", "the exact Kendall p-value needs data without ties; use the asymptotic method");
        if (method == KendallMethod.Auto)
            method = !tied && (n <= 33 || Math.Min(c.Discordant, c.Total - c.Discordant) <= 1) ? KendallMethod.Exact : KendallMethod.Asymptotic;

        double p = method == KendallMethod.Exact
            ? KendallExactDistribution.PValue(n, c.Total - c.Discordant, alternative)
            : Numerics.Normal.PValue(cmd / Math.Sqrt(AsymptoticVariance(c)), alternative);
        return new CorrelationResult(name, n, tau, p, alternative);
    }

    /// <summary>The tie-corrected null variance of P − Q, in scipy 1.10's evaluation order.</summary>
    internal static double AsymptoticVariance(in KendallCounts c)
    {
        long n = c.N;
        double m = n * (n - 1.0);
        double x1 = (double)c.X1, y1 = (double)c.Y1, x0 = (double)c.X0, y0 = (double)c.Y0;
        double tiesProduct = (double)(2 * (Int128)c.XTies * c.YTies);
        return (m * (2 * n + 5) - x1 - y1) / 18 + tiesProduct / m + x0 * y0 / (9 * m * (n - 2));
    }
}
