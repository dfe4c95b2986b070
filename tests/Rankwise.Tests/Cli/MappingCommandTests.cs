using System.Text.Json;
using Rankwise.IO;

namespace Rankwise.Tests.Cli;

public class MappingCommandTests
{
    private static string Write(TempDir dir, string name, Matrix<float> m)
    {
        var path = dir.File(name);
        ArrayWriter.WriteMatrix(path, m);
        return path;
    }

    /// <summary>Paired data: y = a fixed linear map of x plus a little noise, items in 6 clusters.</summary>
    private static (Matrix<float> X, Matrix<float> Y) Data(int n, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 5).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var x = new float[n * 5];
        var y = new float[n * 4];
        for (int i = 0; i < n; i++)
        {
            var c = centres[i % 6];
            for (int j = 0; j < 5; j++)
                x[i * 5 + j] = (float)(c[j] + 0.3 * (rng.NextDouble() - 0.5));
            for (int j = 0; j < 4; j++)
                y[i * 4 + j] = (float)(x[i * 5 + j] - 0.5 * x[i * 5 + j + 1] + 0.2 * (rng.NextDouble() - 0.5));
        }
        return (new Matrix<float>(n, 5, x), new Matrix<float>(n, 4, y));
    }

    [Fact]
    public void ReportedMnnoEqualsTheOneRecomputedFromTheSavedMapping()
    {
        using var dir = new TempDir();
        var (x, y) = Data(60, 1);
        var (tx, ty) = Data(40, 2);
        string fx = dir.File("fx.npy");
        var json = CliRunner.Json("mapping", "--x", Write(dir, "x.npy", x), "--y", Write(dir, "y.npy", y),
            "--test-x", Write(dir, "tx.npy", tx), "--test-y", Write(dir, "ty.npy", ty), "--model", "nn", "--runs", "1",
            "--quick", "--grid-lr", "0.01", "--grid-hidden", "16", "--cv-folds", "2", "--max-epochs", "5", "--save-mapped", fx);
        Assert.Equal("test-set", json.GetProperty("protocol").GetString());
        Assert.Equal(40, json.GetProperty("test_items").GetInt32());
        var cell = json.GetProperty("results")[0];
        Assert.Equal("nn", cell.GetProperty("model").GetString());
        Assert.Equal("x2y", cell.GetProperty("direction").GetString());
        var run = cell.GetProperty("runs")[0];
        Assert.True(run.GetProperty("final_train_loss").GetDouble() < run.GetProperty("initial_train_loss").GetDouble());
        Assert.True(File.Exists(fx));
        foreach (var metric in cell.GetProperty("metrics").EnumerateArray())
        {
            string name = metric.GetProperty("metric").GetString()!;
            var check = CliRunner.Json("neighbors", dir.File("tx.npy"), dir.File("ty.npy"), "--mapped", fx, "--k", "10", "--metric", name)
                .GetProperty("mapping");
            Assert.Equal(check.GetProperty("mnno_x_fx").GetDouble(), metric.GetProperty("mnno_x_fx").GetDouble());
            Assert.Equal(check.GetProperty("mnno_y_fx").GetDouble(), metric.GetProperty("mnno_y_fx").GetDouble());
            Assert.Equal(check.GetProperty("mnno_x_y").GetDouble(), metric.GetProperty("mnno_x_y").GetDouble());
            Assert.Equal(1, metric.GetProperty("runs").GetInt32());
            Assert.Equal(JsonValueKind.Null, metric.GetProperty("mnno_x_fx_sd").ValueKind);
        }
    }

    [Fact]
    public void FoldsUntrainedBothDirectionsAndMarkdownTable()
    {
        using var dir = new TempDir();
        var (x, y) = Data(60, 3);
        string px = Write(dir, "x.npy", x), py = Write(dir, "y.npy", y);
        var json = CliRunner.Json("mapping", "--x", px, "--y", py, "--folds", "3", "--untrained", "--direction", "both", "--model", "lin", "--model", "nn", "--quick");
        Assert.Equal("folds", json.GetProperty("protocol").GetString());
        Assert.True(json.GetProperty("untrained").GetBoolean());
        var results = json.GetProperty("results");
        Assert.Equal(4, results.GetArrayLength());
        Assert.Equal("y2x", results[2].GetProperty("direction").GetString());
        foreach (var cell in results.EnumerateArray())
            foreach (var m in cell.GetProperty("metrics").EnumerateArray())
            {
                Assert.Equal(3, m.GetProperty("runs").GetInt32());
                Assert.True(m.GetProperty("mnno_x_fx").GetDouble() > 0.5, "an untrained mapping keeps most input neighbourhoods");
            }
        var (code, md, err) = CliRunner.Run("mapping", "--x", px, "--y", py, "--folds", "3", "--untrained", "--model", "lin", "--quick", "--format", "markdown");
        Assert.True(code == 0, err);
        Assert.Contains("| x → y | lin |", md);
        Assert.Contains("cosine: X, f(X)", md);
    }

    [Fact]
    public void AMappingThatDoesNotLearnFailsLoudly()
    {
        using var dir = new TempDir();
        var (x, y) = Data(60, 4);
        var (code, _, err) = CliRunner.Run("mapping", "--x", Write(dir, "x.npy", x), "--y", Write(dir, "y.npy", y), "--folds", "2",
            "--model", "nn", "--grid-lr", "1e6", "--grid-hidden", "64", "--cv-folds", "2", "--max-epochs", "3", "--quick");
        Assert.Equal(1, code);
        Assert.Contains("training loss did not decrease", err);
    }

    [Fact]
    public void SaveMappedNeedsOneModelAndDirection()
    {
        using var dir = new TempDir();
        var (x, y) = Data(30, 5);
        var (code, _, err) = CliRunner.Run("mapping", "--x", Write(dir, "x.npy", x), "--y", Write(dir, "y.npy", y),
            "--model", "lin", "--model", "nn", "--save-mapped", dir.File("fx.npy"));
        Assert.Equal(2, code);
        Assert.Contains("--save-mapped", err);
    }
}
