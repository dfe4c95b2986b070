using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rankwise.Torch.Mapping;

/// <summary>
/// Builds the mappings of Collell &amp; Moens (2018): linear f(x) = W x + b, or feed-forward networks with 1, 3 or 5
/// hidden layers of equal width, each followed by the activation and (when p &gt; 0) dropout, and a linear output
/// layer. Weights are initialised as Keras does (Glorot uniform, zero biases), from torch's global generator, so
/// <c>torch.manual_seed</c> makes the initialisation reproducible.
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
    /// <returns>The module [B, d_x] → [B, d_y]; the caller disposes it.</returns>
    public static Module<Tensor, Tensor> Create(MappingModel model, int inputs, int outputs, int hiddenUnits = 128, double dropout = 0,
        MappingActivation activation = MappingActivation.Relu, Device? device = null, ScalarType dtype = ScalarType.Float32)
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
            modules.Add(($"linear{l}", Dense(width, hiddenUnits)));
            modules.Add(($"act{l}", activation switch
            {
                MappingActivation.Relu => ReLU(),
                MappingActivation.Sigmoid => Sigmoid(),
                MappingActivation.Tanh => Tanh(),
                _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
            }));
            if (dropout > 0)
                modules.Add(($"dropout{l}", Dropout(dropout)));
            width = hiddenUnits;
        }
        modules.Add(($"linear{layers}", Dense(width, outputs)));
        var net = Sequential(modules);
        net.to(dtype);
        if (device is not null)
            net.to(device);
        return net;
    }

    private static Linear Dense(int inputs, int outputs)
    {
        var layer = Linear(inputs, outputs);
        using (no_grad())
        {
            init.xavier_uniform_(layer.weight!);
            init.zeros_(layer.bias!);
        }
        return layer;
    }
}
