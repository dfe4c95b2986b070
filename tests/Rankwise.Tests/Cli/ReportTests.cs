using System.Text.RegularExpressions;

namespace Rankwise.Tests.Cli;

public class ReportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "ReferenceData", "similarity", name);

    [Fact]
    public void CompareReportIsSelfContainedWithPlotsTablesAndInputs()
    {
        using var dir = new TempDir();
        var report = dir.File("report.html");
        var (code, _, err) = CliRunner.Run("compare", Fixture("kornblith_demo_X.npy"), Fixture("kornblith_demo_Y.npy"),
            "--measures", "all", "--report", report, "--format", "json");
        Assert.True(code == 0, err);
        var html = File.ReadAllText(report);
        Assert.StartsWith("<!DOCTYPE html>", html);
        // Self-contained: no scripts, no external resources.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("(src|href)=\"https?://"), html);
        foreach (var id in new[] { "measures", "unit-heatmap", "matched-curve" })
        {
            var m = Regex.Match(html, $"<figure id=\"{id}\"[^>]*>(.*?)</figure>", RegexOptions.Singleline);
            Assert.True(m.Success, $"figure {id} missing");
            Assert.Contains("<svg", m.Groups[1].Value);
            Assert.True(m.Groups[1].Value.Length > 2000, $"figure {id} looks empty");
        }
        Assert.Contains("0.557613", html);                       // the numbers behind the plots
        Assert.Contains("kornblith_demo_X.npy", html);          // inputs with hashes
        Assert.Matches(new Regex("<code>[0-9a-f]{64}</code>"), html);
        Assert.Contains("rankwise compare", html);              // the command line
    }

    [Fact]
    public void EvaluateReportHasTheRankScatterIntervalsAndBootstrapDistributions()
    {
        using var dir = new TempDir();
        var report = dir.File("evaluate.html");
        var (code, _, err) = CliRunner.Run("evaluate", "--truth", JudgeTestData.Scores + ":memorability",
            "--pred", JudgeTestData.Scores + ":model_a", "--pred", JudgeTestData.Scores + ":model_b",
            "--responses", JudgeTestData.Responses, "--resamples", "300", "--seed", "1", "--report", report, "--format", "json");
        Assert.True(code == 0, err);
        var html = File.ReadAllText(report);
        foreach (var id in new[] { "rank-scatter", "spearman-per-model", "bootstrap-model_a", "bootstrap-model_b", "difference-model_a-model_b" })
        {
            var m = Regex.Match(html, $"<figure id=\"{id}\"[^>]*>(.*?)</figure>", RegexOptions.Singleline);
            Assert.True(m.Success, $"figure {id} missing");
            Assert.Contains("<svg", m.Groups[1].Value);
            Assert.True(m.Groups[1].Value.Length > 2000, $"figure {id} looks empty");
        }
        Assert.Contains("ceiling (raw)", html);
        Assert.Contains("memorability_scores.csv", html);
    }

    [Fact]
    public void NoReportIsLeftWhenTheCommandFails()
    {
        using var dir = new TempDir();
        var report = dir.File("report.html");
        var (code, _, _) = CliRunner.Run("compare", Fixture("kornblith_demo_X.npy"), dir.File("missing.npy"), "--report", report);
        Assert.Equal(3, code);
        Assert.False(File.Exists(report));
    }
}
