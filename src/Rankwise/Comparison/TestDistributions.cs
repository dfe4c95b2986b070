using MathNet.Numerics;
using Rankwise.Inference;

namespace Rankwise.Comparison;

/// <summary>Tail probabilities of the standard normal and Student's t, and p-values by alternative.</summary>
internal static class TestDistributions
{
    private const int MaxIterations = 100_000;
    private const double Epsilon = 1e-18;
    private const double Tiny = 1e-300;

    /// <summary>P(Z ≥ z) for the standard normal (scipy's <c>norm.sf</c>).</summary>
    public static double NormalUpper(double z) => NormalFunctions.Ndtr(-z);

    /// <summary>
    /// P(T ≥ t) for Student's t with <paramref name="df"/> &gt; 0 degrees of freedom (scipy's <c>t.sf</c>), with
    /// relative accuracy kept far into the tail: for t ≥ 0 the tail is ½·I_x(df/2, ½), x = df/(df + t²), evaluated
    /// by the continued fraction of the incomplete beta function (Lentz's method) on the side where it converges,
    /// with the prefactor x^a (1 − x)^b / B(a, b) built in log space from log1p terms and, for large df, an asymptotic
    /// series for ln B(df/2, ½) (MathNet's generic <c>BetaRegularized</c> loses up to 1e−10 relative there).
    /// </summary>
    public static double StudentTUpper(double t, double df)
    {
        if (double.IsNaN(t) || double.IsNaN(df))
            return double.NaN;
        if (t < 0)
            return 1 - StudentTUpper(-t, df);
        if (double.IsPositiveInfinity(t))
            return 0;
        if (t == 0)
            return 0.5;
        double a = 0.5 * df, b = 0.5;
        double t2 = t * t;
        if (double.IsPositiveInfinity(t2))
            return 0;
        // ln x and ln(1 - x) for x = df / (df + t^2), each from log1p of a small-or-moderate ratio.
        double lnX = -LogOnePlus(t2 / df);
        double lnOneMinusX = -LogOnePlus(df / t2);
        double x = Math.Exp(lnX);
        double lnNumerator = a * lnX + b * lnOneMinusX;
        double lnBeta = LnBetaHalf(a);
        if (x < (a + 1) / (a + b + 2))
        {
            double front = Math.Exp(lnNumerator - lnBeta) / a;
            return 0.5 * front * BetaContinuedFraction(a, b, DoubleDouble.OneMinus(Math.Exp(lnOneMinusX)));
        }
        else
        {
            double front = Math.Exp(lnNumerator - lnBeta) / b;
            return 0.5 * (1 - front * BetaContinuedFraction(b, a, Math.Exp(lnOneMinusX)));
        }
    }

    /// <summary>The p-value of <paramref name="statistic"/> for <paramref name="alternative"/> given the upper-tail
    /// function of a distribution symmetric about 0.</summary>
    public static double PValue(double statistic, Alternative alternative, Func<double, double> upper)
    {
        if (double.IsNaN(statistic))
            return double.NaN;
        return alternative switch
        {
            Alternative.Greater => upper(statistic),
            Alternative.Less => upper(-statistic),
            Alternative.TwoSided => Math.Min(1.0, 2 * upper(Math.Abs(statistic))),
            _ => throw new ArgumentOutOfRangeException(nameof(alternative), alternative, "unknown alternative"),
        };
    }

    /// <summary>log(1 + y) for y ≥ 0, accurate to a few ulps for small y: with u = fl(1 + y), log(u)·y/(u − 1)
    /// corrects the rounding of u (Goldberg 1991, Theorem 4).</summary>
    private static double LogOnePlus(double y)
    {
        double u = 1 + y;
        if (u == 1)
            return y;
        if (double.IsPositiveInfinity(u))
            return Math.Log(y);
        return Math.Log(u) * y / (u - 1);
    }

    /// <summary>ln B(a, ½) = ln Γ(½) + ln Γ(a) − ln Γ(a + ½); for a ≥ 20 from Stirling's series so that the large
    /// ln Γ values do not cancel.</summary>
    private static double LnBetaHalf(double a)
    {
        if (a < 20)
            return SpecialFunctions.BetaLn(a, 0.5);
        const double LnSqrtPi = 0.57236494292470008707; // ln Γ(½)
        return LnSqrtPi - 0.5 * Math.Log(a) - a * LogOnePlus(0.5 / a) + 0.5 + StirlingTail(a) - StirlingTail(a + 0.5);
    }

    /// <summary>ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π] for z ≥ 20 (asymptotic series to z⁻⁹).</summary>
    private static double StirlingTail(double z)
    {
        double r = 1 / z, r2 = r * r;
        return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188)))));
    }

    /// <summary>The continued fraction of I_x(a, b) / (x^a (1 − x)^b / (a B(a, b))) by the modified Lentz method in
    /// double-double arithmetic; converges for x &lt; (a + 1)/(a + b + 2). With large a the recurrence is
    /// ill-conditioned near that boundary (it amplifies the rounding of x about a-fold), so x is passed exactly as
    /// double-double (e.g. 1 − y) and every step keeps ~32 digits.</summary>
    private static double BetaContinuedFraction(double a, double b, DoubleDouble x)
    {
        DoubleDouble one = 1;
        double qab = a + b, qap = a + 1, qam = a - 1;
        DoubleDouble c = one, d = one - x * qab / qap;
        d = NotTiny(d);
        d = one / d;
        DoubleDouble h = d;
        for (int m = 1; m <= MaxIterations; m++)
        {
            int m2 = 2 * m;
            DoubleDouble aa = x * (m * (b - m)) / ((DoubleDouble)(qam + m2) * (a + m2));
            d = NotTiny(one + aa * d);
            c = NotTiny(one + aa / c);
            d = one / d;
            h *= d * c;
            aa = -(x * ((DoubleDouble)(a + m) * (qab + m))) / ((DoubleDouble)(a + m2) * (qap + m2));
            d = NotTiny(one + aa * d);
            c = NotTiny(one + aa / c);
            d = one / d;
            DoubleDouble delta = d * c;
            h *= delta;
            if (Math.Abs(delta.Hi - 1 + delta.Lo) < Epsilon)
                return h.Value;
        }
        return h.Value;
    }

    private static DoubleDouble NotTiny(DoubleDouble v) => Math.Abs(v.Hi) < Tiny ? Tiny : v;
}
