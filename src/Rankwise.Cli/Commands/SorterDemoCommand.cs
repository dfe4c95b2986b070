using System.CommandLine;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;

namespace Rankwise.Cli.Commands;

/// <summary><c>rankwise sorter demo</c>: pointwise vs Spearman losses with each ranker (see <see cref="SorterDemo"/>).</summary>
public static class SorterDemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var seeds = new Option<int>("--seeds") { Description = "Seeds (split + initialisation) per method", DefaultValueFactory = _ => 5 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (3 batches of 100 per epoch on diabetes, 5 on the toy)", DefaultValueFactory = _ => 25 };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples of the confidence intervals", DefaultValueFactory = _ => 2000 };
        var quick = new Option<bool>("--quick") { Description = "Smoke run: 1 seed, 5 epochs, 200 resamples" };
        var sorter = new Option<string>("--sorter") { Description = "Learned sorter (file or shipped name) accepting length 100", DefaultValueFactory = _ => "sodeep-gru-100" };
        var epsilon = new Option<double>("--epsilon") { Description = "Soft-rank ε on standardised predictions", DefaultValueFactory = _ => 0.1 };
        var command = new Command("demo", """
            Train the same small MLP with a pointwise loss (MSE / cross-entropy) and with SoDeep's Spearman loss using each
            ranker (soft rank, sigmoid sorter, learned sorter), on the diabetes data (Efron et al. 2004; regression) and
            on a synthetic binary classification toy, over several seeds; reports test Spearman with bootstrap intervals,
            MSE (after linear calibration), AUC and AP.
            Example: rankwise sorter demo --seeds 5
            """)
        {
            seeds, epochs, resamples, quick, sorter, epsilon,
        };
        command.SetAction(parse =>
        {
            bool isQuick = parse.GetValue(quick);
            var settings = new SorterDemoSettings(
                isQuick ? 1 : parse.GetValue(seeds), isQuick ? 5 : parse.GetValue(epochs), isQuick ? 200 : parse.GetValue(resamples),
                parse.GetValue(epsilon));
            if (settings.Seeds < 1)
                throw new UsageException($"--seeds must be ≥ 1, got {settings.Seeds}");
            if (settings.Epochs < 1)
                throw new UsageException($"--epochs must be ≥ 1, got {settings.Epochs}");
            if (settings.Resamples < 100)
                throw new UsageException($"--resamples must be ≥ 100, got {settings.Resamples}");
            if (!(settings.SoftRankEpsilon > 0) || !double.IsFinite(settings.SoftRankEpsilon))
                throw new UsageException($"--epsilon must be a finite number > 0, got {settings.SoftRankEpsilon}");
            string sorterSource = parse.GetValue(sorter)!;
            using var learned = SorterCommand.Resolve(sorterSource);
            if (!learned.AcceptsLength(100))
                throw new RankwiseInputException(sorterSource, "the demo ranks batches of 100, which this sorter does not accept");
            var results = CliProgress.Run(context, parse, $"demo ({settings.Seeds} seed(s), {settings.Epochs} epochs)", bar =>
                SorterDemo.Run(settings, learned, bar, context.Cancellation));
            return context.Emit(parse, Render(results, settings, sorterSource));
        });
        return command;
    }

    private static CommandOutput Render(IReadOnlyList<SorterDemoMethod> results, SorterDemoSettings settings, string sorter)
    {
        var methods = new JsonArray();
        var regression = new ResultTable($"diabetes (442 patients, 300 train / 142 test), {settings.Seeds} seed(s), {settings.Epochs} epochs",
            ["loss", "ranker", "test spearman", "95% CI (seeds)", "test MSE (calibrated)"]);
        var toy = new ResultTable($"toy binary classification (500 train / 1000 test), {settings.Seeds} seed(s), {settings.Epochs} epochs",
            ["loss", "ranker", "test spearman", "95% CI (seeds)", "test AUC", "test AP"]);
        foreach (var m in results)
        {
            double mse = m.Runs.Average(r => r.Mse), auc = m.Runs.Average(r => r.Auc), ap = m.Runs.Average(r => r.AveragePrecision);
            string ci = double.IsNaN(m.SpearmanMeanCi.Low) ? "" : $"[{Exporters.FormatCell(m.SpearmanMeanCi.Low, true)}, {Exporters.FormatCell(m.SpearmanMeanCi.High, true)}]";
            if (m.Task == "diabetes")
                regression.Add(m.Loss, m.Ranker ?? "-", m.SpearmanMean, ci, mse);
            else
                toy.Add(m.Loss, m.Ranker ?? "-", m.SpearmanMean, ci, auc, ap);
            var runs = new JsonArray();
            foreach (var r in m.Runs)
            {
                runs.Add(new JsonObject
                {
                    ["seed"] = r.Seed,
                    ["spearman"] = Exporters.Number(r.Spearman),
                    ["spearman_ci"] = Ci(r.SpearmanCi),
                    ["mse"] = Exporters.Number(r.Mse),
                    ["auc"] = Exporters.Number(r.Auc),
                    ["average_precision"] = Exporters.Number(r.AveragePrecision),
                });
            }
            methods.Add(new JsonObject
            {
                ["task"] = m.Task,
                ["loss"] = m.Loss,
                ["ranker"] = m.Ranker,
                ["spearman_mean"] = Exporters.Number(m.SpearmanMean),
                ["spearman_mean_ci"] = Ci(m.SpearmanMeanCi),
                ["mse_mean"] = Exporters.Number(mse),
                ["auc_mean"] = Exporters.Number(auc),
                ["average_precision_mean"] = Exporters.Number(ap),
                ["runs"] = runs,
            });
        }
        var json = new JsonObject
        {
            ["seeds"] = settings.Seeds,
            ["epochs"] = settings.Epochs,
            ["resamples"] = settings.Resamples,
            ["soft_rank_epsilon"] = settings.SoftRankEpsilon,
            ["sorter"] = sorter,
            ["methods"] = methods,
        };
        var output = new CommandOutput(json);
        output.Tables.Add(regression);
        output.Tables.Add(toy);
        output.Notes.Add("test spearman: mean over seeds of the test-set ρ; 95% CI: percentile bootstrap of that mean over seeds " +
            "(per-seed BCa intervals over test items are in the JSON). Rank losses fix predictions up to a monotone map, so MSE is " +
            "measured after a linear calibration fitted on the training set.");
        return output;
    }

    private static JsonObject Ci(ConfidenceInterval ci) => new()
    {
        ["method"] = ci.Method,
        ["level"] = ci.Level,
        ["low"] = Exporters.Number(ci.Low),
        ["high"] = Exporters.Number(ci.High),
    };
}
