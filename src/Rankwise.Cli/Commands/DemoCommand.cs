using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.Cli.Reports;
using Rankwise.Comparison;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Torch;
using Rankwise.Torch.Comparison;
using Rankwise.Torch.Neighbors;
using Rankwise.Torch.Training;
using static TorchSharp.torch;

namespace Rankwise.Cli.Commands;

/// <summary>
/// <c>rankwise demo</c>: the whole story on the embedded digits data (scikit-learn's copy of the UCI handwritten digits):
/// two small architectures (tanh MLPs with one and two hidden layers) × two seeds regress the digit's value from its 8×8 image; their predictions are judged by
/// rank (bootstrap CIs, model-vs-model tests), and their hidden layers are compared (CKA reference protocol, one-to-one
/// unit matching, mNNO). Writes <c>report.html</c> and <c>report.json</c>.
/// </summary>
public static class DemoCommand
{
    private sealed record Architecture(string Name, int Layers, HiddenActivation Activation);

    private static readonly Architecture[] Architectures = [new("tanh-1x64", 1, HiddenActivation.Tanh), new("tanh-2x64", 2, HiddenActivation.Tanh)];

    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var outDir = new Option<string>("--out") { Description = "Directory for report.html and report.json", DefaultValueFactory = _ => "rankwise-demo" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the data split, initialisations and resampling", DefaultValueFactory = _ => 1UL };
        var quick = new Option<bool>("--quick") { Description = "Fewer epochs and resamples (a smoke run in a few seconds)" };
        var command = new Command("demo", """
            Run the whole Rankwise story on the embedded digits data and write an HTML report.
            Example: rankwise demo --out rankwise-demo
            """)
        {
            outDir, seed, quick,
        };
        command.SetAction(parse =>
        {
            var watch = Stopwatch.StartNew();
            string dir = parse.GetValue(outDir)!;
            bool isQuick = parse.GetValue(quick);
            ulong s = parse.GetValue(seed);
            var output = CliProgress.Run(context, parse, "demo", progress => Run(isQuick, s, progress, context.Cancellation));
            Directory.CreateDirectory(dir);
            string html = Path.Combine(dir, "report.html"), json = Path.Combine(dir, "report.json");
            var meta = context.Metadata() with { Seed = s.ToString(CultureInfo.InvariantCulture) };
            AtomicFile.WriteAllText(json, output.Json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            AtomicFile.WriteAllText(html, HtmlReport.Render(output, meta));
            output.Notes.Add($"report: {html} (and {json}), {watch.Elapsed.TotalSeconds:0.0} s");
            return context.Emit(parse, output);
        });
        return command;
    }

    /// <summary>Loads the embedded digits: X [1797, 64] scaled to [0, 1], and the digit values.</summary>
    internal static (float[] X, double[] Y) LoadDigits()
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream("Rankwise.Cli.digits.csv.gz")
            ?? throw new InvalidOperationException("the embedded digits data is missing from the build");
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
        var x = new List<float>();
        var y = new List<double>();
        while (reader.ReadLine() is { } line)
        {
            var cells = line.Split(',');
            for (int j = 0; j < 64; j++) x.Add(float.Parse(cells[j], CultureInfo.InvariantCulture) / 16f);
            y.Add(double.Parse(cells[64], CultureInfo.InvariantCulture));
        }
        return ([.. x], [.. y]);
    }

