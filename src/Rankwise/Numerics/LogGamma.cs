using MathNet.Numerics;

namespace Rankwise.Numerics;

/// <summary>
/// Gamma-function pieces needed by <see cref="IncompleteBeta"/>: the Stirling remainder
/// <c>δ(z) = lnΓ(z) − [(z − ½) ln z − z + ½ ln 2π]</c> for z ≥ 8 and Γ(z) for moderate z.
/// Splitting lnΓ into Stirling's leading terms and δ lets callers cancel the large leading terms
/// analytically (DiDonato &amp; Morris, ACM TOMS 708, 1992), which is what keeps the incomplete beta
/// prefactor accurate to a few ulps for large shape parameters.
/// </summary>
/// <remarks>
/// Math.NET Numerics has no Stirling remainder (its <c>GammaLn</c> is a Lanczos approximation, so
/// lnΓ(a + b) − lnΓ(a) − lnΓ(b) cannot be cancelled analytically with it), and its <c>Gamma</c> is less accurate
/// than the exact products used here: measured against 40-digit mpmath, 1.6e-13 relative error at Γ(27.5) and
/// 2.0e-13 at Γ(49.5), against ≤ 3e-15 for <see cref="Gamma"/> (which <see cref="IncompleteBeta"/> needs only for
/// shape parameters below 16). With Math.NET's <c>Gamma</c> in its place the golden p-values still pass at 1e-12,
/// but Γ's own error would grow from ≤ 3e-15 to up to 1e-13 (Γ(13.46)) in that range, so the exact products stay.
/// <see cref="Log1p"/> is Math.NET's.
/// </remarks>
internal static class LogGamma
{
    internal const double LnSqrt2Pi = 0.91893853320467274178032973640562;
    internal const double SqrtPi = 1.7724538509055160272981674833411;
    internal const double Sqrt2Pi = 2.5066282746310005024157652848110;

    // B_{2k} / (2k (2k − 1)) for k = 1..9.
    private const double C1 = 1.0 / 12.0;
    private const double C2 = -1.0 / 360.0;
    private const double C3 = 1.0 / 1260.0;
    private const double C4 = -1.0 / 1680.0;
    private const double C5 = 1.0 / 1188.0;
    private const double C6 = -691.0 / 360360.0;
    private const double C7 = 1.0 / 156.0;
    private const double C8 = -3617.0 / 122400.0;
    private const double C9 = 43867.0 / 244188.0;

    /// <summary>Stirling remainder δ(z) for z ≥ 8 (absolute error below 1e-17).</summary>
    internal static double StirlingRemainder(double z)
    {
        double t = 1.0 / z;
        double t2 = t * t;
        return t * (C1 + t2 * (C2 + t2 * (C3 + t2 * (C4 + t2 * (C5 + t2 * (C6 + t2 * (C7 + t2 * (C8 + t2 * C9))))))));
    }

    /// <summary>
    /// Γ(z) for 0 &lt; z ≤ 170. Integers and half-integers (the common case: degrees of freedom / 2)
    /// are computed as exact products; other arguments by Stirling's series after shifting z ≥ 8.
    /// </summary>
    internal static double Gamma(double z)
    {
        double twice = 2 * z;
        if (twice == Math.Floor(twice) && z <= 170)
        {
            if (z == Math.Floor(z))
            {
                double f = 1;
                for (double k = 2; k < z; k++) f *= k;
                return f;
            }
            // Γ(k + ½) = √π · ∏_{j=0}^{k−1} (j + ½)
            double g = SqrtPi;
            for (double h = 0.5; h < z; h++) g *= h;
            return g;
        }
        double shift = 1;
        double w = z;
        while (w < 8)
        {
            shift *= w;
            w += 1;
        }
        double stirling = Sqrt2Pi * Math.Exp((w - 0.5) * Math.Log(w) - w + StirlingRemainder(w));
        return stirling / shift;
    }

    /// <summary>
    /// ln(1 + x), accurate also for small |x|: Math.NET's <c>SpecialFunctions.Log1p</c> (within 2.5e-16 relative
    /// of 40-digit mpmath for −0.99 ≤ x ≤ 5 down to |x| = 1e-20; .NET's <c>double.LogP1</c> is ln(x + 1) and
    /// loses up to all digits there).
    /// </summary>
    internal static double Log1p(double x) => SpecialFunctions.Log1p(x);

    /// <summary><c>e − ln(1 + e)</c> for e &gt; −1, accurate also for small |e|.</summary>
    internal static double Rlog1(double e)
    {
        if (Math.Abs(e) > 0.5)
            return e - Math.Log(1 + e);
        // ln(1+e) = 2 atanh(r), r = e / (2 + e); e − 2r = r e.
        double r = e / (2 + e);
        double r2 = r * r;
        double term = r2;
        double sum = 1.0 / 3.0;
        for (int k = 2; k < 40; k++)
        {
            double add = term / (2 * k + 1);
            sum += add;
            if (add < 1e-17 * sum) break;
            term *= r2;
        }
        return r * e - 2 * r * r2 * sum;
    }
}
