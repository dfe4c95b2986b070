using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Training;

/// <summary>The hidden-layer activation of a <see cref="SmallRegressor"/>.</summary>
public enum HiddenActivation
{
    /// <summary>tanh.</summary>
    Tanh,

    /// <summary>ReLU.</summary>
    Relu,
}

/// <summary>A trained <see cref="SmallRegressor"/>: predictions and the first hidden layer's activations.</summary>
/// <param name="Name">Run name (e.g. <c>tanh-seed1</c>).</param>
/// <param name="Predictions">Predictions for the evaluation rows, in target units.</param>
/// <param name="Hidden">First hidden layer's activations for the evaluation rows, row-major [n, hidden].</param>
/// <param name="HiddenUnits">Width of the first hidden layer.</param>
/// <param name="TrainingLoss">Mean-squared error (standardised target) per epoch.</param>
public sealed record RegressorRun(string Name, double[] Predictions, float[] Hidden, int HiddenUnits, double[] TrainingLoss);

/// <summary>
/// A small fully connected regressor (inputs → hidden → [hidden →] 1) trained with Adam on the mean-squared error of
/// a standardised target, full batch. Used by <c>rankwise demo</c> to make several runs of two architectures whose
/// predictions are judged by rank and whose hidden layers are compared; small enough to train in seconds on a CPU.
/// Device-agnostic: tensors are created on the given device (default <see cref="TorchInfo.DefaultDevice"/>).
/// </summary>
public static class SmallRegressor
{
    /// <summary>Trains one run and evaluates it on held-out rows.</summary>
    /// <param name="name">Run name.</param>
    /// <param name="trainX">Training inputs [n_train, d], row-major.</param>
    /// <param name="trainY">Training targets.</param>
    /// <param name="testX">Evaluation inputs [n_test, d], row-major.</param>
    /// <param name="inputs">d.</param>
    /// <param name="hidden">Width of the hidden layer(s).</param>
    /// <param name="layers">1 or 2 hidden layers.</param>
    /// <param name="activation">Hidden activation.</param>
    /// <param name="seed">Seed of the initialisation.</param>
    /// <param name="epochs">Full-batch Adam steps.</param>
    /// <param name="learningRate">Adam learning rate.</param>
    /// <param name="device">Device; null for the default.</param>
    /// <param name="progress">Receives the fraction of epochs done.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    public static RegressorRun Train(string name, float[] trainX, double[] trainY, float[] testX, int inputs, int hidden, int layers,
        HiddenActivation activation, long seed, int epochs = 200, double learningRate = 0.01, Device? device = null,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        if (layers is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(layers), layers, "1 or 2 hidden layers");
        if (inputs < 1 || trainX.Length % inputs != 0 || testX.Length % inputs != 0)
            throw new ArgumentException($"inputs must divide the row-major data (inputs = {inputs})");
        int nTrain = trainX.Length / inputs, nTest = testX.Length / inputs;
        if (trainY.Length != nTrain) throw new ArgumentException($"{trainY.Length} targets for {nTrain} training rows");
        device ??= TorchInfo.DefaultDevice;
        double mean = trainY.Average();
        double sd = Math.Sqrt(trainY.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, nTrain - 1));
        if (!(sd > 0)) sd = 1;

        // Tiny matrices: one intra-op thread is faster than waking a pool (and is restored afterwards).
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            return TrainCore(name, trainX, trainY, testX, inputs, hidden, layers, activation, seed, epochs, learningRate, device,
                progress, cancellationToken, nTrain, nTest, mean, sd);
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    private static RegressorRun TrainCore(string name, float[] trainX, double[] trainY, float[] testX, int inputs, int hidden, int layers,
        HiddenActivation activation, long seed, int epochs, double learningRate, Device device, IProgress<double>? progress,
        CancellationToken cancellationToken, int nTrain, int nTest, double mean, double sd)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(seed);
        var first = nn.Linear(inputs, hidden);
        var second = layers == 2 ? nn.Linear(hidden, hidden) : null;
        var head = nn.Linear(hidden, 1);
        first.to(device);
        second?.to(device);
        head.to(device);
        Tensor Act(Tensor t) => activation == HiddenActivation.Tanh ? t.tanh() : nn.functional.relu(t);
        (Tensor h1, Tensor output) Forward(Tensor x)
        {
            var h1 = Act(first.forward(x));
            var h = second is null ? h1 : Act(second.forward(h1));
            return (h1, head.forward(h).squeeze(1));
        }
        var parameters = first.parameters().Concat(second?.parameters() ?? []).Concat(head.parameters()).ToList();
        var optimizer = optim.Adam(parameters, learningRate);
        var xTrain = tensor(trainX, [nTrain, inputs], device: device);
        var yTrain = tensor(trainY.Select(v => (float)((v - mean) / sd)).ToArray(), [nTrain], device: device);
        var losses = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(Forward(xTrain).output, yTrain);
            loss.backward();
            optimizer.step();
            losses[epoch] = loss.item<float>();
            progress?.Report((epoch + 1) / (double)epochs);
        }
        using (no_grad())
        {
            var (h1, output) = Forward(tensor(testX, [nTest, inputs], device: device));
            var predictions = output.cpu().data<float>().ToArray().Select(v => v * sd + mean).ToArray();
            var activations = h1.cpu().contiguous().data<float>().ToArray();
            return new RegressorRun(name, predictions, activations, hidden, losses);
        }
    }
}
