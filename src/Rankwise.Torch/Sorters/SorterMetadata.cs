using System.Text.Json;
using Rankwise.IO;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// The JSON sidecar of a saved sorter (<c>sorter.json</c> next to <c>sorter.dat</c>): the architecture needed to
/// rebuild the module, the hash of the weights, and how it was trained and validated. Written with snake_case names
/// (<see cref="JsonOutput.Options"/>).
/// </summary>
/// <param name="Format">Always "rankwise-sorter".</param>
/// <param name="FormatVersion">1.</param>
/// <param name="Architecture">gru, lstm, cnn or mlp.</param>
/// <param name="Length">Sequence length n trained for.</param>
/// <param name="HiddenSize">See <see cref="SorterConfig.HiddenSize"/>.</param>
/// <param name="Layers">See <see cref="SorterConfig.Layers"/>.</param>
/// <param name="KernelSize">See <see cref="SorterConfig.KernelSize"/>.</param>
/// <param name="StandardizeInput">See <see cref="SorterConfig.StandardizeInput"/>.</param>
/// <param name="Parameters">Number of trainable scalars.</param>
/// <param name="WeightsSha256">Lower-case hex SHA-256 of the weights file, checked on load; null to skip the check.</param>
/// <param name="Training">How it was trained; null for an untrained module.</param>
/// <param name="Validation">Validation scores per generator name at the saved (best) step; null if never validated.</param>
public sealed record SorterMetadata(
    string Format,
    int FormatVersion,
    SorterArchitecture Architecture,
    int Length,
    int HiddenSize,
    int Layers,
    int KernelSize,
    bool StandardizeInput,
    long Parameters,
    string? WeightsSha256,
    SorterTrainingSummary? Training,
    IReadOnlyDictionary<string, SorterScore>? Validation)
{
    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "rankwise-sorter";

    /// <summary>Metadata describing <paramref name="sorter"/>'s architecture only.</summary>
    /// <param name="sorter">The sorter.</param>
    /// <returns>Metadata without training information.</returns>
    public static SorterMetadata From(LearnedSorter sorter)
    {
        ArgumentNullException.ThrowIfNull(sorter);
        var c = sorter.Config;
        return new SorterMetadata(FormatName, 1, c.Architecture, c.Length, c.HiddenSize, c.Layers, c.KernelSize,
            c.StandardizeInput, sorter.ParameterCount, null, null, null);
    }

    /// <summary>The architecture recorded here.</summary>
    /// <returns>The configuration.</returns>
    public SorterConfig ToConfig() => new(Architecture, Length, HiddenSize, Layers, KernelSize, StandardizeInput);

    /// <summary>Parses a sidecar.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">File name for error messages.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="RankwiseInputException">Not valid JSON, not a Rankwise sorter, or an unsupported version.</exception>
    public static SorterMetadata Read(string json, string source)
    {
        SorterMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<SorterMetadata>(json, JsonOutput.Options);
        }
        catch (JsonException ex)
        {
            throw new RankwiseInputException(source, "not a valid sorter sidecar: " + ex.Message.ReplaceLineEndings(" "));
        }
        if (metadata is null || metadata.Format != FormatName)
        {
            throw new RankwiseInputException(source, $"not a Rankwise sorter sidecar (expected \"format\": \"{FormatName}\")");
        }
        if (metadata.FormatVersion != 1)
        {
            throw new RankwiseInputException(source, $"unsupported sorter format version {metadata.FormatVersion} (this build reads version 1)");
        }
        return metadata;
    }
}

/// <summary>How a sorter was trained (the <c>training</c> object of the sidecar).</summary>
/// <param name="Steps">Optimisation steps completed when the file was written.</param>
/// <param name="TotalSteps">Steps the run was asked for.</param>
/// <param name="BestStep">Step of the saved (best-validation) weights.</param>
/// <param name="BatchSize">Sequences per step.</param>
/// <param name="LearningRate">Peak Adam learning rate.</param>
/// <param name="Schedule">Learning-rate schedule (cosine, step or constant).</param>
/// <param name="WarmupSteps">Linear warm-up steps.</param>
/// <param name="Seed">Seed of the weights' initialisation and of the training data.</param>
/// <param name="ValidationSequences">Validation sequences per generator.</param>
/// <param name="ElapsedSeconds">Wall-clock training time so far, summed over resumed runs.</param>
/// <param name="Rankwise">Rankwise version that trained it.</param>
/// <param name="TorchSharp">TorchSharp version that trained it.</param>
public sealed record SorterTrainingSummary(
    long Steps,
    long TotalSteps,
    long BestStep,
    int BatchSize,
    double LearningRate,
    LearningRateSchedule Schedule,
    long WarmupSteps,
    ulong Seed,
    int ValidationSequences,
    double ElapsedSeconds,
    string Rankwise,
    string TorchSharp);

/// <summary>Quality of a ranker on one generator's sequences.</summary>
/// <param name="Spearman">Mean over sequences of Spearman's ρ between the predicted and the exact ranks.</param>
/// <param name="MinSpearman">Smallest per-sequence ρ.</param>
/// <param name="Mae">Mean absolute error of the predicted normalised ranks (rank/n) against the exact ones; ×n gives
/// rank positions.</param>
public sealed record SorterScore(double Spearman, double MinSpearman, double Mae);
