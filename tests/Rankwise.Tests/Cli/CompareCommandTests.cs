using System.Text.Json;
using Rankwise.IO;

namespace Rankwise.Tests.Cli;

public class CompareCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "ReferenceData", "similarity", name);

    [Fact]
    public void KornblithDemoValuesReproduce()
    {
        // np.random.seed(1337); X = randn(100,10); Y = randn(100,10) + X  (Kornblith et al. 2019 demo notebook)
        var json = CliRunner.Json("compare", Fixture("kornblith_demo_X.npy"), Fixture("kornblith_demo_Y.npy"), "--measures", "all");
        Assert.Equal(100, json.GetProperty("n").GetInt32());
        Assert.Equal(10, json.GetProperty("d_a").GetInt32());
        var m = json.GetProperty("measures");
        Assert.Equal(0.55761, Math.Round(m.GetProperty("cka-linear").GetDouble(), 5));
        Assert.Equal(0.65483, Math.Round(m.GetProperty("cka-rbf").GetDouble(), 5));
        Assert.Equal(0.51346, Math.Round(m.GetProperty("cka-debiased").GetDouble(), 5));
        foreach (var name in new[] { "cca-mean", "r2cca", "svcca", "pwcca", "procrustes", "shape", "rsa", "match-hungarian", "match-max" })
            Assert.Equal(JsonValueKind.Number, m.GetProperty(name).ValueKind);
        Assert.Equal(10, json.GetProperty("details").GetProperty("cca-mean").GetProperty("correlations").GetArrayLength());
    }

    [Fact]
    public void SaveMatchingWritesPermutationRecoveringShuffledUnits()
    {
        using var dir = new TempDir();
        var x = ArrayReader.ReadMatrix<double>(Fixture("kornblith_demo_X.npy"));
        int[] perm = [3, 7, 0, 9, 1, 5, 2, 8, 6, 4];
        var shuffled = new Matrix<double>(x.Rows, x.Columns);
        for (int i = 0; i < x.Rows; i++)
            for (int j = 0; j < x.Columns; j++)
                shuffled[i, j] = x[i, perm[j]];
        var b = dir.File("b.npy");
        NpyWriter.Write(b, shuffled);
        var pairs = dir.File("pairs.csv");
        var json = CliRunner.Json("compare", Fixture("kornblith_demo_X.npy"), b, "--measures", "match-hungarian", "--save-matching", pairs);
        Assert.Equal(1.0, json.GetProperty("measures").GetProperty("match-hungarian").GetDouble(), 12);
        var table = CsvReader.ReadTable(pairs);
        var unitA = table.ParseColumn<double>("unit_a");
        var unitB = table.ParseColumn<double>("unit_b");
        for (int i = 0; i < unitA.Length; i++)
            Assert.Equal(unitA[i], perm[(int)unitB[i]]);
    }

    [Fact]
    public void ConstantUnitsAreReportedAndCanBeLeftOut()
    {
        // x: kornblith X with a dead (constant) unit inserted as column 2; y: x's live units shuffled plus a constant column.
        using var dir = new TempDir();
        var x0 = ArrayReader.ReadMatrix<double>(Fixture("kornblith_demo_X.npy"));
        int[] perm = [3, 7, 0, 9, 1, 5, 2, 8, 6, 4];
        var x = new Matrix<double>(x0.Rows, 11);
        var y = new Matrix<double>(x0.Rows, 11);
        for (int i = 0; i < x0.Rows; i++)
        {
            for (int j = 0, k = 0; j < 11; j++)
                x[i, j] = j == 2 ? 0.0 : x0[i, k++];
            for (int j = 0; j < 10; j++)
                y[i, j] = x0[i, perm[j]];
            y[i, 10] = 4.5;
        }
        string a = dir.File("a.npy"), b = dir.File("b.npy");
        NpyWriter.Write(a, x);
        NpyWriter.Write(b, y);

        var (code, stdout, _) = CliRunner.Run("compare", a, b, "--measures", "match-hungarian,cka-linear", "--format", "json");
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("measures").GetProperty("match-hungarian").ValueKind);   // NaN
        Assert.Equal([2], json.GetProperty("constant_units").GetProperty("a").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([10], json.GetProperty("constant_units").GetProperty("b").EnumerateArray().Select(e => e.GetInt32()));

        var pairs = dir.File("pairs.csv");
        json = CliRunner.Json("compare", a, b, "--measures", "match-hungarian,cka-linear", "--drop-constant-units", "--save-matching", pairs);
        Assert.Equal(1.0, json.GetProperty("measures").GetProperty("match-hungarian").GetDouble(), 12);
        Assert.True(json.GetProperty("constant_units").GetProperty("dropped").GetBoolean());
        Assert.Equal(11, json.GetProperty("d_a").GetInt32());
        var permutation = json.GetProperty("details").GetProperty("match-hungarian").GetProperty("permutation").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(-1, permutation[2]);
        // Original column indices: x column j (j != 2) is X[:, j < 2 ? j : j - 1], found in y at the column holding it.
        for (int j = 0; j < 11; j++)
        {
            if (j != 2)
                Assert.Equal(j < 2 ? j : j - 1, perm[permutation[j]]);
        }
        var table = CsvReader.ReadTable(pairs);
        Assert.DoesNotContain(2.0, table.ParseColumn<double>("unit_a"));
    }

    [Fact]
    public void ReferenceProtocolJson()
    {
        using var dir = new TempDir();
        var rng = new Random(5);
        string Make(string name, double mix)
        {
            var m = new Matrix<double>(60, 6);
            for (int i = 0; i < m.Data.Length; i++) m.Data[i] = rng.NextDouble();
            var p = dir.File(name);
            NpyWriter.Write(p, m);
            return p;
        }
        var a = Enumerable.Range(0, 3).Select(i => Make($"a{i}.npy", 0)).ToArray();
        var b = Enumerable.Range(0, 3).Select(i => Make($"b{i}.npy", 1)).ToArray();
        var json = CliRunner.Json(["compare", "--runs", .. a, "--vs", .. b, "--measure", "cka-linear"]);
        Assert.Equal("cka-linear", json.GetProperty("measure").GetString());
        Assert.True(json.GetProperty("exact").GetBoolean());
        Assert.Equal(0.2, json.GetProperty("min_attainable_pvalue").GetDouble(), 12); // 3 + 3 runs: 10 distinct labelings, two-sided
        Assert.Equal(6, json.GetProperty("similarities").GetArrayLength());
        Assert.Contains("cannot reach", json.GetProperty("verdict").GetString());
    }

    [Fact]
    public void BadInputsGiveExitCodes()
    {
        using var dir = new TempDir();
        var small = dir.File("small.npy");
        NpyWriter.Write(small, new Matrix<double>(3, 2, [1, 2, 3, 4, 5, 7]));
        Assert.Equal(3, CliRunner.Run("compare", Fixture("kornblith_demo_X.npy"), small).Code);       // row mismatch
        Assert.Equal(3, CliRunner.Run("compare", small, small, "--measures", "cka-debiased").Code);  // n < 4
        Assert.Equal(2, CliRunner.Run("compare", small, small, "--measures", "cka-lineer").Code);    // typo
        Assert.Equal(2, CliRunner.Run("compare", "--runs", small, "--vs", small).Code);               // < 2 runs
    }

    private static Matrix<T> Gaussian<T>(int rows, int cols, int seed, Func<double, T> convert) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var data = new T[rows * cols];
        for (int i = 0; i < data.Length; i++)
            data[i] = convert(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) + 3);
        return new Matrix<T>(rows, cols, data);
    }

    [Fact]
    public void PrecisionChoosesTheProductsOfLinearCkaForFloat32Files()
    {
        using var dir = new TempDir();
        string a = dir.File("a.npy"), b = dir.File("b.npy"), a64 = dir.File("a64.npy"), b64 = dir.File("b64.npy");
        var x = Gaussian(3000, 40, 1, v => (float)v);
        var y = Gaussian(3000, 30, 2, v => (float)v);
        for (int i = 0; i < 3000; i++)
            for (int j = 0; j < 30; j++)
                y.Data[i * 30 + j] += x.Data[i * 40 + j];
        NpyWriter.Write(a, x);
        NpyWriter.Write(b, y);
        NpyWriter.Write(a64, new Matrix<double>(3000, 40, x.Data.Select(v => (double)v).ToArray()));
        NpyWriter.Write(b64, new Matrix<double>(3000, 30, y.Data.Select(v => (double)v).ToArray()));
        double Value(params string[] args) => CliRunner.Json(["compare", .. args, "--measures", "cka-linear"])
            .GetProperty("measures").GetProperty("cka-linear").GetDouble();

        double exact = Value(a, b, "--precision", "float64");
        double single = Value(a, b);
        // float32 files: float32 block products by default (not bit-equal, within the inputs' own precision) ...
        Assert.NotEqual(exact, single);
        Assert.Equal(exact, single, 1e-6 * exact);
        // ... the same values stored as float64 are computed in float64 whatever --precision says.
        Assert.Equal(exact, Value(a64, b64), 1e-13);
        Assert.Equal(Value(a64, b64), Value(a64, b64, "--precision", "float64"));
        // Every other measure is float64 for both files.
        var f32 = CliRunner.Json("compare", a, b, "--measures", "cka-debiased,cca-mean,rsa").GetProperty("measures");
        var f64 = CliRunner.Json("compare", a64, b64, "--measures", "cka-debiased,cca-mean,rsa").GetProperty("measures");
        foreach (var name in new[] { "cka-debiased", "cca-mean", "rsa" })
            Assert.Equal(f64.GetProperty(name).GetDouble(), f32.GetProperty(name).GetDouble(), 1e-12);
    }
}
