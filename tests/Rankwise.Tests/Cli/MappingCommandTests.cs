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

    [Fact]
    public void IntrinsicEvaluationScoresFeaturesAndUntrainedMappingsOnLabelsAndWordSimilarity()
    {
        using var dir = new TempDir();
        string vectors = JudgeTestData.Reference("wordsim", "vectors.npy"), vocab = JudgeTestData.Reference("wordsim", "vocab.txt");
        string simlex = JudgeTestData.Reference("wordsim", "simlex.txt");
        // Y: the same 40 words in another "modality" (a fixed random projection); labels: 4 arbitrary groups of 10.
        var v = ArrayReader.ReadMatrix<double>(vectors);
        var rng = new Random(3);
        var proj = Enumerable.Range(0, 8 * 5).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var y = new Matrix<float>(v.Rows, 5);
        for (int i = 0; i < v.Rows; i++)
            for (int j = 0; j < 5; j++)
            {
                double sum = 0;
                for (int k = 0; k < 8; k++)
                    sum += v[i, k] * proj[k * 5 + j];
                y[i, j] = (float)sum;
            }
        string fy = Write(dir, "y.npy", y);
        string labels = dir.File("labels.csv");
        File.WriteAllLines(labels, ["group", .. Enumerable.Range(0, v.Rows).Select(i => (i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        string[] args = ["mapping", "--x", vectors, "--y", fy, "--intrinsic", "--labels", labels + ":group", "--benchmark", simlex, "--vocab", vocab,
            "--runs", "2", "--direction", "both", "--seed", "4"];
        var json = CliRunner.Json(args);
        Assert.Equal("intrinsic", json.GetProperty("experiment").GetString());
        Assert.Equal(["labels mAP", "simlex"], json.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()));
        var rows = json.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["f_nn(vectors)", "f_lin(vectors)", "vectors", "f_nn(y)", "f_lin(y)", "y"], rows.Select(r => r.GetProperty("row").GetString()));

        // The raw-feature rows are the plain evaluations: wordsim's Spearman and retrieval's label mAP of the same file.
        var wordsim = CliRunner.Json("wordsim", "--vectors", vectors, "--vocab", vocab, "--benchmark", simlex);
        double rho = wordsim.GetProperty("benchmarks")[0].GetProperty("spearman").GetProperty("value").GetDouble();
        Assert.Equal(rho, rows[2].GetProperty("scores").GetProperty("simlex").GetProperty("cosine").GetDouble(), 12);
        var map = Rankwise.Retrieval.LabelRetrieval.MeanAveragePrecision(v, Rankwise.Retrieval.ItemLabels.FromSingle(Enumerable.Range(0, v.Rows).Select(i => i % 4).ToArray()));
        Assert.Equal(map.Value, rows[2].GetProperty("scores").GetProperty("labels mAP").GetProperty("cosine").GetDouble(), 12);
        // Mappings: finite scores with a spread over the two initialisations; the same seed gives the same table.
        foreach (var r in rows.Where(r => r.GetProperty("model").ValueKind == JsonValueKind.String))
        {
            var cell = r.GetProperty("scores").GetProperty("labels mAP");
            Assert.InRange(cell.GetProperty("cosine").GetDouble(), 0.0, 1.0);
            Assert.True(cell.GetProperty("cosine_sd").GetDouble() > 0);
        }
        Assert.Equal(json.GetProperty("rows").GetRawText(), CliRunner.Json(args).GetProperty("rows").GetRawText());
    }

    [Fact]
    public void IntrinsicNeedsATask()
    {
        using var dir = new TempDir();
        var (x, y) = Data(30, 1);
        var (code, _, err) = CliRunner.Run("mapping", "--x", Write(dir, "x.npy", x), "--y", Write(dir, "y.npy", y), "--intrinsic");
        Assert.Equal(2, code);
        Assert.Contains("--labels", err);
    }
}
