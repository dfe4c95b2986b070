using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Torch;
using Rankwise.Torch.Neighbors;
using static TorchSharp.torch;

namespace Rankwise.Cli.Commands;

/// <summary>
/// <c>rankwise neighbors V Z --k 10</c>: mean nearest-neighbour overlap (Collell &amp; Moens 2018) of two representations
/// of the same items; with <c>--mapped FX</c> the three-way report of a mapping f: V → Z.
/// </summary>
public static class NeighborsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var v = new Argument<string>("V") { Description = "First representation [n, d_v] (with --mapped: the inputs X)" };
        var z = new Argument<string>("Z") { Description = "Second representation [n, d_z] of the same items (with --mapped: the targets Y)" };
        var ks = new Option<int[]>("--k")
        {
            Description = "Neighbourhood size K; repeat for an mNNO curve (default 10)",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [10],
        };
        var metric = new Option<string>("--metric")
        {
            Description = "Neighbour metric: cosine (default) or euclidean",
            DefaultValueFactory = _ => "cosine",
        }.AcceptOnlyFromAmong("cosine", "euclidean");
        var includeSelf = new Option<bool>("--include-self")
        {
            Description = "Count each item as its own neighbour (self + K−1 others), as the authors' evaluation code does; default: K other items",
        };
        var mapped = new Option<string?>("--mapped") { Description = "f(V): the mapped inputs; adds mNNO(V, f(V)), mNNO(Z, f(V)), mNNO(V, Z) and a paired test" };
        var perItem = new Option<string?>("--per-item") { Description = "Write per-item NNO counts (one column per K) to this CSV" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sign-flip permutation test (with --mapped)", DefaultValueFactory = _ => 0UL };
        var command = new Command("neighbors", """
            Mean nearest-neighbour overlap (mNNO) of two representations of the same items, exact k-NN.
            Examples:
              rankwise neighbors text.npy image.npy --k 10 --k 30 --metric cosine
              rankwise neighbors x.npy y.npy --mapped fx.npy --k 10 --format json
            """)
        {
            v, z, ks, metric, includeSelf, mapped, perItem, seed,
        };
        command.SetAction(parse =>
        {
            var kList = (parse.GetValue(ks) ?? [10]).Distinct().ToArray();
            if (kList.Any(k => k < 1))
                throw new UsageException($"--k must be at least 1, got {kList.Min()}");
            var m = parse.GetValue(metric) == "euclidean" ? KnnMetric.Euclidean : KnnMetric.Cosine;
            bool self = parse.GetValue(includeSelf);
            string fileV = parse.GetValue(v)!, fileZ = parse.GetValue(z)!;
            var output = CliProgress.Run(context, parse, "exact k-NN", progress =>
                Compute(fileV, fileZ, parse.GetValue(mapped), kList, m, self, parse.GetValue(perItem), parse.GetValue(seed), progress, context));
            return context.Emit(parse, output);
        });
        return command;
    }

    private static Tensor Load(string source, int? rows = null, string? other = null)
    {
        var matrix = ArrayReader.ReadMatrix<float>(source);
        if (rows is int n && matrix.Rows != n)
            throw new RankwiseInputException(source, $"has {matrix.Rows} rows but {other} has {n}; rows must be the same items");
        foreach (var value in matrix.Data)
            if (!float.IsFinite(value))
                throw new RankwiseInputException(source, "contains NaN or infinite values");
        return TensorConversions.ToTensor(matrix);
    }

    private static CommandOutput Compute(string fileV, string fileZ, string? fileFx, int[] kList, KnnMetric metric, bool self,
        string? perItemPath, ulong seed, IProgress<double>? progress, CliContext context)
    {
        using var scope = NewDisposeScope();
        var tv = Load(fileV);
        int n = (int)tv.shape[0];
        var tz = Load(fileZ, n, fileV);
        int kMax = kList.Max();
        int limit = self ? n : n - 1;
        if (kMax > limit)
            throw new RankwiseInputException(fileV, $"has {n} items, so K can be at most {limit}{(self ? "" : " (self excluded)")}, got {kMax}");
        string metricName = metric == KnnMetric.Euclidean ? "euclidean" : "cosine";

        KnnResult Search(Tensor t, double from, double to) =>
            new ExactKnn(metric, new KnnOptions { Progress = Scaled(progress, from, to) }).SelfQuery(t, kMax, self, context.Cancellation);

        bool withMapping = fileFx is not null;
        var a = Search(tv, 0, 0.5);
        var b = Search(tz, 0.5, 1);

        var results = new JsonArray();
        var table = new ResultTable($"mNNO of {fileV} and {fileZ} ({n} items, {metricName}, {(self ? "self included" : "self excluded")})",
            ["k", "mnno", "jaccard"]);
        var perItemColumns = new List<int[]>();
        var mnno = new double[kList.Length];
        for (int i = 0; i < kList.Length; i++)
        {
            int k = kList[i];
            var counts = NeighborOverlap.PerItem(a, b, k);
            perItemColumns.Add(counts);
            mnno[i] = NeighborOverlap.Mean(a, b, k);
            double jaccard = NeighborOverlap.Jaccard(a, b, k);
            results.Add(new JsonObject
            {
                ["k"] = k,
                ["metric"] = metricName,
                ["include_self"] = self,
                ["mnno"] = Exporters.Number(mnno[i]),
                ["jaccard"] = Exporters.Number(jaccard),
            });
            table.Add(k, mnno[i], jaccard);
        }
        var json = new JsonObject { ["n"] = n, ["results"] = results };
        var output = new CommandOutput(json) { Title = $"Neighbourhood overlap: {Path.GetFileName(fileV)} vs {Path.GetFileName(fileZ)}" };
        output.Tables.Add(table);

        if (kList.Length > 1)
        {
            var order = Enumerable.Range(0, kList.Length).OrderBy(i => kList[i]).ToArray();
            output.Figures.Add(new LineFigure("mnno-curve", "mNNO vs K",
                "Fraction of the K nearest neighbours that paired items share in the two spaces, for each K.",
                "K", "mNNO", [new Series("mNNO", order.Select(i => (double)kList[i]).ToArray(), order.Select(i => mnno[i]).ToArray())]));
        }
        output.Figures.Add(new HistogramFigure("nno-per-item", $"Per-item overlap NNO^{kList[0]}",
            "How many of its K nearest neighbours each item shares across the two spaces.",
            $"NNO^{kList[0]}", perItemColumns[0].Select(c => (double)c).ToArray(), [("mean", mnno[0] * kList[0])]));

        if (withMapping)
        {
            var tfx = Load(fileFx!, n, fileV);
            var report = MappingNeighborhood.Compare(tv, tz, tfx, kList[0], metric, self, permutation: new PermutationOptions { Seed = seed },
                cancellationToken: context.Cancellation);
            var w = report.Wilcoxon;
            json["mapping"] = new JsonObject
            {
                ["k"] = report.K,
                ["mnno_x_fx"] = Exporters.Number(report.MnnoXFx),
                ["mnno_y_fx"] = Exporters.Number(report.MnnoYFx),
                ["mnno_x_y"] = Exporters.Number(report.MnnoXY),
                ["wilcoxon_statistic"] = w is null ? null : Exporters.Number(w.Statistic),
                ["wilcoxon_pvalue"] = w is null ? null : Exporters.Number(w.PValue),
                ["signflip_pvalue"] = Exporters.Number(report.SignFlip.PValue),
                ["verdict"] = Verdict(report.Verdict),
            };
            output.Tables.Add(new ResultTable($"mapping f: {fileV} → {fileZ}, f(X) = {fileFx}, K = {report.K}",
                    ["mNNO(X, f(X))", "mNNO(Y, f(X))", "mNNO(X, Y)", "Wilcoxon p", "sign-flip p", "verdict"])
                .Add(report.MnnoXFx, report.MnnoYFx, report.MnnoXY, w?.PValue, report.SignFlip.PValue, Verdict(report.Verdict)));
            output.Notes.Add(report.Verdict switch
            {
                MappingNeighborhoodVerdict.CloserToInput => $"f(X) keeps the neighbourhoods of its input X (mNNO {F(report.MnnoXFx)}) more than it reproduces those of the target Y ({F(report.MnnoYFx)}), as Collell & Moens found.",
                MappingNeighborhoodVerdict.CloserToTarget => $"f(X) reproduces the target's neighbourhoods (mNNO {F(report.MnnoYFx)}) more than it keeps the input's ({F(report.MnnoXFx)}).",
                _ => "No significant difference between mNNO(X, f(X)) and mNNO(Y, f(X)).",
            });
            output.Notes.AddRange(report.Warnings);
            output.Figures.Add(new BarFigure("mapping-mnno", "Three-way mNNO of a mapping",
                "mNNO(X, f(X)) high and mNNO(Y, f(X)) low means the mapped vectors keep the input's neighbourhood structure.",
                "mNNO", ["X, f(X)", "Y, f(X)", "X, Y"], [report.MnnoXFx, report.MnnoYFx, report.MnnoXY]));
        }

        if (perItemPath is not null)
        {
            var header = new List<string> { "item" };
            header.AddRange(kList.Select(k => $"nno_{k}"));
            var rows = Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)
                [i.ToString(CultureInfo.InvariantCulture), .. perItemColumns.Select(col => col[i].ToString(CultureInfo.InvariantCulture))]);
            CsvWriter.WriteTable(perItemPath, header, rows);
            json["per_item_file"] = perItemPath;
        }
        return output;
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Verdict(MappingNeighborhoodVerdict v) => v switch
    {
        MappingNeighborhoodVerdict.CloserToInput => "closer-to-input",
        MappingNeighborhoodVerdict.CloserToTarget => "closer-to-target",
        _ => "no-significant-difference",
    };

    private static IProgress<double>? Scaled(IProgress<double>? progress, double from, double to) =>
        progress is null ? null : new ScaledProgress(progress, from, to);

    private sealed class ScaledProgress(IProgress<double> inner, double from, double to) : IProgress<double>
    {
        public void Report(double value) => inner.Report(from + (to - from) * value);
    }
}
