using Xunit.Abstractions;
using Rankwise.Correlation;

namespace Rankwise.Tests.Stats;

/// <summary>Every paired case of stats_reference.json against scipy 1.10.</summary>
public class CorrelationGoldenTests(ITestOutputHelper output)
{
    private const double StatisticTolerance = 1e-12;
    private const double PValueRelative = 1e-12;
    private const double PValueAbsolute = 1e-14;

    public static TheoryData<string> Methods => new() { "pearson", "spearman", "kendall", "kendall-c", "weighted-tau", "somers-d" };

    [Theory]
    [MemberData(nameof(Methods))]
    public void MatchesScipy(string method)
    {
        var cases = StatsReference.Instance.Cases.Where(c => c.Method == method).ToList();
        Assert.True(cases.Count >= 100, $"only {cases.Count} {method} cases");
        var failures = new List<string>();
        double worstStatistic = 0, worstP = 0;
        foreach (var c in cases)
        {
            CorrelationResult result = Run(c);
            worstStatistic = Math.Max(worstStatistic, Deviation(result.Statistic, c.Statistic, StatisticTolerance));
            worstP = Math.Max(worstP, Deviation(result.PValue, c.Pvalue, PValueAbsolute / PValueRelative));
            Assert.Equal(method, result.Method);
            if (!Tolerance.Close(result.Statistic, c.Statistic, StatisticTolerance, StatisticTolerance))
                failures.Add($"{c}: statistic {Tolerance.Describe(result.Statistic, c.Statistic)}");
            if (!Tolerance.Close(result.PValue, c.Pvalue, PValueAbsolute, PValueRelative))
                failures.Add($"{c}: p-value {Tolerance.Describe(result.PValue, c.Pvalue)}");
            if (c.Ci is { } ci)
            {
                Assert.NotNull(result.ConfidenceInterval);
                if (!Tolerance.Close(result.ConfidenceInterval!.Low, ci.Low, StatisticTolerance, StatisticTolerance)
                    || !Tolerance.Close(result.ConfidenceInterval.High, ci.High, StatisticTolerance, StatisticTolerance))
                    failures.Add($"{c}: CI ({result.ConfidenceInterval.Low:R}, {result.ConfidenceInterval.High:R}) expected ({ci.Low:R}, {ci.High:R})");
            }
        }
        output.WriteLine($"{method}: {cases.Count} cases; worst statistic deviation {worstStatistic:E2}, worst p-value deviation {worstP:E2} (relative, or absolute below the floor)");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases differ:\n" + string.Join("\n", failures.Take(40)));
    }

    /// <summary>min(absolute, relative) deviation, with the relative part measured against max(|expected|, floor).</summary>
    private static double Deviation(double actual, double expected, double floor)
    {
        if (double.IsNaN(actual) || double.IsNaN(expected) || double.IsInfinity(expected)) return 0;
        return Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), floor);
    }

    internal static CorrelationResult Run(PairedCase c)
    {
        var alternative = StatsReference.ParseAlternative(c.Alternative);
        var nanPolicy = StatsReference.ParseNanPolicy(c.NanPolicy);
        switch (c.Method)
        {
            case "pearson":
                double? level = c.Options.TryGetValue("confidence_level", out var l) ? l.GetDouble() : null;
                return PearsonCorrelation.Compute(c.X, c.Y, alternative, nanPolicy, level);
            case "spearman":
                return SpearmanCorrelation.Compute(c.X, c.Y, alternative, nanPolicy);
            case "kendall":
            case "kendall-c":
                var method = c.Options["kendall_method"].GetString() switch
                {
                    "exact" => KendallMethod.Exact,
                    "asymptotic" => KendallMethod.Asymptotic,
                    _ => KendallMethod.Auto,
                };
                return KendallTau.Compute(c.X, c.Y, c.Method == "kendall" ? KendallVariant.B : KendallVariant.C, method, alternative, nanPolicy);
            case "weighted-tau":
                return WeightedTau.Compute(c.X, c.Y, c.Options["rank"].GetBoolean(), c.Options["additive"].GetBoolean(), nanPolicy);
            case "somers-d":
                return SomersD.Compute(c.X, c.Y, alternative, nanPolicy);
            default:
                throw new InvalidDataException($"unknown method {c.Method}");
        }
    }
}
