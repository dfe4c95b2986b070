using System.Diagnostics;
using System.Globalization;
using Rankwise.IO;
using Rankwise.Tests.Cli;

namespace Rankwise.Tests.Reliability;

/// <summary>Ctrl+C (SIGINT) during a long command: exit 130 promptly, one line on stderr, no output file.</summary>
public class InterruptTests
{
    /// <summary>Starts a bootstrap that runs for minutes, writing JSON to out.json in <paramref name="dir"/>.</summary>
    private static (Process Process, Task<string> Stderr, string Data, string Output) StartLongBootstrap(TempDir dir, int seed)
    {
        var data = dir.File("x.npy");
        var rng = new Random(seed);
        NpyWriter.Write(data, Enumerable.Range(0, 20_000).Select(_ => rng.NextDouble()).ToArray());
        var output = dir.File("out.json");
        var cli = Path.Combine(AppContext.BaseDirectory, "Rankwise.Cli.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "correlate", data, data, "--ci", "bca", "--resamples", "10000000", "--output", output, "--format", "json"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        Thread.Sleep(2500); // well into the resampling
        Assert.False(process.HasExited, "the command finished before it could be interrupted");
        return (process, stderr, data, output);
    }

    private static void Interrupt(Process process)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    private static bool WaitOrKill(Process process)
    {
        bool exited = process.WaitForExit(TimeSpan.FromSeconds(15));
        if (!exited) process.Kill();
        return exited;
    }

    [Fact]
    public void SigintStopsALongBootstrapWithExit130AndNoOutput()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        var (process, stderr, data, output) = StartLongBootstrap(dir, seed: 1);
        using (process)
        {
            var watch = Stopwatch.StartNew();
            Interrupt(process);
            Assert.True(WaitOrKill(process), "did not stop within 15 s of SIGINT");
            Assert.Equal(130, process.ExitCode);
            Assert.Contains("interrupted", stderr.Result);
            Assert.False(File.Exists(output));
            Assert.Equal([data], Directory.GetFiles(dir.Path));
            // Typically well under a second; the bound above is loose for a loaded CI machine.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public void ASecondSigintEndsTheProcessAtOnceWithoutOutput()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        var (process, stderr, _, output) = StartLongBootstrap(dir, seed: 2);
        using (process)
        {
            Interrupt(process);
            Interrupt(process);
            Assert.True(WaitOrKill(process), "did not stop within 15 s of two SIGINTs");
            // Either the first request finished the graceful stop or the second signal ended the process: 130 both ways.
            Assert.Equal(130, process.ExitCode);
            Assert.False(File.Exists(output));
            Assert.DoesNotContain("Exception", stderr.Result);
        }
    }
}
