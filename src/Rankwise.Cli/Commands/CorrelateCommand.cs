using System.CommandLine;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.Correlation;
using Rankwise.Inference;
using Rankwise.IO;

namespace Rankwise.Cli.Commands;

/// <summary><c>rankwise correlate X Y</c>: one correlation with its p-value and an optional confidence interval.</summary>
public static class CorrelateCommand
{
    private static readonly string[] Methods = ["pearson", "spearman", "kendall", "kendall-c", "weighted-tau", "somers-d"];

    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var x = new Argument<string>("X") { Description = "First variable: file.npy, file.csv:column, file.npz:name, file.safetensors:name, ..." };
        var y = new Argument<string>("Y") { Description = "Second variable, same length as X" };
        var method = new Option<string>("--method", "-m")
        {
            Description = "Correlation: pearson, spearman (default), kendall (tau-b), kendall-c, weighted-tau, somers-d",
            DefaultValueFactory = _ => "spearman",
        }.AcceptOnlyFromAmong(Methods);
        var alternative = new Option<string>("--alternative")
        {
            Description = "Alternative hypothesis: two-sided (default), less, greater",
            DefaultValueFactory = _ => "two-sided",
        }.AcceptOnlyFromAmong(OptionParsing.Alternatives);
        var nanPolicy = new Option<string>("--nan-policy")
        {
            Description = "NaN handling: propagate (default; NaN result), omit (drop pairs with a NaN), raise (error)",
            DefaultValueFactory = _ => "propagate",
        }.AcceptOnlyFromAmong(OptionParsing.NanPolicies);
        var ci = new Option<string>("--ci")
        {
            Description = "Confidence interval: none (default), fisher (Pearson only), percentile, basic, bca (bootstrap over pairs)",
            DefaultValueFactory = _ => "none",
        }.AcceptOnlyFromAmong("none", "fisher", "percentile", "basic", "bca");
        var confidence = new Option<double>("--confidence")
        {
            Description = "Confidence level in (0, 1)",
            DefaultValueFactory = _ => 0.95,
        };
        var resamples = new Option<int>("--resamples")
        {
            Description = "Bootstrap resamples",
            DefaultValueFactory = _ => 9999,
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Random seed for the bootstrap (same seed, same interval)",
            DefaultValueFactory = _ => 0UL,
        };

