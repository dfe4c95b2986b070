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

    [Fact]
    public void VerboseAddsTheStackTraceToAFailureWhileRunning()
    {
        // The correlation is computed, then writing the result fails (its directory does not exist): exit 1.
        using var dir = new TempDir();
        var csv = dir.File("d.csv", "a,b\n1,5\n2,6\n3,7\n4,8\n5,7\n");
        var target = System.IO.Path.Combine(dir.Path, "missing", "out.json");
        string[] args = ["correlate", csv + ":a", csv + ":b", "--format", "json", "--output", target];

        var (code, stdout, err) = CliRunner.Run(args);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("rankwise: error: IOException: ", line);
        Assert.Contains(target, line);
        Assert.DoesNotContain("   at ", err);

        var verbose = CliRunner.Run([.. args, "--verbose"]);
        Assert.Equal(1, verbose.Code);
        var lines = verbose.Err.TrimEnd().Split('\n');
        Assert.Equal(line, lines[0]);                                   // the same one-line message first
        Assert.StartsWith("System.IO.IOException: ", lines[1]);         // then the exception with its trace
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at Rankwise.", StringComparison.Ordinal));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void VerboseAddsTheStackTraceToBadInput()
    {
        using var dir = new TempDir();
        var csv = dir.File("d.csv", "a,b\n1,5\n2,6\n3,7\n");
        string[] args = ["correlate", csv + ":a", csv + ":nosuchcolumn"];

        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(3, code);
        var line = Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("no column 'nosuchcolumn'", line);

        var verbose = CliRunner.Run([.. args, "--verbose"]);
        Assert.Equal(3, verbose.Code);
        var lines = verbose.Err.TrimEnd().Split('\n');
        Assert.Equal(line, lines[0]);
        Assert.Contains("RankwiseInputException", lines[1]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at Rankwise.", StringComparison.Ordinal));
    }
}
