using System.Diagnostics;
using Rankwise.Tests.Cli;

namespace Rankwise.Tests.Reliability;

/// <summary>The same --seed gives byte-identical JSON across runs and thread counts.</summary>
public class DeterminismTests
{
    private static string Run(string processors, params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Rankwise.Cli.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_PROCESSOR_COUNT"] = processors;
        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        return output;
    }

    [Fact]
    public void BootstrapJsonIsIdenticalAcrossThreadCounts()
    {
        var ratings = Path.Combine(AppContext.BaseDirectory, "examples", "ratings.csv");
        string[] args = ["correlate", ratings + ":human", ratings + ":model", "--method", "kendall", "--ci", "bca", "--resamples", "2000", "--seed", "42", "--format", "json"];
        var one = Run("1", args);
        var two = Run("2", args);
        var eight = Run("8", args);
        Assert.Equal(one, two);
        Assert.Equal(one, eight);
        Assert.Contains("\"bca\"", one);
    }
}
