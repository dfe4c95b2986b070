using System.Globalization;
using System.Text.Json;
using Rankwise.Correlation;
using Rankwise.IO;

namespace Rankwise.Tests.Cli;

public class CorrelateCommandTests
{
    [Fact]
    public void SpearmanJsonMatchesScipy()
    {
        // scipy.stats.spearmanr([1,2,3,4,5],[5,6,7,8,7]) = (0.82078268166812329, 0.088587005313543798)
        using var dir = new TempDir();
        var csv = dir.File("d.csv", "a,b\n1,5\n2,6\n3,7\n4,8\n5,7\n");
        var json = CliRunner.Json("correlate", csv + ":a", csv + ":b", "--method", "spearman");
        Assert.Equal("spearman", json.GetProperty("method").GetString());
        Assert.Equal(5, json.GetProperty("n").GetInt64());
        Assert.Equal(0.82078268166812329, json.GetProperty("statistic").GetDouble(), 1e-14);
        Assert.Equal(0.088587005313543798, json.GetProperty("pvalue").GetDouble(), 1e-14);
        Assert.Equal("two-sided", json.GetProperty("alternative").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("ci").ValueKind);
    }

    [Fact]
    public void PearsonFisherIntervalMatchesScipy()
    {
        // r = pearsonr([1,2,3,4],[0,1,0.5,1]); r.confidence_interval(0.95)
        using var dir = new TempDir();
        var x = dir.File("x.npy");
        var y = dir.File("y.npy");
        NpyWriter.Write(x, new double[] { 1, 2, 3, 4 });
        NpyWriter.Write(y, new double[] { 0, 1, 0.5, 1 });
        var json = CliRunner.Json("correlate", x, y, "--method", "pearson", "--ci", "fisher");
        Assert.Equal(0.6741998624632421, json.GetProperty("statistic").GetDouble(), 1e-14);
        Assert.Equal(0.325800137536, json.GetProperty("pvalue").GetDouble(), 1e-11);
        var ci = json.GetProperty("ci");
        Assert.Equal("fisher", ci.GetProperty("method").GetString());
        Assert.Equal(-0.814938968841, ci.GetProperty("low").GetDouble(), 1e-11);
        Assert.Equal(0.99230697523, ci.GetProperty("high").GetDouble(), 1e-10);
    }

