using MathNet.Numerics;
using Rankwise.Inference;

namespace Rankwise.Comparison;

/// <summary>Tail probabilities of the standard normal and Student's t, and p-values by alternative.</summary>
internal static class TestDistributions
{
    /// <summary>P(Z ≥ z) for the standard normal (scipy's <c>norm.sf</c>).</summary>
    public static double NormalUpper(double z) => NormalFunctions.Ndtr(-z);

    /// <summary>
    /// P(T ≥ t) for Student's t with <paramref name="df"/> degrees of freedom (scipy's <c>t.sf</c>, R's
    /// <c>pt(t, df, lower.tail = FALSE)</c>): ½·I_{df/(df+t²)}(df/2, ½) for t ≥ 0, written through the complementary
    /// form ½·(1 − I_{t²/(df+t²)}(½, df/2)) when t² &lt; df so that neither argument loses digits.
    /// </summary>
    public static double StudentTUpper(double t, double df)
    {
        if (double.IsNaN(t) || double.IsNaN(df))
            return double.NaN;
        if (double.IsPositiveInfinity(t))
            return 0;
        if (double.IsNegativeInfinity(t))
            return 1;
        double t2 = t * t;
        double tail; // P(T >= |t|)
        if (t2 < df)
        {
            double x = t2 / (df + t2);
            tail = 0.5 * (1 - SpecialFunctions.BetaRegularized(0.5, 0.5 * df, x));
        }
        else
        {
            double x = df / (df + t2);
            tail = 0.5 * SpecialFunctions.BetaRegularized(0.5 * df, 0.5, x);
        }
        return t >= 0 ? tail : 1 - tail;
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
}
