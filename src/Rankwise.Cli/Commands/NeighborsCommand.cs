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
        var maxMemory = MemoryOptions.Create(
            "The streamed search reads every block pair once (about B/2 passes over each file for B blocks) and gives the same neighbours, overlaps and tests.");
        var command = new Command("neighbors", """
            Mean nearest-neighbour overlap (mNNO) of two representations of the same items, exact k-NN.
            Examples:
              rankwise neighbors text.npy image.npy --k 10 --k 30 --metric cosine
              rankwise neighbors x.npy y.npy --mapped fx.npy --k 10 --format json
              rankwise neighbors big_v.npy big_z.npy --k 10 --max-memory 2GB
            """)
        {
            v, z, ks, metric, includeSelf, mapped, perItem, seed, maxMemory,
        };
        command.SetAction(parse =>
        {
            var kList = (parse.GetValue(ks) ?? [10]).Distinct().ToArray();
            if (kList.Any(k => k < 1))
                throw new UsageException($"--k must be at least 1, got {kList.Min()}");
            var m = parse.GetValue(metric) == "euclidean" ? KnnMetric.Euclidean : KnnMetric.Cosine;
            bool self = parse.GetValue(includeSelf);
            string fileV = parse.GetValue(v)!, fileZ = parse.GetValue(z)!;
            string? fileFx = parse.GetValue(mapped);
            var budget = MemoryOptions.Parse(parse.GetValue(maxMemory));
            long? estimate = StreamingDecision([fileV, fileZ, .. fileFx is null ? Array.Empty<string>() : [fileFx]], kList.Max(), budget);
            var output = estimate is long bytes
                ? CliProgress.Run(context, parse, "exact k-NN (streamed)", progress =>
                    ComputeStreamed(fileV, fileZ, fileFx, kList, m, self, parse.GetValue(perItem), parse.GetValue(seed), budget, bytes, progress, context))
                : CliProgress.Run(context, parse, "exact k-NN", progress =>
                    Compute(fileV, fileZ, fileFx, kList, m, self, parse.GetValue(perItem), parse.GetValue(seed), progress, context));
            return context.Emit(parse, output);
        });
        return command;
    }

    /// <summary>
    /// Rough peak bytes of the in-memory path: every input as a float32 matrix and tensor (8·n·d each), one float32
    /// screening copy (4·n·(d + 1)), candidate heaps n·(k + 16)·8, the k-NN lists n·k·12 per input, and 64 MiB of blocks.
    /// </summary>
    internal static long InMemoryEstimate(IReadOnlyList<(long Rows, long Columns)> shapes, int k)
    {
        double total = 64.0 * (1 << 20), screening = 0;
        foreach (var (n, d) in shapes)
        {
            total += 8.0 * n * d + 12.0 * n * k;
            screening = Math.Max(screening, 4.0 * n * (d + 1) + 8.0 * n * (k + 16));
        }
        total += screening;
        return total >= long.MaxValue ? long.MaxValue : (long)total;
    }

    /// <summary>Null to search in memory; else the in-memory estimate that exceeded the budget (all inputs are plain .npy files).</summary>
    private static long? StreamingDecision(string[] files, int k, MemoryBudget budget)
    {
        var shapes = new List<(long, long)>();
        foreach (var file in files)
        {
            if (MemoryOptions.NpyHeaderOf(file) is not { } header)
                return null;
            shapes.Add(MemoryOptions.Shape(header));
        }
        long estimate = InMemoryEstimate(shapes, k);
        return estimate > budget.Bytes ? estimate : null;
    }

    private static CommandOutput Compute(string fileV, string fileZ, string? fileFx, int[] kList, KnnMetric metric, bool self,
        string? perItemPath, ulong seed, IProgress<double>? progress, CliContext context)
    {
        using var scope = NewDisposeScope();
        var tv = TensorInput.ReadFinite(fileV);
        int n = (int)tv.shape[0];
        var tz = TensorInput.ReadFinite(fileZ, n, fileV);
        int kMax = kList.Max();
        CheckK(fileV, n, kMax, self);

        KnnResult Search(Tensor t, double from, double to) =>
            new ExactKnn(metric, new KnnOptions { Progress = ProgressSpan.Of(progress, from, to) }).SelfQuery(t, kMax, self, context.Cancellation);

        var a = Search(tv, 0, 0.5);
        var b = Search(tz, 0.5, 1);
        MappingNeighborhoodReport? report = null;
        if (fileFx is not null)
        {
            var tfx = TensorInput.ReadFinite(fileFx, n, fileV);
            report = MappingNeighborhood.Compare(tv, tz, tfx, kList[0], metric, self, permutation: new PermutationOptions { Seed = seed },
                cancellationToken: context.Cancellation);
        }
        var output = BuildOutput(fileV, fileZ, fileFx, n, kList, metric, self, perItemPath, a, b, report);
        output.Json["streamed"] = false;
        return output;
    }

    /// <summary>
    /// The same report from inputs streamed in row blocks (<see cref="StreamingKnn"/>): identical neighbour lists, hence
    /// identical overlaps, per-item counts and tests. Each search gets the budget less the lists already held.
    /// </summary>
    private static CommandOutput ComputeStreamed(string fileV, string fileZ, string? fileFx, int[] kList, KnnMetric metric, bool self,
        string? perItemPath, ulong seed, MemoryBudget budget, long estimate, IProgress<double>? progress, CliContext context)
    {
        MemoryOptions.ReturnFreedBlocksToTheSystem();
        var files = new List<string> { fileV, fileZ };
        if (fileFx is not null)
            files.Add(fileFx);
        var sources = new List<NpyRowSource>();
        try
        {
            foreach (var file in files)
                sources.Add(NpyRowSource.Open(file));
            long rows = sources[0].Rows;
            for (int i = 1; i < sources.Count; i++)
                if (sources[i].Rows != rows)
                    throw new RankwiseInputException(files[i], $"has {sources[i].Rows} rows but {fileV} has {rows}; rows must be the same items");
            if (rows > int.MaxValue)
                throw new RankwiseInputException(fileV, $"has {rows} rows, more than the {int.MaxValue} a k-NN search supports");
            int n = (int)rows, kMax = kList.Max();
            CheckK(fileV, n, kMax, self);
            long held = (sources.Count - 1) * (long)n * kMax * 12;
            if (budget.Bytes - held < 1)
                throw new UsageException($"--max-memory: the {sources.Count} neighbour lists of {n} items × K = {kMax} alone need {MemoryBudget.Format(held + (long)n * kMax * 12)}, more than the budget of {budget}");
            var perSearch = new StreamingOptions { Budget = new MemoryBudget(budget.Bytes - held) };
            var results = new List<KnnResult>();
            StreamingPlan? plan = null;
            for (int i = 0; i < sources.Count; i++)
            {
                var knn = new StreamingKnn(metric, perSearch with { Progress = ProgressSpan.Of(progress, (double)i / sources.Count, (double)(i + 1) / sources.Count) });
                try
                {
                    plan ??= knn.PlanSelfQuery(sources[i], kMax);
                    results.Add(knn.SelfQuery(sources[i], kMax, self, context.Cancellation));
                }
                catch (MemoryBudgetException e)
                {
                    throw MemoryOptions.TooSmall(e);
                }
            }
            MappingNeighborhoodReport? report = fileFx is null ? null
                : MappingNeighborhood.FromNeighbors(results[0], results[1], results[2], kList[0], permutation: new PermutationOptions { Seed = seed },
                    cancellationToken: context.Cancellation);
            var output = BuildOutput(fileV, fileZ, fileFx, n, kList, metric, self, perItemPath, results[0], results[1], report);
            output.Json["streamed"] = true;
            long blocks = plan!.Blocks;
            var streaming = MemoryOptions.Describe(plan, budget, estimate);
            streaming["block_pairs"] = blocks * (blocks + 1) / 2;
            output.Json["streaming"] = streaming;
            output.Notes.Add($"streamed: the inputs need about {MemoryBudget.Format(estimate)} in memory, more than the budget of {budget}; " +
                $"each file was searched in {blocks} blocks of {plan.BlockRows} rows ({blocks * (blocks + 1) / 2} block pairs); the neighbours are identical to the in-memory search.");
            return output;
        }
        finally
        {
            foreach (var source in sources)
                source.Dispose();
        }
    }

    private static void CheckK(string fileV, int n, int kMax, bool self)
    {
        int limit = self ? n : n - 1;
        if (kMax > limit)
            throw new RankwiseInputException(fileV, $"has {n} items, so K can be at most {limit}{(self ? "" : " (self excluded)")}, got {kMax}");
    }

    private static CommandOutput BuildOutput(string fileV, string fileZ, string? fileFx, int n, int[] kList, KnnMetric metric, bool self,
        string? perItemPath, KnnResult a, KnnResult b, MappingNeighborhoodReport? report)
    {
        string metricName = metric == KnnMetric.Euclidean ? "euclidean" : "cosine";
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

        if (report is not null)
        {
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

}
