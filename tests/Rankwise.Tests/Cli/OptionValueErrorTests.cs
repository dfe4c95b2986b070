namespace Rankwise.Tests.Cli;

/// <summary>A wrong option value gets one line naming the option, the accepted values and the closest one.</summary>
public class OptionValueErrorTests
{
    [Theory]
    [InlineData(new[] { "correlate", "a.npy", "b.npy", "--method", "spearmn" }, "--method: 'spearmn' is not one of", "spearman")]
    [InlineData(new[] { "rank", "a.npy", "--ties", "avrage" }, "--ties: 'avrage' is not one of", "average")]
    [InlineData(new[] { "correlate", "a.npy", "b.npy", "--format", "jsn" }, "--format: 'jsn' is not one of", "json")]
    [InlineData(new[] { "correlate", "a.npy", "b.npy", "--alternative", "two_sided" }, "--alternative: 'two_sided' is not one of", "two-sided")]
    public void MistypedValueNamesTheOptionAndSuggestsTheClosest(string[] args, string start, string expected)
    {
        var (code, output, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains(start, err);
        Assert.Contains($"'{expected}'", err);
        Assert.Contains($"(did you mean '{expected}'?)", err);
    }

    [Fact]
    public void FarValueListsTheChoicesWithoutAGuess()
    {
        var (code, _, err) = CliRunner.Run("correlate", "a.npy", "b.npy", "--method", "xyzzy");
        Assert.Equal(2, code);
        Assert.Contains("--method: 'xyzzy' is not one of 'kendall', 'kendall-c', 'pearson', 'somers-d', 'spearman', 'weighted-tau'", err);
        Assert.DoesNotContain("did you mean", err);
    }

    [Theory]
    [InlineData("--resamples", "abc", "--resamples: 'abc' is not an integer")]
    [InlineData("--confidence", "high", "--confidence: 'high' is not a number")]
    public void UnparsableNumbersNameTheOption(string option, string value, string message)
    {
        var (code, _, err) = CliRunner.Run("correlate", "a.npy", "b.npy", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }
}
