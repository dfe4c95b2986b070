namespace Rankwise.Tests.Cli;

public class UsageTests
{
    [Theory]
    [InlineData("corelate", "correlate")]
    [InlineData("compre", "compare")]
    public void MistypedCommandSuggestsTheClosest(string typed, string expected)
    {
        var (code, output, err) = CliRunner.Run(typed, "a.npy", "b.npy");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"did you mean '{expected}'", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void MistypedOptionSuggestsTheClosest()
    {
        var (code, _, err) = CliRunner.Run("correlate", "a.npy", "b.npy", "--metod", "kendall");
        Assert.Equal(2, code);
        Assert.Contains("did you mean '--method'", err);
    }

    [Fact]
    public void NameSuggestionsIgnoreFarNames()
    {
        Assert.Equal("cka-linear", NameSuggestions.Closest("cka-lienar", ["cka-linear", "cka-rbf"]));
        Assert.Null(NameSuggestions.Closest("zzzzzzzz", ["cka-linear", "cka-rbf"]));
        Assert.Equal(3, NameSuggestions.Distance("kitten", "sitting"));
    }

    [Fact]
    public void VersionAndHelpExitZero()
    {
        var (code, output, _) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
        var help = CliRunner.Run("correlate", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("Example:", help.Out);
    }
}
