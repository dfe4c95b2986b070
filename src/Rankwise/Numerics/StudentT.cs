namespace Rankwise.Numerics;

/// <summary>
/// Student's t distribution function, evaluated the way cdflib's <c>cumt</c> does (the routine
/// behind scipy 1.10's <c>scipy.special.stdtr</c>): with x = ν/(ν + t²) and y = t²/(ν + t²)
/// both formed directly, P(T ≤ t) = ½ I_x(ν/2, ½) for t ≤ 0 and 1 − ½ I_x(ν/2, ½) otherwise.
/// </summary>
/// <remarks>
/// Not Math.NET's <c>Distributions.StudentT.CDF</c>: it passes only x to <c>BetaRegularized</c>, which forms
/// 1 − x again, and misses scipy's <c>stdtr</c> on 57 of the 169 reference values of
/// <c>tests/ReferenceData/stats</c> (worst 8.8e-9 relative, ν = 10⁶, t = −0.001; 2 of 138 Spearman golden
/// p-values fail the 1e-12 tolerance through it). See <see cref="IncompleteBeta"/> for the measurement.
/// </remarks>
internal static class StudentT
{
    /// <summary>P(T ≤ t) for T ~ t(ν). ±∞ give 1 and 0; NaN or ν ≤ 0 give NaN.</summary>
    internal static double Cdf(double degreesOfFreedom, double t)
    {
        if (double.IsNaN(t) || !(degreesOfFreedom > 0)) return double.NaN;
        if (double.IsPositiveInfinity(t)) return 1;
        if (double.IsNegativeInfinity(t)) return 0;
        double tt = t * t;
        double denominator = degreesOfFreedom + tt;
        double x = degreesOfFreedom / denominator;
        double y = tt / denominator;
        IncompleteBeta.Evaluate(0.5 * degreesOfFreedom, 0.5, x, y, out double lower, out double upper);
        if (t <= 0)
            return 0.5 * lower;
        return upper + 0.5 * lower;
    }

    /// <summary>The p-value of a t statistic for the given alternative (scipy's <c>_ttest_finish</c>).</summary>
    internal static double PValue(double degreesOfFreedom, double t, Alternative alternative) => alternative switch
    {
        Alternative.Less => Cdf(degreesOfFreedom, t),
        Alternative.Greater => Cdf(degreesOfFreedom, -t),
        _ => Cdf(degreesOfFreedom, -Math.Abs(t)) * 2,
    };
}
