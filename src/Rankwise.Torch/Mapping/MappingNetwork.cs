using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rankwise.Torch.Mapping;

/// <summary>
/// Builds the mappings of Collell &amp; Moens (2018): linear f(x) = W x + b, or feed-forward networks with 1, 3 or 5
/// hidden layers of equal width, each followed by the activation and (when p &gt; 0) dropout, and a linear output
/// layer. Weights are initialised as Keras does (Glorot uniform, zero biases). With a <see cref="Generator"/>, the
/// initialisation and every dropout mask are drawn from it alone (reproducible, and independent of other threads);
/// without one, from torch's global generator (<c>torch.manual_seed</c> makes that reproducible).
/// </summary>
public static class MappingNetwork
{
    /// <summary>The number of hidden layers of a model (0 for the linear map).</summary>
    /// <param name="model">The architecture.</param>
    public static int HiddenLayers(MappingModel model) => model switch
    {
        MappingModel.Linear => 0,
        MappingModel.Hidden1 => 1,
        MappingModel.Hidden3 => 3,
        MappingModel.Hidden5 => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown mapping model"),
    };

    /// <summary>Creates a freshly initialised mapping in float32 on <paramref name="device"/>.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="inputs">d_x, the input width.</param>
    /// <param name="outputs">d_y, the output width.</param>
    /// <param name="hiddenUnits">Width of the hidden layers (ignored by the linear map).</param>
    /// <param name="dropout">Dropout probability after each hidden activation (ignored by the linear map).</param>
    /// <param name="activation">Hidden activation.</param>
    /// <param name="device">Device; null for the CPU.</param>
    /// <param name="dtype">Parameter dtype (default float32).</param>
    /// <param name="generator">Source of the initial weights and the dropout masks (on <paramref name="device"/>); null for
    /// torch's global generator.</param>
    /// <returns>The module [B, d_x] → [B, d_y]; the caller disposes it.</returns>
    public static Module<Tensor, Tensor> Create(MappingModel model, int inputs, int outputs, int hiddenUnits = 128, double dropout = 0,
        MappingActivation activation = MappingActivation.Relu, Device? device = null, ScalarType dtype = ScalarType.Float32,
        Generator? generator = null)
    {
        if (inputs < 1 || outputs < 1)
            throw new ArgumentOutOfRangeException(nameof(inputs), $"mapping: input and output widths must be at least 1, got {inputs} and {outputs}");
        int layers = HiddenLayers(model);
        if (layers > 0 && hiddenUnits < 1)
            throw new ArgumentOutOfRangeException(nameof(hiddenUnits), hiddenUnits, "mapping: hidden units must be at least 1");
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "mapping: dropout must be in [0, 1)");
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        int width = inputs;
        for (int l = 0; l < layers; l++)
        {
            modules.Add(($"linear{l}", Dense(width, hiddenUnits, generator)));
            modules.Add(($"act{l}", activation switch
            {
                MappingActivation.Relu => ReLU(),
                MappingActivation.Sigmoid => Sigmoid(),
                MappingActivation.Tanh => Tanh(),
                _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
            }));
            if (dropout > 0)
                modules.Add(($"dropout{l}", generator is null ? Dropout(dropout) : new GeneratorDropout(dropout, generator)));
            width = hiddenUnits;
        }
        modules.Add(($"linear{layers}", Dense(width, outputs, generator)));
        var net = Sequential(modules);
        net.to(dtype);
        if (device is not null)
            net.to(device);
        return net;
    }

    private static Linear Dense(int inputs, int outputs, Generator? generator)
    {
        var layer = Linear(inputs, outputs);
        using (no_grad())
        {
            if (generator is null)
            {
                init.xavier_uniform_(layer.weight!);
            }
            else
            {
                // Glorot uniform: U(−b, b) with b = √(6 / (fan_in + fan_out)), drawn on the CPU from the generator.
                double bound = Math.Sqrt(6.0 / (inputs + outputs));
                using var u = rand([outputs, inputs], dtype: ScalarType.Float64, generator: generator);
                layer.weight!.copy_(u.mul(2 * bound).sub_(bound));
            }
            init.zeros_(layer.bias!);
        }
        return layer;
    }
}

/// <summary>
/// Inverted dropout (as torch.nn.Dropout: in training, zero each element with probability p and scale the rest by
/// 1/(1 − p); identity in evaluation) whose masks come from its own <see cref="Generator"/> (a CPU generator; the mask is
/// moved to the input's device), so concurrent trainings never share a random stream.
/// </summary>
public sealed class GeneratorDropout : Module<Tensor, Tensor>
{
    private readonly double _p;
    private readonly Generator _generator;

    /// <summary>Creates the module.</summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="generator">Source of the masks (CPU); not disposed by the module.</param>
    public GeneratorDropout(double p, Generator generator) : base(nameof(GeneratorDropout))
    {
        if (!(p >= 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout must be in [0, 1)");
        _p = p;
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
    }

    /// <summary>The drop probability.</summary>
    public double P => _p;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || _p == 0)
            return input.alias();
        using var scope = NewDisposeScope();
        var keep = rand(input.shape, dtype: ScalarType.Float32, generator: _generator).ge_(_p).to(input.device).to_type(input.dtype);
        return input.mul(keep).div_(1 - _p).MoveToOuterDisposeScope();
    }
}
