namespace Rankwise.Comparison;

/// <summary>
/// Unevaluated sum hi + lo of two doubles (about 32 significant digits) with error-free transformations
/// (Dekker 1971; Knuth TwoSum; TwoProduct by fused multiply-add). Used where a long recurrence would otherwise
/// amplify double rounding.
/// </summary>
internal readonly record struct DoubleDouble(double Hi, double Lo)
{
    public static implicit operator DoubleDouble(double value) => new(value, 0);

    public double Value => Hi + Lo;

    /// <summary>1 − y exactly.</summary>
    public static DoubleDouble OneMinus(double y) => TwoSum(1, -y);

    public static DoubleDouble operator +(DoubleDouble x, DoubleDouble y)
    {
        DoubleDouble s = TwoSum(x.Hi, y.Hi);
        return QuickTwoSum(s.Hi, s.Lo + x.Lo + y.Lo);
    }

    public static DoubleDouble operator -(DoubleDouble x) => new(-x.Hi, -x.Lo);

    public static DoubleDouble operator -(DoubleDouble x, DoubleDouble y) => x + -y;

    public static DoubleDouble operator *(DoubleDouble x, DoubleDouble y)
    {
        double p = x.Hi * y.Hi;
        double e = Math.FusedMultiplyAdd(x.Hi, y.Hi, -p);
        e += x.Hi * y.Lo + x.Lo * y.Hi;
        return QuickTwoSum(p, e);
    }

    public static DoubleDouble operator /(DoubleDouble x, DoubleDouble y)
    {
        double q1 = x.Hi / y.Hi;
        DoubleDouble r = x - y * q1;
        double q2 = r.Hi / y.Hi;
        r -= y * q2;
        double q3 = r.Hi / y.Hi;
        return QuickTwoSum(q1, q2) + q3;
    }

    private static DoubleDouble TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        return new DoubleDouble(s, (a - (s - bb)) + (b - bb));
    }

    private static DoubleDouble QuickTwoSum(double a, double b)
    {
        double s = a + b;
        return new DoubleDouble(s, b - (s - a));
    }
}
