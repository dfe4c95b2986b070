using MathNet.Numerics;

namespace Rankwise.Numerics;

/// <summary>
/// The regularized upper incomplete gamma function Q(b, z) = Γ(b, z)/Γ(b) for small shape parameters
/// 0 &lt; b ≤ 1, as needed by the large-a expansion of the incomplete beta function. b = ½ is
/// erfc(√z); b = 1 is e^{−z}; otherwise the power series of P = 1 − Q (z &lt; 1.5) or Legendre's
/// continued fraction for Q (z ≥ 1.5), evaluated by the modified Lentz method.
/// </summary>
internal static class IncompleteGamma
{
    private const double Epsilon = 1e-16;
    private const double Tiny = 1e-300;

    /// <summary>Q(b, z) for 0 &lt; b ≤ 1 and z ≥ 0.</summary>
    internal static double UpperRegularized(double b, double z)
    {
        if (z <= 0) return 1;
        if (b == 0.5) return SpecialFunctions.Erfc(Math.Sqrt(z));
        if (b == 1) return Math.Exp(-z);
        double logPrefix = b * Math.Log(z) - z;
        if (z < 1.5)
        {
            // P(b, z) = z^b e^{-z} / Γ(b + 1) · Σ_k z^k / ((b + 1)…(b + k))
            double term = 1, sum = 1;
            for (int k = 1; k < 200; k++)
            {
                term *= z / (b + k);
                sum += term;
                if (term < Epsilon * sum) break;
            }
            return 1 - Math.Exp(logPrefix) / LogGamma.Gamma(b + 1) * sum;
        }
        // Q(b, z) = z^b e^{-z} / Γ(b) · 1/(z + 1 − b − 1(1 − b)/(z + 3 − b − 2(2 − b)/(z + 5 − b − …)))
        double f = z + 1 - b;
        if (Math.Abs(f) < Tiny) f = Tiny;
        double c = f, d = 0;
        for (int k = 1; k < 10_000; k++)
        {
            double an = -k * (k - b);
            double bn = z + 2 * k + 1 - b;
            d = bn + an * d;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = bn + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < Epsilon) break;
        }
        return Math.Exp(logPrefix) / LogGamma.Gamma(b) / f;
    }
}
