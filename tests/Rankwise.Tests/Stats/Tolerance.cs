namespace Rankwise.Tests.Stats;

/// <summary>Comparison helpers: NaN matches NaN; otherwise absolute OR relative agreement.</summary>
internal static class Tolerance
{
    public static bool Close(double actual, double expected, double absolute, double relative)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return actual == expected;
        double diff = Math.Abs(actual - expected);
        return diff <= absolute || diff <= relative * Math.Abs(expected);
    }

    public static string Describe(double actual, double expected) =>
        $"actual {actual:R}, expected {expected:R}, diff {Math.Abs(actual - expected):E2} (rel {Math.Abs(actual - expected) / Math.Abs(expected):E2})";
}
