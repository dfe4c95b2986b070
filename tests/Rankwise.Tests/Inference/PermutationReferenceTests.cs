using System.Text.Json;
using Rankwise.Inference;

namespace Rankwise.Tests.Inference;

/// <summary>
/// PermutationTest against scipy.stats.permutation_test (scipy 1.10.1), see make_inference_reference.py:
/// exact cases must match scipy's p-values to 1e-12 and its null distribution element by element (same enumeration
/// order); random cases must agree within Monte-Carlo error and be reproducible by seed.
/// </summary>
public class PermutationReferenceTests
{
    public static TheoryData<string> ExactCases() => Cases(exact: true);

    public static TheoryData<string> RandomCases() => Cases(exact: false);

    private static TheoryData<string> Cases(bool exact)
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in InferenceReference.All("permutation"))
        {
            if (c.GetProperty("exact").GetBoolean() == exact)
                data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    /// <summary>Runs the reference case through the matching Rankwise API.</summary>
    internal static PermutationTestResult RunOurs(JsonElement c, PermutationOptions options)
    {
        string statistic = c.GetProperty("statistic").GetString()!;
        string type = c.GetProperty("type").GetString()!;
        double[][] data = c.Samples("data");
        switch (type, statistic)
        {
            case ("pairings", "pearson_with_fixed_x"):
                return PermutationTest.Pairings(c.Numbers("fixed_x"), data[0], TestStatistics.TwoSample("pearson"), options);
            case ("pairings", "pearson"):
            {
                double[] x = data[0], y = data[1];
                int n = x.Length;
                return PermutationTest.Pairings(n, 2, p =>
                {
                    var xs = new double[n];
                    var ys = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        xs[i] = x[p[i]];
                        ys[i] = y[p[n + i]];
                    }
                    return TestStatistics.Pearson(xs, ys);
                }, options);
            }
            case ("samples", "mean_diff"):
                return PermutationTest.PairedSamples(data[0], data[1], TestStatistics.TwoSample("mean_diff"), options);
            case ("samples", "mean"):
                return PermutationTest.SignFlip(data[0], TestStatistics.OneSample("mean"), options);
            case ("samples", "weighted3"):
            {
                int n = data[0].Length;
                return PermutationTest.Samples(n, 3, labels =>
                {
                    var s = new double[3][];
                    for (int j = 0; j < 3; j++)
                    {
                        s[j] = new double[n];
                        for (int i = 0; i < n; i++)
                            s[j][i] = data[labels[j * n + i]][i];
                    }
                    return TestStatistics.Mean(s[0]) + 0.5 * TestStatistics.Mean(s[1]) - TestStatistics.Mean(s[2]);
                }, options);
            }
            case ("independent", "diff_means"):
                return PermutationTest.Independent(data[0], data[1], TestStatistics.TwoSample("diff_means"), options);
            case ("independent", "between_groups"):
                return PermutationTest.Independent(data, TestStatistics.BetweenGroups, options);
            default:
                throw new InvalidOperationException($"no Rankwise mapping for {type}/{statistic}");
        }
    }

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void ExactTestMatchesScipyForAllAlternatives(string name)
    {
        JsonElement c = InferenceReference.Permutation(name);
        int resamples = c.GetProperty("resamples").GetInt32();
        foreach (JsonProperty p in c.GetProperty("pvalues").EnumerateObject())
        {
            Alternative alternative = InferenceReference.ParseAlternative(p.Name);
            PermutationTestResult ours = RunOurs(c, new PermutationOptions { Resamples = resamples, Alternative = alternative });
            Assert.True(ours.Exact, $"{name}: expected an exact test");
            Assert.Equal(c.GetProperty("null_size").GetInt32(), ours.Resamples);
            Assert.Equal(ours.Resamples, ours.NullDistribution.Length);
            Assert.Equal(alternative, ours.Alternative);
            InferenceReference.Close(c.Number("observed"), ours.Statistic, 1e-13, $"{name} statistic");
            InferenceReference.Close(p.Value.Number(), ours.PValue, 1e-12, $"{name} {p.Name} p-value");
            Assert.Empty(ours.Warnings);
        }
    }

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void ExactNullDistributionIsScipysInScipysOrder(string name)
    {
        JsonElement c = InferenceReference.Permutation(name);
        PermutationTestResult ours = RunOurs(c, new PermutationOptions { Resamples = c.GetProperty("resamples").GetInt32() });
        if (!c.TryGetProperty("null_distribution", out JsonElement stored))
        {
            // Too large to store; the count still has to be right and p-values are checked above.
            Assert.Equal(c.GetProperty("null_size").GetInt32(), ours.NullDistribution.Length);
            return;
        }
        double[] expected = stored.Numbers();
        Assert.Equal(expected.Length, ours.NullDistribution.Length);
        for (int i = 0; i < expected.Length; i++)
            InferenceReference.Close(expected[i], ours.NullDistribution[i], 1e-12, $"{name} null[{i}]");
    }

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void PValueOfScipysNullDistributionIsScipys(string name)
    {
        JsonElement c = InferenceReference.Permutation(name);
        if (!c.TryGetProperty("null_distribution", out JsonElement stored))
            return;
        double[] nullDistribution = stored.Numbers();
        foreach (JsonProperty p in c.GetProperty("pvalues").EnumerateObject())
        {
            double ours = PermutationTest.PValue(c.Number("observed"), nullDistribution, exact: true, InferenceReference.ParseAlternative(p.Name));
            Assert.Equal(p.Value.Number(), ours);
        }
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void RandomTestAgreesWithScipyWithinMonteCarloError(string name)
    {
        JsonElement c = InferenceReference.Permutation(name);
        int resamples = c.GetProperty("resamples").GetInt32();
        foreach (JsonProperty p in c.GetProperty("pvalues").EnumerateObject())
        {
            Alternative alternative = InferenceReference.ParseAlternative(p.Name);
            PermutationTestResult ours = RunOurs(c, new PermutationOptions { Resamples = resamples, Alternative = alternative, Seed = 99 });
            Assert.False(ours.Exact);
            Assert.Equal(resamples, ours.Resamples);
            InferenceReference.Close(c.Number("observed"), ours.Statistic, 1e-13, $"{name} statistic");
            double expected = p.Value.Number();
            // Two independent estimates of a binomial proportion; a two-sided p is twice a one-sided one.
            double oneSided = alternative == Alternative.TwoSided ? expected / 2 : expected;
            double sd = Math.Sqrt(2 * oneSided * (1 - oneSided) / resamples) * (alternative == Alternative.TwoSided ? 2 : 1);
            Assert.InRange(ours.PValue, expected - 5 * sd - 2.0 / resamples, expected + 5 * sd + 2.0 / resamples);
            // The +1 correction: p ≥ 1/(R + 1) (one-sided) always.
            Assert.True(ours.PValue >= 1.0 / (resamples + 1));
        }
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void RandomTestIsReproducibleBySeedAcrossDegreesOfParallelism(string name)
    {
        JsonElement c = InferenceReference.Permutation(name);
        PermutationTestResult Run(ulong seed, int dop) => RunOurs(c, new PermutationOptions { Resamples = 3000, Seed = seed, MaxDegreeOfParallelism = dop });
        PermutationTestResult one = Run(5, 1);
        foreach (int dop in new[] { 2, 8 })
        {
            PermutationTestResult other = Run(5, dop);
            Assert.Equal(one.NullDistribution, other.NullDistribution);
            Assert.Equal(one.PValue, other.PValue);
        }
        Assert.NotEqual(one.NullDistribution, Run(6, 1).NullDistribution);
    }
}
