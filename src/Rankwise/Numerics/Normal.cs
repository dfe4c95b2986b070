using MathNet.Numerics;

namespace Rankwise.Numerics;

/// <summary>
/// The standard normal distribution, evaluated like cephes' <c>ndtr</c> (used by scipy's
/// <c>norm.cdf</c>/<c>norm.sf</c>): Φ(z) = ½ + ½ erf(z/√2) near 0, ½ erfc(|z|/√2) in the tails.
/// </summary>
internal static class Normal
{
    private const double Sqrt1Over2 = 0.70710678118654752440084436210485;

    /// <summary>Φ(z) = P(Z ≤ z).</summary>
    internal static double Cdf(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        double x = z * Sqrt1Over2;
        double ax = Math.Abs(x);
        if (ax < Sqrt1Over2)
            return 0.5 + 0.5 * SpecialFunctions.Erf(x);
        double y = 0.5 * SpecialFunctions.Erfc(ax);
        return x > 0 ? 1.0 - y : y;
    }

    /// <summary>The quantile Φ⁻¹(p) for p in (0, 1).</summary>
    internal static double Quantile(double p) => -Math.Sqrt(2) * SpecialFunctions.ErfcInv(2 * p);

    /// <summary>The p-value of a z statistic for the given alternative (scipy's <c>_normtest_finish</c>).</summary>
    internal static double PValue(double z, Alternative alternative) => alternative switch
    {
        Alternative.Less => Cdf(z),
        Alternative.Greater => Cdf(-z),
        _ => 2 * Cdf(-Math.Abs(z)),
    };
}
