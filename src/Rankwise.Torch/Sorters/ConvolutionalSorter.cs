using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// A 1-D convolutional sorter (SoDeep's CNN family, Engilberge et al., CVPR 2019, made length-agnostic): a 1×1
/// convolution lifts the standardised scores to C channels, then L residual blocks of a dilated convolution
/// (kernel k, dilation 1, 2, 4, …, zero "same" padding) with ReLU, and a 1×1 convolution gives one rank estimate per
/// position. Accepts any n.
/// </summary>
/// <remarks>
/// Each block also receives the sequence mean of its input as extra channels (broadcast to every position), so global
/// context is available from the first layer; the receptive field of the convolutions alone is
/// 1 + (k − 1)(2^L − 1) positions (127 for the default k = 3, L = 6). SoDeep found its CNN sorters less accurate than
/// the recurrent ones; this family is provided for comparison.
/// </remarks>
public sealed class ConvolutionalSorter : LearnedSorter
{
    private readonly Conv1d input;
    private readonly ModuleList<Conv1d> blocks = new();
    private readonly Conv1d output;

    /// <summary>Builds the sorter.</summary>
    /// <param name="config">The architecture (<see cref="SorterArchitecture.Cnn"/>).</param>
    /// <exception cref="ArgumentException">Another architecture or an invalid configuration.</exception>
    public ConvolutionalSorter(SorterConfig config)
        : base(nameof(ConvolutionalSorter), config)
    {
        if (config.Architecture != SorterArchitecture.Cnn)
        {
            throw new ArgumentException(
                $"config: a convolutional sorter is cnn, not {SorterConfig.Name(config.Architecture)}.", nameof(config));
        }
        long c = config.HiddenSize, k = config.KernelSize;
        input = nn.Conv1d(1, c, 1);
        for (int layer = 0; layer < config.Layers; layer++)
        {
            long dilation = 1L << layer;
            blocks.Add(nn.Conv1d(2 * c, c, k, padding: dilation * (k - 1) / 2, dilation: dilation));
        }
        output = nn.Conv1d(c, 1, 1);
        RegisterComponents();
    }

    /// <inheritdoc/>
    protected override Tensor Score(Tensor rows)
    {
        var h = input.call(rows.unsqueeze(1)); // [b, C, n]
        foreach (var block in blocks)
        {
            var context = h.mean([2], keepdim: true).expand_as(h);
            h = h + nn.functional.relu(block.call(cat([h, context], 1)));
        }
        return output.call(h).squeeze(1);
    }
}
