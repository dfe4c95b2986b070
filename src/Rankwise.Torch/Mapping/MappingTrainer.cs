using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rankwise.Torch.Mapping;

/// <summary>A trained (or freshly initialised) mapping with its loss history. Disposing it disposes the module.</summary>
public sealed class MappingFit : IDisposable
{
    private readonly Generator? _generator;

    internal MappingFit(Module<Tensor, Tensor> module, double initialTrainLoss, double finalTrainLoss,
        double[] trainLosses, double[] validationLosses, int bestEpoch, Generator? generator = null)
    {
        _generator = generator;
        Module = module;
        InitialTrainLoss = initialTrainLoss;
        FinalTrainLoss = finalTrainLoss;
        TrainLosses = trainLosses;
        ValidationLosses = validationLosses;
        BestEpoch = bestEpoch;
    }

    /// <summary>The mapping f, in evaluation mode (dropout off).</summary>
    public Module<Tensor, Tensor> Module { get; }

    /// <summary>The training loss of the initial weights (evaluation mode, before any step).</summary>
    public double InitialTrainLoss { get; }

    /// <summary>The training loss of the returned weights (evaluation mode).</summary>
    public double FinalTrainLoss { get; }

    /// <summary>Mean mini-batch training loss of every epoch run (training mode, during the epoch).</summary>
    public double[] TrainLosses { get; }

    /// <summary>Validation loss after every epoch run; empty without a validation set.</summary>
    public double[] ValidationLosses { get; }

    /// <summary>Epochs of the returned weights: the early-stopping epoch with a validation set, else the epochs run.</summary>
    public int BestEpoch { get; }

    /// <summary>The lowest validation loss (at <see cref="BestEpoch"/>); NaN without a validation set.</summary>
    public double BestValidationLoss => ValidationLosses.Length == 0 ? double.NaN : ValidationLosses[BestEpoch - 1];

    /// <summary>f(X) without gradients, in evaluation mode.</summary>
    /// <param name="x">Inputs [N, d_x] in the module's dtype and device.</param>
    /// <returns>A new tensor [N, d_y].</returns>
    public Tensor Map(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Module.eval();
        using var _ = no_grad();
        return Module.forward(x).detach();
    }

    /// <summary>Disposes the module.</summary>
    public void Dispose()
    {
        Module.Dispose();
        _generator?.Dispose();
    }
}

/// <summary>
/// Trains a mapping f: X → Y with RMSprop (ρ = 0.9, ε = 1e-8, as Keras and the supplementary), mini-batches of 64
/// drawn from a seeded shuffle, and early stopping on a validation loss.
/// </summary>
/// <remarks>
/// Reproducibility: the initial weights and the dropout masks come from a private <see cref="Generator"/> seeded with
/// <c>seed</c>, and the epoch shuffles from a <see cref="Random"/> seeded with the same value; torch's global generator
/// is never used, so a run is repeatable on the same device whatever else runs concurrently (trainings may run in
/// parallel on several threads).
/// </remarks>
public static class MappingTrainer
{
    /// <summary>Creates a mapping with the given seed and trains it.</summary>
    /// <param name="model">Architecture.</param>
    /// <param name="loss">Loss.</param>
    /// <param name="hyper">Learning rate, hidden units, dropout, margin.</param>
    /// <param name="x">Training inputs [N, d_x] (float32 or float64, any device; the module follows).</param>
    /// <param name="y">Training targets [N, d_y].</param>
    /// <param name="validationX">Validation inputs for early stopping, or null.</param>
    /// <param name="validationY">Validation targets, or null.</param>
    /// <param name="epochs">Without a validation set: the number of epochs to run (null: <see cref="MappingTrainingOptions.MaxEpochs"/>).
    /// With one: ignored; at most MaxEpochs epochs, stopping after Patience epochs without improvement and returning the best weights.</param>
    /// <param name="options">Training options; null for the defaults.</param>
    /// <param name="seed">Seed of the initialisation, dropout and shuffles.</param>
    /// <param name="train">False: return the initialised network untrained (epochs 0).</param>
    /// <param name="cancellationToken">Checked after every epoch.</param>
    /// <returns>The fit; the caller disposes it.</returns>
    public static MappingFit Fit(MappingModel model, MappingLossKind loss, MappingHyperParameters hyper, Tensor x, Tensor y,
        Tensor? validationX = null, Tensor? validationY = null, int? epochs = null, MappingTrainingOptions? options = null,
        long seed = 0, bool train = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hyper);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new MappingTrainingOptions();
        options.Validate();
        hyper.Validate();
        if (x.ndim != 2 || y.ndim != 2 || x.shape[0] != y.shape[0] || x.shape[0] < 1)
            throw new ArgumentException($"mapping: x and y must be [N, d] with the same N ≥ 1, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]", nameof(y));
        if ((validationX is null) != (validationY is null))
            throw new ArgumentException("mapping: give both validation inputs and targets, or neither", nameof(validationY));
        if (epochs is < 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "mapping: epochs must be non-negative");

