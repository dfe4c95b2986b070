using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Rankwise.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// Trains a learned sorter as SoDeep does (Engilberge et al., CVPR 2019): batches from the synthetic generator mixture
/// (<see cref="SyntheticSequences.SampleMixture"/>), L1 loss between the predicted and the exact normalised ranks,
/// Adam with warm-up and a decaying learning rate, periodic validation on a fixed set of fresh sequences per generator,
/// and the best-validated weights saved: "best" is the lowest validation L1 loss, i.e. the mean absolute error of
/// rank/n averaged over the four generators (the per-generator Spearman ρ is recorded too, but it saturates near 1
/// long before the ranks are accurate).
/// </summary>
/// <remarks>
/// <para>
/// Determinism: the initial weights come from torch's global generator seeded with <see cref="SorterTrainingOptions.Seed"/>
/// and the batch of step s is stream s of the seed, so a run is reproducible on one machine (up to the floating-point
/// non-determinism of multi-threaded kernels).
/// </para>
/// <para>
/// Checkpoints: with an output path, every validation (every <see cref="SorterTrainingOptions.ValidationInterval"/>
/// steps and after the last) writes, atomically, the best weights so far to the output path with their JSON sidecar
/// (<see cref="SorterMetadata"/>) and the resume checkpoint <c>&lt;output&gt;.resume</c>: the current weights, the Adam
/// state (moments and step counts, via TorchSharp's optimizer <c>save_state_dict</c>), the step and the best score so far.
/// Cancellation writes the resume checkpoint for the current step before throwing. A resumed run restores all of this
/// and continues with the next step's batch, so it follows the same trajectory as an uninterrupted run; a run killed
/// without warning repeats at most the steps since its last checkpoint. The checkpoint is kept after training, so a
/// finished run can be extended by resuming with more steps (the schedule is then recomputed for the new total).
/// </para>
/// </remarks>
public static class SorterTrainer
{
    private static readonly byte[] Magic = "RWSORTER"u8.ToArray();

    /// <summary>The resume checkpoint kept next to <paramref name="outputPath"/>: <c>sorter.dat</c> → <c>sorter.resume</c>.</summary>
    /// <param name="outputPath">The output weights path.</param>
    /// <returns>The checkpoint path.</returns>
    public static string ResumePath(string outputPath) => Path.ChangeExtension(outputPath, ".resume");

