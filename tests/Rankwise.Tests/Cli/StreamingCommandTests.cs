using System.Globalization;
using Rankwise.IO;
using Rankwise.Torch.Neighbors;
using Rankwise.Torch.Similarity;

namespace Rankwise.Tests.Cli;

/// <summary>
/// <c>--max-memory</c> on <c>compare</c> and <c>neighbors</c>: inputs over the budget are streamed with the same
/// results as the in-memory path; what cannot stream is a one-line usage error.
/// </summary>
public class StreamingCommandTests
{
    private static Matrix<float> Random(int rows, int cols, int seed, double offset = 0)
    {
        var rng = new Random(seed);
        var m = new Matrix<float>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
            m.Data[i] = (float)(offset + rng.NextDouble() + rng.NextDouble() - 1);
        return m;
    }

    private static Matrix<float> Mixed(Matrix<float> x, int cols, int seed)
    {
        var rng = new Random(seed);
        var y = new Matrix<float>(x.Rows, cols);
        for (int i = 0; i < x.Rows; i++)
            for (int j = 0; j < cols; j++)
                y[i, j] = x[i, j % x.Columns] * (j + 1) + (float)(0.7 * rng.NextDouble());
        return y;
    }

    private static string Bytes(long b) => b.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void CompareStreamsLinearCkaOverTheBudgetWithTheInMemoryValues()
    {
        using var dir = new TempDir();
        var x = Random(3000, 8, 1);
        string a = dir.File("a.npy"), b = dir.File("b.npy");
        NpyWriter.Write(a, x);
        NpyWriter.Write(b, Mixed(x, 6, 2));
        // Streaming is float64 throughout: the in-memory reference is the float64 one. (By default the in-memory linear
        // CKA of two float32 files uses float32 block products, within 1e-6 of it; checked below.)
        var memory = CliRunner.Json("compare", a, b, "--measures", "cka-linear,cka-debiased", "--precision", "float64");
        Assert.False(memory.GetProperty("streamed").GetBoolean());
        var auto = CliRunner.Json("compare", a, b, "--measures", "cka-linear");
        double exactLinear = memory.GetProperty("measures").GetProperty("cka-linear").GetDouble();
        Assert.Equal(exactLinear, auto.GetProperty("measures").GetProperty("cka-linear").GetDouble(), 1e-6 * exactLinear);
        Assert.False(memory.TryGetProperty("streaming", out _));

        long budget = StreamingCka.EstimatePeakBytes(400, 8, 6);          // about 8 blocks of 400 rows
        var streamed = CliRunner.Json("compare", a, b, "--measures", "cka-linear,cka-debiased", "--max-memory", Bytes(budget));
        Assert.True(streamed.GetProperty("streamed").GetBoolean());
        var info = streamed.GetProperty("streaming");
        Assert.Equal(400, info.GetProperty("block_rows").GetInt32());
        Assert.Equal(8, info.GetProperty("blocks").GetInt64());
        Assert.Equal(2, info.GetProperty("passes").GetInt32());
        Assert.Equal(budget, info.GetProperty("budget_bytes").GetInt64());
        Assert.True(info.GetProperty("in_memory_estimate_bytes").GetInt64() > budget);
        foreach (var name in new[] { "n", "d_a", "d_b" })
            Assert.Equal(memory.GetProperty(name).GetInt64(), streamed.GetProperty(name).GetInt64());
        foreach (var name in new[] { "cka-linear", "cka-debiased" })
        {
            double expected = memory.GetProperty("measures").GetProperty(name).GetDouble();
            double actual = streamed.GetProperty("measures").GetProperty(name).GetDouble();
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Abs(expected), $"{name}: {expected:R} vs {actual:R}");
        }

