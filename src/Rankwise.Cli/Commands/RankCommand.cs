using System.CommandLine;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.IO;
using Rankwise.Ranking;

namespace Rankwise.Cli.Commands;

/// <summary><c>rankwise rank X --ties average --out ranks.npy</c>: 1-based ranks of a vector (scipy's rankdata).</summary>
public static class RankCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var x = new Argument<string>("X") { Description = "The values to rank: file.npy, file.csv:column, ..." };
        var ties = new Option<string>("--ties")
        {
            Description = "Tie method: average (default), min, max, dense, ordinal",
            DefaultValueFactory = _ => "average",
        }.AcceptOnlyFromAmong(OptionParsing.TieMethods);
        var nanPolicy = new Option<string>("--nan-policy")
        {
            Description = "NaN handling: propagate (default; all ranks NaN), omit (NaN keeps NaN rank), raise (error)",
            DefaultValueFactory = _ => "propagate",
        }.AcceptOnlyFromAmong(OptionParsing.NanPolicies);
        var output = new Option<string?>("--out")
        {
            Description = "Write the ranks to this file (.npy float64, .csv or .json); without it the ranks are printed",
        };
        var command = new Command("rank", """
            Rank a vector (1-based, scipy.stats.rankdata semantics).
            Example: rankwise rank scores.npy --ties min --out ranks.npy
            """)
        {
            x, ties, nanPolicy, output,
        };
        command.SetAction(parse =>
        {
            string source = parse.GetValue(x)!;
            var values = ArrayReader.ReadVector<double>(source);
            var ranks = Rank.RankData(values, OptionParsing.ParseTies(parse.GetValue(ties)), OptionParsing.ParseNanPolicy(parse.GetValue(nanPolicy)));
            var outPath = parse.GetValue(output);
            var json = new JsonObject { ["n"] = ranks.Length, ["ties"] = parse.GetValue(ties) };
            if (outPath is not null)
            {
                try
                {
                    ArrayWriter.WriteVector(outPath, ranks, "rank");
                }
                catch (ArgumentException ex)
                {
                    throw new UsageException(ex.Message.Split(" (Parameter")[0]);
                }
                json["out"] = outPath;
            }
            else
            {
                json["ranks"] = new JsonArray(ranks.Select(Exporters.Number).ToArray());
            }
            var result = new CommandOutput(json);
            if (outPath is null)
            {
                var table = new ResultTable(null, ["index", "value", "rank"]);
                for (int i = 0; i < ranks.Length; i++)
                    table.Add(i, values[i], ranks[i]);
                result.Tables.Add(table);
            }
            else
            {
                result.Tables.Add(new ResultTable(null, ["n", "ties", "out"]).Add(ranks.Length, parse.GetValue(ties), outPath));
            }
            return context.Emit(parse, result);
        });
        return command;
    }
}