        var generator = new Generator(unchecked((ulong)seed));
        var module = MappingNetwork.Create(model, (int)x.shape[1], (int)y.shape[1], hyper.HiddenUnits, hyper.Dropout,
            options.Activation, x.device, x.dtype, generator);
        try
        {
            double initial = Evaluate(module, loss, hyper.Margin, x, y, options.BatchSize);
            if (!train)
                return new MappingFit(module, initial, initial, [], [], 0, generator);

            var rng = new Random(unchecked((int)(seed ^ (seed >> 32)) * 16777619 + 1));
            int n = (int)x.shape[0];
            var order = Enumerable.Range(0, n).ToArray();
            using var optimizer = optim.RMSProp(module.parameters(), lr: hyper.LearningRate, alpha: options.Rho, eps: options.Epsilon);
            bool early = validationX is not null;
            int maxEpochs = early ? options.MaxEpochs : epochs ?? options.MaxEpochs;
            var trainLosses = new List<double>();
            var validationLosses = new List<double>();
            Tensor[]? best = null;
            double bestLoss = double.PositiveInfinity;
            int bestEpoch = 0;
            try
            {
                for (int epoch = 1; epoch <= maxEpochs; epoch++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    rng.Shuffle(order);
                    module.train();
                    double sum = 0;
                    using (var indexTensor = tensor(order, device: x.device))
                    {
                        for (int start = 0; start < n; start += options.BatchSize)
                        {
                            using var scope = NewDisposeScope();
                            int count = Math.Min(options.BatchSize, n - start);
                            var idx = indexTensor.narrow(0, start, count);
                            var prediction = module.forward(x.index_select(0, idx));
                            var value = MappingLosses.Compute(loss, prediction, y.index_select(0, idx), hyper.Margin);
                            optimizer.zero_grad();
                            value.backward();
                            optimizer.step();
                            sum += value.item<float>() * (double)count;
                        }
                    }
                    trainLosses.Add(sum / n);
                    if (!early)
                    {
                        bestEpoch = epoch;
                        continue;
                    }
                    double v = Evaluate(module, loss, hyper.Margin, validationX!, validationY!, options.BatchSize);
                    validationLosses.Add(v);
                    if (v < bestLoss)
                    {
                        bestLoss = v;
                        bestEpoch = epoch;
                        Dispose(best);
                        best = Snapshot(module);
                    }
                    else if (epoch - bestEpoch >= options.Patience)
                    {
                        break;
                    }
                }
                if (best is not null)
                    Restore(module, best);
            }
            finally
            {
                Dispose(best);
            }
            double final = Evaluate(module, loss, hyper.Margin, x, y, options.BatchSize);
            module.eval();
            return new MappingFit(module, initial, final, trainLosses.ToArray(), validationLosses.ToArray(), bestEpoch, generator);
        }
        catch
        {
            module.Dispose();
            generator.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The loss of <paramref name="module"/> on a data set in evaluation mode, over consecutive batches of
    /// <paramref name="batchSize"/> rows in the given order, averaged with weights = batch sizes (for MSE and cosine this
    /// is the plain mean over items; the max-margin loss depends on the batches).
    /// </summary>
    /// <param name="module">The mapping.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="margin">γ of the max-margin loss.</param>
    /// <param name="x">Inputs [N, d_x].</param>
    /// <param name="y">Targets [N, d_y].</param>
    /// <param name="batchSize">Rows per batch.</param>
    /// <returns>The mean loss.</returns>
    public static double Evaluate(Module<Tensor, Tensor> module, MappingLossKind loss, double margin, Tensor x, Tensor y, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        module.eval();
        using var _ = no_grad();
        long n = x.shape[0];
        double sum = 0;
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(batchSize, n - start);
            var value = MappingLosses.Compute(loss, module.forward(x.narrow(0, start, count)), y.narrow(0, start, count), margin);
            sum += value.to_type(ScalarType.Float64).item<double>() * count;
        }
        return sum / n;
    }

    private static Tensor[] Snapshot(Module<Tensor, Tensor> module) =>
        module.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();

    private static void Restore(Module<Tensor, Tensor> module, Tensor[] state)
    {
        using var _ = no_grad();
        int i = 0;
        foreach (var p in module.parameters())
            p.copy_(state[i++]);
    }

    private static void Dispose(Tensor[]? state)
    {
        if (state is null) return;
        foreach (var t in state) t.Dispose();
    }
}
