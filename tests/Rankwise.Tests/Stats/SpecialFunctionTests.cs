using Rankwise.Correlation;
using Rankwise.Numerics;

namespace Rankwise.Tests.Stats;

/// <summary>
/// The distribution functions behind the p-values, against scipy 1.10 and against 50-digit mpmath.
/// Relative tolerance 1e-13 (absolute 1e-300): values as small as 1e-250 lose a few more ulps because
/// the exponent of x^a·y^b is itself rounded (error ≈ ε·|ln p|); the tolerance covers |ln p| ≤ ~500.
/// </summary>
public class SpecialFunctionTests
{
    private static double Evaluate(SpecialCase c) => c.Function switch
    {
        "stdtr" => StudentT.Cdf(c.Df, c.T),
        "pearson_sf" => PearsonCorrelation.PValue(c.R, (long)c.N, Alternative.Greater),
        "ndtr" => Normal.Cdf(c.Z),
        _ => throw new InvalidDataException(c.Function),
    };

    [Fact]
    public void MatchScipyAndMpmath()
    {
        var cases = StatsReference.Instance.Special;
        Assert.True(cases.Count > 200);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            double actual = Evaluate(c);
            double tolerance = 1e-13 + 2.5e-16 * Math.Abs(Math.Log(Math.Max(Math.Abs(c.Mpmath), 1e-320)));
            if (!Tolerance.Close(actual, c.Mpmath, 1e-300, tolerance))
                failures.Add($"{c.Function}(df={c.Df}, t={c.T}, n={c.N}, r={c.R}, z={c.Z}) vs mpmath: {Tolerance.Describe(actual, c.Mpmath)}");
            if (!Tolerance.Close(actual, c.ScipyValue, 1e-300, tolerance))
                failures.Add($"{c.Function}(df={c.Df}, t={c.T}, n={c.N}, r={c.R}, z={c.Z}) vs scipy: {Tolerance.Describe(actual, c.ScipyValue)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