    internal static CommandOutput Run(bool quick, ulong seed, IProgress<double>? progress, CancellationToken cancellation)
    {
        // Every tensor here is small (≤ 1,200 × 64): one libtorch intra-op thread beats a thread pool's wake-ups.
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            return RunCore(quick, seed, progress, cancellation);
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    private static CommandOutput RunCore(bool quick, ulong seed, IProgress<double>? progress, CancellationToken cancellation)
    {
        var (x, y) = LoadDigits();
        int n = y.Length, d = 64;
        // Seeded split: 2/3 train, 1/3 held out.
        var order = Enumerable.Range(0, n).ToArray();
        new Random((int)(seed % int.MaxValue)).Shuffle(order);
        int nTrain = n * 2 / 3;
        float[] Rows(IEnumerable<int> idx) => idx.SelectMany(i => x.AsSpan(i * d, d).ToArray()).ToArray();
        var trainIdx = order[..nTrain];
        var testIdx = order[nTrain..];
        var trainX = Rows(trainIdx);
        var testX = Rows(testIdx);
        var trainY = trainIdx.Select(i => y[i]).ToArray();
        var truth = testIdx.Select(i => y[i]).ToArray();
        int nTest = truth.Length;

        var stages = new JsonObject();
        var clock = Stopwatch.StartNew();
        void Stage(string name)
        {
            stages[name] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            clock.Restart();
        }
        int epochs = quick ? 60 : 200;
        var runs = new List<(Architecture Arch, RegressorRun Run)>();
        int total = Architectures.Length * 2, done = 0;
        foreach (var arch in Architectures)
            for (int r = 1; r <= 2; r++)
            {
                int index = done;
                var run = SmallRegressor.Train($"{arch.Name}-seed{r}", trainX, trainY, testX, d, 64, arch.Layers, arch.Activation,
                    (long)(seed * 100 + (ulong)r), epochs, 0.01, null,
                    ProgressSpan.Of(progress, 0.5 * index / total, 0.5 * (index + 1) / total), cancellation);
                runs.Add((arch, run));
                done++;
            }

        Stage("training_seconds");
        // Judge by rank: every run's predictions against the true digit values on held-out items.
        var models = runs.Select(r => new ModelPredictions(r.Run.Name, r.Run.Predictions, r.Arch.Name)).ToList();
        var evaluation = ModelEvaluation.Evaluate(truth, models, new EvaluationOptions
        {
            Resamples = quick ? 499 : 1999,
            Seed = seed,
            Progress = ProgressSpan.Of(progress, 0.5, 0.8),
        }, cancellationToken: cancellation);
        var output = EvaluateCommand.ToOutput(evaluation, models.ToDictionary(m => m.Name, m => "embedded digits"), 0);
        output.Title = "Rankwise demo: two architectures × two seeds on handwritten digits";

        Stage("evaluation_seconds");
        // Compare representations: hidden layers of every run on the held-out items.
        using var scope = NewDisposeScope();
        var hidden = runs.Select(r => tensor(r.Run.Hidden, [nTest, r.Run.HiddenUnits]).to_type(ScalarType.Float64)).ToList();
        var protocol = RunComparison.Compare(hidden.Take(2).ToList(), hidden.Skip(2).ToList(), "cka-linear",
            options: new PermutationOptions { Seed = seed }, cancellationToken: cancellation);
        var protocolOutput = CompareCommand.ProtocolOutput(protocol, [runs[0].Run.Name, runs[1].Run.Name], [runs[2].Run.Name, runs[3].Run.Name]);
        progress?.Report(0.85);

        var pairs = new[] { (0, 1, "same architecture, different seeds"), (0, 2, "different architectures") };
        var matchTable = new ResultTable("hidden layers compared (held-out items)",
            ["run A", "run B", "relation", "cka-linear", "cka-debiased", "match-hungarian", "match-max", "mNNO@10"]);
        var comparisons = new JsonArray();
        var pairOutput = new CommandOutput(new JsonObject());
        foreach (var (i, j, relation) in pairs)
        {
            var values = new[] { "cka-linear", "cka-debiased", "match-hungarian", "match-max" }
                .Select(name => MeasureCatalog.Compute(name, hidden[i], hidden[j])).ToList();
            double mnno = NeighborOverlap.Compute(hidden[i], hidden[j], 10, cancellationToken: cancellation).Mnno;
            matchTable.Add(runs[i].Run.Name, runs[j].Run.Name, relation, values[0].Value, values[1].Value, values[2].Value, values[3].Value, mnno);
            comparisons.Add(new JsonObject
            {
                ["run_a"] = runs[i].Run.Name,
                ["run_b"] = runs[j].Run.Name,
                ["relation"] = relation,
                ["cka_linear"] = Exporters.Number(values[0].Value),
                ["cka_debiased"] = Exporters.Number(values[1].Value),
                ["match_hungarian"] = Exporters.Number(values[2].Value),
                ["match_max"] = Exporters.Number(values[3].Value),
                ["mnno_10"] = Exporters.Number(mnno),
            });
            if (i == 0 && j == 1)
                CompareCommand.AddPairFigures(pairOutput, hidden[i], hidden[j], values, MeasureSettings.Default, runs[i].Run.Name, runs[j].Run.Name);
        }
        var curveKs = new[] { 1, 2, 5, 10, 20, 50 };
        var curves = pairs.Select(p => (p, NeighborOverlap.ComputeCurve(hidden[p.Item1], hidden[p.Item2], curveKs, cancellationToken: cancellation))).ToList();
        progress?.Report(0.95);
        Stage("representation_seconds");

        // Assemble: evaluation first, then the representation story.
        var json = output.Json;
        json["demo"] = new JsonObject
        {
            ["data"] = "scikit-learn digits (UCI optical recognition of handwritten digits), 8x8 images, target = digit value",
            ["train_items"] = nTrain,
            ["test_items"] = nTest,
            ["epochs"] = epochs,
            ["runs"] = new JsonArray(runs.Select(r => (JsonNode?)new JsonObject
            {
                ["name"] = r.Run.Name,
                ["architecture"] = r.Arch.Name,
                ["final_training_mse"] = Exporters.Number(r.Run.TrainingLoss[^1]),
            }).ToArray()),
            ["reference_protocol"] = protocolOutput.Json,
            ["hidden_comparisons"] = comparisons,
            ["timings"] = stages,
        };
        output.Tables.Add(matchTable);
        output.Tables.AddRange(protocolOutput.Tables);
        output.Notes.AddRange(protocolOutput.Notes);

        // Plots: predicted vs true rank, bootstrap of the model difference, unit matching, mNNO curve, protocol matrix.
        var best = evaluation.Models.OrderByDescending(m => m.Metrics[EvaluationMetric.Spearman].Value).First();
        var bestRun = runs.First(r => r.Run.Name == best.Name).Run;
        var rankTruth = Ranking.Rank.RankData(truth);
        var rankPred = Ranking.Rank.RankData(bestRun.Predictions);
        var spearman = best.Metrics[EvaluationMetric.Spearman];
        output.Figures.Add(new ScatterFigure("rank-scatter", $"Predicted rank vs true rank ({best.Name})",
            $"Spearman ρ = {Exporters.FormatCell(spearman.Value, true)}" +
            (spearman.Interval is { } ci ? $", {ci.Level:P0} CI [{Exporters.FormatCell(ci.Low, true)}, {Exporters.FormatCell(ci.High, true)}]" : "") +
            ". Each point is a held-out image; ten vertical bands are the ten digit values (ties share the average rank).",
            "true rank", "predicted rank", [new Series("held-out images", rankTruth, rankPred)], Diagonal: true));
        var spearmanRuns = evaluation.Models.Select(m => m.Metrics[EvaluationMetric.Spearman]).ToList();
        output.Figures.Add(new BarFigure("spearman-per-run", "Spearman ρ per run with bootstrap intervals",
            "Bars: ρ on the held-out items; whiskers: percentile bootstrap interval over items (the same resamples for every run).",
            "Spearman ρ", evaluation.Models.Select(m => m.Name).ToList(), spearmanRuns.Select(m => m.Value).ToArray(),
            spearmanRuns.Select(m => m.Interval?.Low ?? double.NaN).ToArray(), spearmanRuns.Select(m => m.Interval?.High ?? double.NaN).ToArray()));
        output.Figures.AddRange(pairOutput.Figures.Where(f => f.Id != "measures"));
        output.Figures.Add(new LineFigure("mnno-curve", "mNNO vs K between hidden layers",
            "Fraction of the K nearest neighbours (cosine, self excluded) that a held-out image keeps across two runs' hidden layers.",
            "K", "mNNO", curves.Select(c => new Series($"{runs[c.p.Item1].Run.Name} vs {runs[c.p.Item2].Run.Name}",
                c.Item2.Ks.Select(k => (double)k).ToArray(), c.Item2.Mnno)).ToList()));
        output.Figures.AddRange(protocolOutput.Figures);
        progress?.Report(1);
        return output;
    }
}
