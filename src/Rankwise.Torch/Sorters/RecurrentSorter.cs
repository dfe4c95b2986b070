using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// SoDeep's recurrent sorter (Engilberge et al., CVPR 2019): a stacked bidirectional GRU or LSTM reads the sequence
/// (one feature per step: the standardised score) and a position-wise linear head maps the two directions' outputs
/// at each position, together with the position's own standardised score, to that element's rank estimate. Accepts any sequence length n ≥ 1.
/// </summary>
/// <remarks>
/// Position i's forward state summarises scores 1…i and its backward state scores i…n, so together they see the whole
/// sequence; the head is shared by all positions (SoDeep's LSTM sorter instead mixes all positions with a fixed-length
/// convolution, which ties it to one n). Parameters: per layer and direction 3 (GRU) or 4 (LSTM) gate blocks of
/// (input + hidden + 2) × hidden, plus the head's 2·hidden + 2.
/// </remarks>
public sealed class RecurrentSorter : LearnedSorter
{
    private readonly GRU? gru;
    private readonly LSTM? lstm;
    private readonly Linear head;

    /// <summary>Builds the sorter (<see cref="SorterArchitecture.Gru"/> or <see cref="SorterArchitecture.Lstm"/>).</summary>
    /// <param name="config">The architecture.</param>
    /// <exception cref="ArgumentException">Another architecture or an invalid configuration.</exception>
    public RecurrentSorter(SorterConfig config)
        : base(nameof(RecurrentSorter), config)
    {
        if (config.Architecture == SorterArchitecture.Gru)
        {
            gru = nn.GRU(1, config.HiddenSize, config.Layers, batchFirst: true, bidirectional: true);
        }
        else if (config.Architecture == SorterArchitecture.Lstm)
        {
            lstm = nn.LSTM(1, config.HiddenSize, config.Layers, batchFirst: true, bidirectional: true);
        }
        else
        {
            throw new ArgumentException(
                $"config: a recurrent sorter is gru or lstm, not {SorterConfig.Name(config.Architecture)}.", nameof(config));
        }
        head = nn.Linear(2L * config.HiddenSize + 1, 1);
        RegisterComponents();
    }

    /// <inheritdoc/>
    protected override Tensor Score(Tensor rows)
    {
        var input = rows.unsqueeze(-1);
        var states = gru is not null ? gru.call(input, null).Item1 : lstm!.call(input, null).Item1;
        return head.call(cat([states, input], -1)).squeeze(-1);
    }
}
