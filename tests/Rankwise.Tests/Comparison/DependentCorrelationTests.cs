using System.Text.Json;
using Rankwise.Comparison;
using Rankwise.Correlation;
using static Rankwise.Tests.Comparison.ComparisonReference;

namespace Rankwise.Tests.Comparison;

public class DependentCorrelationTests
{
    private static readonly (string Name, Alternative Alternative)[] Alternatives =
        [("two-sided", Alternative.TwoSided), ("greater", Alternative.Greater), ("less", Alternative.Less)];

    [Fact]
    public void WilliamsGoldenFromPsych()
    {
        var r = DependentCorrelation.Williams(0.2, 0.5, 0.1, 315);
        Assert.Equal(-4.494992541, r.Statistic, 9);
        Assert.Equal(312, r.DegreesOfFreedom);
        Assert.Equal("t", r.Distribution);
        Assert.Equal("williams", r.Method);
        Assert.Equal(-0.3, r.Difference, 15);
    }

    [Fact]
    public void PublishedValues()
    {
        // DEPCOR (Silver, Hittner & May 2006) values for (.3, .4, .5, n = 100), as in cocor's test suite.
        var w = DependentCorrelation.Williams(0.3, 0.4, 0.5, 100);
        Assert.Equal(-1.0767, w.Statistic, 4);
        Assert.Equal(0.2843, w.PValue, 4);
        var s = DependentCorrelation.Steiger(0.3, 0.4, 0.5, 100);
        Assert.Equal(-1.0718, s.Statistic, 4);
        Assert.Equal(0.2838, s.PValue, 4);
        var h = DependentCorrelation.Hittner(0.3, 0.4, 0.5, 100);
        Assert.Equal(-1.0715, h.Statistic, 4);
        Assert.Equal(0.2839, h.PValue, 4);
        // Steiger (1980) case A.
        Assert.Equal(-0.8887185, DependentCorrelation.Steiger(0.4, 0.5, 0.1, 103).Statistic, 7);
        // Zou (2007) worked example: [-.093, .517].
        var z = DependentCorrelation.Zou(0.396, 0.179, 0.088, 66);
        Assert.Equal(-0.093, z.ConfidenceInterval!.Low, 3);
        Assert.Equal(0.517, z.ConfidenceInterval.High, 3);
        Assert.True(double.IsNaN(z.Statistic) && double.IsNaN(z.PValue));
        Assert.Equal("none", z.Distribution);
    }

    [Fact]
    public void WilliamsMatchesPsychRTest()
    {
        var rows = PsychRows();
        Assert.True(rows.Count >= 50);
        foreach (var row in rows)
        {
            double rjk = row["r_jk"], rjh = row["r_jh"], rkh = row["r_kh"];
            long n = (long)row["n"];
            string what = $"({rjk}, {rjh}, {rkh}, {n})";
            var two = DependentCorrelation.Williams(rjk, rjh, rkh, n);
            Close(row["t"], two.Statistic, 1e-13, what + " t");
            Close(row["p_two_sided"], two.PValue, 1e-12, what + " p");
            Close(row["p_greater"], DependentCorrelation.Williams(rjk, rjh, rkh, n, Alternative.Greater).PValue, 1e-12, what + " p greater");
            Close(row["p_less"], DependentCorrelation.Williams(rjk, rjh, rkh, n, Alternative.Less).PValue, 1e-12, what + " p less");
        }
    }

    public static TheoryData<string> Methods() => new() { "williams", "steiger", "hittner" };

    [Theory]
    [MemberData(nameof(Methods))]
    public void TestsMatchScipyReference(string method)
    {
        foreach (JsonElement c in Get("dependent").EnumerateArray())
        {
            double rjk = c.GetProperty("r_jk").GetDouble(), rjh = c.GetProperty("r_jh").GetDouble(), rkh = c.GetProperty("r_kh").GetDouble();
            long n = c.GetProperty("n").GetInt64();
            JsonElement expected = c.GetProperty(method);
            foreach (var (name, alternative) in Alternatives)
            {
                DependentCorrelationMethod m = Enum.Parse<DependentCorrelationMethod>(method, ignoreCase: true);
                var result = DependentCorrelation.Test(m, rjk, rjh, rkh, n, alternative);
                string what = $"{method} ({rjk}, {rjh}, {rkh}, {n}) {name}";
                Close(Number(expected.GetProperty("statistic")), result.Statistic, 1e-12, what + " statistic");
                Close(Number(expected.GetProperty("p").GetProperty(name)), result.PValue, 1e-12, what + " p");
                Assert.Equal(alternative, result.Alternative);
            }
        }
    }

    [Fact]
    public void ZouMatchesScipyReference()
    {
        foreach (JsonElement c in Get("dependent").EnumerateArray())
        {
            double rjk = c.GetProperty("r_jk").GetDouble(), rjh = c.GetProperty("r_jh").GetDouble(), rkh = c.GetProperty("r_kh").GetDouble();
            long n = c.GetProperty("n").GetInt64();
            foreach (JsonProperty level in c.GetProperty("zou").EnumerateObject())
            {
                double confidence = double.Parse(level.Name, System.Globalization.CultureInfo.InvariantCulture);
                foreach (var (name, alternative) in Alternatives)
                {
                    double[] expected = Numbers(level.Value.GetProperty(name));
                    var ci = DependentCorrelation.Zou(rjk, rjh, rkh, n, alternative, confidence).ConfidenceInterval!;
                    string what = $"zou ({rjk}, {rjh}, {rkh}, {n}) {confidence} {name}";
                    Close(expected[0], ci.Low, 1e-11, what + " low");
                    Close(expected[1], ci.High, 1e-11, what + " high");
                    Assert.Equal(confidence, ci.Level);
                }
            }
        }
    }

