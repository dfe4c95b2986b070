using MathNet.Numerics;

namespace Rankwise.Inference;

/// <summary>The standard normal CDF and its inverse (scipy.special's <c>ndtr</c> and <c>ndtri</c>).</summary>
internal static class NormalFunctions
{
    private const double Sqrt1Over2 = 0.70710678118654752440;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>Φ(x): erf near zero, erfc in the tails to keep relative accuracy.</summary>
    public static double Ndtr(double x)
    {
        if (double.IsNaN(x))
            return double.NaN;
        if (double.IsPositiveInfinity(x))
            return 1.0;
        if (double.IsNegativeInfinity(x))
            return 0.0;
        double t = x * Sqrt1Over2;
        double z = Math.Abs(t);
        if (z < Sqrt1Over2)
            return 0.5 + 0.5 * SpecialFunctions.Erf(t);
        double y = 0.5 * SpecialFunctions.Erfc(z);
        return t > 0 ? 1.0 - y : y;
    }

    /// <summary>Φ⁻¹(p); −∞ at 0, +∞ at 1, NaN outside [0, 1].</summary>
    public static double Ndtri(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
            return double.NaN;
        if (p == 0)
            return double.NegativeInfinity;
        if (p == 1)
            return double.PositiveInfinity;
        if (p == 0.5)
            return 0.0;
        return -Sqrt2 * SpecialFunctions.ErfcInv(2.0 * p);
    }
}