    [Fact]
    public void BootstrapIsReproducibleForASeedAndDiffersAcrossSeeds()
    {
        using var dir = new TempDir();
        var csv = dir.File("r.csv", File.ReadAllText(ExampleRatings));
        string[] args = ["correlate", csv + ":human", csv + ":model", "--ci", "bca", "--resamples", "999", "--format", "json"];
        var a = CliRunner.Run([.. args, "--seed", "7"]);
        var b = CliRunner.Run([.. args, "--seed", "7"]);
        var c = CliRunner.Run([.. args, "--seed", "8"]);
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Out, b.Out);
        Assert.NotEqual(a.Out, c.Out);
        Assert.Contains("\"bca\"", a.Out);
    }

    [Fact]
    public void ConstantInputGivesNullStatisticAndAWarning()
    {
        using var dir = new TempDir();
        var csv = dir.File("c.csv", "a,b\n1,5\n1,6\n1,7\n");
        var (code, stdout, err) = CliRunner.Run("correlate", csv + ":a", csv + ":b", "--format", "json");
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("statistic").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("pvalue").ValueKind);
        Assert.False(json.TryGetProperty("warnings", out _));
        var line = Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("warning: ", line);
        Assert.Contains("constant", line);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("csv")]
    [InlineData("markdown")]
    public void WarningsGoToStandardErrorInEveryFormat(string format)
    {
        using var dir = new TempDir();
        var csv = dir.File("c.csv", "a,b\n1,5\n1,6\n1,7\n");
        var (code, stdout, err) = CliRunner.Run("correlate", csv + ":a", csv + ":b", "--format", format);
        Assert.Equal(0, code);
        Assert.StartsWith("warning: ", Assert.Single(err.TrimEnd().Split('\n')));
        Assert.DoesNotContain("warning:", stdout);
        if (format != "csv")
            Assert.Contains("constant", stdout);   // the table formats still show it as a note under the table
        else
            Assert.Equal(2, stdout.TrimEnd().Split('\n').Length);
    }

    [Fact]
    public void JsonHasExactlyTheDocumentedKeys()
    {
        using var dir = new TempDir();
        var csv = dir.File("r.csv", File.ReadAllText(ExampleRatings));
        string[] without = ["alternative", "ci", "method", "n", "pvalue", "statistic"];   // sorted, as Keys returns them
        string[] interval = ["high", "level", "low", "method"];

        var plain = CliRunner.Json("correlate", csv + ":human", csv + ":model");
        Assert.Equal(without, Keys(plain));
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("ci").ValueKind);
        Assert.Equal(JsonValueKind.Number, plain.GetProperty("statistic").ValueKind);
        Assert.Equal(JsonValueKind.Number, plain.GetProperty("pvalue").ValueKind);
        Assert.Equal(JsonValueKind.Number, plain.GetProperty("n").ValueKind);

        foreach (string[] ci in (string[][])[["--method", "pearson", "--ci", "fisher"], ["--ci", "percentile", "--resamples", "99", "--seed", "1"]])
        {
            var withCi = CliRunner.Json(["correlate", csv + ":human", csv + ":model", .. ci]);
            Assert.Equal(without, Keys(withCi));
            var c = withCi.GetProperty("ci");
            Assert.Equal(JsonValueKind.Object, c.ValueKind);
            Assert.Equal(interval, Keys(c));
            foreach (var key in new[] { "level", "low", "high" })
                Assert.Equal(JsonValueKind.Number, c.GetProperty(key).ValueKind);
        }
    }

    [Fact]
    public void OneSidedAlternativesMatchTheLibraryAndAddUpToOne()
    {
        using var dir = new TempDir();
        var csv = dir.File("r.csv", File.ReadAllText(ExampleRatings));
        var xs = ArrayReader.ReadVector<double>(csv + ":human");
        var ys = ArrayReader.ReadVector<double>(csv + ":model");
        var p = new Dictionary<string, double>();
        foreach (var (name, alternative) in new[] { ("less", Alternative.Less), ("greater", Alternative.Greater), ("two-sided", Alternative.TwoSided) })
        {
            var json = CliRunner.Json("correlate", csv + ":human", csv + ":model", "--method", "pearson", "--alternative", name);
            var expected = PearsonCorrelation.Compute(xs, ys, alternative);
            Assert.Equal(name, json.GetProperty("alternative").GetString());
            Assert.Equal(expected.Statistic, json.GetProperty("statistic").GetDouble());
            Assert.Equal(expected.PValue, json.GetProperty("pvalue").GetDouble());
            p[name] = expected.PValue;
        }
        // Pearson's null distribution is continuous: P(R <= r) + P(R >= r) = 1; r > 0 here, so "greater" is the small tail.
        Assert.Equal(1.0, p["less"] + p["greater"], 1e-12);
        Assert.True(p["greater"] < 1e-6);
        Assert.Equal(2 * p["greater"], p["two-sided"], 1e-15);

        // Spearman through the CLI: the same p-values as the library for each alternative.
        foreach (var (name, alternative) in new[] { ("less", Alternative.Less), ("greater", Alternative.Greater) })
        {
            var json = CliRunner.Json("correlate", csv + ":human", csv + ":model", "--method", "spearman", "--alternative", name);
            Assert.Equal(SpearmanCorrelation.Compute(xs, ys, alternative).PValue, json.GetProperty("pvalue").GetDouble());
        }
    }

    [Fact]
    public void CsvIsAHeaderAndOneParseableRow()
    {
        using var dir = new TempDir();
        var csv = dir.File("r.csv", File.ReadAllText(ExampleRatings));
        var json = CliRunner.Json("correlate", csv + ":human", csv + ":model", "--method", "kendall");
        var (code, stdout, err) = CliRunner.Run("correlate", csv + ":human", csv + ":model", "--method", "kendall", "--format", "csv");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("method,n,statistic,pvalue,alternative,ci_method,ci_level,ci_low,ci_high", lines[0]);
        var cells = lines[1].Split(',');
        Assert.Equal(9, cells.Length);
        Assert.Equal("kendall", cells[0]);
        Assert.Equal(60, long.Parse(cells[1], CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("statistic").GetDouble(), double.Parse(cells[2], CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("pvalue").GetDouble(), double.Parse(cells[3], CultureInfo.InvariantCulture));
        Assert.Equal("two-sided", cells[4]);
        Assert.All(cells[5..], c => Assert.Equal("", c));
    }

    [Fact]
    public void TableShowsTheStatistic()
    {
        using var dir = new TempDir();
        var csv = dir.File("r.csv", File.ReadAllText(ExampleRatings));
        var rho = SpearmanCorrelation.Compute(ArrayReader.ReadVector<double>(csv + ":human"), ArrayReader.ReadVector<double>(csv + ":model")).Statistic;
        var (code, stdout, err) = CliRunner.Run("correlate", csv + ":human", csv + ":model", "--format", "table");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains(rho.ToString("0.######", CultureInfo.InvariantCulture), stdout);
        Assert.Contains("spearman", stdout);
    }

    [Theory]
    [InlineData("percentile")]
    [InlineData("basic")]
    [InlineData("bca")]
    public void BootstrapIntervalsHonourLevelAndSeed(string method)
    {
        using var dir = new TempDir();
        var csv = dir.File("r.csv", File.ReadAllText(ExampleRatings));
        string[] args = ["correlate", csv + ":human", csv + ":model", "--ci", method, "--confidence", "0.9", "--resamples", "999", "--seed", "1", "--format", "json"];
        var first = CliRunner.Run(args);
        var second = CliRunner.Run(args);
        Assert.Equal(0, first.Code);
        Assert.Equal(first.Out, second.Out);
        var json = JsonDocument.Parse(first.Out).RootElement;
        var ci = json.GetProperty("ci");
        Assert.Equal(method, ci.GetProperty("method").GetString());
        Assert.Equal(0.9, ci.GetProperty("level").GetDouble());
        double statistic = json.GetProperty("statistic").GetDouble();
        Assert.True(statistic > 0.5, $"rho {statistic}: the example ratings are clearly correlated");
        Assert.True(ci.GetProperty("low").GetDouble() < statistic && statistic < ci.GetProperty("high").GetDouble(), first.Out);
        Assert.True(ci.GetProperty("low").GetDouble() > 0, first.Out);
    }

    [Fact]
    public void MissingFileIsBadInputWithOneLineError()
    {
        var (code, output, err) = CliRunner.Run("correlate", "/nonexistent/x.npy", "/nonexistent/y.npy");
        Assert.Equal(3, code);
        Assert.Equal("", output);
        Assert.Contains("/nonexistent/x.npy", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void UnknownMethodIsUsageError()
    {
        var (code, _, err) = CliRunner.Run("correlate", "a.npy", "b.npy", "--method", "spearmen");
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("spearman")]
    [InlineData("kendall")]
    [InlineData("kendall-c")]
    [InlineData("weighted-tau")]
    [InlineData("somers-d")]
    public void FisherIntervalForOtherMethodsIsUsageError(string method)
    {
        using var dir = new TempDir();
        var csv = dir.File("r.csv", File.ReadAllText(ExampleRatings));
        var (code, stdout, err) = CliRunner.Run("correlate", csv + ":human", csv + ":model", "--method", method, "--ci", "fisher", "--format", "json");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("rankwise: error: --ci fisher", line);
    }

    [Fact]
    public void LengthMismatchIsBadInput()
    {
        using var dir = new TempDir();
        var x = dir.File("x.npy");
        var y = dir.File("y.npy");
        NpyWriter.Write(x, new double[] { 1, 2, 3 });
        NpyWriter.Write(y, new double[] { 1, 2 });
        var (code, _, err) = CliRunner.Run("correlate", x, y);
        Assert.Equal(3, code);
        Assert.Contains("y.npy", err);
    }

    [Fact]
    public void TruncatedFileLeavesNoOutputFile()
    {
        using var dir = new TempDir();
        var x = dir.File("x.npy");
        NpyWriter.Write(x, new double[] { 1, 2, 3, 4 });
        var bytes = File.ReadAllBytes(x);
        File.WriteAllBytes(x, bytes[..^5]);
        var outFile = dir.File("out.json");
        var (code, _, err) = CliRunner.Run("correlate", x, x, "--format", "json", "--output", outFile);
        Assert.Equal(3, code);
        Assert.Contains("x.npy", err);
        Assert.False(File.Exists(outFile));
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => !f.EndsWith("x.npy"));
    }

    [Fact]
    public void OutputOptionWritesTheJsonFile()
    {
        using var dir = new TempDir();
        var csv = dir.File("d.csv", "a,b\n1,5\n2,6\n3,7\n4,8\n5,7\n");
        var outFile = dir.File("out.json");
        var (code, stdout, _) = CliRunner.Run("correlate", csv + ":a", csv + ":b", "--format", "json", "--output", outFile);
        Assert.Equal(0, code);
        Assert.Equal("", stdout);
        Assert.Contains("\"spearman\"", File.ReadAllText(outFile));
    }

    private static string[] Keys(JsonElement o) => o.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    private static string ExampleRatings => Path.Combine(AppContext.BaseDirectory, "examples", "ratings.csv");
}
