using Rankwise.IO;
using Rankwise.Tests.Cli;

namespace Rankwise.Tests.Reliability;

/// <summary>
/// NaN under the raise policy through the command line: exit 3 with one line naming the file that holds the NaN
/// (not the library's argument names "x", "y" or "truth"), and no output file.
/// </summary>
public class CliNanPolicyTests
{
    [Theory]
    [InlineData("pearson")]
    [InlineData("spearman")]
    [InlineData("kendall")]
    [InlineData("somers-d")]
    public void CorrelateNamesTheFileWithTheNaN(string method)
    {
        using var dir = new TempDir();
        string clean = dir.File("clean.npy"), dirty = dir.File("dirty.npy"), output = dir.File("out.json");
        NpyWriter.Write(clean, [1.0, 3, 2, 5, 4]);
        NpyWriter.Write(dirty, [1.0, 2, double.NaN, 4, 5]);
        foreach (var (x, y) in new[] { (dirty, clean), (clean, dirty) })
        {
            var (code, _, err) = CliRunner.Run("correlate", x, y, "--method", method, "--nan-policy", "raise", "--output", output, "--quiet");
            Assert.Equal(3, code);
            Assert.Equal($"rankwise: error: {dirty}: contains NaN at index 2 (--nan-policy raise)", err.TrimEnd());
            Assert.False(File.Exists(output));
        }
        Assert.Equal(0, CliRunner.Run("correlate", dirty, clean, "--method", method, "--nan-policy", "omit", "--quiet").Code);
    }

    [Fact]
    public void EvaluateNamesTheTruthOrPredictionFile()
    {
        using var dir = new TempDir();
        string clean = dir.File("clean.npy"), dirty = dir.File("dirty.npy"), output = dir.File("out.json");
        NpyWriter.Write(clean, [1.0, 3, 2, 5, 4, 6]);
        NpyWriter.Write(dirty, [1.0, 2, double.NaN, 4, 5, 7]);
        var (code, _, err) = CliRunner.Run("evaluate", "--truth", dirty, "--pred", clean, "--resamples", "20", "--output", output, "--quiet");
        Assert.Equal(3, code);
        Assert.StartsWith($"rankwise: error: {dirty}: NaN at item 2", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        (code, _, err) = CliRunner.Run("evaluate", "--truth", clean, "--pred", "m=" + dirty, "--resamples", "20", "--output", output, "--quiet");
        Assert.Equal(3, code);
        Assert.StartsWith($"rankwise: error: {dirty}: NaN at item 2", err);
        Assert.False(File.Exists(output));
    }
}
