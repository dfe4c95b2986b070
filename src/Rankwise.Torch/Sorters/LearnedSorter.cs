using Rankwise.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// A learned differentiable sorter in the sense of SoDeep (Engilberge, Chevallier, Pérez &amp; Cord, "SoDeep: a Sorting
/// Deep Net to Learn Ranking Loss Surrogates", CVPR 2019): a network trained on synthetic sequences
/// (<see cref="SyntheticSequences"/>) to map scores [b, n] to approximate ranks [b, n] normalised to (0, 1]
/// (rank/n, ascending: ≈ 1/n for the smallest score, ≈ 1 for the largest).
/// </summary>
/// <remarks>
/// <para>
/// The outputs are the network's estimates, not constrained to (0, 1] or to be a permutation; they are differentiable
/// in the scores (plain autograd through the network), which is what a rank loss such as
/// <see cref="Rankwise.Torch.Losses.SpearmanLoss"/> needs (use it with <c>normalize: true</c>). For SoDeep's descending
/// convention rank −scores.
/// </para>
/// <para>
/// Input: [..., n] of any floating dtype on the module's device; the leading dimensions are the batch. The scores are
/// converted to the parameters' dtype (float32 unless the module was converted, e.g. to float64 for gradient checks)
/// and the result back to the input's dtype. With <see cref="SorterConfig.StandardizeInput"/> each row is first mapped
/// to (x − mean)/std (population std; a constant row maps to zeros, whose output is the network's response to a
/// constant sequence rather than exact average ranks). NaN inputs make their row's outputs NaN.
/// </para>
/// <para>
/// Create with <see cref="Create"/>, train with <see cref="SorterTrainer"/>, persist with <see cref="Save"/> /
/// <see cref="Load(string, Device?)"/>, or take the shipped one from <see cref="PretrainedSorters"/>. Modules start in
/// evaluation mode after loading; call <c>eval()</c> before using a freshly trained one (the sorters have no dropout or
/// batch normalisation, so the mode does not change results).
/// </para>
/// </remarks>
public abstract class LearnedSorter : nn.Module<Tensor, Tensor>
{
    /// <summary>Sets the configuration (validated) and the module name.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="config">The architecture.</param>
    protected LearnedSorter(string name, SorterConfig config)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
    }

    /// <summary>The architecture.</summary>
    public SorterConfig Config { get; }

    /// <summary>Metadata loaded with the weights (training summary, validation scores), or null for a new module.</summary>
    public SorterMetadata? Metadata { get; internal set; }

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Whether this sorter accepts sequences of length <paramref name="length"/> (the MLP only its own).</summary>
    /// <param name="length">Sequence length.</param>
    /// <returns>True when <see cref="forward"/> accepts it.</returns>
    public virtual bool AcceptsLength(long length) => length >= 1;

    /// <summary>Approximate normalised ranks of <paramref name="values"/> along the last dimension.</summary>
    /// <param name="values">Scores [..., n], floating point, on the module's device.</param>
    /// <returns>Approximate ranks in (0, 1], same shape, dtype and device.</returns>
    /// <exception cref="ArgumentException">A scalar, a non-floating dtype, or a length the sorter does not accept.</exception>
    public sealed override Tensor forward(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.dim() == 0)
        {
            throw new ArgumentException("values: expected a tensor [..., n] but got a scalar.", nameof(values));
        }
        if (!values.is_floating_point())
        {
            throw new ArgumentException($"values: expected a floating-point tensor but got {values.dtype}.", nameof(values));
        }
        long n = values.shape[^1];
        if (!AcceptsLength(n))
        {
            throw new ArgumentException(
                $"values: this {SorterConfig.Name(Config.Architecture)} sorter ranks sequences of length {Config.Length} only, but the last dimension is {n}.",
                nameof(values));
        }
        using var scope = NewDisposeScope();
        if (values.numel() == 0)
        {
            return zeros_like(values).MoveToOuterDisposeScope();
        }
        var dtype = parameters().First().dtype;
        var rows = values.reshape(-1, n).to_type(dtype);
        if (Config.StandardizeInput)
        {
            rows = Standardize(rows);
        }
        var ranks = Score(rows);
        return ranks.to_type(values.dtype).reshape(values.shape).MoveToOuterDisposeScope();
    }

    /// <summary>The network proper: standardised (or raw) scores [b, n] to approximate normalised ranks [b, n].</summary>
    /// <param name="rows">Scores [b, n] in the parameters' dtype.</param>
    /// <returns>Ranks [b, n].</returns>
    protected abstract Tensor Score(Tensor rows);

    /// <summary>(x − mean)/std per row, population std; rows are shifted by their first value first so that a constant
    /// row gives exact zeros; a tiny floor keeps the division finite and differentiable there.</summary>
    internal static Tensor Standardize(Tensor rows)
    {
        var shifted = rows - rows.narrow(1, 0, 1);
        var centered = shifted - shifted.mean([1], keepdim: true);
        var std = (centered.square().mean([1], keepdim: true) + 1e-30).sqrt();
        return centered / std;
    }

    /// <summary>Builds an untrained sorter (PyTorch's default initialisation, from torch's global generator; call
    /// <c>torch.manual_seed</c> first for reproducible weights).</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="device">Device; null for the CPU.</param>
    /// <returns>The module (float32, training mode).</returns>
    /// <exception cref="ArgumentException">An invalid configuration.</exception>
    public static LearnedSorter Create(SorterConfig config, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        LearnedSorter sorter = config.Architecture switch
        {
            SorterArchitecture.Gru or SorterArchitecture.Lstm => new RecurrentSorter(config),
            SorterArchitecture.Cnn => new ConvolutionalSorter(config),
            _ => new MlpSorter(config),
        };
        if (device is not null)
        {
            sorter.to(device);
        }
        return sorter;
    }

    /// <summary>
    /// Saves the weights to <paramref name="weightsPath"/> (TorchSharp's <c>.dat</c> format) and the metadata to its
    /// sidecar <see cref="SidecarPath"/>, each atomically; the metadata's <see cref="SorterMetadata.WeightsSha256"/> is
    /// set to the hash of the written weights.
    /// </summary>
    /// <param name="weightsPath">Destination of the weights, e.g. <c>sorter.dat</c>.</param>
    /// <param name="metadata">Training summary to store; null stores the configuration only.</param>
    /// <returns>The metadata as written.</returns>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public SorterMetadata Save(string weightsPath, SorterMetadata? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        byte[] weights = WeightsBytes();
        AtomicFile.Write(weightsPath, s => s.Write(weights));
        var written = (metadata ?? SorterMetadata.From(this)) with
        {
            WeightsSha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(weights)).ToLowerInvariant(),
        };
        JsonOutput.Write(SidecarPath(weightsPath), written);
        Metadata = written;
        return written;
    }

    /// <summary>The weights in TorchSharp's format, as bytes.</summary>
    internal byte[] WeightsBytes()
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            save(writer);
        }
        return memory.ToArray();
    }

    /// <summary>The JSON sidecar of a weights file: the same path with the extension <c>.json</c> (<c>sorter.dat</c> →
    /// <c>sorter.json</c>).</summary>
    /// <param name="weightsPath">The weights file.</param>
    /// <returns>The sidecar path.</returns>
    public static string SidecarPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    /// <summary>
    /// Loads a sorter saved by <see cref="Save"/>: reads the sidecar JSON, rebuilds the architecture, loads the weights
    /// (checking their SHA-256 when the sidecar records one) and returns the module in evaluation mode.
    /// </summary>
    /// <param name="weightsPath">The weights file (its sidecar must sit next to it).</param>
    /// <param name="device">Device; null for the CPU.</param>
    /// <returns>The sorter, with <see cref="Metadata"/> set.</returns>
    /// <exception cref="RankwiseInputException">A file is missing, malformed, or the weights do not match the
    /// sidecar (message names the file).</exception>
    public static LearnedSorter Load(string weightsPath, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        string sidecar = SidecarPath(weightsPath);
        if (!File.Exists(weightsPath))
        {
            throw new RankwiseInputException(weightsPath, "sorter weights not found");
        }
        if (!File.Exists(sidecar))
        {
            throw new RankwiseInputException(sidecar, $"sorter metadata not found (expected next to {Path.GetFileName(weightsPath)})");
        }
        var metadata = SorterMetadata.Read(File.ReadAllText(sidecar), sidecar);
        return Load(File.ReadAllBytes(weightsPath), metadata, weightsPath, device);
    }

    /// <summary>Loads weights given as bytes with their metadata (used for embedded sorters).</summary>
    internal static LearnedSorter Load(byte[] weights, SorterMetadata metadata, string source, Device? device)
    {
        if (metadata.WeightsSha256 is { Length: > 0 } expected)
        {
            string actual = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(weights)).ToLowerInvariant();
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new RankwiseInputException(source, "weights do not match the SHA-256 recorded in the sorter's JSON sidecar");
            }
        }
        LearnedSorter sorter;
        try
        {
            sorter = Create(metadata.ToConfig());
        }
        catch (ArgumentException ex)
        {
            throw new RankwiseInputException(source, "invalid sorter metadata: " + ex.Message.Split(" (Parameter")[0]);
        }
        try
        {
            using var memory = new MemoryStream(weights, writable: false);
            using var reader = new BinaryReader(memory);
            sorter.load(reader, strict: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or EndOfStreamException or IOException or FormatException)
        {
            throw new RankwiseInputException(source, "cannot load the sorter weights: " + InputFileMessage(ex));
        }
        if (device is not null)
        {
            sorter.to(device);
        }
        sorter.eval();
        sorter.Metadata = metadata;
        return sorter;
    }

    private static string InputFileMessage(Exception ex) => ex.Message.ReplaceLineEndings(" ").Trim();
}