    /// <summary>Trains a sorter of architecture <paramref name="config"/>.</summary>
    /// <param name="config">The architecture (its length is the training sequence length).</param>
    /// <param name="options">Training options.</param>
    /// <param name="progress">Receives a report after every step; null for none.</param>
    /// <param name="cancellationToken">Checked before every step; on cancellation the resume checkpoint is written
    /// (when there is an output path) and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The best sorter with its metadata.</returns>
    /// <exception cref="ArgumentException">Invalid configuration or options.</exception>
    /// <exception cref="RankwiseInputException">The resume checkpoint is unreadable or belongs to another
    /// architecture, seed or batch size.</exception>
    /// <exception cref="IOException">A checkpoint cannot be written.</exception>
    public static SorterTrainingResult Train(
        SorterConfig config, SorterTrainingOptions options, IProgress<SorterTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.Validate();
        options.Validate();
        var device = options.Device ?? TorchInfo.DefaultDevice;

        manual_seed(unchecked((long)options.Seed));
        var model = LearnedSorter.Create(config, device);
        var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        var state = new ResumeState(Step: 0, BestStep: 0, BestMinSpearman: double.NegativeInfinity, BestMae: double.PositiveInfinity,
            BestValidation: null, ElapsedSeconds: 0);
        string? resumePath = options.OutputPath is null ? null : ResumePath(options.OutputPath);
        if (options.Resume && resumePath is not null && File.Exists(resumePath))
        {
            state = ReadCheckpoint(resumePath, config, options, model, optimizer);
        }
        long resumedFrom = state.Step;
        byte[]? bestWeights = state.BestStep > 0 && options.OutputPath is null ? model.WeightsBytes() : null;

        var validation = SyntheticSequences.Generators
            .Select(g => SyntheticSequences.Sample(g, options.ValidationSequences, config.Length, options.Seed,
                SorterEvaluation.ValidationStream + (ulong)g, device: device))
            .ToArray();
        var clock = Stopwatch.StartNew();
        double elapsedBefore = state.ElapsedSeconds;
        double lossSum = 0;
        int lossCount = 0;
        SorterMetadata? lastMetadata = null;
        try
        {
            model.train();
            for (long step = state.Step + 1; step <= options.Steps; step++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    if (resumePath is not null)
                    {
                        WriteCheckpoint(resumePath, config, options, model, optimizer,
                            state with { ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds });
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                }
                double lr = options.LearningRateAt(step);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = lr;
                }
                using (var scope = NewDisposeScope())
                {
                    var (x, _) = SyntheticSequences.SampleMixture(options.BatchSize, config.Length, options.Seed, (ulong)step, device: device);
                    var target = SyntheticSequences.TargetRanks(x);
                    optimizer.zero_grad();
                    var loss = nn.functional.l1_loss(model.call(x), target);
                    loss.backward();
                    if (double.IsFinite(options.GradientClipNorm))
                    {
                        nn.utils.clip_grad_norm_(model.parameters(), options.GradientClipNorm);
                    }
                    optimizer.step();
                    lossSum += loss.item<float>();
                    lossCount++;
                }
                state = state with { Step = step };

                IReadOnlyDictionary<SequenceGenerator, SorterScore>? scores = null;
                if (step % options.ValidationInterval == 0 || step == options.Steps)
                {
                    scores = Validate(model, validation);
                    model.train();
                    double minSpearman = scores.Values.Min(s => s.Spearman);
                    double mae = scores.Values.Average(s => s.Mae);
                    bool better = mae < state.BestMae || (mae == state.BestMae && minSpearman > state.BestMinSpearman);
                    double elapsed = elapsedBefore + clock.Elapsed.TotalSeconds;
                    if (better)
                    {
                        state = state with
                        {
                            BestStep = step, BestMinSpearman = minSpearman, BestMae = mae,
                            BestValidation = scores.ToDictionary(kv => SyntheticSequences.Name(kv.Key), kv => kv.Value),
                        };
                        if (options.OutputPath is not null)
                        {
                            lastMetadata = model.Save(options.OutputPath, BuildMetadata(model, options, state, elapsed));
                        }
                        else
                        {
                            bestWeights = model.WeightsBytes();
                        }
                    }
                    state = state with { ElapsedSeconds = elapsed };
                    if (resumePath is not null)
                    {
                        WriteCheckpoint(resumePath, config, options, model, optimizer, state);
                    }
                }
                progress?.Report(new SorterTrainingProgress(step, options.Steps, lossCount == 0 ? double.NaN : lossSum / lossCount, lr,
                    elapsedBefore + clock.Elapsed.TotalSeconds, scores, state.BestStep));
                if (scores is not null)
                {
                    lossSum = 0;
                    lossCount = 0;
                }
            }
        }
        finally
        {
            foreach (var v in validation)
            {
                v.Dispose();
            }
            optimizer.Dispose();
        }