        // Table output says it streamed.
        var (code, text, _) = CliRunner.Run("compare", a, b, "--measures", "cka-linear", "--max-memory", Bytes(budget));
        Assert.Equal(0, code);
        Assert.Contains("streamed:", text);
    }

    [Fact]
    public void CompareExplainsWhatCannotStream()
    {
        using var dir = new TempDir();
        var x = Random(3000, 8, 3);
        string a = dir.File("a.npy"), b = dir.File("b.npy");
        NpyWriter.Write(a, x);
        NpyWriter.Write(b, Mixed(x, 6, 4));
        long budget = StreamingCka.EstimatePeakBytes(400, 8, 6);

        var (code, _, err) = CliRunner.Run("compare", a, b, "--measures", "cka-linear,cka-rbf,rsa", "--max-memory", Bytes(budget));
        Assert.Equal(2, code);
        Assert.Contains("cka-rbf, rsa cannot be streamed (only cka-linear and cka-debiased can)", err);
        Assert.Single(err.Trim().Split('\n'));

        (code, _, err) = CliRunner.Run("compare", a, b, "--measures", "cka-linear", "--save-matching", dir.File("m.csv"), "--max-memory", Bytes(budget));
        Assert.Equal(2, code);
        Assert.Contains("--save-matching cannot be streamed", err);
        Assert.False(File.Exists(dir.File("m.csv")));

        (code, _, err) = CliRunner.Run("compare", a, b, "--measures", "cka-linear", "--max-memory", "100KB");
        Assert.Equal(2, code);
        Assert.Contains("--max-memory: streamed linear CKA of [3000, 8] and [3000, 6] needs at least", err);

        (code, _, err) = CliRunner.Run("compare", a, b, "--measures", "cka-linear", "--max-memory", "lots");
        Assert.Equal(2, code);
        Assert.Contains("--max-memory: memory size 'lots'", err);

        // Non-finite values are found while streaming: the file is named, exit 3, no output file.
        var bad = Random(3000, 8, 5);
        bad[2500, 3] = float.NaN;
        string c = dir.File("c.npy");
        NpyWriter.Write(c, bad);
        string output = dir.File("out.json");
        (code, _, err) = CliRunner.Run("compare", a, c, "--measures", "cka-linear", "--max-memory", Bytes(budget), "--output", output);
        Assert.Equal(3, code);
        Assert.Contains("c.npy: contains NaN or infinite values", err);
        Assert.False(File.Exists(output));

        // Row mismatch.
        string d = dir.File("d.npy");
        NpyWriter.Write(d, Random(2999, 8, 6));
        (code, _, err) = CliRunner.Run("compare", a, d, "--measures", "cka-linear", "--max-memory", Bytes(budget));
        Assert.Equal(3, code);
        Assert.Contains("has 2999 rows but", err);
    }

    [Fact]
    public void NeighborsStreamWithIdenticalOverlapsPerItemCountsAndMappingReport()
    {
        using var dir = new TempDir();
        int n = 300;
        var v = Random(n, 16, 7);
        var z = Mixed(v, 12, 8);
        var fx = Mixed(v, 12, 9);
        string pv = dir.File("v.npy"), pz = dir.File("z.npy"), pf = dir.File("fx.npy");
        NpyWriter.Write(pv, v);
        NpyWriter.Write(pz, z);
        NpyWriter.Write(pf, fx);
        foreach (var (metric, self) in new[] { ("cosine", false), ("euclidean", false), ("euclidean", true) })
        {
            string perMemory = dir.File($"mem-{metric}-{self}.csv"), perStream = dir.File($"str-{metric}-{self}.csv");
            string[] common = ["neighbors", pv, pz, "--k", "5", "--k", "12", "--metric", metric, "--mapped", pf, .. self ? new[] { "--include-self" } : []];
            var memory = CliRunner.Json([.. common, "--per-item", perMemory]);
            Assert.False(memory.GetProperty("streamed").GetBoolean());
            // Room for 50-row blocks of the widest file plus the two neighbour lists already held.
            var knnMetric = metric == "cosine" ? KnnMetric.Cosine : KnnMetric.Euclidean;
            long budget = StreamingKnn.EstimatePeakBytes(50, n, 16, 12, metric: knnMetric) + 2L * n * 12 * 12;
            var streamed = CliRunner.Json([.. common, "--per-item", perStream, "--max-memory", Bytes(budget)]);
            Assert.True(streamed.GetProperty("streamed").GetBoolean());
            Assert.Equal(50, streamed.GetProperty("streaming").GetProperty("block_rows").GetInt32());
            Assert.Equal(6, streamed.GetProperty("streaming").GetProperty("blocks").GetInt64());
            Assert.Equal(memory.GetProperty("results").GetRawText(), streamed.GetProperty("results").GetRawText());
            Assert.Equal(memory.GetProperty("mapping").GetRawText(), streamed.GetProperty("mapping").GetRawText());
            Assert.Equal(File.ReadAllText(perMemory), File.ReadAllText(perStream));
        }

        var (code, _, err) = CliRunner.Run("neighbors", pv, pz, "--max-memory", "1MB");
        Assert.Equal(2, code);
        Assert.Contains("--max-memory: streamed k-NN of [300, 16] with k = 10 needs at least", err);
        (code, _, err) = CliRunner.Run("neighbors", pv, pz, "--k", "300", "--max-memory", "20MB");
        Assert.Equal(3, code);
        Assert.Contains("K can be at most 299", err);
    }

    [Fact]
    public void HelpSaysWhenCommandsStream()
    {
        static string Help(string command) =>
            System.Text.RegularExpressions.Regex.Replace(CliRunner.Run(command, "--help").Out, @"\s+", " ");
        var compareHelp = Help("compare");
        Assert.Contains("--max-memory", compareHelp);
        Assert.Contains("Only cka-linear and cka-debiased stream", compareHelp);
        var neighborsHelp = Help("neighbors");
        Assert.Contains("--max-memory", neighborsHelp);
        Assert.Contains("streamed in row blocks", neighborsHelp);
    }
}
