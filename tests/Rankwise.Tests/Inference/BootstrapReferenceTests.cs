using System.Text.Json;
using Rankwise.Inference;

namespace Rankwise.Tests.Inference;

/// <summary>
/// Bootstrap.Interval fed with scipy's own bootstrap distribution must reproduce scipy.stats.bootstrap's interval
/// (scipy 1.10.1; one-sided alternatives as defined by scipy ≥ 1.11), see make_inference_reference.py.
/// </summary>
public class BootstrapReferenceTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string, int> IntervalCases()
    {
        var data = new TheoryData<string, int>();
        foreach (JsonElement c in InferenceReference.All("bootstrap"))
        {
            int count = c.GetProperty("intervals").GetArrayLength();
            for (int i = 0; i < count; i++)
                data.Add(c.GetProperty("name").GetString()!, i);
        }
        return data;
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in InferenceReference.All("bootstrap"))
            data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(IntervalCases))]
    public void IntervalFromScipyDistributionAndScipyJackknifeMatchesScipy(string name, int index)
    {
        JsonElement c = InferenceReference.Bootstrap(name);
        double[][] jackknife = c.Samples("jackknife");
        CheckInterval(c, index, jackknife);
    }

    [Theory]
    [MemberData(nameof(IntervalCases))]
    public void IntervalFromScipyDistributionAndOurJackknifeMatchesScipy(string name, int index)
    {
        JsonElement c = InferenceReference.Bootstrap(name);
        CheckInterval(c, index, OurJackknife(c));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void OurJackknifeAndObservedMatchScipys(string name)
    {
        JsonElement c = InferenceReference.Bootstrap(name);
        double[][] expected = c.Samples("jackknife");
        double[][] actual = OurJackknife(c);
        Assert.Equal(expected.Length, actual.Length);
        for (int g = 0; g < expected.Length; g++)
        {
            Assert.Equal(expected[g].Length, actual[g].Length);
            for (int i = 0; i < expected[g].Length; i++)
                InferenceReference.Close(expected[g][i], actual[g][i], 1e-13, $"{name} jackknife[{g}][{i}]");
        }
        InferenceReference.Close(c.Number("observed"), OurStatistic(c, c.Samples("data")), 1e-13, $"{name} observed");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void StandardErrorOfScipyDistributionMatchesScipy(string name)
    {
        JsonElement c = InferenceReference.Bootstrap(name);
        double se = NumpyReductions.StdDdof1(c.Numbers("distribution"));
        InferenceReference.Close(c.Number("standard_error"), se, 1e-15, $"{name} standard error");
    }

    private static void CheckInterval(JsonElement c, int index, double[][] jackknife)
    {
        JsonElement expected = c.GetProperty("intervals")[index];
        BootstrapMethod method = InferenceReference.ParseMethod(expected.GetProperty("method").GetString());
        Alternative alternative = InferenceReference.ParseAlternative(expected.GetProperty("alternative").GetString());
        double level = expected.Number("level");
        var warnings = new List<string>();
        ConfidenceInterval ci = jackknife.Length == 1
            ? Bootstrap.Interval(c.Number("observed"), c.Numbers("distribution"), jackknife[0], level, method, alternative, warnings)
            : Bootstrap.IntervalForIndependentSamples(c.Number("observed"), c.Numbers("distribution"), jackknife, level, method, alternative, warnings);
        string what = $"{c.GetProperty("name").GetString()} {method} {level} {alternative}";
        InferenceReference.Close(expected.Number("low"), ci.Low, Tolerance, what + " low");
        InferenceReference.Close(expected.Number("high"), ci.High, Tolerance, what + " high");
        Assert.Equal(level, ci.Level);
        Assert.Equal(expected.GetProperty("method").GetString(), ci.Method);
        Assert.Equal(expected.GetProperty("degenerate_warning").GetBoolean(), warnings.Contains(Bootstrap.DegenerateBcaWarning));
    }

    /// <summary>The jackknife of the case's statistic computed with Rankwise (C# statistics).</summary>
    internal static double[][] OurJackknife(JsonElement c)
    {
        string statistic = c.GetProperty("statistic").GetString()!;
        double[][] data = c.Samples("data");
        bool paired = c.GetProperty("paired").GetBoolean();
        if (data.Length == 1)
            return [Bootstrap.Jackknife(data[0], TestStatistics.OneSample(statistic))];
        var two = TestStatistics.TwoSample(statistic);
        double[] x = data[0], y = data[1];
        if (paired)
        {
            return [Bootstrap.Jackknife(x.Length, idx =>
            {
                double[] xs = new double[idx.Length], ys = new double[idx.Length];
                for (int i = 0; i < idx.Length; i++)
                {
                    xs[i] = x[idx[i]];
                    ys[i] = y[idx[i]];
                }
                return two(xs, ys);
            })];
        }
        return [Bootstrap.Jackknife(x, xs => two(xs, y)), Bootstrap.Jackknife(y, ys => two(x, ys))];
    }

    internal static double OurStatistic(JsonElement c, double[][] data)
    {
        string statistic = c.GetProperty("statistic").GetString()!;
        return data.Length == 1 ? TestStatistics.OneSample(statistic)(data[0]) : TestStatistics.TwoSample(statistic)(data[0], data[1]);
    }
}
