using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// SoDeep's fully connected sorter (Engilberge et al., CVPR 2019): the whole sequence of n standardised scores goes
/// through L hidden layers of width H with ReLU, and a final linear layer outputs the n rank estimates. Fixed length:
/// it accepts only n = <see cref="SorterConfig.Length"/>.
/// </summary>
public sealed class MlpSorter : LearnedSorter
{
    private readonly ModuleList<Linear> hidden = new();
    private readonly Linear output;

    /// <summary>Builds the sorter.</summary>
    /// <param name="config">The architecture (<see cref="SorterArchitecture.Mlp"/>).</param>
    /// <exception cref="ArgumentException">Another architecture or an invalid configuration.</exception>
    public MlpSorter(SorterConfig config)
        : base(nameof(MlpSorter), config)
    {
        if (config.Architecture != SorterArchitecture.Mlp)
        {
            throw new ArgumentException(
                $"config: an MLP sorter is mlp, not {SorterConfig.Name(config.Architecture)}.", nameof(config));
        }
        long width = config.Length;
        for (int layer = 0; layer < config.Layers; layer++)
        {
            hidden.Add(nn.Linear(width, config.HiddenSize));
            width = config.HiddenSize;
        }
        output = nn.Linear(width, config.Length);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool AcceptsLength(long length) => length == Config.Length;

    /// <inheritdoc/>
    protected override Tensor Score(Tensor rows)
    {
        var h = rows;
        foreach (var layer in hidden)
        {
            h = nn.functional.relu(layer.call(h));
        }
        return output.call(h);
    }
}
