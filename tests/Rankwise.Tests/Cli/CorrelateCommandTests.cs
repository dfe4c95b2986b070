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
        var json = CliRunner.Json("correlate", csv + ":a", csv + ":b");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("statistic").ValueKind);
        Assert.True(json.GetProperty("warnings").GetArrayLength() > 0);
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

    [Fact]
    public void FisherIntervalForSpearmanIsUsageError()
    {
        var (code, _, _) = CliRunner.Run("correlate", "a.npy", "b.npy", "--method", "spearman", "--ci", "fisher");
        Assert.Equal(2, code);
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

    private static string ExampleRatings => Path.Combine(AppContext.BaseDirectory, "examples", "ratings.csv");
}