        // Return the best weights (from the output file, or from memory).
        LearnedSorter best;
        SorterMetadata metadata;
        double total = elapsedBefore + clock.Elapsed.TotalSeconds;
        if (options.OutputPath is not null && File.Exists(options.OutputPath))
        {
            model.Dispose();
            best = LearnedSorter.Load(options.OutputPath, device);
            metadata = best.Metadata!;
            if (lastMetadata is null || metadata.Training?.Steps != state.Step)
            {
                // Record the final step count and time in the sidecar (the weights are unchanged).
                metadata = metadata with { Training = metadata.Training! with { Steps = state.Step, TotalSteps = options.Steps, ElapsedSeconds = total } };
                JsonOutput.Write(LearnedSorter.SidecarPath(options.OutputPath), metadata);
                best.Metadata = metadata;
            }
        }
        else
        {
            if (bestWeights is not null)
            {
                using var memory = new MemoryStream(bestWeights, writable: false);
                using var reader = new BinaryReader(memory);
                model.load(reader);
            }
            model.eval();
            metadata = BuildMetadata(model, options, state, total);
            model.Metadata = metadata;
            best = model;
        }
        return new SorterTrainingResult(best, metadata, resumedFrom);
    }

    private static IReadOnlyDictionary<SequenceGenerator, SorterScore> Validate(LearnedSorter model, Tensor[] validation)
    {
        model.eval();
        var result = new Dictionary<SequenceGenerator, SorterScore>();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var generator in SyntheticSequences.Generators)
        {
            var x = validation[(int)generator];
            var (rho, mae) = SorterEvaluation.Compare(model.call(x), SyntheticSequences.TargetRanks(x));
            result[generator] = new SorterScore(rho.mean().item<double>(), rho.min().item<double>(), mae.mean().item<double>());
        }
        return result;
    }

    private static SorterMetadata BuildMetadata(LearnedSorter model, SorterTrainingOptions options, ResumeState state, double elapsed)
    {
        var training = new SorterTrainingSummary(state.Step, options.Steps, state.BestStep, options.BatchSize, options.LearningRate,
            options.Schedule, options.EffectiveWarmupSteps, options.Seed, options.ValidationSequences, Math.Round(elapsed, 1),
            typeof(SorterTrainer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown");
        return SorterMetadata.From(model) with { Training = training, Validation = state.BestValidation };
    }

    /// <summary>What a resume checkpoint records besides the weights and the optimizer state.</summary>
    internal sealed record ResumeState(
        long Step, long BestStep, double BestMinSpearman, double BestMae,
        Dictionary<string, SorterScore>? BestValidation, double ElapsedSeconds);

    private sealed record CheckpointHeader(
        SorterArchitecture Architecture, int Length, int HiddenSize, int Layers, int KernelSize, bool StandardizeInput,
        ulong Seed, int BatchSize, ResumeState State);

    private static void WriteCheckpoint(
        string path, SorterConfig config, SorterTrainingOptions options, LearnedSorter model, OptimizerHelper optimizer, ResumeState state)
    {
        var header = new CheckpointHeader(config.Architecture, config.Length, config.HiddenSize, config.Layers, config.KernelSize,
            config.StandardizeInput, options.Seed, options.BatchSize,
            state with { BestMinSpearman = Finite(state.BestMinSpearman, -2), BestMae = Finite(state.BestMae, double.MaxValue) });
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, JsonOutput.Options);
        byte[] weights = model.WeightsBytes();
        byte[] moments;
        using (var memory = new MemoryStream())
        {
            using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(writer);
            }
            moments = memory.ToArray();
        }
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(1);
            writer.Write(json.Length);
            writer.Write(json);
            writer.Write(weights.LongLength);
            writer.Write(weights);
            writer.Write(moments.LongLength);
            writer.Write(moments);
        });
    }

    private static double Finite(double value, double replacement) => double.IsFinite(value) ? value : replacement;

    private static ResumeState ReadCheckpoint(
        string path, SorterConfig config, SorterTrainingOptions options, LearnedSorter model, OptimizerHelper optimizer)
    {
        CheckpointHeader header;
        byte[] weights, moments;
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != 1)
            {
                throw new RankwiseInputException(path, "not a Rankwise sorter resume checkpoint (version 1)");
            }
            header = JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadBytes(reader.ReadInt32()), JsonOutput.Options)
                ?? throw new RankwiseInputException(path, "empty checkpoint header");
            weights = reader.ReadBytes(checked((int)reader.ReadInt64()));
            moments = reader.ReadBytes(checked((int)reader.ReadInt64()));
        }
        catch (Exception ex) when (ex is IOException or JsonException or OverflowException)
        {
            throw new RankwiseInputException(path, "unreadable resume checkpoint: " + ex.Message.ReplaceLineEndings(" "));
        }
        var saved = new SorterConfig(header.Architecture, header.Length, header.HiddenSize, header.Layers, header.KernelSize, header.StandardizeInput);
        if (saved != config)
        {
            throw new RankwiseInputException(path,
                $"the checkpoint is a {SorterConfig.Name(saved.Architecture)} sorter (length {saved.Length}, hidden {saved.HiddenSize}, layers {saved.Layers}); " +
                "resume with the same architecture or start afresh without --resume");
        }
        if (header.Seed != options.Seed || header.BatchSize != options.BatchSize)
        {
            throw new RankwiseInputException(path,
                $"the checkpoint was trained with seed {header.Seed} and batch size {header.BatchSize}; resume with the same values");
        }
        try
        {
            using (var memory = new MemoryStream(weights, writable: false))
            using (var reader = new BinaryReader(memory))
            {
                model.load(reader, strict: true);
            }
            using (var memory = new MemoryStream(moments, writable: false))
            using (var reader = new BinaryReader(memory))
            {
                optimizer.load_state_dict(reader);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            throw new RankwiseInputException(path, "cannot restore the checkpoint's weights or optimizer state: " + ex.Message.ReplaceLineEndings(" "));
        }
        var state = header.State;
        return state with
        {
            BestMinSpearman = state.BestStep == 0 ? double.NegativeInfinity : state.BestMinSpearman,
            BestMae = state.BestStep == 0 ? double.PositiveInfinity : state.BestMae,
        };
    }
}
