using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace Rankwise.Tests.Cli;

/// <summary>The README's first command: <c>rankwise demo</c> writes report.html and report.json; the report renders in a real browser.</summary>
public class DemoTests
{
    private static readonly string[] FigureIds = ["rank-scatter", "spearman-per-run", "unit-heatmap", "matched-curve", "mnno-curve", "run-matrix", "protocol-null"];

    private static string RunQuickDemo(TempDir dir)
    {
        var outDir = Path.Combine(dir.Path, "demo");
        var (code, stdout, err) = CliRunner.Run("demo", "--quick", "--out", outDir, "--seed", "3");
        Assert.True(code == 0, err);
        Assert.Contains("report:", stdout);
        return outDir;
    }

    [Fact]
    public void QuickDemoWritesAReportWithEveryPlotAndTheJson()
    {
        using var dir = new TempDir();
        var outDir = RunQuickDemo(dir);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        foreach (var id in FigureIds)
            Assert.Matches(new Regex($"<figure id=\"{id}\"[^>]*>\\s*<div class=\"plot\"><svg"), html);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        var demo = json.RootElement.GetProperty("demo");
        Assert.Equal(4, demo.GetProperty("runs").GetArrayLength());
        Assert.Equal(2, demo.GetProperty("hidden_comparisons").GetArrayLength());
        // Seed 002's design with 2 + 2 runs cannot reach significance, and the verdict says so.
        Assert.Contains("cannot reach", demo.GetProperty("reference_protocol").GetProperty("verdict").GetString());
        // Every run predicts the digit value well by rank on held-out images.
        foreach (var model in json.RootElement.GetProperty("models").EnumerateArray())
            Assert.True(model.GetProperty("spearman").GetProperty("value").GetDouble() > 0.7);
    }

    [Fact]
    public void DemoReportRendersInHeadlessChromium()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            // CI installs Debian's chromium (see .ci/run); a developer machine without it skips the browser check.
            Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
            return;
        }
        using var dir = new TempDir();
        var report = Path.Combine(RunQuickDemo(dir), "report.html");
        var png = Path.Combine(dir.Path, "shot.png");
        string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"];

        var (dom, domErr) = Chromium(chromium, [.. common, $"--user-data-dir={Path.Combine(dir.Path, "profile1")}", "--dump-dom", "file://" + report]);
        foreach (var id in FigureIds)
        {
            var m = Regex.Match(dom, $"<figure id=\"{id}\"[^>]*>(.*?)</figure>", RegexOptions.Singleline);
            Assert.True(m.Success, $"figure {id} missing from the rendered DOM");
            Assert.Matches(new Regex("<(path|rect|image|circle|line)\\b"), m.Groups[1].Value);
        }
        Assert.DoesNotMatch(new Regex("CONSOLE|Uncaught", RegexOptions.IgnoreCase), domErr);

        var (_, shotErr) = Chromium(chromium, [.. common, $"--user-data-dir={Path.Combine(dir.Path, "profile2")}", "--window-size=1000,2000",
            $"--screenshot={png}", "file://" + report]);
        Assert.True(File.Exists(png), "no screenshot: " + shotErr);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        int nonWhite = 0, samples = 0;
        var colors = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 4)
            for (int x = 0; x < bitmap.Width; x += 4)
            {
                var c = bitmap.GetPixel(x, y);
                samples++;
                if (c.Red < 240 || c.Green < 240 || c.Blue < 240) nonWhite++;
                colors.Add((uint)c);
            }
        Assert.True(nonWhite > samples / 20, $"screenshot looks blank: {nonWhite} of {samples} sampled pixels are not white");
        Assert.True(colors.Count > 20, $"screenshot has only {colors.Count} colours");
    }

    private static (string Stdout, string Stderr) Chromium(string exe, string[] args)
    {
        var start = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 90 s");
        }
        return (stdout.Result, stderr.Result);
    }
}
