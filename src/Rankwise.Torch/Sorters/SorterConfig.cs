namespace Rankwise.Torch.Sorters;

/// <summary>
/// The architecture of a learned sorter: everything needed to rebuild the module before loading its weights
/// (stored in the sorter's JSON sidecar, <see cref="SorterMetadata"/>).
/// </summary>
/// <param name="Architecture">The network family.</param>
/// <param name="Length">Sequence length n the sorter is trained for. The MLP sorter accepts only this length; the
/// recurrent and convolutional sorters accept any length but are most accurate near it.</param>
/// <param name="HiddenSize">Hidden units per direction (GRU/LSTM), channels (CNN) or hidden width (MLP).</param>
/// <param name="Layers">Stacked recurrent layers (GRU/LSTM), convolution layers (CNN, dilations 1, 2, 4, …) or
/// hidden layers (MLP).</param>
/// <param name="KernelSize">Odd convolution kernel size (CNN only; ignored otherwise).</param>
/// <param name="StandardizeInput">Standardise each sequence, (x − mean)/std, before the network (differentiably).
/// Ranks are invariant to that map, so the sorter becomes exactly invariant to shifting and positively scaling its
/// input, and fine differences in a narrow range are as visible as coarse ones. Default true.</param>
public sealed record SorterConfig(
    SorterArchitecture Architecture, int Length, int HiddenSize, int Layers, int KernelSize = 3, bool StandardizeInput = true)
{
    /// <summary>
    /// The default configuration of each family for length <paramref name="length"/>: GRU/LSTM 2 layers × 64 units per
    /// direction; CNN 6 layers × 64 channels, kernel 3 (receptive field 127); MLP 2 hidden layers × 512.
    /// </summary>
    /// <param name="architecture">The family.</param>
    /// <param name="length">Sequence length n ≥ 2.</param>
    /// <returns>The configuration.</returns>
    public static SorterConfig Default(SorterArchitecture architecture, int length) => architecture switch
    {
        SorterArchitecture.Gru or SorterArchitecture.Lstm => new(architecture, length, 64, 2),
        SorterArchitecture.Cnn => new(architecture, length, 64, 6, 3),
        SorterArchitecture.Mlp => new(architecture, length, 512, 2),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "unknown sorter architecture"),
    };

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <exception cref="ArgumentException">Unknown architecture, length &lt; 2, hidden size or layers &lt; 1, or an even
    /// or non-positive kernel size for the CNN.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Architecture))
        {
            throw new ArgumentException($"architecture: unknown value {Architecture}.", nameof(Architecture));
        }
        if (Length < 2)
        {
            throw new ArgumentException($"length: expected a sequence length ≥ 2 but got {Length}.", nameof(Length));
        }
        if (HiddenSize < 1)
        {
            throw new ArgumentException($"hidden_size: expected ≥ 1 but got {HiddenSize}.", nameof(HiddenSize));
        }
        if (Layers < 1 || Layers > 30)
        {
            throw new ArgumentException($"layers: expected 1 to 30 but got {Layers}.", nameof(Layers));
        }
        if (Architecture == SorterArchitecture.Cnn && (KernelSize < 1 || KernelSize % 2 == 0))
        {
            throw new ArgumentException($"kernel_size: expected an odd size ≥ 1 but got {KernelSize}.", nameof(KernelSize));
        }
    }

    /// <summary>The command-line and JSON name of an architecture: gru, lstm, cnn, mlp.</summary>
    /// <param name="architecture">The architecture.</param>
    /// <returns>Its name.</returns>
    public static string Name(SorterArchitecture architecture) => architecture switch
    {
        SorterArchitecture.Gru => "gru",
        SorterArchitecture.Lstm => "lstm",
        SorterArchitecture.Cnn => "cnn",
        SorterArchitecture.Mlp => "mlp",
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "unknown sorter architecture"),
    };

    /// <summary>Parses gru, lstm, cnn or mlp (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static SorterArchitecture ParseArchitecture(string name) => name?.ToLowerInvariant() switch
    {
        "gru" => SorterArchitecture.Gru,
        "lstm" => SorterArchitecture.Lstm,
        "cnn" => SorterArchitecture.Cnn,
        "mlp" => SorterArchitecture.Mlp,
        _ => throw new ArgumentException($"architecture: expected gru, lstm, cnn or mlp but got '{name}'.", nameof(name)),
    };
}
