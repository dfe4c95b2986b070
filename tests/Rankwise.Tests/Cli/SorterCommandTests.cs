using System.Text.Json;
using Rankwise.IO;

namespace Rankwise.Tests.Cli;

public class SorterCommandTests
{
    private static readonly string[] TinyMlp =
        ["--arch", "mlp", "--length", "8", "--hidden", "16", "--layers", "1", "--batch", "16", "--validate-every", "2", "--validation-sequences", "8"];

    [Fact]
    public void TrainWritesWeightsSidecarAndCheckpointThenResumes()
    {
        using var dir = new TempDir();
        string weights = dir.File("s.dat");
        var json = CliRunner.Json(["sorter", "train", .. TinyMlp, "--steps", "4", "--out", weights]);
        Assert.Equal("mlp", json.GetProperty("architecture").GetString());
        Assert.Equal(8, json.GetProperty("length").GetInt32());
        Assert.Equal(4, json.GetProperty("steps").GetInt64());
        Assert.Equal(0, json.GetProperty("resumed_from_step").GetInt64());
        Assert.Equal(dir.File("s.json"), json.GetProperty("metadata").GetString());
        foreach (var g in new[] { "uniform", "normal", "evenly-spaced", "concatenated" })
            Assert.InRange(json.GetProperty("validation").GetProperty(g).GetProperty("spearman").GetDouble(), -1, 1);
        Assert.True(File.Exists(weights) && File.Exists(dir.File("s.json")) && File.Exists(dir.File("s.resume")));
        var sidecar = JsonDocument.Parse(File.ReadAllText(dir.File("s.json"))).RootElement;
        Assert.Equal("rankwise-sorter", sidecar.GetProperty("format").GetString());
        Assert.Equal(4, sidecar.GetProperty("training").GetProperty("steps").GetInt64());

        var resumed = CliRunner.Json(["sorter", "train", .. TinyMlp, "--steps", "6", "--out", weights, "--resume"]);
        Assert.Equal(4, resumed.GetProperty("resumed_from_step").GetInt64());
        Assert.Equal(6, resumed.GetProperty("steps").GetInt64());
    }

