using System.Text.Json;
using Rankwise.Inference;
using D = Rankwise.Torch.Tests.Neighbors.NeighborsTestData;

namespace Rankwise.Torch.Tests.CoreInference;

/// <summary>
/// <see cref="WilcoxonSignedRank"/> (core library) against scipy 1.10 <c>stats.wilcoxon</c> on 149 cases: continuous
/// data, rounded data with ties and zeros, integer counts, ties without zeros, mostly-zero data, NaN under omit and
/// propagate, every zero method, alternative, method and continuity correction; to 1e-12.
/// (Lives in the Torch test project because the core test project also builds the CLI.)
/// </summary>
public class WilcoxonSignedRankTests
{
    public static IEnumerable<object[]> Cases =>
        D.Section("wilcoxon_cases").Select((c, i) => new object[] { i });

    private static JsonElement Case(int i) => D.Section("wilcoxon_cases").ElementAt(i);

    private static WilcoxonZeroMethod Zero(string s) => s switch
    {
        "wilcox" => WilcoxonZeroMethod.Wilcox,
        "pratt" => WilcoxonZeroMethod.Pratt,
        _ => WilcoxonZeroMethod.Zsplit,
    };

    private static Alternative Alt(string s) => s switch
    {
        "two-sided" => Alternative.TwoSided,
        "less" => Alternative.Less,
        _ => Alternative.Greater,
    };

    private static WilcoxonMethod Method(string s) => s switch
    {
        "auto" => WilcoxonMethod.Auto,
        "exact" => WilcoxonMethod.Exact,
        _ => WilcoxonMethod.Approx,
    };

    private static NanPolicy Nan(string s) => s == "omit" ? NanPolicy.Omit : NanPolicy.Propagate;

    private static WilcoxonResult Run(JsonElement c)
    {
        var x = D.Vector(c.GetProperty("x"));
        var zm = Zero(c.GetProperty("zero_method").GetString()!);
        var alt = Alt(c.GetProperty("alternative").GetString()!);
        var method = Method(c.GetProperty("method").GetString()!);
        bool corr = c.GetProperty("correction").GetBoolean();
        var nan = Nan(c.GetProperty("nan_policy").GetString()!);
        if (c.GetProperty("y").ValueKind == JsonValueKind.Null)
            return WilcoxonSignedRank.TestDifferences(x, zm, corr, alt, method, nan);
        return WilcoxonSignedRank.Test(x, D.Vector(c.GetProperty("y")), zm, corr, alt, method, nan);
    }

    private static void Close(double expected, double actual, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesScipy(int index)
    {
        var c = Case(index);
        if (c.GetProperty("error").ValueKind != JsonValueKind.Null)
        {
            var ex = Assert.Throws<RankwiseInputException>(() => Run(c));
            Assert.Contains("zero for all elements", ex.Message);
            return;
        }
        var r = Run(c);
        Close(D.Number(c.GetProperty("statistic")), r.Statistic, "statistic");
        Close(D.Number(c.GetProperty("pvalue")), r.PValue, "p-value");
        var z = c.GetProperty("zstatistic");
        if (z.ValueKind != JsonValueKind.Null)
            Close(D.Number(z), r.ZStatistic, "z statistic");
        foreach (var w in c.GetProperty("warnings").EnumerateArray())
        {
            string text = w.GetString()!;
            if (text.StartsWith("Exact p-value", StringComparison.Ordinal) || text.StartsWith("Sample size", StringComparison.Ordinal))
                Assert.Contains(text, r.Warnings);
        }
    }

    [Fact]
    public void ExactDistributionIsSymmetricAndSumsToOne()
    {
        foreach (int n in new[] { 0, 1, 2, 5, 10, 30, 50 })
        {
            var pmf = WilcoxonSignedRank.ExactNullDistribution(n);
            Assert.Equal(n * (n + 1) / 2 + 1, pmf.Length);
            Assert.Equal(1.0, pmf.Sum(), 14);
            for (int r = 0; r < pmf.Length; r++)
                Assert.Equal(pmf[r], pmf[pmf.Length - 1 - r]);
            // P(R⁺ = 0) = 2⁻ⁿ: only all-negative signs.
            Assert.Equal(Math.ScaleB(1.0, -n), pmf[0]);
        }
    }

    [Fact]
    public void PairedAndDifferenceFormsAgree()
    {
        double[] x = [1.5, 2.0, 3.25, 0.5, 7.0, 4.0, 4.5, 2.0, 9.0, 1.0, 3.0, 8.5];
        double[] y = [1.0, 2.5, 3.0, 0.5, 5.0, 4.5, 4.0, 1.0, 6.0, 2.0, 3.5, 8.0];
        var d = x.Zip(y, (a, b) => a - b).ToArray();
        foreach (var alt in new[] { Alternative.TwoSided, Alternative.Less, Alternative.Greater })
        {
            var a = WilcoxonSignedRank.Test(x, y, alternative: alt);
            var b = WilcoxonSignedRank.TestDifferences(d, alternative: alt);
            Assert.Equal(a.Statistic, b.Statistic);
            Assert.Equal(a.PValue, b.PValue);
            Assert.Equal(1, a.Zeros);
            Assert.Equal(WilcoxonMethod.Approx, a.MethodUsed); // a zero forces the approximation
        }
        // Swapping x and y swaps R⁺ and R⁻ and mirrors the one-sided p-values.
        var g = WilcoxonSignedRank.Test(x, y, alternative: Alternative.Greater);
        var l = WilcoxonSignedRank.Test(y, x, alternative: Alternative.Less);
        Assert.Equal(g.PValue, l.PValue, 15);
    }

    [Fact]
    public void RejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => WilcoxonSignedRank.Test([1.0, 2.0], [1.0]));
        Assert.Throws<RankwiseInputException>(() => WilcoxonSignedRank.TestDifferences([1.0, double.NaN, 2.0], nanPolicy: NanPolicy.Raise));
        Assert.Throws<RankwiseInputException>(() => WilcoxonSignedRank.TestDifferences([0.0, 0.0, 0.0]));
        var zsplit = WilcoxonSignedRank.TestDifferences([0.0, 0.0, 0.0], WilcoxonZeroMethod.Zsplit);
        Assert.Equal(1.0, zsplit.PValue, 15);
        var empty = WilcoxonSignedRank.TestDifferences([]);
        Assert.True(double.IsNaN(empty.Statistic) && double.IsNaN(empty.PValue));
    }
}
