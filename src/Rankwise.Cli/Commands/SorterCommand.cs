using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.IO;
using Rankwise.Torch;
using Rankwise.Torch.Sorters;
using static TorchSharp.torch;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Cli.Commands;

/// <summary>
/// <c>rankwise sorter train|eval|demo</c>: learned SoDeep sorters — train one on synthetic sequences, measure one
/// against exact ranks (next to the sigmoid sorter and soft rank) or apply it to data, and the rank-loss demonstration.
/// </summary>
public static class SorterCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Build(CliContext context)
    {
        var command = new Command("sorter", """
            Learned differentiable sorters (SoDeep, Engilberge et al., CVPR 2019): train, evaluate, apply, demonstrate.
            Examples:
              rankwise sorter train --arch gru --length 100 --steps 6000 --out sorter.dat
              rankwise sorter eval sodeep-gru-100 --sequences 1000
              rankwise sorter eval sorter.dat --data scores.npy --out ranks.npy
              rankwise sorter demo --seeds 5
            """);
        command.Subcommands.Add(BuildTrain(context));
        command.Subcommands.Add(BuildEval(context));
        command.Subcommands.Add(SorterDemoCommand.Build(context));
        return command;
    }

    private static Command BuildTrain(CliContext context)
    {
        var arch = new Option<string>("--arch") { Description = "Architecture: gru, lstm, cnn or mlp", DefaultValueFactory = _ => "gru" }
            .AcceptOnlyFromAmong("gru", "lstm", "cnn", "mlp");
        var length = new Option<int>("--length") { Description = "Sequence length n to train for", DefaultValueFactory = _ => 100 };
        var steps = new Option<long>("--steps") { Description = "Optimisation steps (batches)", DefaultValueFactory = _ => 10_000 };
        var output = new Option<string>("--out") { Description = "Best weights (.dat); the sidecar .json and the resume checkpoint .resume go next to it", Required = true };
        var batch = new Option<int>("--batch") { Description = "Sequences per batch", DefaultValueFactory = _ => 256 };
        var lr = new Option<double>("--lr") { Description = "Peak Adam learning rate", DefaultValueFactory = _ => 3e-3 };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate decay: cosine, step or constant", DefaultValueFactory = _ => "cosine" }
            .AcceptOnlyFromAmong("cosine", "step", "constant");
        var warmup = new Option<long?>("--warmup") { Description = "Linear warm-up steps (default min(500, steps/20))" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights and of the data", DefaultValueFactory = _ => 0UL };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units per direction (gru/lstm), channels (cnn) or width (mlp); default 64/64/64/512" };
        var layers = new Option<int?>("--layers") { Description = "Layers; default 2 (gru/lstm), 6 (cnn), 2 (mlp)" };
        var kernel = new Option<int?>("--kernel") { Description = "CNN kernel size (odd); default 3" };
        var validateEvery = new Option<int>("--validate-every") { Description = "Validate and checkpoint every this many steps", DefaultValueFactory = _ => 250 };
        var validationSequences = new Option<int>("--validation-sequences") { Description = "Validation sequences per generator", DefaultValueFactory = _ => 256 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the .resume checkpoint next to --out when it exists" };
        var threads = new Option<int?>("--threads") { Description = "Torch intra-op threads (default: torch's choice); 1 is often fastest for recurrent sorters on a busy CPU" };
        var command = new Command("train", """
            Train a learned sorter on synthetic sequences (uniform, normal, evenly spaced, concatenated) with Adam and an
            L1 loss to the exact ranks/n; keeps the best-validated weights in --out (+ .json sidecar) and a resume
            checkpoint (.resume) so that an interrupted run continues with --resume.
            Example: rankwise sorter train --arch gru --length 100 --steps 6000 --out sorter.dat
            """)
        {
            arch, length, steps, output, batch, lr, schedule, warmup, seed, hidden, layers, kernel, validateEvery, validationSequences, resume, threads,
        };
        command.SetAction(parse =>
        {
            var architecture = SorterConfig.ParseArchitecture(parse.GetValue(arch)!);
            int n = parse.GetValue(length);
            var defaults = SorterConfig.Default(architecture, Math.Max(2, n));
            var config = defaults with
            {
                Length = n,
                HiddenSize = parse.GetValue(hidden) ?? defaults.HiddenSize,
                Layers = parse.GetValue(layers) ?? defaults.Layers,
                KernelSize = parse.GetValue(kernel) ?? defaults.KernelSize,
            };
            var options = new SorterTrainingOptions
            {
                Steps = parse.GetValue(steps),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                Schedule = parse.GetValue(schedule) switch { "step" => LearningRateSchedule.Step, "constant" => LearningRateSchedule.Constant, _ => LearningRateSchedule.Cosine },
                WarmupSteps = parse.GetValue(warmup),
                Seed = parse.GetValue(seed),
                ValidationInterval = parse.GetValue(validateEvery),
                ValidationSequences = parse.GetValue(validationSequences),
                OutputPath = parse.GetValue(output),
                Resume = parse.GetValue(resume),
            };
            try
            {
                config.Validate();
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(Flag(ex.ParamName) + ": " + Message(ex));
            }
            if (parse.GetValue(threads) is int t)
            {
                if (t < 1)
                    throw new UsageException($"--threads must be ≥ 1, got {t}");
                set_num_threads(t);
            }
            string outPath = options.OutputPath!;
            string? directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (directory is null || !Directory.Exists(directory))
                throw new UsageException($"--out: directory '{directory}' does not exist");
            bool log = !parse.GetValue(GlobalOptions.Quiet) && !context.ShowProgress(parse);
            var result = CliProgress.Run(context, parse, $"training {SorterConfig.Name(architecture)} sorter (n = {n}, {options.Steps} steps)", bar =>
                SorterTrainer.Train(config, options, new TrainingReporter(bar, log ? context.Error : null), context.Cancellation));
            using var sorter = result.Sorter;
            var metadata = result.Metadata;
            var json = new JsonObject
            {
                ["out"] = outPath,
                ["metadata"] = LearnedSorter.SidecarPath(outPath),
                ["resume_checkpoint"] = SorterTrainer.ResumePath(outPath),
                ["architecture"] = SorterConfig.Name(config.Architecture),
                ["length"] = config.Length,
                ["hidden_size"] = config.HiddenSize,
                ["layers"] = config.Layers,
                ["parameters"] = metadata.Parameters,
                ["steps"] = metadata.Training?.Steps,
                ["best_step"] = metadata.Training?.BestStep,
                ["resumed_from_step"] = result.ResumedFromStep,
                ["elapsed_seconds"] = metadata.Training?.ElapsedSeconds,
                ["validation"] = ScoresJson(metadata.Validation),
            };
            var output1 = new CommandOutput(json);
            var table = new ResultTable($"validation at step {metadata.Training?.BestStep} of {metadata.Training?.Steps} ({metadata.Parameters} parameters)",
                ["generator", "spearman", "min spearman", "MAE (rank/n)"]);
            foreach (var (name, score) in metadata.Validation ?? new Dictionary<string, SorterScore>())
                table.Add(name, score.Spearman, score.MinSpearman, score.Mae);
            output1.Tables.Add(table);
            output1.Notes.Add($"best weights: {outPath} (+ {Path.GetFileName(LearnedSorter.SidecarPath(outPath))}); resume checkpoint: {SorterTrainer.ResumePath(outPath)}");
            if (result.ResumedFromStep > 0)
                output1.Notes.Add($"resumed from step {result.ResumedFromStep}");
            return context.Emit(parse, output1);
        });
        return command;
    }

    private static Command BuildEval(CliContext context)
    {
        var sorterArg = new Argument<string>("SORTER") { Description = "A sorter .dat file (with its .json sidecar) or a shipped name: " + string.Join(", ", PretrainedSorters.Names) };
        var data = new Option<string?>("--data") { Description = "Rank the rows of this [b, n] array (.npy, .csv, ...) instead of evaluating on synthetic data" };
        var output = new Option<string?>("--out") { Description = "With --data: write the predicted ranks [b, n] here (.npy float64, .csv, .json), atomically" };
        var length = new Option<int?>("--length") { Description = "Sequence length of the synthetic evaluation (default: the sorter's)" };
        var sequences = new Option<int>("--sequences") { Description = "Fresh sequences per generator", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the evaluation sequences", DefaultValueFactory = _ => 0UL };
        var epsilon = new Option<double>("--epsilon") { Description = "Soft-rank strength ε, applied to standardised scores", DefaultValueFactory = _ => 0.01 };
        var command = new Command("eval", """
            Evaluate a learned sorter against exact ranks on fresh synthetic sequences of every generator (Spearman ρ and
            mean absolute error of rank/n), next to the sigmoid sorter and soft rank; or, with --data, write the
            sorter's predicted ranks (rank/n, ascending) of each row.
            Examples:
              rankwise sorter eval sodeep-gru-100
              rankwise sorter eval sorter.dat --data scores.npy --out ranks.npy
            """)
        {
            sorterArg, data, output, length, sequences, seed, epsilon,
        };
        command.SetAction(parse =>
        {
            string source = parse.GetValue(sorterArg)!;
            string? dataPath = parse.GetValue(data);
            string? outPath = parse.GetValue(output);
            if (dataPath is null && outPath is not null)
                throw new UsageException("--out needs --data (the rows whose ranks to write)");
            if (dataPath is not null && outPath is null)
                throw new UsageException("--data needs --out (where to write the predicted ranks)");
            if (outPath is not null && Path.GetExtension(outPath).ToLowerInvariant() is not (".npy" or ".csv" or ".tsv" or ".json"))
                throw new UsageException($"--out: cannot tell the output format of '{outPath}'; use .npy, .csv, .tsv or .json");
            double eps = parse.GetValue(epsilon);
            if (!(eps > 0) || !double.IsFinite(eps))
                throw new UsageException($"--epsilon must be a finite number > 0, got {eps}");
            int count = parse.GetValue(sequences);
            if (count < 1)
                throw new UsageException($"--sequences must be ≥ 1, got {count}");
            if (parse.GetValue(length) is int l && l < 2)
                throw new UsageException($"--length must be ≥ 2, got {l}");
            using var sorter = Resolve(source);
            if (dataPath is not null)
                return context.Emit(parse, ApplyToData(sorter, source, dataPath, outPath!));
            int n = parse.GetValue(length) ?? sorter.Config.Length;
            if (!sorter.AcceptsLength(n))
                throw new UsageException($"--length: the {SorterConfig.Name(sorter.Config.Architecture)} sorter {source} ranks sequences of length {sorter.Config.Length} only");
            return context.Emit(parse, CliProgress.Run(context, parse, $"evaluating on {4 * count} sequences", bar =>
                Evaluate(sorter, source, n, count, parse.GetValue(seed), eps, bar, context)));
        });
        return command;
    }

    /// <summary>Loads a sorter from a file path or a shipped name.</summary>
    public static LearnedSorter Resolve(string source)
    {
        if (File.Exists(source))
            return LearnedSorter.Load(source, TorchInfo.DefaultDevice);
        if (PretrainedSorters.Contains(source))
            return PretrainedSorters.Load(source, TorchInfo.DefaultDevice);
        throw new RankwiseInputException(source, $"no such sorter file, and not a shipped sorter (shipped: {string.Join(", ", PretrainedSorters.Names)})");
    }

    private static CommandOutput Evaluate(LearnedSorter sorter, string source, int n, int count, ulong seed, double eps,
        IProgress<double>? bar, CliContext context)
    {
        var device = TorchInfo.DefaultDevice;
        var rankers = new (string Name, Func<Tensor, Tensor> Ranker)[]
        {
            ("learned", x => sorter.call(x)),
            ("sigmoid", x => RankOps.sigmoid_rank(x, normalize: true)),
            ("soft_rank", x => RankOps.soft_rank(Standardize(x), "l2", eps) / x.shape[^1]),
        };
        var results = new List<IReadOnlyDictionary<SequenceGenerator, SorterScore>>();
        for (int i = 0; i < rankers.Length; i++)
        {
            results.Add(SorterEvaluation.Evaluate(rankers[i].Ranker, n, count, seed, device, cancellationToken: context.Cancellation));
            bar?.Report((i + 1) / (double)rankers.Length);
        }
        var generators = new JsonObject();
        var table = new ResultTable($"{source}: predicted vs exact ranks, n = {n}, {count} sequences per generator (seed {seed})",
            ["generator", "ranker", "spearman", "min spearman", "MAE (rank/n)"]);
        foreach (var g in SyntheticSequences.Generators)
        {
            var perRanker = new JsonObject();
            for (int i = 0; i < rankers.Length; i++)
            {
                var s = results[i][g];
                perRanker[rankers[i].Name] = ScoreJson(s);
                table.Add(SyntheticSequences.Name(g), rankers[i].Name, s.Spearman, s.MinSpearman, s.Mae);
            }
            generators[SyntheticSequences.Name(g)] = perRanker;
        }
        var json = new JsonObject
        {
            ["sorter"] = source,
            ["architecture"] = SorterConfig.Name(sorter.Config.Architecture),
            ["trained_length"] = sorter.Config.Length,
            ["length"] = n,
            ["sequences"] = count,
            ["seed"] = seed,
            ["soft_rank_epsilon"] = eps,
            ["generators"] = generators,
        };
        var output = new CommandOutput(json);
        output.Tables.Add(table);
        output.Notes.Add("learned: the sorter; sigmoid: SoDeep's handcrafted sorter (adaptive λ); soft_rank: l2 soft rank of the standardised scores with ε = "
            + eps.ToString(CultureInfo.InvariantCulture) + ". Spearman is the mean per-sequence ρ against the exact ranks.");
        return output;
    }

    private static Tensor Standardize(Tensor x)
    {
        var centered = x - x.mean([-1], keepdim: true);
        return centered / (centered.square().mean([-1], keepdim: true).sqrt() + 1e-30);
    }

    private static CommandOutput ApplyToData(LearnedSorter sorter, string source, string dataPath, string outPath)
    {
        var matrix = ArrayReader.ReadMatrix<double>(dataPath);
        if (matrix.Rows < 1 || matrix.Columns < 2)
            throw new RankwiseInputException(dataPath, $"expected a [b, n] array with n ≥ 2 scores per row but got [{matrix.Rows}, {matrix.Columns}]");
        foreach (var v in matrix.Data)
            if (!double.IsFinite(v))
                throw new RankwiseInputException(dataPath, "contains NaN or infinite values");
        if (!sorter.AcceptsLength(matrix.Columns))
            throw new RankwiseInputException(dataPath, $"has rows of length {matrix.Columns}, but the {SorterConfig.Name(sorter.Config.Architecture)} sorter {source} ranks length {sorter.Config.Length} only");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(matrix.Data, [matrix.Rows, matrix.Columns]).to(TorchInfo.DefaultDevice);
        var ranks = sorter.call(x).to_type(ScalarType.Float64).cpu();
        var score = SorterEvaluation.Score(ranks, x.cpu());
        double rho = score.Spearman, mae = score.Mae;
        var result = new Matrix<double>(matrix.Rows, matrix.Columns, ranks.contiguous().data<double>().ToArray());
        ArrayWriter.WriteMatrix(outPath, result);
        var json = new JsonObject
        {
            ["sorter"] = source,
            ["data"] = dataPath,
            ["rows"] = matrix.Rows,
            ["length"] = matrix.Columns,
            ["out"] = outPath,
            ["spearman"] = Exporters.Number(rho),
            ["mae"] = Exporters.Number(mae),
        };
        var output = new CommandOutput(json);
        output.Tables.Add(new ResultTable(null, ["data", "rows", "length", "out", "spearman vs exact", "MAE (rank/n)"])
            .Add(dataPath, matrix.Rows, matrix.Columns, outPath, rho, mae));
        output.Notes.Add("ranks are rank/n in ascending order (≈ 1/n for the smallest score of a row, ≈ 1 for the largest)");
        return output;
    }

    private static JsonObject? ScoresJson(IReadOnlyDictionary<string, SorterScore>? scores)
    {
        if (scores is null)
            return null;
        var json = new JsonObject();
        foreach (var (name, s) in scores)
            json[name] = ScoreJson(s);
        return json;
    }

    private static JsonObject ScoreJson(SorterScore s) => new()
    {
        ["spearman"] = Exporters.Number(s.Spearman),
        ["min_spearman"] = Exporters.Number(s.MinSpearman),
        ["mae"] = Exporters.Number(s.Mae),
    };

    private static string Flag(string? parameter) => parameter switch
    {
        "Length" => "--length",
        "HiddenSize" => "--hidden",
        "Layers" => "--layers",
        "KernelSize" => "--kernel",
        "Steps" => "--steps",
        "BatchSize" => "--batch",
        "LearningRate" => "--lr",
        "WarmupSteps" => "--warmup",
        "ValidationInterval" => "--validate-every",
        "ValidationSequences" => "--validation-sequences",
        _ => "--" + (parameter ?? "value").ToLowerInvariant(),
    };

    private static string Message(ArgumentException ex)
    {
        string m = ex.Message.Split(" (Parameter")[0];
        int colon = m.IndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? m[(colon + 2)..] : m;
    }

    /// <summary>Forwards training progress to the bar and, without a bar, one line per validation to a log.</summary>
    private sealed class TrainingReporter(IProgress<double>? bar, TextWriter? log) : IProgress<SorterTrainingProgress>
    {
        public void Report(SorterTrainingProgress p)
        {
            bar?.Report(p.Step / (double)p.TotalSteps);
            if (log is not null && p.Validation is not null)
            {
                var scores = string.Join(" ", p.Validation.Select(kv =>
                    $"{SyntheticSequences.Name(kv.Key)} {kv.Value.Spearman.ToString("F4", CultureInfo.InvariantCulture)}"));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {p.Step}/{p.TotalSteps} {p.ElapsedSeconds:F0}s loss {p.Loss:F4} lr {p.LearningRate:G3} spearman: {scores} (best step {p.BestStep})"));
                log.Flush();
            }
        }
    }
}
