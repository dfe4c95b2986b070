using System.CommandLine;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.Comparison;
using Rankwise.Correlation;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Reliability;

namespace Rankwise.Cli.Commands;

/// <summary>
/// <c>rankwise evaluate --truth T --pred P ... [--run-group name=P1,P2,...] [--responses R]</c>: judge models by rank
/// against human data (metrics with bootstrap intervals, run groups, pairwise tests, ceiling, MSE-vs-rank note).
/// </summary>
public static class EvaluateCommand
{
    private static readonly EvaluationMetric[] Metrics = Enum.GetValues<EvaluationMetric>();

    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var truth = new Option<string>("--truth", "-t") { Description = "Human scores of the items: file.npy, file.csv:column, ...", Required = true };
        var pred = new Option<string[]>("--pred", "-p")
        {
            Description = "A model's predictions, [name=]selector (e.g. resnet=preds.csv:resnet, or preds.csv:resnet named 'resnet', or memnet.npy named 'memnet'); repeat for several models",
            AllowMultipleArgumentsPerToken = false,
        };
        var runGroup = new Option<string[]>("--run-group", "-g")
        {
            Description = "Several runs (seeds) of one model: name=[run=]P1,[run=]P2,... (runs named like --pred); repeat for several groups",
        };
        var responses = new Option<string?>("--responses", "-r") { Description = "Per-subject responses for the split-half ceiling (as for 'rankwise consistency')" };
        var layout = ConsistencyCommand.Options.Layout();
        var columns = ConsistencyCommand.Options.Columns();
        var splits = ConsistencyCommand.Options.Splits();
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples of the items (shared by all models)", DefaultValueFactory = _ => 9999 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the bootstrap and of the split-halves", DefaultValueFactory = _ => 0UL };
        var confidence = new Option<double>("--confidence") { Description = "Confidence level of every interval", DefaultValueFactory = _ => 0.95 };
        var ci = new Option<string>("--ci")
        {
            Description = "Bootstrap interval: percentile (default) or basic",
            DefaultValueFactory = _ => "percentile",
        }.AcceptOnlyFromAmong("percentile", "basic");
        var noKendallCi = new Option<bool>("--no-kendall-ci") { Description = "Skip the bootstrap interval of Kendall's tau-b (its O(n log n) resamples are the slowest part)" };
        var nanPolicy = new Option<string>("--nan-policy")
        {
            Description = "NaN in the truth or a prediction: raise (default) or omit (drop the item for every model)",
            DefaultValueFactory = _ => "raise",
        }.AcceptOnlyFromAmong("raise", "omit");

        var command = new Command("evaluate", """
            Judge models by rank against human scores on the same items: Spearman, Kendall tau-b, Pearson, MSE and MAE
            with bootstrap intervals (the same item resamples for every model); runs of one model summarised across
            seeds; every pair of models compared (Williams' t, Steiger's z, Hittner's z, Zou's interval, paired
            bootstrap of the difference); a note when MSE and rank correlation order the models differently; and,
            with --responses, the split-half ceiling and each model's rho as a fraction of it.
            Example: rankwise evaluate --truth scores.csv:human --pred a=preds.csv:a --pred b=preds.csv:b --responses responses.csv --seed 1
            """)
        {
            truth, pred, runGroup, responses, layout, columns, splits, resamples, seed, confidence, ci, noKendallCi, nanPolicy,
        };
        command.SetAction(parse =>
        {
            int b = parse.GetValue(resamples);
            if (b < 1)
                throw new UsageException($"--resamples must be at least 1, got {b}");
            double level = ConsistencyCommand.Options.CheckLevel(parse.GetValue(confidence));
            int splitCount = ConsistencyCommand.Options.CheckSplits(parse.GetValue(splits));
            string[] preds = parse.GetValue(pred) ?? [];
            string[] groups = parse.GetValue(runGroup) ?? [];
            if (preds.Length == 0 && groups.Length == 0)
                throw new UsageException("give at least one model: --pred [name=]file or --run-group name=file1,file2,...");
            string? responsesPath = parse.GetValue(responses);
            if (responsesPath is null && (parse.GetResult(layout) is { Implicit: false } || parse.GetResult(columns) is not null))
                throw new UsageException("--layout and --columns describe the --responses file; give --responses too");

            // Parse every name first (usage errors before any file is read).
            var specs = new List<(string Name, string Selector, string? Group)>();
            foreach (string p in preds)
            {
                var (name, selector) = SplitName(p, "--pred");
                specs.Add((name, selector, null));
            }
            foreach (string g in groups)
            {
                int eq = g.IndexOf('=');
                if (eq <= 0 || eq == g.Length - 1)
                    throw new UsageException($"--run-group takes name=P1,P2,... , got '{g}'");
                string groupName = g[..eq].Trim();
                string[] runs = g[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                foreach (string run in runs)
                {
                    var (name, selector) = SplitName(run, "--run-group");
                    specs.Add((name, selector, groupName));
                }
            }
            var duplicate = specs.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new UsageException($"two models are named '{duplicate.Key}'; name them with name=file (e.g. --pred a={duplicate.First().Selector})");

            string truthSelector = parse.GetValue(truth)!;
            double[] truthValues = ArrayReader.ReadVector<double>(truthSelector);
            var models = new List<ModelPredictions>();
            foreach (var spec in specs)
            {
                double[] values = ArrayReader.ReadVector<double>(spec.Selector);
                if (values.Length != truthValues.Length)
                    throw new RankwiseInputException(spec.Selector, $"has {values.Length} predictions but {truthSelector} has {truthValues.Length} items; predictions must be in the truth's item order");
                models.Add(new ModelPredictions(spec.Name, values, spec.Group));
            }

            SplitHalfResult? ceiling = null;
            long missing = 0;
            if (responsesPath is not null)
            {
                var table = ConsistencyCommand.Options.ReadResponses(responsesPath, parse.GetValue(layout), parse.GetValue(columns));
                missing = table.MissingCount;
                ceiling = SplitHalfConsistency.Compute(table, new SplitHalfOptions { Splits = splitCount, Seed = parse.GetValue(seed), ConfidenceLevel = level }, context.Cancellation);
            }

            EvaluationReport report;
            try
            {
                report = CliProgress.Run(context, parse, $"bootstrap ({b} resamples x {models.Count} model{(models.Count == 1 ? "" : "s")})", progress =>
                    ModelEvaluation.Evaluate(truthValues, models, new EvaluationOptions
                    {
                        Resamples = b,
                        Seed = parse.GetValue(seed),
                        ConfidenceLevel = level,
                        IntervalMethod = parse.GetValue(ci) == "basic" ? BootstrapMethod.Basic : BootstrapMethod.Percentile,
                        KendallInterval = !parse.GetValue(noKendallCi),
                        NanPolicy = parse.GetValue(nanPolicy) == "omit" ? NanPolicy.Omit : NanPolicy.Raise,
                        Progress = progress,
                    }, ceiling, context.Cancellation));
            }
            catch (RankwiseInputException e) when (e.Source == "truth" || specs.Any(spec => spec.Name == e.Source))
            {
                // Name the file (the library names the truth and the models).
                string file = e.Source == "truth" ? truthSelector : specs.First(spec => spec.Name == e.Source).Selector;
                throw new RankwiseInputException(file, e.Problem, e);
            }
            var output = ToOutput(report, specs.ToDictionary(s => s.Name, s => s.Selector), missing);
            if (parse.GetValue(GlobalOptions.Report) is not null)
                AddFigures(output, report, truthValues, models);
            return context.Emit(parse, output);
        });
        return command;
    }

    /// <summary>
    /// Splits <c>name=selector</c>; without a name the model is named by the selector's column or member name
    /// (<c>preds.csv:resnet</c> → <c>resnet</c>) or else the file name without extension. The text is a
    /// <c>name=selector</c> pair when it is not an existing file and the part before the first <c>=</c> holds no
    /// <c>/</c>, <c>\</c> or <c>:</c>.
    /// </summary>
    /// <param name="text">The option value.</param>
    /// <param name="option">The option's name, for error messages.</param>
    /// <returns>The model name and the array selector.</returns>
    /// <exception cref="UsageException">An empty name or selector.</exception>
    public static (string Name, string Selector) SplitName(string text, string option)
    {
        text = text.Trim();
        int eq = text.IndexOf('=');
        if (eq > 0 && !File.Exists(text))
        {
            string name = text[..eq].Trim();
            if (name.IndexOfAny(['/', '\\', ':']) < 0)
            {
                string selector = text[(eq + 1)..].Trim();
                if (name.Length == 0 || selector.Length == 0)
                    throw new UsageException($"{option} takes [name=]file, got '{text}'");
                return (name, selector);
            }
        }
        if (text.Length == 0)
            throw new UsageException($"{option} got an empty file name");
        var parsed = ArraySelector.Parse(text);
        return (parsed.Name ?? Path.GetFileNameWithoutExtension(parsed.Path), text);
    }

    private static JsonObject Estimate(MetricEstimate e) => new()
    {
        ["value"] = Exporters.Number(e.Value),
        ["ci"] = JsonParts.Interval(e.Interval),
    };

    private static JsonObject? Test(CorrelationComparisonResult? r) => r is null ? null : new JsonObject
    {
        ["statistic"] = Exporters.Number(r.Statistic),
        ["pvalue"] = Exporters.Number(r.PValue),
        ["df"] = r.DegreesOfFreedom is { } df ? df : null,
    };

    private static JsonObject? Tests(DependentCorrelationTests? t) => t is null ? null : new JsonObject
    {
        ["r_truth_a"] = Exporters.Number(t.Williams.CorrelationJk),
        ["r_truth_b"] = Exporters.Number(t.Williams.CorrelationJh),
        ["r_a_b"] = Exporters.Number(t.Williams.CorrelationKh),
        ["williams"] = Test(t.Williams),
        ["steiger"] = Test(t.Steiger),
        ["hittner"] = Test(t.Hittner),
        ["zou_ci"] = JsonParts.Interval(t.Zou.ConfidenceInterval),
    };

    /// <summary>
    /// Report plots: predicted rank against true rank for the model with the highest ρ, ρ per model with its bootstrap
    /// interval, the bootstrap distribution of each model's ρ, and of the ρ difference of every compared pair.
    /// </summary>
    internal static void AddFigures(CommandOutput output, EvaluationReport r, double[] truth, IReadOnlyList<ModelPredictions> models)
    {
        output.Title = $"Evaluation of {r.Models.Count} model{(r.Models.Count == 1 ? "" : "s")} on {r.Items} items";
        var best = r.Models.Where(m => !double.IsNaN(m.Metrics[EvaluationMetric.Spearman].Value))
            .OrderByDescending(m => m.Metrics[EvaluationMetric.Spearman].Value).FirstOrDefault();
        if (best is not null && r.ItemsDropped == 0)
        {
            var spearman = best.Metrics[EvaluationMetric.Spearman];
            double[] predicted = models.First(m => m.Name == best.Name).Values;
            output.Figures.Add(new ScatterFigure("rank-scatter", $"Predicted rank vs true rank ({best.Name})",
                $"Spearman ρ = {Exporters.FormatCell(spearman.Value, true)}" +
                (spearman.Interval is { } ci ? $", {ci.Level:P0} CI [{Exporters.FormatCell(ci.Low, true)}, {Exporters.FormatCell(ci.High, true)}]" : "") +
                ". Each point is one item; points on the dashed diagonal are ranked identically by the model and the humans.",
                "true rank", "predicted rank", [new Series("items", Ranking.Rank.RankData(truth), Ranking.Rank.RankData(predicted))], Diagonal: true));
        }
        var rhos = r.Models.Select(m => m.Metrics[EvaluationMetric.Spearman]).ToList();
        output.Figures.Add(new BarFigure("spearman-per-model", "Spearman ρ per model with bootstrap intervals",
            $"Bars: ρ on all {r.Items} items; whiskers: {r.IntervalMethod} bootstrap interval over items ({r.Resamples} resamples, the same for every model)." +
            (r.Ceiling is { } ceiling ? $" Human split-half ceiling (raw): {Exporters.FormatCell(ceiling.Raw.Mean, true)}." : ""),
            "Spearman ρ", r.Models.Select(m => m.Name).ToList(), rhos.Select(m => m.Value).ToArray(),
            rhos.Select(m => m.Interval?.Low ?? double.NaN).ToArray(), rhos.Select(m => m.Interval?.High ?? double.NaN).ToArray()));
        foreach (var model in r.Models)
        {
            if (!r.BootstrapDistributions.TryGetValue(model.Name, out var distributions)
                || !distributions.TryGetValue(EvaluationMetric.Spearman, out var distribution)
                || model.Metrics[EvaluationMetric.Spearman].Interval is not { } interval)
                continue;
            output.Figures.Add(new HistogramFigure($"bootstrap-{model.Name}", $"Bootstrap distribution of Spearman ρ ({model.Name})",
                $"{distribution.Length} resamples of the items with replacement; the lines mark the observed ρ and the {interval.Method} interval.",
                "Spearman ρ", distribution,
                [("observed", model.Metrics[EvaluationMetric.Spearman].Value), ("interval low", interval.Low), ("interval high", interval.High)]));
        }
        foreach (var c in r.Comparisons)
        {
            if (!r.BootstrapDistributions.TryGetValue(c.A, out var a) || !r.BootstrapDistributions.TryGetValue(c.B, out var b)
                || !a.TryGetValue(EvaluationMetric.Spearman, out var da) || !b.TryGetValue(EvaluationMetric.Spearman, out var db)
                || c.Differences[EvaluationMetric.Spearman] is not { Interval: { } interval } difference)
                continue;
            var values = new double[da.Length];
            for (int i = 0; i < values.Length; i++)
                values[i] = da[i] - db[i];
            output.Figures.Add(new HistogramFigure($"difference-{c.A}-{c.B}", $"Paired bootstrap of ρ({c.A}) − ρ({c.B})",
                $"The same item resamples for both models; an interval that excludes 0 means the ranking difference is not a resampling accident.",
                "difference in Spearman ρ", values,
                [("observed", difference.Difference), ("interval low", interval.Low), ("interval high", interval.High), ("zero", 0.0)]));
        }
    }

    internal static CommandOutput ToOutput(EvaluationReport r, IReadOnlyDictionary<string, string> sources, long missing)
    {
        var json = new JsonObject
        {
            ["items"] = r.Items,
            ["items_dropped"] = r.ItemsDropped,
            ["resamples"] = r.Resamples,
            ["seed"] = r.Seed,
            ["confidence"] = r.ConfidenceLevel,
            ["ci_method"] = r.IntervalMethod,
            ["ceiling"] = r.Ceiling is null ? null : JsonParts.SplitHalf(r.Ceiling, missing, perSplit: false),
        };
        var models = new JsonArray();
        foreach (var m in r.Models)
        {
            var o = new JsonObject { ["name"] = m.Name, ["source"] = sources[m.Name], ["run_group"] = m.RunGroup };
            foreach (var metric in Metrics)
                o[ModelEvaluation.Name(metric)] = Estimate(m.Metrics[metric]);
            o["fraction_of_ceiling"] = m.FractionOfCeiling is { } f ? Exporters.Number(f) : null;
            o["fraction_of_corrected_ceiling"] = m.FractionOfCorrectedCeiling is { } fc ? Exporters.Number(fc) : null;
            models.Add(o);
        }
        json["models"] = models;
        var groups = new JsonArray();
        foreach (var g in r.RunGroups)
        {
            var o = new JsonObject { ["name"] = g.Name, ["runs"] = JsonParts.Strings(g.Runs) };
            foreach (var metric in Metrics)
            {
                var e = g.Metrics[metric];
                o[ModelEvaluation.Name(metric)] = new JsonObject
                {
                    ["mean"] = Exporters.Number(e.Mean),
                    ["sd"] = Exporters.Number(e.StandardDeviation),
                    ["min"] = Exporters.Number(e.Min),
                    ["max"] = Exporters.Number(e.Max),
                    ["ci_runs"] = JsonParts.Interval(e.AcrossRuns),
                    ["ci_items"] = JsonParts.Interval(e.AcrossItems),
                };
            }
            o["fraction_of_ceiling"] = g.FractionOfCeiling is { } f ? Exporters.Number(f) : null;
            groups.Add(o);
        }
        json["run_groups"] = groups;
        var comparisons = new JsonArray();
        foreach (var c in r.Comparisons)
        {
            var o = new JsonObject { ["a"] = c.A, ["b"] = c.B };
            foreach (var metric in Metrics)
            {
                var d = c.Differences[metric];
                var entry = new JsonObject { ["difference"] = Exporters.Number(d.Difference), ["bootstrap_ci"] = JsonParts.Interval(d.Interval) };
                if (metric == EvaluationMetric.Spearman)
                    entry["tests"] = Tests(c.Spearman);
                else if (metric == EvaluationMetric.Pearson)
                    entry["tests"] = Tests(c.Pearson);
                o[ModelEvaluation.Name(metric)] = entry;
            }
            comparisons.Add(o);
        }
        json["comparisons"] = comparisons;
        json["order_by_spearman"] = JsonParts.Strings(r.OrderBySpearman);
        json["order_by_mse"] = JsonParts.Strings(r.OrderByMse);
        json["disagreements"] = new JsonArray(r.Disagreements.Select(d => (JsonNode)new JsonObject
        {
            ["better_by_rank"] = d.BetterByRank,
            ["better_by_mse"] = d.BetterByLoss,
            ["spearman"] = new JsonObject { [d.BetterByRank] = Exporters.Number(d.SpearmanOfBetterByRank), [d.BetterByLoss] = Exporters.Number(d.SpearmanOfBetterByLoss) },
            ["mse"] = new JsonObject { [d.BetterByRank] = Exporters.Number(d.MseOfBetterByRank), [d.BetterByLoss] = Exporters.Number(d.MseOfBetterByLoss) },
            ["note"] = d.Describe(),
        }).ToArray());
        json["warnings"] = JsonParts.Strings(r.Warnings);

        var output = new CommandOutput(json);
        var metricsTable = new ResultTable($"models ({r.Items} items, {r.Resamples} bootstrap resamples, {r.ConfidenceLevel * 100:0.##}% {r.IntervalMethod} intervals)",
            ["model", "run_group", "metric", "value", "ci_low", "ci_high", "of_ceiling"]);
        foreach (var m in r.Models)
        {
            foreach (var metric in Metrics)
            {
                var e = m.Metrics[metric];
                metricsTable.Add(m.Name, m.RunGroup, ModelEvaluation.Name(metric), e.Value, e.Interval?.Low, e.Interval?.High,
                    metric == EvaluationMetric.Spearman ? m.FractionOfCeiling : null);
            }
        }
        output.Tables.Add(metricsTable);
        if (r.RunGroups.Count > 0)
        {
            var groupTable = new ResultTable("run groups: mean over runs, run-to-run spread (t interval) and item uncertainty (bootstrap)",
                ["group", "runs", "metric", "mean", "sd", "runs_low", "runs_high", "items_low", "items_high"]);
            foreach (var g in r.RunGroups)
            {
                foreach (var metric in Metrics)
                {
                    var e = g.Metrics[metric];
                    groupTable.Add(g.Name, g.Runs.Count, ModelEvaluation.Name(metric), e.Mean, e.StandardDeviation, e.AcrossRuns.Low, e.AcrossRuns.High, e.AcrossItems?.Low, e.AcrossItems?.High);
                }
            }
            output.Tables.Add(groupTable);
        }
        if (r.Comparisons.Count > 0)
        {
            var differenceTable = new ResultTable("differences a - b on the same items (paired bootstrap interval)",
                ["a", "b", "metric", "difference", "ci_low", "ci_high"]);
            foreach (var c in r.Comparisons)
            {
                foreach (var metric in Metrics)
                {
                    var d = c.Differences[metric];
                    differenceTable.Add(c.A, c.B, ModelEvaluation.Name(metric), d.Difference, d.Interval?.Low, d.Interval?.High);
                }
            }
            output.Tables.Add(differenceTable);
            var testTable = new ResultTable("dependent-correlation tests of corr(truth, a) = corr(truth, b)",
                ["a", "b", "on", "test", "statistic", "pvalue", "ci_low", "ci_high"]);
            foreach (var c in r.Comparisons)
            {
                foreach (var (name, t) in new[] { ("spearman", c.Spearman), ("pearson", c.Pearson) })
                {
                    if (t is null)
                        continue;
                    testTable.Add(c.A, c.B, name, "williams t", t.Williams.Statistic, t.Williams.PValue, null, null);
                    testTable.Add(c.A, c.B, name, "steiger z", t.Steiger.Statistic, t.Steiger.PValue, null, null);
                    testTable.Add(c.A, c.B, name, "hittner z", t.Hittner.Statistic, t.Hittner.PValue, null, null);
                    testTable.Add(c.A, c.B, name, "zou interval", null, null, t.Zou.ConfidenceInterval?.Low, t.Zou.ConfidenceInterval?.High);
                }
            }
            if (testTable.Rows.Count > 0)
                output.Tables.Add(testTable);
        }
        if (r.Ceiling is { } ceiling)
        {
            output.Tables.Add(new ResultTable($"ceiling: split-half consistency of the responses ({ceiling.Splits} splits, {ceiling.Subjects} subjects)",
                    ["quantity", "mean", "sd", "low", "high"])
                .Add($"raw split-half {ceiling.Method}", ceiling.Raw.Mean, ceiling.Raw.StandardDeviation, ceiling.Raw.Interval.Low, ceiling.Raw.Interval.High)
                .Add(FormattableString.Invariant($"Spearman-Brown corrected (k={ceiling.SpearmanBrownFactor})"), ceiling.Corrected.Mean, ceiling.Corrected.StandardDeviation, ceiling.Corrected.Interval.Low, ceiling.Corrected.Interval.High));
            output.Notes.Add("of_ceiling = model Spearman rho / raw split-half rho (the figure papers compare against); JSON also has fraction_of_corrected_ceiling");
        }
        output.Notes.AddRange(r.Disagreements.Select(d => d.Describe()));
        if (r.Comparisons.Any(c => c.Spearman is not null))
            output.Notes.Add("Williams/Steiger/Hittner/Zou assume bivariate normality (an approximation for Spearman's rho); the paired bootstrap interval does not");
        output.Notes.AddRange(r.Warnings);
        return output;
    }
}
