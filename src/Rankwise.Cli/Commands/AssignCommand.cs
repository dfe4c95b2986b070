using System.CommandLine;
using System.Text.Json.Nodes;
using Rankwise.Assignment;
using Rankwise.Cli.Infrastructure;
using Rankwise.IO;

namespace Rankwise.Cli.Commands;

/// <summary><c>rankwise assign COST</c>: optimal one-to-one assignment (scipy's linear_sum_assignment).</summary>
public static class AssignCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var cost = new Argument<string>("COST") { Description = "Cost (or, with --maximize, score) matrix [rows, cols]: .npy, .csv, .npz:name, ..." };
        var maximize = new Option<bool>("--maximize") { Description = "Maximise the total instead of minimising it" };
        var command = new Command("assign", """
            Solve the linear assignment problem on a rectangular matrix (+inf marks a forbidden pair).
            Example: rankwise assign similarity.npy --maximize --format json
            """)
        {
            cost, maximize,
        };
        command.SetAction(parse =>
        {
            string source = parse.GetValue(cost)!;
            var matrix = ArrayReader.ReadMatrix<double>(source);
            AssignmentResult result;
            try
            {
                result = LinearAssignment.Solve(matrix, parse.GetValue(maximize));
            }
            catch (ArgumentException ex)
            {
                // NaN / wrong-signed infinities / infeasible: a property of the input file.
                throw new RankwiseInputException(source, ex.Message.Split(" (Parameter")[0]);
            }
            var json = new JsonObject
            {
                ["rows"] = new JsonArray(result.Rows.Select(r => (JsonNode?)r).ToArray()),
                ["cols"] = new JsonArray(result.Columns.Select(c => (JsonNode?)c).ToArray()),
                ["total"] = Exporters.Number(result.Total),
            };
            var output = new CommandOutput(json);
            var table = new ResultTable($"assignment of a {matrix.Rows} × {matrix.Columns} matrix, total {Exporters.FormatCell(result.Total)}", ["row", "col", "value"]);
            for (int i = 0; i < result.Rows.Length; i++)
                table.Add(result.Rows[i], result.Columns[i], matrix[result.Rows[i], result.Columns[i]]);
            output.Tables.Add(table);
            return context.Emit(parse, output);
        });
        return command;
    }
}
