using Rankwise.IO;

namespace Rankwise.Tests.Cli;

public class NeighborsCommandTests
{
    private static (string X, string Rotated, string Noise) Data(TempDir dir)
    {
        var rng = new Random(3);
        int n = 120, d = 6;
        var x = new Matrix<double>(n, d);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.NextDouble() * 2 - 1;
        // An orthogonal map (a permutation with sign flips) keeps every cosine neighbourhood.
        var rotated = new Matrix<double>(n, d);
        int[] perm = [2, 0, 5, 1, 4, 3];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                rotated[i, j] = (j % 2 == 0 ? -1 : 1) * x[i, perm[j]];
        var noise = new Matrix<double>(n, 4);
        for (int i = 0; i < noise.Data.Length; i++) noise.Data[i] = rng.NextDouble();
        string px = dir.File("x.npy"), pr = dir.File("r.npy"), pn = dir.File("noise.npy");
        NpyWriter.Write(px, x);
        NpyWriter.Write(pr, rotated);
        NpyWriter.Write(pn, noise);
        return (px, pr, pn);
    }

    [Fact]
    public void OrthogonalMapHasFullOverlapAndPerItemFileMatches()
    {
        using var dir = new TempDir();
        var (x, rotated, noise) = Data(dir);
        var json = CliRunner.Json("neighbors", x, rotated, "--k", "5", "--k", "10");
        Assert.Equal(120, json.GetProperty("n").GetInt32());
        foreach (var r in json.GetProperty("results").EnumerateArray())
        {
            Assert.Equal(1.0, r.GetProperty("mnno").GetDouble(), 12);
            Assert.False(r.GetProperty("include_self").GetBoolean());
            Assert.Equal("cosine", r.GetProperty("metric").GetString());
        }

        var perItem = dir.File("items.csv");
        var json2 = CliRunner.Json("neighbors", x, noise, "--k", "10", "--per-item", perItem);
        double mnno = json2.GetProperty("results")[0].GetProperty("mnno").GetDouble();
        Assert.True(mnno < 0.5);
        var counts = CsvReader.ReadTable(perItem).ParseColumn<double>("nno_10");
        Assert.Equal(mnno, counts.Sum() / (10.0 * counts.Length), 12);   // the report recomputed from the per-item file
    }

    [Fact]
    public void IdentityMappingIsCloserToInput()
    {
        using var dir = new TempDir();
        var (x, _, noise) = Data(dir);
        var json = CliRunner.Json("neighbors", x, noise, "--mapped", x, "--k", "10");
        var m = json.GetProperty("mapping");
        Assert.Equal(1.0, m.GetProperty("mnno_x_fx").GetDouble(), 12);
        Assert.Equal("closer-to-input", m.GetProperty("verdict").GetString());
        Assert.True(m.GetProperty("wilcoxon_pvalue").GetDouble() < 1e-6);
    }

    [Fact]
    public void BadInputs()
    {
        using var dir = new TempDir();
        var (x, _, _) = Data(dir);
        var small = dir.File("small.npy");
        NpyWriter.Write(small, new Matrix<double>(3, 2, [1, 2, 3, 4, 5, 6]));
        Assert.Equal(3, CliRunner.Run("neighbors", x, small).Code);                  // row mismatch
        Assert.Equal(3, CliRunner.Run("neighbors", small, small, "--k", "3").Code);   // K > n - 1
        Assert.Equal(2, CliRunner.Run("neighbors", x, x, "--metric", "manhattan").Code);
    }
}
