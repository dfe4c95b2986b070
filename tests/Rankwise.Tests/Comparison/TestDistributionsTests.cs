using Rankwise.Comparison;
using static Rankwise.Tests.Comparison.ComparisonReference;

namespace Rankwise.Tests.Comparison;

public class TestDistributionsTests
{
    [Fact]
    public void StudentTUpperTailMatchesScipy()
    {
        foreach (var row in Get("studentT").EnumerateArray())
        {
            double[] v = Numbers(row);
            Close(v[2], TestDistributions.StudentTUpper(v[0], v[1]), 1e-12, $"t.sf({v[0]}, {v[1]})");
        }
    }

    [Fact]
    public void StudentTSpecialValues()
    {
        Assert.Equal(0.5, TestDistributions.StudentTUpper(0, 7));
        Assert.Equal(0, TestDistributions.StudentTUpper(double.PositiveInfinity, 7));
        Assert.Equal(1, TestDistributions.StudentTUpper(double.NegativeInfinity, 7));
        Assert.True(double.IsNaN(TestDistributions.StudentTUpper(double.NaN, 7)));
        // Cauchy (df = 1): P(T >= t) = 1/2 - atan(t)/pi.
        Assert.Equal(0.5 - Math.Atan(2.5) / Math.PI, TestDistributions.StudentTUpper(2.5, 1), 15);
    }
}