    [Theory]
    [InlineData("--steps", "0")]
    [InlineData("--batch", "0")]
    [InlineData("--lr", "-1")]
    [InlineData("--length", "1")]
    [InlineData("--arch", "transformer")]
    public void TrainRejectsBadValuesWithUsageError(string option, string value)
    {
        using var dir = new TempDir();
        var (code, _, err) = CliRunner.Run(["sorter", "train", .. TinyMlp, "--steps", "2", option, value, "--out", dir.File("s.dat")]);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(dir.File("s.dat")));
    }

    [Fact]
    public void TrainIntoMissingDirectoryIsUsageError()
    {
        using var dir = new TempDir();
        var (code, _, err) = CliRunner.Run(["sorter", "train", .. TinyMlp, "--steps", "2", "--out", Path.Combine(dir.Path, "no", "s.dat")]);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", err);
    }

    [Fact]
    public void EvalReportsEveryGeneratorForEveryRanker()
    {
        using var dir = new TempDir();
        string weights = dir.File("s.dat");
        CliRunner.Json(["sorter", "train", .. TinyMlp, "--steps", "2", "--out", weights]);
        var json = CliRunner.Json("sorter", "eval", weights, "--sequences", "8", "--seed", "3");
        Assert.Equal(8, json.GetProperty("length").GetInt32());
        Assert.Equal(8, json.GetProperty("sequences").GetInt32());
        foreach (var g in new[] { "uniform", "normal", "evenly-spaced", "concatenated" })
        {
            var perRanker = json.GetProperty("generators").GetProperty(g);
            foreach (var r in new[] { "learned", "sigmoid", "soft_rank" })
            {
                Assert.InRange(perRanker.GetProperty(r).GetProperty("spearman").GetDouble(), -1, 1);
                Assert.True(perRanker.GetProperty(r).GetProperty("mae").GetDouble() >= 0);
            }
            Assert.InRange(perRanker.GetProperty("soft_rank").GetProperty("spearman").GetDouble(), 0.9, 1);
        }
        var (code, _, _) = CliRunner.Run("sorter", "eval", weights, "--length", "9");
        Assert.Equal(2, code); // the MLP sorter is fixed-length
    }

    [Fact]
    public void EvalWithDataWritesRanksAtomically()
    {
        using var dir = new TempDir();
        string weights = dir.File("s.dat");
        CliRunner.Json(["sorter", "train", .. TinyMlp, "--steps", "2", "--out", weights]);
        string data = dir.File("scores.npy");
        var values = new double[3 * 8];
        for (int i = 0; i < values.Length; i++)
            values[i] = Math.Sin(i * 1.7);
        NpyWriter.Write(data, new Matrix<double>(3, 8, values));
        string ranks = dir.File("ranks.npy");
        var json = CliRunner.Json("sorter", "eval", weights, "--data", data, "--out", ranks);
        Assert.Equal(3, json.GetProperty("rows").GetInt32());
        var written = ArrayReader.ReadMatrix<double>(ranks);
        Assert.Equal((3, 8), (written.Rows, written.Columns));
        Assert.All(written.Data, v => Assert.True(double.IsFinite(v)));

        // Wrong row length for the fixed-length MLP: bad input, and no output file.
        string wide = dir.File("wide.npy");
        NpyWriter.Write(wide, new Matrix<double>(2, 9, new double[18]));
        string none = dir.File("none.npy");
        var (code, _, err) = CliRunner.Run("sorter", "eval", weights, "--data", wide, "--out", none);
        Assert.Equal(3, code);
        Assert.Contains("length 9", err);
        Assert.False(File.Exists(none));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void EvalUsageAndInputErrors()
    {
        using var dir = new TempDir();
        Assert.Equal(3, CliRunner.Run("sorter", "eval", dir.File("missing.dat")).Code);
        Assert.Equal(2, CliRunner.Run("sorter", "eval", "sodeep-gru-100", "--out", dir.File("r.npy")).Code);
        Assert.Equal(2, CliRunner.Run("sorter", "eval", "sodeep-gru-100", "--data", dir.File("x.npy")).Code);
        Assert.Equal(2, CliRunner.Run("sorter", "eval", "sodeep-gru-100", "--epsilon", "0").Code);
    }

    [Fact]
    public void ShippedSorterEvaluatesByName()
    {
        var json = CliRunner.Json("sorter", "eval", "sodeep-gru-100", "--sequences", "16");
        Assert.Equal("gru", json.GetProperty("architecture").GetString());
        Assert.Equal(100, json.GetProperty("trained_length").GetInt32());
        // The ≥ 0.99 quality bar is PretrainedSorterTests' (64 sequences); 16 concatenated sequences of seed 0 include
        // one of the rare narrow-cluster sequences the sorter cannot order (docs/sorters.md), so the bar here is lower.
        Assert.Equal(4, json.GetProperty("generators").EnumerateObject().Count());
        foreach (var g in json.GetProperty("generators").EnumerateObject())
            Assert.True(g.Value.GetProperty("learned").GetProperty("spearman").GetDouble() >= 0.95, g.Name);
    }

    [Fact]
    public void QuickDemoRunsAllMethods()
    {
        var json = CliRunner.Json("sorter", "demo", "--quick");
        var methods = json.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(8, methods.Count);
        Assert.Equal(["mse", "spearman", "spearman", "spearman", "bce", "spearman", "spearman", "spearman"],
            methods.Select(m => m.GetProperty("loss").GetString()));
        foreach (var m in methods)
        {
            Assert.InRange(m.GetProperty("spearman_mean").GetDouble(), 0.2, 1);
            var run = m.GetProperty("runs")[0];
            double low = run.GetProperty("spearman_ci").GetProperty("low").GetDouble();
            double high = run.GetProperty("spearman_ci").GetProperty("high").GetDouble();
            Assert.True(low <= run.GetProperty("spearman").GetDouble() && run.GetProperty("spearman").GetDouble() <= high);
        }
        Assert.True(methods[0].GetProperty("mse_mean").GetDouble() > 0);
        Assert.InRange(methods[4].GetProperty("auc_mean").GetDouble(), 0.6, 1);
    }
}
