using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.IO;
using Rankwise.Torch;
using Rankwise.Torch.Mapping;
using Rankwise.Torch.Neighbors;
using static TorchSharp.torch;

namespace Rankwise.Cli.Commands;

/// <summary>
/// <c>rankwise mapping --x X --y Y --model lin --model nn</c>: the cross-modal mapping experiment of Collell &amp; Moens
/// (2018): learn f: X → Y, then compare the neighbourhoods of f(X) with those of X and of Y (mNNO, K = 10).
/// </summary>
public static class MappingCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var x = new Option<string>("--x") { Description = "Representation X [n, d_x] (training items)", Required = true };
        var y = new Option<string>("--y") { Description = "Representation Y [n, d_y] of the same items", Required = true };
        var testX = new Option<string?>("--test-x") { Description = "Test inputs X [m, d_x]; with --test-y, report on them (averaged over --runs initialisations) instead of outer folds" };
        var testY = new Option<string?>("--test-y") { Description = "Test targets Y [m, d_y]" };
        var folds = new Option<int>("--folds") { Description = "Outer folds when no test set is given (default 5)", DefaultValueFactory = _ => 5 };
        var innerFolds = new Option<int>("--cv-folds") { Description = "Cross-validation folds of the grid search (default 5; 3 with --quick)" };
        var runs = new Option<int>("--runs") { Description = "Initialisations averaged with a test set (default 5)", DefaultValueFactory = _ => 5 };
        var models = new Option<string[]>("--model")
        {
            Description = "Mapping: lin (W x + b), nn, nn3, nn5 (1, 3, 5 hidden layers); repeat for several (default lin and nn)",
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong("lin", "nn", "nn3", "nn5");
        var loss = new Option<string>("--loss") { Description = "Training loss: mse (default), max-margin, cosine", DefaultValueFactory = _ => "mse" }
            .AcceptOnlyFromAmong("mse", "max-margin", "cosine");
        var direction = new Option<string>("--direction") { Description = "x2y (default), y2x or both", DefaultValueFactory = _ => "x2y" }
            .AcceptOnlyFromAmong("x2y", "y2x", "both");
        var activation = new Option<string>("--activation") { Description = "Hidden activation: relu (default), sigmoid, tanh", DefaultValueFactory = _ => "relu" }
            .AcceptOnlyFromAmong("relu", "sigmoid", "tanh");
        var untrained = new Option<bool>("--untrained") { Description = "Report randomly initialised mappings (no training); the hidden width is the first --grid-hidden value" };
        var saveMapped = new Option<string?>("--save-mapped") { Description = "Write f(X) of the test items (.npy/.csv): out-of-fold predictions with folds, the first initialisation with a test set; one model and direction only" };
        var gridLr = new Option<double[]>("--grid-lr") { Description = "Learning rates to search (default 0.01 0.001 0.0001)", AllowMultipleArgumentsPerToken = true };
        var gridHidden = new Option<int[]>("--grid-hidden") { Description = "Hidden widths to search (default 128 512; paper: 64 128 256 512 1024)", AllowMultipleArgumentsPerToken = true };
        var gridDropout = new Option<double[]>("--grid-dropout") { Description = "Dropout rates to search (default 0; paper: 0 0.25 0.5 0.75)", AllowMultipleArgumentsPerToken = true };
        var gridMargin = new Option<double[]>("--grid-margin") { Description = "Max-margin γ values to search (default 1 5 10; paper: 1 2.5 5 7.5 10)", AllowMultipleArgumentsPerToken = true };
        var paperGrid = new Option<bool>("--paper-grid") { Description = "Search the supplementary's full grid (slow: 60 settings per network)" };
        var quick = new Option<bool>("--quick") { Description = "Fast smoke run: grid lr 0.01 0.001, hidden 128, margin 5; 3 CV folds, at most 30 epochs, 999 sign-flip resamples" };
        var maxEpochs = new Option<int?>("--max-epochs") { Description = "Maximum epochs of a training (default 100; early stopping with patience 5)" };
        var k = new Option<int>("--k") { Description = "Neighbourhood size K (default 10)", DefaultValueFactory = _ => 10 };
        var includeSelf = new Option<bool>("--include-self") { Description = "Count each item as its own neighbour (self + K−1 others)" };
        var seed = new Option<long>("--seed") { Description = "Seed of folds, initialisations, shuffles and tests (default 0)", DefaultValueFactory = _ => 0L };
        var intrinsic = new Option<bool>("--intrinsic")
        {
            Description = "Experiment 2: score X (and Y with --direction y2x/both) and untrained mappings f(X) on intrinsic tasks (--labels, --benchmark), averaged over --runs initialisations; no training",
        };
        var labels = new Option<string?>("--labels") { Description = "With --intrinsic: item labels (file[:column], one per row of X) for label-based retrieval mAP" };
        var benchmark = new Option<string[]>("--benchmark") { Description = "With --intrinsic: word-similarity benchmark file(s) (the rows of X are words: --vocab, or word-vector files)", AllowMultipleArgumentsPerToken = true };
        var vocab = new Option<string?>("--vocab") { Description = "With --benchmark: the word of each row of X and Y, one per line" };
        var lowercase = new Option<bool>("--lowercase") { Description = "With --benchmark: fold case of benchmark words and vocabulary" };
        var command = new Command("mapping", """
            Do cross-modal mappings bridge modalities? Learn f: X → Y (linear or feed-forward, RMSprop, hyper-parameters by
            cross-validation) and report mNNO(X, f(X)), mNNO(Y, f(X)) and mNNO(X, Y) on test items (Collell & Moens 2018).
            Examples:
              rankwise mapping --x examples/data/digits_left.npy --y examples/data/digits_right.npy --model lin --model nn --format markdown
              rankwise mapping --x text.npy --y img.npy --test-x text_test.npy --test-y img_test.npy --direction both --format json
              rankwise mapping --x x.npy --y y.npy --model nn --untrained --save-mapped fx.npy
              rankwise mapping --x examples/data/digits_left.npy --y examples/data/digits_right.npy --intrinsic --labels examples/data/digits.csv:label --direction both
            """)
        {
            x, y, testX, testY, folds, innerFolds, runs, models, loss, direction, activation, untrained, saveMapped,
            gridLr, gridHidden, gridDropout, gridMargin, paperGrid, quick, maxEpochs, k, includeSelf, seed,
            intrinsic, labels, benchmark, vocab, lowercase,
        };
        command.SetAction(parse =>
        {
            bool isQuick = parse.GetValue(quick);
            var baseGrid = parse.GetValue(paperGrid) ? MappingGrid.Paper
                : isQuick ? new MappingGrid([0.01, 0.001], [128], [0], [5]) : MappingGrid.Default;
            var grid = new MappingGrid(
                NonEmpty(parse.GetValue(gridLr)) ?? baseGrid.LearningRates,
                NonEmpty(parse.GetValue(gridHidden)) ?? baseGrid.HiddenUnits,
                NonEmpty(parse.GetValue(gridDropout)) ?? baseGrid.Dropouts,
                NonEmpty(parse.GetValue(gridMargin)) ?? baseGrid.Margins);
            if (grid.LearningRates.Any(v => !(v > 0)) || grid.HiddenUnits.Any(v => v < 1) || grid.Dropouts.Any(v => !(v >= 0 && v < 1)) || grid.Margins.Any(v => !(v > 0)))
                throw new UsageException("grid values out of range: learning rates and margins must be > 0, hidden units ≥ 1, dropout in [0, 1)");
            var modelList = (NonEmpty(parse.GetValue(models)) ?? ["lin", "nn"]).Distinct().Select(ParseModel).ToArray();
            var dirs = parse.GetValue(direction) switch
            {
                "y2x" => new[] { MappingDirection.YToX },
                "both" => [MappingDirection.XToY, MappingDirection.YToX],
                _ => [MappingDirection.XToY],
            };
            string? save = parse.GetValue(saveMapped);
            if (save is not null && (modelList.Length != 1 || dirs.Length != 1))
                throw new UsageException("--save-mapped needs exactly one --model and one --direction (x2y or y2x)");
            string? tx = parse.GetValue(testX), ty = parse.GetValue(testY);
            if ((tx is null) != (ty is null))
                throw new UsageException("give both --test-x and --test-y, or neither");
            int cvFolds = parse.GetResult(innerFolds) is null ? (isQuick ? 3 : 5) : parse.GetValue(innerFolds);
            if (cvFolds < 2) throw new UsageException($"--cv-folds must be at least 2, got {cvFolds}");
            int outer = parse.GetValue(folds);
            if (tx is null && outer < 2) throw new UsageException($"--folds must be at least 2, got {outer}");
            int nRuns = parse.GetValue(runs);
            if (nRuns < 1) throw new UsageException($"--runs must be at least 1, got {nRuns}");
            int kValue = parse.GetValue(k);
            if (kValue < 1) throw new UsageException($"--k must be at least 1, got {kValue}");
            int epochs = parse.GetValue(maxEpochs) ?? (isQuick ? 30 : 100);
            if (epochs < 1) throw new UsageException($"--max-epochs must be at least 1, got {epochs}");
            var options = new MappingExperimentOptions
            {
                Models = modelList,
                Loss = parse.GetValue(loss) switch { "max-margin" => MappingLossKind.MaxMargin, "cosine" => MappingLossKind.Cosine, _ => MappingLossKind.Mse },
                Directions = dirs,
                Folds = outer,
                InnerFolds = cvFolds,
                Runs = nRuns,
                Grid = grid,
                Training = new MappingTrainingOptions
                {
                    MaxEpochs = epochs,
                    Activation = parse.GetValue(activation) switch { "sigmoid" => MappingActivation.Sigmoid, "tanh" => MappingActivation.Tanh, _ => MappingActivation.Relu },
                },
                K = kValue,
                IncludeSelf = parse.GetValue(includeSelf),
                PermutationResamples = isQuick ? 999 : 9999,
                Untrained = parse.GetValue(untrained),
                Seed = parse.GetValue(seed),
            };
            string fx = parse.GetValue(x)!, fy = parse.GetValue(y)!;
            if (parse.GetValue(intrinsic))
            {
                string? labelFile = parse.GetValue(labels);
                string[] benchmarks = parse.GetValue(benchmark) ?? [];
                if (labelFile is null && benchmarks.Length == 0)
                    throw new UsageException("--intrinsic needs a task: --labels file[:column] and/or --benchmark file");
                if (tx is not null || save is not null)
                    throw new UsageException("--intrinsic uses every item of --x/--y; --test-x/--test-y and --save-mapped do not apply");
                var intrinsicOutput = CliProgress.Run(context, parse, "intrinsic evaluation (untrained mappings)", progress =>
                    Intrinsic(fx, fy, labelFile, benchmarks, parse.GetValue(vocab), parse.GetValue(lowercase), modelList, dirs,
                        grid.HiddenUnits[0], options.Training.Activation, nRuns, options.Seed, progress, context));
                return context.Emit(parse, intrinsicOutput);
            }
            if (parse.GetValue(labels) is not null || (parse.GetValue(benchmark) ?? []).Length > 0)
                throw new UsageException("--labels and --benchmark are the tasks of --intrinsic; add --intrinsic");
            string what = options.Untrained ? "mapping (untrained)" : "mapping: CV grid search and training";
            var output = CliProgress.Run(context, parse, what, progress =>
                Compute(fx, fy, tx, ty, options with { Progress = progress }, save, context));
            return context.Emit(parse, output);
        });
        return command;
    }

    private static T[]? NonEmpty<T>(T[]? values) => values is { Length: > 0 } ? values : null;

    /// <summary>Experiment 2 (Collell &amp; Moens 2018): X, Y and their untrained mappings on intrinsic tasks.</summary>
    private static CommandOutput Intrinsic(string fileX, string fileY, string? labelFile, string[] benchmarks, string? vocabFile, bool lowercase,
        MappingModel[] models, MappingDirection[] directions, int hidden, MappingActivation activation, int runs, long seed,
        IProgress<double>? progress, CliContext context)
    {
        using var scope = NewDisposeScope();
        var tx = TensorInput.ReadFinite(fileX);
        int n = (int)tx.shape[0];
        var ty = TensorInput.ReadFinite(fileY, n, fileX);
        var tasks = new List<IntrinsicTask>();
        if (labelFile is not null)
        {
            var (itemLabels, _) = LabelReader.Read(labelFile);
            if (itemLabels.Count != n)
                throw new RankwiseInputException(labelFile, $"has {itemLabels.Count} labels but {fileX} has {n} rows; give one label per item, in row order");
            tasks.Add(IntrinsicTask.LabelRetrievalMap("labels mAP", itemLabels));
        }
        if (benchmarks.Length > 0)
        {
            var words = WordSimCommand.ReadVectors(fileX, vocabFile).RowLabels
                ?? throw new RankwiseInputException(fileX, "has no vocabulary; give the words with --vocab");
            foreach (var b in benchmarks)
                tasks.Add(IntrinsicTask.WordSimilarityRho(Path.GetFileNameWithoutExtension(b), WordPairReader.Read(b), words, lowercase));
        }
        // The paper's row order: f_nn, f_lin, then the features themselves.
        var ordered = models.OrderByDescending(m => m).ToArray();
        var sets = new List<IntrinsicFeatureSet>();
        string nameX = Path.GetFileNameWithoutExtension(ArraySelector.Parse(fileX).Path);
        string nameY = Path.GetFileNameWithoutExtension(ArraySelector.Parse(fileY).Path);
        if (directions.Contains(MappingDirection.XToY))
            sets.Add(new IntrinsicFeatureSet(nameX, tx, (int)ty.shape[1]));
        if (directions.Contains(MappingDirection.YToX))
            sets.Add(new IntrinsicFeatureSet(nameY, ty, (int)tx.shape[1]));
        var report = IntrinsicEvaluation.Evaluate(sets, tasks, ordered, hidden, activation, runs, seed, progress, context.Cancellation);

        string[] columns = ["row", .. report.Tasks.SelectMany(t => new[] { $"{t} cos", $"{t} eucl" })];
        var table = new ResultTable($"Intrinsic evaluation of untrained mappings ({runs} initialisation{(runs == 1 ? "" : "s")}, hidden {hidden}; Collell & Moens 2018, Experiment 2)", columns);
        var rows = new JsonArray();
        foreach (var row in report.Rows)
        {
            var cells = new List<object?> { row.Label };
            var scores = new JsonObject();
            for (int t = 0; t < report.Tasks.Count; t++)
            {
                cells.Add(row.Scores[t][0]);
                cells.Add(row.Scores[t][1]);
                scores[report.Tasks[t]] = new JsonObject
                {
                    ["cosine"] = Exporters.Number(row.Scores[t][0]),
                    ["euclidean"] = Exporters.Number(row.Scores[t][1]),
                    ["cosine_sd"] = Exporters.Number(row.StandardDeviations[t][0]),
                    ["euclidean_sd"] = Exporters.Number(row.StandardDeviations[t][1]),
                };
            }
            table.Add([.. cells]);
            rows.Add(new JsonObject
            {
                ["row"] = row.Label,
                ["feature_set"] = row.FeatureSet,
                ["model"] = row.Model is { } model ? MappingExperiment.ModelName(model) : null,
                ["scores"] = scores,
            });
        }
        var json = new JsonObject
        {
            ["experiment"] = "intrinsic",
            ["items"] = n,
            ["runs"] = runs,
            ["hidden_units"] = hidden,
            ["seed"] = seed,
            ["tasks"] = new JsonArray(report.Tasks.Select(t => (JsonNode?)t).ToArray()),
            ["rows"] = rows,
        };
        var output = new CommandOutput(json) { Title = "Untrained mappings on intrinsic tasks" };
        output.Tables.Add(table);
        output.Notes.Add("f_nn(X), f_lin(X): X mapped by a randomly initialised network (no training), mean over initialisations (JSON has the SDs); " +
            "scores close to X's own mean the semantic structure survives an untrained mapping (Collell & Moens 2018, Experiment 2). " +
            "labels mAP: items sharing a label are relevant, self excluded; cos/eucl: cosine or Euclidean similarity.");
        return output;
    }

    private static MappingModel ParseModel(string s) => s switch
    {
        "nn" => MappingModel.Hidden1,
        "nn3" => MappingModel.Hidden3,
        "nn5" => MappingModel.Hidden5,
        _ => MappingModel.Linear,
    };

    private static CommandOutput Compute(string fileX, string fileY, string? fileTX, string? fileTY, MappingExperimentOptions options,
        string? save, CliContext context)
    {
        using var scope = NewDisposeScope();
        var tx = TensorInput.ReadFinite(fileX);
        int n = (int)tx.shape[0];
        var ty = TensorInput.ReadFinite(fileY, n, fileX);
        Tensor? ttx = null, tty = null;
        if (fileTX is not null)
        {
            ttx = TensorInput.ReadFinite(fileTX);
            tty = TensorInput.ReadFinite(fileTY!, (int)ttx.shape[0], fileTX);
            if (ttx.shape[1] != tx.shape[1])
                throw new RankwiseInputException(fileTX, $"has {ttx.shape[1]} columns but {fileX} has {tx.shape[1]}");
            if (tty.shape[1] != ty.shape[1])
                throw new RankwiseInputException(fileTY, $"has {tty.shape[1]} columns but {fileY} has {ty.shape[1]}");
        }
        int testItems = ttx is null ? n / options.Folds : (int)ttx.shape[0];
        int limit = options.IncludeSelf ? testItems : testItems - 1;
        if (ttx is null && options.Folds > n)
            throw new RankwiseInputException(fileX, $"has {n} items, fewer than --folds {options.Folds}");
        if (options.K > limit)
            throw new RankwiseInputException(fileTX ?? fileX, $"the smallest test part has {testItems} items, so K can be at most {limit}, got {options.K}");

        var result = MappingExperiment.Run(tx, ty, ttx, tty, options, context.Cancellation);

        if (save is not null)
            ArrayWriter.WriteMatrix(save, result.Cells[0].Mapped);

        string lossName = options.Loss switch { MappingLossKind.MaxMargin => "max-margin", MappingLossKind.Cosine => "cosine", _ => "mse" };
        var json = new JsonObject
        {
            ["protocol"] = result.Protocol,
            ["train_items"] = result.TrainItems,
            ["test_items"] = result.TestItems,
            ["untrained"] = result.Untrained,
            ["loss"] = lossName,
            ["k"] = options.K,
            ["include_self"] = options.IncludeSelf,
            ["folds"] = result.Protocol == "folds" ? options.Folds : null,
            ["runs"] = result.Protocol == "folds" ? options.Folds : options.Runs,
            ["cv_folds"] = options.Untrained ? null : options.InnerFolds,
            ["alpha"] = options.Alpha,
            ["seed"] = options.Seed,
            ["grid"] = new JsonObject
            {
                ["learning_rate"] = new JsonArray(options.Grid.LearningRates.Select(v => (JsonNode?)v).ToArray()),
                ["hidden_units"] = new JsonArray(options.Grid.HiddenUnits.Select(v => (JsonNode?)v).ToArray()),
                ["dropout"] = new JsonArray(options.Grid.Dropouts.Select(v => (JsonNode?)v).ToArray()),
                ["margin"] = new JsonArray(options.Grid.Margins.Select(v => (JsonNode?)v).ToArray()),
            },
        };
        var cells = new JsonArray();
        var metricsNames = options.Metrics.Select(MetricName).ToArray();
        var columns = new List<string> { "direction", "model" };
        foreach (var mName in metricsNames)
            columns.AddRange([$"{mName}: X, f(X)", $"{mName}: Y, f(X)", $"{mName}: X, Y"]);
        string src = Path.GetFileNameWithoutExtension(fileX), dst = Path.GetFileNameWithoutExtension(fileY);
        var main = new ResultTable(
            $"mNNO^{options.K} on {(result.Protocol == "folds" ? $"test folds ({options.Folds}-fold)" : $"the test set ({options.Runs} initialisations)")}, " +
            $"loss {lossName}{(result.Untrained ? ", untrained" : "")}: mean (± sd); * = paired Wilcoxon p < {options.Alpha} in every run", columns);
        var runsTable = new ResultTable("Selected hyper-parameters per run", ["direction", "model", "run", "lr", "hidden", "dropout", "margin", "epochs", "cv loss", "train loss before", "train loss after"]);
        foreach (var cell in result.Cells)
        {
            string dir = cell.Direction == MappingDirection.XToY ? "x2y" : "y2x";
            string dirLabel = cell.Direction == MappingDirection.XToY ? $"{src} → {dst}" : $"{dst} → {src}";
            string model = MappingExperiment.ModelName(cell.Model);
            var row = new List<object?> { dirLabel, model };
            var metrics = new JsonArray();
            foreach (var s in cell.Summaries)
            {
                row.Add(Cell(s.MnnoXFx, s.MnnoXFxSd, s.InputSignificant));
                row.Add(Cell(s.MnnoYFx, s.MnnoYFxSd, s.TargetSignificant));
                row.Add(Cell(s.MnnoXY, s.MnnoXYSd, false));
                metrics.Add(new JsonObject
                {
                    ["metric"] = MetricName(s.Metric),
                    ["mnno_x_fx"] = Exporters.Number(s.MnnoXFx),
                    ["mnno_x_fx_sd"] = Exporters.Number(s.MnnoXFxSd),
                    ["mnno_y_fx"] = Exporters.Number(s.MnnoYFx),
                    ["mnno_y_fx_sd"] = Exporters.Number(s.MnnoYFxSd),
                    ["mnno_x_y"] = Exporters.Number(s.MnnoXY),
                    ["mnno_x_y_sd"] = Exporters.Number(s.MnnoXYSd),
                    ["runs"] = s.Runs,
                    ["runs_closer_to_input"] = s.RunsCloserToInput,
                    ["runs_closer_to_target"] = s.RunsCloserToTarget,
                    ["x_fx_significant"] = s.InputSignificant,
                    ["y_fx_significant"] = s.TargetSignificant,
                });
            }
            main.Add(row.ToArray());
            var runsJson = new JsonArray();
            foreach (var r in cell.Runs)
            {
                var h = r.HyperParameters;
                var best = r.Grid.FirstOrDefault(g => g.HyperParameters == h);
                runsTable.Add(dir, model, r.Index, h.LearningRate, cell.Model == MappingModel.Linear ? null : h.HiddenUnits,
                    cell.Model == MappingModel.Linear ? null : h.Dropout, options.Loss == MappingLossKind.MaxMargin ? h.Margin : null,
                    r.Epochs, best?.ValidationLoss, r.InitialTrainLoss, r.FinalTrainLoss);
                runsJson.Add(new JsonObject
                {
                    ["index"] = r.Index,
                    ["learning_rate"] = result.Untrained ? null : h.LearningRate,
                    ["hidden_units"] = cell.Model == MappingModel.Linear ? null : h.HiddenUnits,
                    ["dropout"] = cell.Model == MappingModel.Linear ? null : h.Dropout,
                    ["margin"] = options.Loss == MappingLossKind.MaxMargin && !result.Untrained ? h.Margin : null,
                    ["epochs"] = r.Epochs,
                    ["cv_loss"] = best is null ? null : Exporters.Number(best.ValidationLoss),
                    ["initial_train_loss"] = Exporters.Number(r.InitialTrainLoss),
                    ["final_train_loss"] = Exporters.Number(r.FinalTrainLoss),
                    ["test_items"] = r.TestIndices.Length,
                    ["reports"] = new JsonArray(r.Reports.Select(rep => (JsonNode?)new JsonObject
                    {
                        ["metric"] = MetricName(rep.Metric),
                        ["mnno_x_fx"] = Exporters.Number(rep.MnnoXFx),
                        ["mnno_y_fx"] = Exporters.Number(rep.MnnoYFx),
                        ["mnno_x_y"] = Exporters.Number(rep.MnnoXY),
                        ["wilcoxon_pvalue"] = rep.Wilcoxon is null ? null : Exporters.Number(rep.Wilcoxon.PValue),
                        ["signflip_pvalue"] = Exporters.Number(rep.SignFlip.PValue),
                        ["verdict"] = Verdict(rep.Verdict),
                    }).ToArray()),
                });
            }
            cells.Add(new JsonObject { ["direction"] = dir, ["model"] = model, ["metrics"] = metrics, ["runs"] = runsJson });
        }
        json["results"] = cells;
        if (save is not null)
            json["mapped_file"] = save;

        var output = new CommandOutput(json) { Title = $"Cross-modal mapping: {Path.GetFileName(fileX)} ↔ {Path.GetFileName(fileY)}" };
        output.Tables.Add(main);
        if (!result.Untrained)
            output.Tables.Add(runsTable);
        output.Notes.Add("X, f(X) = mNNO(X, f(X)) (the mapping keeps the input's neighbourhoods); Y, f(X) = mNNO(Y, f(X)) (it reproduces the target's); X, Y = mNNO(X, Y) (baseline). X is the input side of each direction.");
        foreach (var cell in result.Cells)
            foreach (var warning in cell.Runs.SelectMany(r => r.Reports).SelectMany(r => r.Warnings).Distinct())
                output.Notes.Add(warning);
        output.Figures.Add(new BarFigure("mapping-mnno", "mNNO of each mapping (first metric)",
            "For each mapping: how much f(X) keeps X's neighbourhoods vs reproduces Y's.", "mNNO",
            result.Cells.SelectMany(c => new[] { $"{MappingExperiment.ModelName(c.Model)} {Dir(c.Direction)}: X,f(X)", $"{MappingExperiment.ModelName(c.Model)} {Dir(c.Direction)}: Y,f(X)" }).ToArray(),
            result.Cells.SelectMany(c => new[] { c.Summaries[0].MnnoXFx, c.Summaries[0].MnnoYFx }).ToArray()));
        return output;
    }

    private static string Dir(MappingDirection d) => d == MappingDirection.XToY ? "x2y" : "y2x";

    private static string Cell(double mean, double sd, bool star)
    {
        string s = mean.ToString("0.000", CultureInfo.InvariantCulture) + (star ? "*" : "");
        return double.IsNaN(sd) ? s : $"{s} ± {sd.ToString("0.000", CultureInfo.InvariantCulture)}";
    }

    private static string MetricName(KnnMetric m) => m == KnnMetric.Euclidean ? "euclidean" : "cosine";

    private static string Verdict(MappingNeighborhoodVerdict v) => v switch
    {
        MappingNeighborhoodVerdict.CloserToInput => "closer-to-input",
        MappingNeighborhoodVerdict.CloserToTarget => "closer-to-target",
        _ => "no-significant-difference",
    };
}
