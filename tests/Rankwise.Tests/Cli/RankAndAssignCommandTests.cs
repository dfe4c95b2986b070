using Rankwise.IO;

namespace Rankwise.Tests.Cli;

public class RankAndAssignCommandTests
{
    [Theory]
    [InlineData("average", new double[] { 1.5, 3.5, 5, 3.5, 1.5 })]
    [InlineData("min", new double[] { 1, 3, 5, 3, 1 })]
    [InlineData("max", new double[] { 2, 4, 5, 4, 2 })]
    [InlineData("dense", new double[] { 1, 2, 3, 2, 1 })]
    [InlineData("ordinal", new double[] { 1, 3, 5, 4, 2 })]
    public void RankWritesNpy(string ties, double[] expected)
    {
        // scipy.stats.rankdata([100,200,300,200,100], method=ties)
        using var dir = new TempDir();
        var x = dir.File("x.npy");
        NpyWriter.Write(x, new double[] { 100, 200, 300, 200, 100 });
        var outFile = dir.File("ranks.npy");
        var (code, _, err) = CliRunner.Run("rank", x, "--ties", ties, "--out", outFile);
        Assert.True(code == 0, err);
        Assert.Equal(expected, ArrayReader.ReadVector<double>(outFile));
    }

    [Fact]
    public void RankToUnknownExtensionIsUsageErrorAndWritesNothing()
    {
        using var dir = new TempDir();
        var x = dir.File("x.npy");
        NpyWriter.Write(x, new double[] { 3, 1, 2 });
        var (code, _, _) = CliRunner.Run("rank", x, "--out", dir.File("ranks.xyz"));
        Assert.Equal(2, code);
        Assert.False(File.Exists(dir.File("ranks.xyz")));
    }

    [Fact]
    public void AssignJsonMatchesScipyDocstringExample()
    {
        // scipy.optimize.linear_sum_assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]) -> rows [0,1,2], cols [1,0,2], total 5
        using var dir = new TempDir();
        var csv = dir.File("cost.csv", "4,1,3\n2,0,5\n3,2,2\n");
        var json = CliRunner.Json("assign", csv);
        Assert.Equal([0, 1, 2], json.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([1, 0, 2], json.GetProperty("cols").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(5.0, json.GetProperty("total").GetDouble());
    }

    [Fact]
    public void AssignMaximizeAndInfeasible()
    {
        using var dir = new TempDir();
        var csv = dir.File("score.csv", "4,1,3\n2,0,5\n3,2,2\n");
        var json = CliRunner.Json("assign", csv, "--maximize");
        Assert.Equal(11.0, json.GetProperty("total").GetDouble());
        var bad = dir.File("bad.csv", "inf,inf\n1,2\n");
        var (code, _, err) = CliRunner.Run("assign", bad);
        Assert.Equal(3, code);
        Assert.Contains("infeasible", err);
    }
}
