namespace Rankwise.Torch.Sorters;

/// <summary>Learning-rate schedules of <see cref="SorterTrainer"/> (after the linear warm-up).</summary>
public enum LearningRateSchedule
{
    /// <summary>Cosine decay from the peak rate to 1 % of it at the last step.</summary>
    Cosine,

    /// <summary>Step decay: ×0.1 at half and again at three quarters of the steps (as SoDeep's StepLR).</summary>
    Step,

    /// <summary>The peak rate throughout.</summary>
    Constant,
}

/// <summary>Options of <see cref="SorterTrainer.Train"/>.</summary>
public sealed record SorterTrainingOptions
{
    /// <summary>Total optimisation steps (batches). Default 10,000.</summary>
    public long Steps { get; init; } = 10_000;

    /// <summary>Sequences per batch, drawn from the generator mixture. Default 256 (SoDeep's).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Peak Adam learning rate. Default 0.003.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Schedule after warm-up. Default cosine.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;

    /// <summary>Linear warm-up steps from 0 to the peak rate; null (default) for min(500, Steps/20).</summary>
    public long? WarmupSteps { get; init; }

    /// <summary>Gradients are clipped to this global L2 norm (recurrent nets need it early on). Default 1.</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>Seed of the weight initialisation (torch's global generator is seeded with it) and of the training
    /// and validation sequences. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Validate (and write checkpoints) every this many steps, and after the last. Default 250.</summary>
    public int ValidationInterval { get; init; } = 250;

    /// <summary>Validation sequences per generator (a fixed set, never trained on). Default 256.</summary>
    public int ValidationSequences { get; init; } = 256;

    /// <summary>
    /// Where the best weights go (e.g. <c>sorter.dat</c>, with the sidecar <c>sorter.json</c>) and next to which the
    /// resume checkpoint <c>sorter.resume</c> is kept; null trains in memory only.
    /// </summary>
    public string? OutputPath { get; init; }

    /// <summary>Continue from the resume checkpoint next to <see cref="OutputPath"/> when it exists (otherwise start
    /// afresh). Default false: start afresh and overwrite.</summary>
    public bool Resume { get; init; }

    /// <summary>Device to train on; null for <see cref="TorchInfo.DefaultDevice"/>.</summary>
    public TorchSharp.torch.Device? Device { get; init; }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <exception cref="ArgumentException">A value out of range, or resuming without an output path.</exception>
    public void Validate()
    {
        if (Steps < 1)
        {
            throw new ArgumentException($"steps: expected ≥ 1 but got {Steps}.", nameof(Steps));
        }
        if (BatchSize < 1)
        {
            throw new ArgumentException($"batch_size: expected ≥ 1 but got {BatchSize}.", nameof(BatchSize));
        }
        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
        {
            throw new ArgumentException($"learning_rate: expected a finite number > 0 but got {LearningRate}.", nameof(LearningRate));
        }
        if (WarmupSteps is < 0)
        {
            throw new ArgumentException($"warmup_steps: expected ≥ 0 but got {WarmupSteps}.", nameof(WarmupSteps));
        }
        if (!(GradientClipNorm > 0))
        {
            throw new ArgumentException($"gradient_clip_norm: expected > 0 (or +∞ for none) but got {GradientClipNorm}.", nameof(GradientClipNorm));
        }
        if (ValidationInterval < 1)
        {
            throw new ArgumentException($"validation_interval: expected ≥ 1 but got {ValidationInterval}.", nameof(ValidationInterval));
        }
        if (ValidationSequences < 1)
        {
            throw new ArgumentException($"validation_sequences: expected ≥ 1 but got {ValidationSequences}.", nameof(ValidationSequences));
        }
        if (Resume && OutputPath is null)
        {
            throw new ArgumentException("resume: needs an output path, next to which the resume checkpoint is kept.", nameof(Resume));
        }
    }

    /// <summary>The warm-up length in effect.</summary>
    public long EffectiveWarmupSteps => WarmupSteps ?? Math.Min(500, Steps / 20);

    /// <summary>The learning rate at 1-based step <paramref name="step"/>.</summary>
    /// <param name="step">Step, 1…<see cref="Steps"/>.</param>
    /// <returns>The rate.</returns>
    public double LearningRateAt(long step)
    {
        long warmup = EffectiveWarmupSteps;
        if (step <= warmup)
        {
            return LearningRate * step / (warmup + 1);
        }
        double progress = Steps <= warmup ? 1 : (double)(step - warmup) / (Steps - warmup);
        return Schedule switch
        {
            LearningRateSchedule.Cosine => LearningRate * (0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(progress, 0, 1)))),
            LearningRateSchedule.Step => LearningRate * (progress < 0.5 ? 1 : progress < 0.75 ? 0.1 : 0.01),
            _ => LearningRate,
        };
    }
}

/// <summary>A progress report of <see cref="SorterTrainer.Train"/>, sent after every step.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps asked for.</param>
/// <param name="Loss">Mean L1 training loss over the steps since the previous report with validation.</param>
/// <param name="LearningRate">Rate used at this step.</param>
/// <param name="ElapsedSeconds">Training time so far (summed over resumed runs).</param>
/// <param name="Validation">Validation scores when this step validated, otherwise null.</param>
/// <param name="BestStep">Step of the best validation (lowest mean MAE over generators) so far (0 before the first).</param>
public sealed record SorterTrainingProgress(
    long Step, long TotalSteps, double Loss, double LearningRate, double ElapsedSeconds,
    IReadOnlyDictionary<SequenceGenerator, SorterScore>? Validation, long BestStep);

/// <summary>The outcome of <see cref="SorterTrainer.Train"/>.</summary>
/// <param name="Sorter">The sorter with the best validated weights, in evaluation mode.</param>
/// <param name="Metadata">Its metadata (as written to the sidecar when an output path was given).</param>
/// <param name="ResumedFromStep">Step the run resumed from (0 for a fresh run).</param>
public sealed record SorterTrainingResult(LearnedSorter Sorter, SorterMetadata Metadata, long ResumedFromStep);
