using Rankwise.Numerics;
using static Rankwise.Tests.Comparison.ComparisonReference;

namespace Rankwise.Tests.Comparison;

/// <summary>The Student t upper tail behind Williams' t p-value (Numerics.StudentT) on scipy's t.sf grid.</summary>
public class StudentTTailTests
{
    private static double Upper(double t, double df) => StudentT.Cdf(df, -t);

    [Fact]
    public void StudentTUpperTailMatchesScipy()
    {
        foreach (var row in Get("studentT").EnumerateArray())
        {
            double[] v = Numbers(row);
            Close(v[2], Upper(v[0], v[1]), 1e-12, $"t.sf({v[0]}, {v[1]})");
        }
    }

    [Fact]
    public void StudentTSpecialValues()
    {
        Assert.Equal(0.5, Upper(0, 7));
        Assert.Equal(0, Upper(double.PositiveInfinity, 7));
        Assert.Equal(1, Upper(double.NegativeInfinity, 7));
        Assert.True(double.IsNaN(Upper(double.NaN, 7)));
        // Cauchy (df = 1): P(T >= t) = 1/2 - atan(t)/pi.
        Assert.Equal(0.5 - Math.Atan(2.5) / Math.PI, Upper(2.5, 1), 15);
        // |t| so small that df/(df + t^2) rounds to 1: the tail must still differ from 1/2.
        Assert.Equal(0.5 - Math.Atan(1e-8) / Math.PI, Upper(1e-8, 1), 15);
    }
}
