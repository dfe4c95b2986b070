using System.Text.Json;
using Rankwise.Correlation;

namespace Rankwise.Tests.Reliability;

/// <summary>
/// Numerical edge cases of issue #9 not pinned down elsewhere, against ReferenceData/edgecases/edge_reference.json
/// (make_edge_reference.py, scipy 1.10):
/// <list type="bullet">
/// <item>every correlation method at n = 2 and n = 3 (increasing, decreasing, permuted, ties), every alternative;</item>
/// <item>±Inf under every <see cref="NanPolicy"/>: infinities are values, not missing data — Omit drops only the NaN
/// pairs and keeps them, Raise does not throw for them, and the rank methods order them as the largest/smallest
/// values; Pearson is NaN with the "infinite values" warning under every policy;</item>
/// <item>Kendall's tau-b/tau-c and Somers' d at n = 10⁶ with four tie groups of 250 000: no 64-bit overflow in the
/// tie terms (scipy 1.10 overflows in 2·xtie·ytie there and is off in the 7th digit of the p-value).</item>
/// </list>
/// Constant inputs, n = 0/1, NaN policies and float32 accumulation are in Stats/CorrelationEdgeCaseTests; offsets,
/// float32, rank-deficient and wide inputs of CKA/CCA/SVCCA/PWCCA and debiased CKA with n &lt; 4 in
/// Rankwise.Torch.Tests/Similarity (GoldenValueTests, PrecisionTests, ValidationTests); duplicate rows in k-NN in
/// Rankwise.Torch.Tests/Neighbors (KnnGoldenTests, KnnPropertyTests).
/// </summary>
public class NumericalEdgeCaseTests
{
    private static readonly JsonElement Reference = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ReferenceData", "edgecases", "edge_reference.json"))).RootElement;

    private static double Num(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, var s => throw new FormatException(s) }
        : e.GetDouble();

    private static double[] Values(JsonElement e) => e.EnumerateArray().Select(Num).ToArray();

    private static CorrelationMethod Method(string name) =>
        Correlate.TryParse(name, out var m) ? m : throw new ArgumentException(name);

    private static Alternative Alt(string name) => name switch
    {
        "less" => Alternative.Less,
        "greater" => Alternative.Greater,
        _ => Alternative.TwoSided,
    };

