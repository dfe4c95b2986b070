using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Rankwise.Tests.Cli;

namespace Rankwise.Tests.Reliability;

/// <summary>
/// A <c>sorter train</c> killed without warning (SIGKILL: no handler runs) resumes from its last checkpoint: the
/// CLI runs as a real child process, is killed once a checkpoint exists, and the same command run again reports
/// <c>resumed_from_step</c> = the checkpoint's step and finishes. Every snapshot of the checkpoint read while the
/// run wrote it, and the one the kill left, is complete (it is written to a temporary file and renamed).
/// </summary>
public class KillResumeTests
{
    private const long Steps = 600;

    /// <summary>The step recorded in a checkpoint, or null when the bytes are not one complete checkpoint
    /// (magic "RWSORTER", version 1, JSON header, weights and optimizer state with their lengths, nothing after).</summary>
    internal static long? CheckpointStep(byte[] bytes)
    {
        var span = bytes.AsSpan();
        if (span.Length < 16 || !span[..8].SequenceEqual("RWSORTER"u8) || BinaryPrimitives.ReadInt32LittleEndian(span[8..]) != 1)
            return null;
        long json = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        long at = 16 + json;
        if (json < 2 || at + 8 > span.Length)
            return null;
        for (int block = 0; block < 2; block++)
        {
            if (at + 8 > span.Length)
                return null;
            long length = BinaryPrimitives.ReadInt64LittleEndian(span[(int)at..]);
            if (length <= 0 || at + 8 + length > span.Length)
                return null;
            at += 8 + length;
        }
        if (at != span.Length)
            return null;
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(span.Slice(16, (int)json)));
        return header.RootElement.GetProperty("state").GetProperty("step").GetInt64();
    }

    private static ProcessStartInfo Command(string output) =>
        new("dotnet",
        [
            "exec", Path.Combine(AppContext.BaseDirectory, "Rankwise.Cli.dll"), "sorter", "train",
            "--arch", "mlp", "--length", "8", "--hidden", "16", "--layers", "1", "--batch", "16",
            "--validate-every", "10", "--validation-sequences", "8", "--steps", Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--threads", "1", "--seed", "3", "--resume", "--out", output, "--format", "json", "--quiet",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

    [Fact]
    public void KilledTrainingResumesFromItsLastCheckpoint()
    {
        if (!OperatingSystem.IsLinux()) return;
        var total = Stopwatch.StartNew();
        using var dir = new TempDir();
        string weights = dir.File("sorter.dat");
        string checkpoint = dir.File("sorter.resume");

        // First run: read the checkpoint while it is being rewritten every 10 steps; kill once it is past step 50.
        var snapshots = new List<long>();
        using (var first = Process.Start(Command(weights))!)
        {
            var drainOut = first.StandardOutput.ReadToEndAsync();
            var drainErr = first.StandardError.ReadToEndAsync();
            try
            {
                while (!first.HasExited && total.Elapsed < TimeSpan.FromSeconds(60))
                {
                    byte[] bytes;
                    try
                    {
                        bytes = File.ReadAllBytes(checkpoint);
                    }
                    catch (FileNotFoundException)
                    {
                        Thread.Sleep(5);
                        continue;
                    }
                    long? step = CheckpointStep(bytes);
                    Assert.True(step is not null, $"a reader saw a partial checkpoint ({bytes.Length} bytes)");
                    snapshots.Add(step!.Value);
                    if (step >= 50)
                        break;
                    Thread.Sleep(2);
                }
                if (first.HasExited)
                    Assert.Fail($"training finished before it could be killed: {drainErr.Result}");
            }
            finally
            {
                if (!first.HasExited)
                    first.Kill(); // SIGKILL on Linux
                first.WaitForExit();
            }
            Assert.Equal(137, first.ExitCode); // 128 + SIGKILL
        }
        Assert.True(snapshots.Count > 0);
        Assert.Equal(snapshots.Order(), snapshots); // the checkpoint only moves forward

        // What the kill left behind: a complete checkpoint at a multiple of the validation interval, no partial file
        // under its name (at most a hidden temporary file of an interrupted write).
        long killedAt = CheckpointStep(File.ReadAllBytes(checkpoint)) ?? throw new Xunit.Sdk.XunitException("the checkpoint left by the kill is incomplete");
        Assert.True(killedAt >= 50 && killedAt < Steps && killedAt % 10 == 0, $"checkpoint at step {killedAt}");
        Assert.All(Directory.GetFiles(dir.Path), f => Assert.True(
            Path.GetFileName(f) is "sorter.dat" or "sorter.json" or "sorter.resume" || Path.GetFileName(f).StartsWith('.') && f.EndsWith(".tmp"), f));

        // The same command again: resumes from that step and finishes.
        using (var second = Process.Start(Command(weights))!)
        {
            var stderr = second.StandardError.ReadToEndAsync();
            string stdout = second.StandardOutput.ReadToEnd();
            Assert.True(second.WaitForExit(TimeSpan.FromSeconds(60)), "the resumed run did not finish");
            Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}: {stderr.Result}");
            var json = JsonDocument.Parse(stdout).RootElement;
            Assert.Equal(killedAt, json.GetProperty("resumed_from_step").GetInt64());
            Assert.Equal(Steps, json.GetProperty("steps").GetInt64());
            Assert.InRange(json.GetProperty("best_step").GetInt64(), 10, Steps);
        }
        Assert.Equal(Steps, CheckpointStep(File.ReadAllBytes(checkpoint)));
        var sidecar = JsonDocument.Parse(File.ReadAllText(dir.File("sorter.json"))).RootElement;
        Assert.Equal(Steps, sidecar.GetProperty("training").GetProperty("steps").GetInt64());
        // The resumed run's writes removed any temporary file the killed process left behind.
        Assert.Empty(Directory.GetFiles(dir.Path, ".*.tmp"));
    }
}
