using System.CommandLine;
using Rankwise.Cli.Infrastructure;
using Rankwise.Correlation;
using Rankwise.IO;
using Rankwise.Reliability;

namespace Rankwise.Cli.Commands;

/// <summary><c>rankwise consistency RESPONSES</c>: the split-half consistency of human responses (the ceiling).</summary>
public static class ConsistencyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var responses = new Argument<string>("RESPONSES")
        {
            Description = "Per-subject responses: long CSV/TSV (subject,item,response) or a wide subjects x items matrix (CSV/TSV/.npy, NaN or empty = not seen)",
        };
        var layout = Options.Layout();
        var columns = Options.Columns();
        var splits = Options.Splits();
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random splits (same seed, same output)", DefaultValueFactory = _ => 0UL };
        var method = new Option<string>("--method", "-m")
        {
            Description = "Correlation between the halves' item scores: spearman (default), pearson, kendall",
            DefaultValueFactory = _ => "spearman",
        }.AcceptOnlyFromAmong("spearman", "pearson", "kendall");
        var confidence = new Option<double>("--confidence") { Description = "Level of the percentile interval over splits", DefaultValueFactory = _ => 0.95 };
        var k = new Option<double>("--sb-k") { Description = "Spearman-Brown factor k of the corrected value (2 = whole panel from two halves)", DefaultValueFactory = _ => 2.0 };
        var perSplit = new Option<bool>("--per-split") { Description = "Also show every split in the table output (JSON always has them)" };

        var command = new Command("consistency", """
            Split-half consistency of human responses (Isola et al.; Khosla et al.): subjects are split into two random
            halves, each item is scored by its mean response in each half, and the halves are correlated; repeated over
            --splits random splits. Reports the raw split-half correlation (the figure papers quote) and, separately,
            the Spearman-Brown corrected reliability.
            Example: rankwise consistency responses.csv --splits 25 --seed 1 --format json
            """)
        {
            responses, layout, columns, splits, seed, method, confidence, k, perSplit,
        };
        command.SetAction(parse =>
        {
            var options = new SplitHalfOptions
            {
                Splits = Options.CheckSplits(parse.GetValue(splits)),
                Seed = parse.GetValue(seed),
                Method = parse.GetValue(method) switch { "pearson" => CorrelationMethod.Pearson, "kendall" => CorrelationMethod.Kendall, _ => CorrelationMethod.Spearman },
                ConfidenceLevel = Options.CheckLevel(parse.GetValue(confidence)),
                SpearmanBrownFactor = parse.GetValue(k) is var factor && factor > 0 && double.IsFinite(factor)
                    ? factor : throw new UsageException($"--sb-k must be positive and finite, got {factor}"),
            };
            var table = Options.ReadResponses(parse.GetValue(responses)!, parse.GetValue(layout), parse.GetValue(columns));
            var result = SplitHalfConsistency.Compute(table, options, context.Cancellation);
            return context.Emit(parse, ToOutput(result, table.MissingCount, parse.GetValue(perSplit)));
        });
        return command;
    }

    private static CommandOutput ToOutput(SplitHalfResult r, long missing, bool perSplit)
    {
        var output = new CommandOutput(JsonParts.SplitHalf(r, missing));
        var main = new ResultTable($"split-half consistency ({r.Method}, {r.Splits} splits, {r.Subjects} subjects, {r.Items} items)",
            ["quantity", "mean", "sd", "low", "high"]);
        main.Add($"raw split-half {r.Method}", r.Raw.Mean, r.Raw.StandardDeviation, r.Raw.Interval.Low, r.Raw.Interval.High);
        main.Add(FormattableString.Invariant($"Spearman-Brown corrected (k={r.SpearmanBrownFactor})"), r.Corrected.Mean, r.Corrected.StandardDeviation, r.Corrected.Interval.Low, r.Corrected.Interval.High);
        output.Tables.Add(main);
        output.Tables.Add(new ResultTable("items left out of a split (no response in one half)", ["min", "mean", "max", "undefined_splits"])
            .Add(r.ItemsLeftOutMin, r.ItemsLeftOutMean, r.ItemsLeftOutMax, r.UndefinedSplits));
        if (perSplit)
        {
            var splits = new ResultTable("per split", ["split", "items", "items_left_out", "raw", "corrected"]);
            foreach (var s in r.PerSplit)
                splits.Add(s.Index, s.Items, s.ItemsLeftOut, s.Correlation, s.Corrected);
            output.Tables.Add(splits);
        }
        output.Notes.Add(FormattableString.Invariant(
            $"interval: {r.Raw.Interval.Level * 100:0.##}% of random splits fall in [low, high] (split-to-split spread); quote the raw value when comparing with papers (e.g. 0.68 for LaMem)"));
        output.Notes.AddRange(r.Warnings);
        return output;
    }

    /// <summary>Options shared by <c>consistency</c> and <c>evaluate --responses</c>.</summary>
    internal static class Options
    {
        public static Option<string> Layout() => new Option<string>("--layout")
        {
            Description = "Response file layout: auto (default: long when the header names subject/item/response columns), long, wide",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "long", "wide");

        public static Option<string?> Columns() => new("--columns")
        {
            Description = "Long layout: the subject, item and response columns as name or index, comma-separated (e.g. worker,image,hit)",
        };

        public static Option<int> Splits() => new("--splits") { Description = "Number of random split-halves", DefaultValueFactory = _ => 25 };

        public static int CheckSplits(int splits) => splits >= 1 ? splits : throw new UsageException($"--splits must be at least 1, got {splits}");

        public static double CheckLevel(double level) =>
            level > 0 && level < 1 ? level : throw new UsageException($"--confidence must be in (0, 1), got {level}");

        public static ResponseTable ReadResponses(string path, string? layout, string? columns)
        {
            var options = new ResponseTableOptions
            {
                Layout = layout switch { "long" => ResponseLayout.Long, "wide" => ResponseLayout.Wide, _ => ResponseLayout.Auto },
            };
            if (columns is not null)
            {
                string[] parts = columns.Split(',', StringSplitOptions.TrimEntries);
                if (parts.Length != 3 || parts.Any(p => p.Length == 0))
                    throw new UsageException($"--columns takes three comma-separated columns (subject,item,response), got '{columns}'");
                if (options.Layout == ResponseLayout.Wide)
                    throw new UsageException("--columns names the columns of the long layout; it cannot be used with --layout wide");
                options = options with { Layout = ResponseLayout.Long, SubjectColumn = parts[0], ItemColumn = parts[1], ResponseColumn = parts[2] };
            }
            return ResponseTable.Read(path, options);
        }
    }
}
