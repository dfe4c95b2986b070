using System.Text.Json;
using Rankwise.Comparison;
using Rankwise.IO;
using Rankwise.Reliability;
using static Rankwise.Tests.Cli.JudgeTestData;

namespace Rankwise.Tests.Cli;

/// <summary><c>rankwise evaluate</c> on the shipped (simulated) example, against scipy (make_evaluate_reference.py).</summary>
public class EvaluateCommandTests
{
    private static readonly string[] MetricNames = ["spearman", "kendall", "pearson", "mse", "mae"];

    private static string[] Base => ["evaluate", "--truth", Scores + ":memorability", "--resamples", "400", "--seed", "1"];

    [Fact]
    public void MetricsMatchScipyAndTheCeilingMatchesConsistency()
    {
        var reference = Load("judge", "evaluate_reference.json");
        var json = CliRunner.Json([.. Base, "--pred", Scores + ":model_a", "--pred", "b=" + Scores + ":model_b", "--responses", Responses]);
        Assert.Equal(200, json.GetProperty("items").GetInt32());
        Assert.Equal(0, json.GetProperty("items_dropped").GetInt32());
        Assert.Equal(400, json.GetProperty("resamples").GetInt32());
        Assert.Equal("percentile", json.GetProperty("ci_method").GetString());
        var models = json.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(["model_a", "b"], models.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(Scores + ":model_b", models[1].GetProperty("source").GetString());
        foreach (var (model, column) in new[] { (models[0], "model_a"), (models[1], "model_b") })
        {
            Assert.Equal(JsonValueKind.Null, model.GetProperty("run_group").ValueKind);
            foreach (string metric in MetricNames)
            {
                var estimate = model.GetProperty(metric);
                double expected = reference.GetProperty("models").GetProperty(column).Number(metric);
                Close(expected, estimate.Number("value"), 1e-12, $"{column} {metric}");
                var ci = estimate.GetProperty("ci");
                Assert.True(ci.Number("low") <= estimate.Number("value") && estimate.Number("value") <= ci.Number("high"), $"{column} {metric} interval");
            }
        }
        // Ceiling: the same split-halves as `rankwise consistency` with the same seed.
        var consistency = SplitHalfConsistency.Compute(ResponseTable.Read(Responses), new SplitHalfOptions { Seed = 1 });
        var ceiling = json.GetProperty("ceiling");
        Assert.Equal(consistency.Raw.Mean, ceiling.GetProperty("raw_split_half").Number("mean"));
        Assert.Equal(consistency.Corrected.Mean, ceiling.GetProperty("spearman_brown_corrected").Number("mean"));
        Assert.False(ceiling.TryGetProperty("per_split", out _));
        double rho = models[0].GetProperty("spearman").Number("value");
        Assert.Equal(rho / consistency.Raw.Mean, models[0].Number("fraction_of_ceiling"), 14);
        Assert.Equal(rho / consistency.Corrected.Mean, models[0].Number("fraction_of_corrected_ceiling"), 14);
    }

    [Fact]
    public void ComparisonTestsAndDisagreementNote()
    {
        var reference = Load("judge", "evaluate_reference.json");
        var json = CliRunner.Json([.. Base, "--pred", Scores + ":model_a", "--pred", Scores + ":model_b"]);
        var comparison = Assert.Single(json.GetProperty("comparisons").EnumerateArray());
        Assert.Equal("model_a", comparison.GetProperty("a").GetString());
        Assert.Equal("model_b", comparison.GetProperty("b").GetString());
        var models = reference.GetProperty("models");
        foreach (string on in new[] { "spearman", "pearson" })
        {
            double rA = models.GetProperty("model_a").Number(on), rB = models.GetProperty("model_b").Number(on);
            double rAB = reference.GetProperty("between").Number(on);
            var entry = comparison.GetProperty(on);
            Close(rA - rB, entry.Number("difference"), 1e-12, on);
            var tests = entry.GetProperty("tests");
            Close(rAB, tests.Number("r_a_b"), 1e-12, on);
            var williams = DependentCorrelation.Williams(rA, rB, rAB, 200);
            Close(williams.Statistic, tests.GetProperty("williams").Number("statistic"), 1e-10, on);
            Close(williams.PValue, tests.GetProperty("williams").Number("pvalue"), 1e-9, on);
            Assert.Equal(197, tests.GetProperty("williams").Number("df"));
            Close(DependentCorrelation.Steiger(rA, rB, rAB, 200).Statistic, tests.GetProperty("steiger").Number("statistic"), 1e-10, on);
            Close(DependentCorrelation.Hittner(rA, rB, rAB, 200).PValue, tests.GetProperty("hittner").Number("pvalue"), 1e-9, on);
            Close(DependentCorrelation.Zou(rA, rB, rAB, 200).ConfidenceInterval!.Low, tests.GetProperty("zou_ci").Number("low"), 1e-10, on);
            Assert.Equal(JsonValueKind.Null, tests.GetProperty("steiger").GetProperty("df").ValueKind);
        }
        Assert.False(comparison.GetProperty("mse").TryGetProperty("tests", out _));
        Assert.Equal(["model_b", "model_a"], json.GetProperty("order_by_spearman").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["model_a", "model_b"], json.GetProperty("order_by_mse").EnumerateArray().Select(e => e.GetString()));
        var note = Assert.Single(json.GetProperty("disagreements").EnumerateArray());
        Assert.Equal("model_b", note.GetProperty("better_by_rank").GetString());
        Assert.Equal("model_a", note.GetProperty("better_by_mse").GetString());
        Close(models.GetProperty("model_a").Number("mse"), note.GetProperty("mse").Number("model_a"), 1e-12, "mse");
        Assert.StartsWith("MSE and rank correlation disagree: model_b ranks above model_a by Spearman (rho 0.7328 vs 0.6778) but below it by MSE (0.066 vs 0.0293", note.GetProperty("note").GetString());

        var (_, table, _) = CliRunner.Run([.. Base, "--pred", Scores + ":model_a", "--pred", Scores + ":model_b"]);
        Assert.Contains("note: MSE and rank correlation disagree", table);
        Assert.Contains("williams t", table);
    }

    [Fact]
    public void RunGroupsSummariseAcrossSeeds()
    {
        var reference = Load("judge", "evaluate_reference.json");
        string runs = string.Join(',', new[] { 1, 2, 3 }.Select(i => $"{Scores}:model_b_seed{i}"));
        var json = CliRunner.Json([.. Base, "--pred", Scores + ":model_a", "--run-group", "model_b=" + runs]);
        var group = Assert.Single(json.GetProperty("run_groups").EnumerateArray());
        Assert.Equal("model_b", group.GetProperty("name").GetString());
        Assert.Equal(["model_b_seed1", "model_b_seed2", "model_b_seed3"], group.GetProperty("runs").EnumerateArray().Select(e => e.GetString()));
        foreach (string metric in MetricNames)
        {
            var expected = reference.GetProperty("group").GetProperty(metric);
            var actual = group.GetProperty(metric);
            Close(expected.Number("mean"), actual.Number("mean"), 1e-12, metric);
            Close(expected.Number("sd"), actual.Number("sd"), 1e-9, metric);
            Close(expected.Number("low"), actual.GetProperty("ci_runs").Number("low"), 1e-9, metric);
            Close(expected.Number("high"), actual.GetProperty("ci_runs").Number("high"), 1e-9, metric);
            Assert.Equal("t", actual.GetProperty("ci_runs").GetProperty("method").GetString());
            Assert.Equal("percentile", actual.GetProperty("ci_items").GetProperty("method").GetString());
        }
        var models = json.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(4, models.Length);
        Assert.Equal("model_b", models[3].GetProperty("run_group").GetString());
        var comparison = Assert.Single(json.GetProperty("comparisons").EnumerateArray());
        Assert.Equal(("model_a", "model_b"), (comparison.GetProperty("a").GetString(), comparison.GetProperty("b").GetString()));
        Assert.Equal(JsonValueKind.Null, comparison.GetProperty("spearman").GetProperty("tests").ValueKind);
        Close(reference.GetProperty("models").GetProperty("model_a").Number("spearman") - reference.GetProperty("group").GetProperty("spearman").Number("mean"),
            comparison.GetProperty("spearman").Number("difference"), 1e-12, "difference to the run mean");
    }

    [Fact]
    public void SameSeedSameOutput()
    {
        string[] args = [.. Base, "--pred", Scores + ":model_a", "--pred", Scores + ":model_b", "--format", "json", "--no-kendall-ci"];
        var a = CliRunner.Run(args);
        var b = CliRunner.Run(args);
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Out, b.Out);
        var json = JsonDocument.Parse(a.Out).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("models")[0].GetProperty("kendall").GetProperty("ci").ValueKind);
        var basic = CliRunner.Json([.. Base, "--pred", Scores + ":model_a", "--ci", "basic", "--confidence", "0.9"]);
        var ci = basic.GetProperty("models")[0].GetProperty("spearman").GetProperty("ci");
        Assert.Equal("basic", ci.GetProperty("method").GetString());
        Assert.Equal(0.9, ci.Number("level"));
    }

    [Fact]
    public void NanPolicy()
    {
        using var dir = new TempDir();
        string[] lines = File.ReadAllLines(Scores);
        lines[5] = string.Join(',', lines[5].Split(',').Select((cell, j) => j == 2 ? "NA" : cell));
        string file = dir.File("s.csv", string.Join('\n', lines) + "\n");
        string[] args = ["evaluate", "--truth", file + ":memorability", "--pred", file + ":model_a", "--pred", file + ":model_b", "--resamples", "50"];
        Assert.Contains("model_a: NaN at item 4", Fails(3, args));
        var json = CliRunner.Json([.. args, "--nan-policy", "omit"]);
        Assert.Equal(199, json.GetProperty("items").GetInt32());
        Assert.Equal(1, json.GetProperty("items_dropped").GetInt32());
        Assert.Contains(json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("1 item was dropped"));
    }

    [Fact]
    public void UsageAndInputErrors()
    {
        using var dir = new TempDir();
        Assert.Contains("at least one model", Fails(2, "evaluate", "--truth", Scores + ":memorability"));
        Assert.Contains("two models are named 'model_a'", Fails(2, [.. Base, "--pred", Scores + ":model_a", "--pred", Scores + ":model_a"]));
        Fails(2, [.. Base, "--pred", Scores + ":model_a", "--resamples", "0"]);
        Fails(2, [.. Base, "--pred", Scores + ":model_a", "--ci", "bca"]);
        Fails(2, [.. Base, "--pred", Scores + ":model_a", "--layout", "wide"]);
        Fails(2, [.. Base, "--run-group", "noequals"]);
        Fails(2, "evaluate", "--pred", Scores + ":model_a");
        string short_ = dir.File("short.csv", "p\n0.1\n0.2\n0.3\n");
        Assert.Contains("has 3 predictions but", Fails(3, [.. Base, "--pred", short_ + ":p"]));
        Assert.Contains("no column 'nope'", Fails(3, [.. Base, "--pred", Scores + ":nope"]));
        Assert.Contains("file not found", Fails(3, [.. Base, "--pred", dir.File("absent.npy")]));
        string output = dir.File("out.json");
        Fails(3, [.. Base, "--pred", short_ + ":p", "--output", output]);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("preds.csv:resnet", "resnet", "preds.csv:resnet")]
    [InlineData("memnet=preds.csv:resnet", "memnet", "preds.csv:resnet")]
    [InlineData("runs/seed1.npy", "seed1", "runs/seed1.npy")]
    [InlineData("a b=x.npy", "a b", "x.npy")]
    public void ModelNames(string text, string name, string selector)
    {
        Assert.Equal((name, selector), Rankwise.Cli.Commands.EvaluateCommand.SplitName(text, "--pred"));
    }
}
