namespace Rankwise.Correlation;

/// <summary>Method names, warning texts and the undefined (NaN) result shared by all correlation methods.</summary>
internal static class CorrelationResults
{
    internal const string Pearson = "pearson";
    internal const string Spearman = "spearman";
    internal const string Kendall = "kendall";
    internal const string KendallC = "kendall-c";
    internal const string WeightedTau = "weighted-tau";
    internal const string SomersD = "somers-d";

    internal const string NaNWarning = "the input contains NaN, so the result is NaN (use NanPolicy.Omit to drop incomplete pairs)";

    internal const string InfiniteWarning = "the input contains infinite values, so the correlation is undefined";

    internal static string TooFewWarning(long n, int minimum = 2) =>
        $"{n} pair{(n == 1 ? "" : "s")} available; at least {minimum} are needed, so the correlation is undefined";

    internal static string ConstantWarning(string which) =>
        $"{which} {(which.Contains(" and ", StringComparison.Ordinal) ? "are" : "is")} constant; the correlation is undefined";

    internal static string NearlyConstantWarning(string which) =>
        $"{which} is nearly constant; the computed correlation may be inaccurate";

    /// <summary>A result with NaN statistic and p-value and one warning.</summary>
    internal static CorrelationResult Undefined(string method, long n, Alternative alternative, string warning, ConfidenceInterval? interval = null) =>
        new(method, n, double.NaN, double.NaN, alternative, interval, [warning]);

    /// <summary>The usual reasons a paired correlation is undefined, or null when it is defined.</summary>
    internal static CorrelationResult? CheckDefined(string method, in PairedSamples data, Alternative alternative, int minimum = 2)
    {
        if (data.ContainsNaN)
            return Undefined(method, data.Length, alternative, NaNWarning);
        if (data.Length < minimum)
            return Undefined(method, data.Length, alternative, TooFewWarning(data.Length, minimum));
        bool xConstant = PairedSamples.IsConstant(data.X);
        bool yConstant = PairedSamples.IsConstant(data.Y);
        if (xConstant || yConstant)
            return Undefined(method, data.Length, alternative, ConstantWarning(xConstant && yConstant ? "x and y" : xConstant ? "x" : "y"));
        return null;
    }
}
