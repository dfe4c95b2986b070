using Rankwise.Numerics;
using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// Spearman's rank correlation with its p-value (scipy.stats.spearmanr, scipy 1.10, two 1-D inputs).
/// </summary>
/// <remarks>
/// <para>ρ is Pearson's correlation of the average ranks. It is finished like numpy.corrcoef
/// (c_xy/(n−1) divided by √(c_yy/(n−1)) and then by √(c_xx/(n−1))), so that it agrees with scipy to the
/// last bit for exactly representable rank sums — including scipy's 0.9999999999999999 for some perfectly
/// monotone samples, which matters for the p-value. The centred rank sums themselves are computed
/// exactly in integer arithmetic from the sorted orders (see <c>SpearmanKernel</c>): O(n log n)
/// worst case, two radix-style passes over memory per input in practice, and no rank vectors.</para>
/// <para>p-value: t = ρ·√((n − 2)/((1 + ρ)(1 − ρ))) (clipped at 0 inside the root) against Student's t
/// with n − 2 degrees of freedom; |ρ| = 1 gives t = ±∞ and p = 0 (or 1 for the opposite one-sided
/// alternative); n = 2 gives p = NaN, as in scipy.</para>
/// <para>Undefined results (NaN plus a warning): fewer than 2 pairs, a constant input, NaN under
/// <see cref="NanPolicy.Propagate"/>. <see cref="NanPolicy.Omit"/> drops incomplete pairs (scipy then
/// uses its masked-array implementation, which gives the same values).</para>
/// </remarks>
public static class SpearmanCorrelation
{
    /// <summary>Spearman's ρ between <paramref name="x"/> and <paramref name="y"/> and the p-value for <paramref name="alternative"/>.</summary>
    /// <param name="x">First sample.</param>
    /// <param name="y">Second sample, same length.</param>
    /// <param name="alternative">Alternative hypothesis; default two-sided.</param>
    /// <param name="nanPolicy">NaN handling for the pairs; default <see cref="NanPolicy.Propagate"/>.</param>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static CorrelationResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        var data = PairedSamples.Prepare(x, y, nanPolicy);
        if (CorrelationResults.CheckDefined(CorrelationResults.Spearman, data, alternative) is { } undefined) return undefined;
        int n = data.Length;
        SpearmanKernel.CenteredRankSums(data.X, data.Y, out Int128 sxx4, out Int128 syy4, out Int128 sxy4);
        double rho = FinishCoefficient((double)sxx4 / 4, (double)syy4 / 4, (double)sxy4 / 4, n);
        return new CorrelationResult(CorrelationResults.Spearman, n, rho, PValue(rho, n, alternative), alternative);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double}, Alternative, NanPolicy)"/>
    public static CorrelationResult Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate)
        => Compute(PairedSamples.Widen(x), PairedSamples.Widen(y), alternative, nanPolicy);

    /// <summary>
    /// The p-value of a Spearman (or any rank) correlation <paramref name="rho"/> from <paramref name="n"/>
    /// pairs by the t approximation with n − 2 degrees of freedom, exactly as scipy.stats.spearmanr.
    /// </summary>
    /// <param name="rho">The correlation in [−1, 1].</param>
    /// <param name="n">The number of pairs.</param>
    /// <param name="alternative">Alternative hypothesis.</param>
    public static double PValue(double rho, long n, Alternative alternative = Alternative.TwoSided)
    {
        double dof = n - 2;
        double t = rho * Math.Sqrt(ClipAtZero(dof / ((rho + 1.0) * (1.0 - rho))));
        return StudentT.PValue(dof, t, alternative);
    }

    private static double ClipAtZero(double v) => double.IsNaN(v) ? v : Math.Max(v, 0);

    /// <summary>Pearson's r of two rank vectors, finished in numpy.corrcoef's order and clipped.</summary>
    internal static double RankCoefficient(ReadOnlySpan<double> rx, ReadOnlySpan<double> ry)
    {
        int n = rx.Length;
        double mx = CenteredSums.Mean(rx);
        double my = CenteredSums.Mean(ry);
        CenteredSums.Compute(rx, mx, ry, my, out double sxx, out double syy, out double sxy);
        return FinishCoefficient(sxx, syy, sxy, n);
    }

    /// <summary>r from the centred sums, in numpy.corrcoef's order (c_xy/(n−1) / √(c_yy/(n−1)) / √(c_xx/(n−1))), clipped.</summary>
    private static double FinishCoefficient(double sxx, double syy, double sxy, int n)
    {
        double scale = 1.0 / (n - 1);
        double r = sxy * scale / Math.Sqrt(syy * scale) / Math.Sqrt(sxx * scale);
        return Math.Max(Math.Min(r, 1.0), -1.0);
    }
}