    [Fact]
    public void SymmetryOfTheTests()
    {
        // Swapping the two compared correlations flips the sign and swaps the one-sided p-values.
        foreach (var m in new[] { DependentCorrelationMethod.Williams, DependentCorrelationMethod.Steiger, DependentCorrelationMethod.Hittner })
        {
            var a = DependentCorrelation.Test(m, 0.62, 0.41, 0.3, 80, Alternative.Greater);
            var b = DependentCorrelation.Test(m, 0.41, 0.62, 0.3, 80, Alternative.Less);
            Assert.Equal(a.Statistic, -b.Statistic, 13);
            Assert.Equal(a.PValue, b.PValue, 14);
            var two = DependentCorrelation.Test(m, 0.62, 0.41, 0.3, 80);
            Assert.Equal(2 * a.PValue, two.PValue, 14);
        }
        var z1 = DependentCorrelation.Zou(0.62, 0.41, 0.3, 80).ConfidenceInterval!;
        var z2 = DependentCorrelation.Zou(0.41, 0.62, 0.3, 80).ConfidenceInterval!;
        Assert.Equal(z1.Low, -z2.High, 14);
        Assert.Equal(z1.High, -z2.Low, 14);
    }

    [Fact]
    public void EqualCorrelationsGiveNoEvidence()
    {
        var w = DependentCorrelation.Williams(0.5, 0.5, 0.4, 50);
        Assert.Equal(0, w.Statistic);
        Assert.Equal(1, w.PValue);
        Assert.Equal(0.5, DependentCorrelation.Steiger(0.5, 0.5, 0.4, 50, Alternative.Greater).PValue, 15);
    }

    [Fact]
    public void CompareFromDataUsesTheSampleCorrelations()
    {
        var random = new Random(21);
        int n = 120;
        double[] truth = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double[] a = truth.Select(t => t + 0.2 * (random.NextDouble() - 0.5)).ToArray();
        double[] b = truth.Select(t => t + 0.6 * (random.NextDouble() - 0.5)).ToArray();
        var result = DependentCorrelation.Compare(truth, a, b, DependentCorrelationMethod.Williams, alternative: Alternative.Greater);
        double rjk = PearsonCorrelation.Compute(truth, a).Statistic, rjh = PearsonCorrelation.Compute(truth, b).Statistic, rkh = PearsonCorrelation.Compute(a, b).Statistic;
        Assert.Equal(DependentCorrelation.Williams(rjk, rjh, rkh, n, Alternative.Greater), result);
        Assert.True(result.PValue < 0.01, $"model a is clearly better; p = {result.PValue}");

        var spearman = DependentCorrelation.Compare(truth, a, b, DependentCorrelationMethod.Zou, ComparedCorrelation.Spearman);
        Assert.Equal(SpearmanCorrelation.Compute(truth, a).Statistic, spearman.CorrelationJk, 15);

        // NaN handling.
        double[] aNaN = (double[])a.Clone();
        aNaN[3] = double.NaN;
        Assert.True(double.IsNaN(DependentCorrelation.Compare(truth, aNaN, b, DependentCorrelationMethod.Hittner).Statistic));
        Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Compare(truth, aNaN, b, DependentCorrelationMethod.Hittner, nanPolicy: NanPolicy.Raise));
        var omitted = DependentCorrelation.Compare(truth, aNaN, b, DependentCorrelationMethod.Hittner, nanPolicy: NanPolicy.Omit);
        Assert.Equal(n - 1, omitted.N);
        var keep = Enumerable.Range(0, n).Where(i => i != 3).ToArray();
        Assert.Equal(DependentCorrelation.Compare(keep.Select(i => truth[i]).ToArray(), keep.Select(i => a[i]).ToArray(), keep.Select(i => b[i]).ToArray(), DependentCorrelationMethod.Hittner), omitted);
    }

    [Fact]
    public void BadInputThrows()
    {
        Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Williams(1.2, 0.5, 0.1, 50));
        Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Steiger(0.2, 0.5, 0.1, 3));
        // Not a valid correlation matrix: two variables almost identical to j but anti-correlated with each other.
        var e = Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Hittner(0.9, 0.9, -0.9, 50));
        Assert.Contains("determinant", e.Message);
        Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Zou(0.2, 0.5, 0.1, 50, confidenceLevel: 1));
        Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Compare([1.0, 2, 3], [1.0, 2, 3], [3.0, 2, 1], DependentCorrelationMethod.Williams));
        Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Compare([1.0, 2, 3, 4], [1.0, 1, 1, 1], [3.0, 2, 1, 0], DependentCorrelationMethod.Williams));
        Assert.Throws<RankwiseInputException>(() => DependentCorrelation.Compare([1.0, 2, 3, 4], [1.0, 2, 3], [3.0, 2, 1, 0], DependentCorrelationMethod.Williams));
    }

    [Fact]
    public void NaNCorrelationsPropagate()
    {
        var r = DependentCorrelation.Williams(double.NaN, 0.5, 0.1, 50);
        Assert.True(double.IsNaN(r.Statistic) && double.IsNaN(r.PValue));
    }
}
