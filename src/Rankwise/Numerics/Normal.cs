using MathNet.Numerics;

namespace Rankwise.Numerics;

/// <summary>
/// The standard normal distribution, the one home of Φ and Φ⁻¹ in Rankwise: Φ is evaluated like cephes'
/// <c>ndtr</c> (scipy's <c>norm.cdf</c>/<c>norm.sf</c>/<c>special.ndtr</c>): ½ + ½ erf(z/√2) near 0,
/// ½ erfc(|z|/√2) in the tails to keep relative accuracy; Φ⁻¹ as scipy's <c>special.ndtri</c>.
/// </summary>
internal static class Normal
{
    private const double Sqrt1Over2 = 0.70710678118654752440084436210485;
    private const double Sqrt2 = 1.41421356237309504880;

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

    /// <summary>The quantile Φ⁻¹(p) (scipy's <c>ndtri</c>): −∞ at 0, +∞ at 1, 0 at ½, NaN outside [0, 1].</summary>
    internal static double Quantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        if (p == 0.5) return 0.0;
        return -Sqrt2 * SpecialFunctions.ErfcInv(2 * p);
    }

    /// <summary>The p-value of a z statistic for the given alternative (scipy's <c>_normtest_finish</c>).</summary>
    internal static double PValue(double z, Alternative alternative) => alternative switch
    {
        Alternative.Less => Cdf(z),
        Alternative.Greater => Cdf(-z),
        _ => 2 * Cdf(-Math.Abs(z)),
    };
}