    /// <summary>Equal as numbers to <paramref name="tolerance"/> (absolute below 1, relative above), NaN matching NaN.</summary>
    private static void Close(double expected, double actual, double tolerance, string where)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{where}: expected NaN, got {actual}");
            return;
        }
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{where}: expected {expected:R}, got {actual:R}");
    }

    public static TheoryData<int> SmallCases() => [.. Enumerable.Range(0, Reference.GetProperty("small").GetArrayLength())];

    public static TheoryData<int> InfinityCases() => [.. Enumerable.Range(0, Reference.GetProperty("infinities").GetArrayLength())];

    [Theory]
    [MemberData(nameof(SmallCases))]
    public void EveryMethodAtTwoAndThreePairsMatchesScipy(int index)
    {
        var c = Reference.GetProperty("small")[index];
        string where = $"{c.GetProperty("name").GetString()} {c.GetProperty("method").GetString()} {c.GetProperty("alternative").GetString()}";
        var r = Correlate.Compute(Method(c.GetProperty("method").GetString()!), Values(c.GetProperty("x")), Values(c.GetProperty("y")),
            Alt(c.GetProperty("alternative").GetString()!));
        Close(Num(c.GetProperty("statistic")), r.Statistic, 1e-12, where + " statistic");
        Close(Num(c.GetProperty("pvalue")), r.PValue, 1e-12, where + " p-value");
        Assert.True(double.IsNaN(r.PValue) || r.PValue is >= 0 and <= 1, where);
    }

    [Theory]
    [MemberData(nameof(InfinityCases))]
    public void InfinitiesAreValuesUnderEveryNanPolicy(int index)
    {
        var c = Reference.GetProperty("infinities")[index];
        string where = $"{c.GetProperty("name").GetString()} {c.GetProperty("method").GetString()} {c.GetProperty("alternative").GetString()}";
        var method = Method(c.GetProperty("method").GetString()!);
        var alternative = Alt(c.GetProperty("alternative").GetString()!);
        double[] x = Values(c.GetProperty("x")), y = Values(c.GetProperty("y"));
        double expected = Num(c.GetProperty("statistic")), expectedP = Num(c.GetProperty("pvalue"));

        // Omit drops the NaN pairs only.
        var omitted = Correlate.Compute(method, x, y, alternative, NanPolicy.Omit);
        Close(expected, omitted.Statistic, 1e-12, where + " omit");
        Close(expectedP, omitted.PValue, 1e-12, where + " omit p-value");
        int complete = x.Zip(y).Count(p => !double.IsNaN(p.First) && !double.IsNaN(p.Second));
        Assert.Equal(complete, omitted.N);

        // With the NaN there, Propagate gives NaN and Raise throws naming the NaN (not an infinity).
        Assert.True(double.IsNaN(Correlate.Compute(method, x, y, alternative, NanPolicy.Propagate).Statistic), where);
        var e = Assert.Throws<RankwiseInputException>(() => Correlate.Compute(method, x, y, alternative, NanPolicy.Raise));
        Assert.Contains("NaN", e.Message);

        // Without the NaN pairs, all three policies accept the infinities and agree.
        var keep = Enumerable.Range(0, x.Length).Where(i => !double.IsNaN(x[i]) && !double.IsNaN(y[i])).ToArray();
        double[] xc = keep.Select(i => x[i]).ToArray(), yc = keep.Select(i => y[i]).ToArray();
        foreach (var policy in Enum.GetValues<NanPolicy>())
        {
            var r = Correlate.Compute(method, xc, yc, alternative, policy);
            Close(expected, r.Statistic, 1e-12, $"{where} {policy}");
            Close(expectedP, r.PValue, 1e-12, $"{where} {policy} p-value");
        }

        // Ranks only see the order: ±Inf behave exactly as values beyond the finite range.
        double[] xf = xc.Select(v => double.IsInfinity(v) ? Math.CopySign(1e300, v) : v).ToArray();
        double[] yf = yc.Select(v => double.IsInfinity(v) ? Math.CopySign(1e300, v) : v).ToArray();
        var finite = Correlate.Compute(method, xf, yf, alternative);
        Assert.Equal(finite.Statistic, omitted.Statistic);
    }

    [Fact]
    public void PearsonWithInfinitiesIsNaNWithAWarningUnderEveryNanPolicy()
    {
        double[] x = [1, double.PositiveInfinity, 3, double.NegativeInfinity, 2];
        double[] y = [1, 5, 3, -1, 2];
        foreach (var policy in Enum.GetValues<NanPolicy>())
        {
            var r = Correlate.Compute(CorrelationMethod.Pearson, x, y, nanPolicy: policy);
            Assert.True(double.IsNaN(r.Statistic) && double.IsNaN(r.PValue), policy.ToString());
            Assert.Equal(5, r.N);
            Assert.Contains(r.Warnings!, w => w.Contains("infinite", StringComparison.Ordinal));
        }
        // A NaN pair is still dropped under Omit before the infinity makes r undefined.
        var omitted = Correlate.Compute(CorrelationMethod.Pearson, [.. x, double.NaN], [.. y, 4], nanPolicy: NanPolicy.Omit);
        Assert.Equal(5, omitted.N);
        Assert.True(double.IsNaN(omitted.Statistic));
    }

    [Fact]
    public void KendallAndSomersDAtAMillionPairsWithHeavyTiesDoNotOverflow()
    {
        var c = Reference.GetProperty("kendall_1e6_heavy_ties");
        int[] zeros = c.GetProperty("zeros_per_group").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int[] ones = c.GetProperty("ones_per_group").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int n = c.GetProperty("n").GetInt32();
        var x = new double[n];
        var y = new double[n];
        int k = 0;
        for (int g = 0; g < zeros.Length; g++)
        {
            for (int i = 0; i < zeros[g] + ones[g]; i++, k++)
            {
                x[k] = g;
                y[k] = i < zeros[g] ? 0 : 1;
            }
        }
        Assert.Equal(n, k);
        // Shuffle the pairs (jointly), so that no pre-sorted fast path is taken.
        var rng = new Random(9);
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (x[i], x[j]) = (x[j], x[i]);
            (y[i], y[j]) = (y[j], y[i]);
        }

        var counts = KendallCounts.Compute(x, y);
        Assert.Equal(c.GetProperty("con_minus_dis").GetInt64(), counts.ConcordantMinusDiscordant);
        Assert.Equal(c.GetProperty("xtie").GetInt64(), counts.XTies);
        Assert.Equal(c.GetProperty("ytie").GetInt64(), counts.YTies);
        Assert.Equal(c.GetProperty("ntie").GetInt64(), counts.JointTies);

        // One alternative per variant keeps the test short (each call sorts a million pairs); the p-value code is shared.
        foreach (var (variant, alt) in new[] { (KendallVariant.B, "two-sided"), (KendallVariant.B, "greater"), (KendallVariant.C, "less") })
        {
            var r = KendallTau.Compute(x, y, variant, KendallMethod.Auto, Alt(alt));
            Close(c.GetProperty(variant == KendallVariant.B ? "tau_b" : "tau_c").GetDouble(), r.Statistic, 1e-13, $"tau-{variant}");
            Close(c.GetProperty("pvalue").GetProperty(alt).GetDouble(), r.PValue, 1e-12, $"tau-{variant} p-value {alt}");
        }
        var d = SomersD.Compute(x, y);
        var sd = c.GetProperty("somers_d").GetProperty("two-sided");
        Close(Num(sd.GetProperty("statistic")), d.Statistic, 1e-13, "somers d");
        Close(Num(sd.GetProperty("pvalue")), d.PValue, 1e-10, "somers d p-value");
        // scipy 1.10's own p-value here is off (int64 overflow), which is why the reference is computed exactly.
        double scipy = c.GetProperty("scipy_1_10_pvalue_two_sided").GetDouble();
        Assert.True(Math.Abs(scipy - c.GetProperty("pvalue").GetProperty("two-sided").GetDouble()) > 1e-9);
    }
}
