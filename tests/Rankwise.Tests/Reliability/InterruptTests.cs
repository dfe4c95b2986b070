using System.Diagnostics;
using Rankwise.IO;
using Rankwise.Tests.Cli;

namespace Rankwise.Tests.Reliability;

/// <summary>Ctrl+C (SIGINT) during a long command: exit 130 promptly, one line on stderr, no output file.</summary>
public class InterruptTests
{
    [Fact]
    public void SigintStopsALongBootstrapWithExit130AndNoOutput()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        var data = dir.File("x.npy");
        var rng = new Random(1);
        NpyWriter.Write(data, Enumerable.Range(0, 20_000).Select(_ => rng.NextDouble()).ToArray());
        var output = dir.File("out.json");
        var cli = Path.Combine(AppContext.BaseDirectory, "Rankwise.Cli.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "correlate", data, data, "--ci", "bca", "--resamples", "10000000", "--output", output, "--format", "json"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        Thread.Sleep(2500); // well into the resampling
        Assert.False(process.HasExited, "the command finished before it could be interrupted");
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            kill.WaitForExit();
        bool exited = process.WaitForExit(TimeSpan.FromSeconds(15));
        if (!exited) process.Kill();
        Assert.True(exited, "did not stop within 15 s of SIGINT");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("interrupted", stderr.Result);
        Assert.False(File.Exists(output));
        Assert.Equal([data], Directory.GetFiles(dir.Path));
        // Typically well under a second; the bound above is loose for a loaded CI machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void ASecondSigintEndsTheProcessAtOnceWithoutOutput()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        var data = dir.File("x.npy");
        var rng = new Random(2);
        NpyWriter.Write(data, Enumerable.Range(0, 20_000).Select(_ => rng.NextDouble()).ToArray());
        var output = dir.File("out.json");
        var cli = Path.Combine(AppContext.BaseDirectory, "Rankwise.Cli.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "correlate", data, data, "--ci", "bca", "--resamples", "10000000", "--output", output, "--format", "json"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        Thread.Sleep(2500);
        Assert.False(process.HasExited, "the command finished before it could be interrupted");
        string pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var kill = Process.Start("kill", ["-INT", pid])!)
            kill.WaitForExit();
        using (var again = Process.Start("kill", ["-INT", pid])!)
            again.WaitForExit();
        bool exited = process.WaitForExit(TimeSpan.FromSeconds(15));
        if (!exited) process.Kill();
        Assert.True(exited, "did not stop within 15 s of two SIGINTs");
        // Either the first request finished the graceful stop or the second signal ended the process: 130 both ways.
        Assert.Equal(130, process.ExitCode);
        Assert.False(File.Exists(output));
        Assert.DoesNotContain("Exception", stderr.Result);
    }
}