        var command = new Command("correlate", """
            Correlate two variables with a p-value and an optional confidence interval.
            Example: rankwise correlate truth.csv:score model.npy --method kendall --ci bca --seed 1 --format json
            """)
        {
            x, y, method, alternative, nanPolicy, ci, confidence, resamples, seed,
        };
        command.SetAction(parse =>
        {
            double level = parse.GetValue(confidence);
            if (!(level > 0 && level < 1))
                throw new UsageException($"--confidence must be in (0, 1), got {level}");
            int b = parse.GetValue(resamples);
            if (b < 1)
                throw new UsageException($"--resamples must be at least 1, got {b}");
            var m = ParseMethod(parse.GetValue(method)!);
            string ciName = parse.GetValue(ci)!;
            if (ciName == "fisher" && m != CorrelationMethod.Pearson)
                throw new UsageException("--ci fisher is the Pearson interval; use --ci percentile, basic or bca for other methods");

            var xs = ArrayReader.ReadVector<double>(parse.GetValue(x)!);
            var ys = ArrayReader.ReadVector<double>(parse.GetValue(y)!);
            if (xs.Length != ys.Length)
                throw new RankwiseInputException(parse.GetValue(y), $"has {ys.Length} values but {parse.GetValue(x)} has {xs.Length}; X and Y must be paired");

            var alt = OptionParsing.ParseAlternative(parse.GetValue(alternative));
            var nan = OptionParsing.ParseNanPolicy(parse.GetValue(nanPolicy));
            if (nan == NanPolicy.Raise)
            {
                // Name the file in the error, not the library's "x"/"y".
                foreach (var (values, selector) in new[] { (xs, parse.GetValue(x)!), (ys, parse.GetValue(y)!) })
                {
                    int first = Array.FindIndex(values, double.IsNaN);
                    if (first >= 0)
                        throw new RankwiseInputException(selector, $"contains NaN at index {first} (--nan-policy raise)");
                }
            }
            (CorrelationResult result, BootstrapResult? boot) = ciName switch
            {
                "none" => (Correlate.Compute(m, xs, ys, alt, nan), null),
                "fisher" => (PearsonCorrelation.Compute(xs, ys, alt, nan, level), null),
                _ => CliProgress.Run(context, parse, $"bootstrap ({b} resamples)", progress =>
                    CorrelationBootstrap.Run(m, xs, ys, alt, nan, new BootstrapOptions
                    {
                        Method = ciName switch { "percentile" => BootstrapMethod.Percentile, "basic" => BootstrapMethod.Basic, _ => BootstrapMethod.BCa },
                        ConfidenceLevel = level,
                        Resamples = b,
                        Seed = parse.GetValue(seed),
                        Alternative = alt,
                        Progress = progress,
                    }, context.Cancellation)),
            };
            foreach (var warning in result.Warnings)
                context.Error.WriteLine("warning: " + string.Join(' ', warning.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)));
            var output = ToOutput(result);
            if (parse.GetValue(GlobalOptions.Report) is not null)   // the plots rank every pair: only when a report is asked for
                AddFigures(output, xs, ys, result, boot, parse.GetValue(x)!, parse.GetValue(y)!);
            return context.Emit(parse, output);
        });
        return command;
    }

    /// <summary>Report plots: rank of Y against rank of X, and the bootstrap distribution when there is one.</summary>
    private static void AddFigures(CommandOutput output, double[] xs, double[] ys, CorrelationResult result, BootstrapResult? boot, string nameX, string nameY)
    {
        output.Title = $"{result.Method} correlation: {nameX} vs {nameY}";
        var keep = Enumerable.Range(0, xs.Length).Where(i => !double.IsNaN(xs[i]) && !double.IsNaN(ys[i])).ToArray();
        if (keep.Length >= 2)
        {
            var rx = Ranking.Rank.RankData(keep.Select(i => xs[i]).ToArray());
            var ry = Ranking.Rank.RankData(keep.Select(i => ys[i]).ToArray());
            string ci = result.ConfidenceInterval is { } c ? $", {c.Level:P0} CI [{Exporters.FormatCell(c.Low, true)}, {Exporters.FormatCell(c.High, true)}]" : "";
            output.Figures.Add(new ScatterFigure("rank-scatter", "Rank of Y vs rank of X",
                $"{result.Method} = {Exporters.FormatCell(result.Statistic, true)}{ci}. Each point is one item; points on the dashed diagonal are ranked identically by both variables.",
                $"rank of {nameX}", $"rank of {nameY}", [new Series("items", rx, ry)], Diagonal: true));
        }
        if (boot is not null && result.ConfidenceInterval is { } interval)
            output.Figures.Add(new HistogramFigure("bootstrap-distribution", $"Bootstrap distribution of {result.Method}",
                $"{boot.BootstrapDistribution.Length} resamples of the items with replacement; the lines mark the observed value and the {interval.Method} interval.",
                result.Method, boot.BootstrapDistribution,
                [("observed", result.Statistic), ("interval low", interval.Low), ("interval high", interval.High)]));
    }

    private static CorrelationMethod ParseMethod(string s) => s switch
    {
        "pearson" => CorrelationMethod.Pearson,
        "kendall" => CorrelationMethod.Kendall,
        "kendall-c" => CorrelationMethod.KendallC,
        "weighted-tau" => CorrelationMethod.WeightedTau,
        "somers-d" => CorrelationMethod.SomersD,
        _ => CorrelationMethod.Spearman,
    };

    /// <summary>
    /// The JSON/table form of a correlation result. The JSON object has exactly the keys <c>method</c>, <c>n</c>,
    /// <c>statistic</c>, <c>pvalue</c>, <c>alternative</c> and <c>ci</c> (<c>null</c> or <c>{method, level, low, high}</c>);
    /// the result's warnings are notes under the table (the command also prints them on standard error).
    /// </summary>
    public static CommandOutput ToOutput(CorrelationResult r)
    {
        var ci = r.ConfidenceInterval;
        var json = new JsonObject
        {
            ["method"] = r.Method,
            ["n"] = r.N,
            ["statistic"] = Exporters.Number(r.Statistic),
            ["pvalue"] = Exporters.Number(r.PValue),
            ["alternative"] = OptionParsing.Format(r.Alternative),
            ["ci"] = ci is null ? null : new JsonObject
            {
                ["method"] = ci.Method,
                ["level"] = ci.Level,
                ["low"] = Exporters.Number(ci.Low),
                ["high"] = Exporters.Number(ci.High),
            },
        };
        var output = new CommandOutput(json);
        var table = new ResultTable(null, ["method", "n", "statistic", "pvalue", "alternative", "ci_method", "ci_level", "ci_low", "ci_high"]);
        table.Add(r.Method, r.N, r.Statistic, r.PValue, OptionParsing.Format(r.Alternative), ci?.Method, ci?.Level, ci?.Low, ci?.High);
        output.Tables.Add(table);
        output.Notes.AddRange(r.Warnings);
        return output;
    }
}
