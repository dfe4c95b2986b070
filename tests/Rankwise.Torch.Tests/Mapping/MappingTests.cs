using Rankwise.Torch.Mapping;
using Rankwise.Torch.Neighbors;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Mapping;

public class MappingLossTests
{
    private static (double[,] P, double[,] T) Data(int b, int d, int seed)
    {
        var rng = new Random(seed);
        var p = new double[b, d];
        var t = new double[b, d];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < d; j++)
            {
                p[i, j] = rng.NextDouble() * 2 - 1;
                t[i, j] = rng.NextDouble() * 2 - 1;
            }
        return (p, t);
    }

    private static Tensor T(double[,] a) => tensor(a, dtype: ScalarType.Float64);

    private static double Cos(double[,] a, int i, double[,] b, int j)
    {
        double dot = 0, na = 0, nb = 0;
        for (int c = 0; c < a.GetLength(1); c++)
        {
            dot += a[i, c] * b[j, c];
            na += a[i, c] * a[i, c];
            nb += b[j, c] * b[j, c];
        }
        return dot / (Math.Sqrt(na) * Math.Sqrt(nb));
    }

    [Fact]
    public void LossValuesMatchTheirDefinitions()
    {
        var (p, t) = Data(7, 5, 1);
        int b = 7, d = 5;
        double mse = 0, cosine = 0, margin = 0;
        const double gamma = 0.7;
        for (int i = 0; i < b; i++)
        {
            for (int c = 0; c < d; c++)
                mse += 0.5 * (p[i, c] - t[i, c]) * (p[i, c] - t[i, c]);
            cosine += 1 - Cos(p, i, t, i);
            for (int j = 0; j < b; j++)
                if (j != i)
                    margin += Math.Max(0, gamma - Cos(p, i, t, i) + Cos(p, i, t, j));
        }
        Assert.Equal(mse / b, MappingLosses.Mse(T(p), T(t)).item<double>(), 1e-12);
        Assert.Equal(cosine / b, MappingLosses.Cosine(T(p), T(t)).item<double>(), 1e-12);
        Assert.Equal(margin / b, MappingLosses.MaxMargin(T(p), T(t), gamma).item<double>(), 1e-12);
        Assert.True(margin > 0);
    }

    [Fact]
    public void MaxMarginOfOneRowIsZeroAndPerfectCosineIsZero()
    {
        var (p, _) = Data(3, 4, 2);
        Assert.Equal(0.0, MappingLosses.MaxMargin(T(p)[..1], T(p)[..1], 5).item<double>());
        Assert.Equal(0.0, MappingLosses.Cosine(T(p), T(p) * 3).item<double>(), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => MappingLosses.MaxMargin(T(p), T(p), 0));
    }

    [Theory]
    [InlineData(MappingLossKind.Mse)]
    [InlineData(MappingLossKind.Cosine)]
    [InlineData(MappingLossKind.MaxMargin)]
    public void GradientsMatchFiniteDifferences(MappingLossKind kind)
    {
        var (p, t) = Data(6, 4, 3);
        var target = T(t);
        // Margin 0.3 keeps some hinges active and others inactive, away from the kink for this seed.
        GradCheck.AssertJacobian(x => MappingLosses.Compute(kind, x, target, 0.3).reshape(1), T(p), h: 1e-6, rtol: 1e-5, atol: 1e-8);
        // ... and the gradient with respect to the target too.
        var pred = T(p);
        GradCheck.AssertJacobian(y => MappingLosses.Compute(kind, pred, y, 0.3).reshape(1), target, h: 1e-6, rtol: 1e-5, atol: 1e-8);
    }
}

[Collection(GlobalTorchRandom.Name)]
public class MappingTrainingTests
{
    /// <summary>Clusters of exactly k + 1 tight points far apart: every item's k nearest neighbours are its cluster mates.</summary>
    private static Tensor Clusters(int clusters, int size, int dim, int seed, double spread = 0.02)
    {
        var rng = new Random(seed);
        var data = new float[clusters * size * dim];
        for (int c = 0; c < clusters; c++)
        {
            var centre = Enumerable.Range(0, dim).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            for (int s = 0; s < size; s++)
                for (int j = 0; j < dim; j++)
                    data[((c * size) + s) * dim + j] = (float)(centre[j] + spread * (rng.NextDouble() * 2 - 1));
        }
        return tensor(data, [clusters * size, dim]);
    }

    [Fact]
    public void TrainedLinearMapOfAnInvertibleLinearTargetReproducesItsNeighbourhoods()
    {
        using var scope = NewDisposeScope();
        var x = Clusters(8, 11, 6, 11);
        torch.manual_seed(5);
        var a = torch.eye(6) + 0.3f * torch.triu(torch.randn(6, 6), 1);   // unit upper triangular: det 1, invertible
        Assert.Equal(1.0f, torch.linalg.det(a).item<float>(), 4);
        var y = x.matmul(a.t());                                           // y_i = A x_i, no noise
        using var fit = MappingTrainer.Fit(MappingModel.Linear, MappingLossKind.Mse, new MappingHyperParameters(0.01, 1, 0, 1),
            x, y, epochs: 200, seed: 3);
        Assert.True(fit.FinalTrainLoss < 1e-3 * fit.InitialTrainLoss, $"loss {fit.InitialTrainLoss} → {fit.FinalTrainLoss}");
        var fx = fit.Map(x);
        foreach (var metric in new[] { KnnMetric.Euclidean, KnnMetric.Cosine })
        {
            var report = MappingNeighborhood.Compare(x, y, fx, 10, metric);
            Assert.Equal(1.0, report.MnnoYFx);
        }
    }

    [Fact]
    public void UntrainedNetworkKeepsTheInputNeighbourhoods()
    {
        using var scope = NewDisposeScope();
        var x = Clusters(10, 11, 20, 21, spread: 0.1);
        var y = Clusters(10, 11, 20, 22, spread: 0.1)[torch.randperm(110, generator: new Generator(1))];  // unrelated pairing
        using var fit = MappingTrainer.Fit(MappingModel.Hidden1, MappingLossKind.Mse, new MappingHyperParameters(0.01, 256, 0, 1),
            x, y, seed: 4, train: false);
        Assert.Empty(fit.TrainLosses);
        var report = MappingNeighborhood.Compare(x, y, fit.Map(x), 10, KnnMetric.Cosine);
        Assert.True(report.MnnoXFx > 0.8, $"mNNO(X, f(X)) = {report.MnnoXFx}");
        Assert.True(report.MnnoYFx < 0.3, $"mNNO(Y, f(X)) = {report.MnnoYFx}");
        Assert.Equal(MappingNeighborhoodVerdict.CloserToInput, report.Verdict);
    }

    [Fact]
    public void CrossValidationSelectsThePlantedLearningRate()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(9);
        var x = torch.randn(120, 5);
        var y = x.matmul(torch.randn(5, 3)) + 0.01f * torch.randn(120, 3);
        // A learning rate of 1e-7 cannot move the weights in 30 epochs; 0.03 fits the linear target.
        var grid = new MappingGrid([1e-7, 0.03], [8], [0], [1]);
        int calls = 0;
        var (best, scores) = MappingExperiment.SelectHyperParameters(MappingModel.Linear, MappingLossKind.Mse, x, y, grid, folds: 3,
            training: new MappingTrainingOptions { MaxEpochs = 30 }, seed: 1, progress: () => calls++);
        Assert.Equal(0.03, best.HyperParameters.LearningRate);
        Assert.Equal(2, scores.Count);
        Assert.Equal(6, calls);
        Assert.True(scores[0].ValidationLoss > 2 * scores[1].ValidationLoss, $"{scores[0].ValidationLoss} vs {scores[1].ValidationLoss}");
    }

    [Fact]
    public void TrainingIsReproducibleForASeedAndEarlyStoppingRestoresTheBestEpoch()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        var x = torch.randn(80, 4);
        var y = torch.randn(80, 3);                                        // unlearnable: validation loss soon rises
        var hp = new MappingHyperParameters(0.01, 32, 0.25, 1);
        using var a = MappingTrainer.Fit(MappingModel.Hidden1, MappingLossKind.Mse, hp, x[..60], y[..60], x[60..], y[60..], seed: 7);
        using var b = MappingTrainer.Fit(MappingModel.Hidden1, MappingLossKind.Mse, hp, x[..60], y[..60], x[60..], y[60..], seed: 7);
        Assert.Equal(a.ValidationLosses, b.ValidationLosses);
        Assert.Equal(a.ValidationLosses.Min(), a.BestValidationLoss);
        Assert.True(a.ValidationLosses.Length - a.BestEpoch <= 5);
        Assert.Equal(a.BestValidationLoss,
            MappingTrainer.Evaluate(a.Module, MappingLossKind.Mse, 1, x[60..], y[60..]), 6);
    }

    [Theory]
    [InlineData(MappingModel.Linear, 0)]
    [InlineData(MappingModel.Hidden1, 1)]
    [InlineData(MappingModel.Hidden3, 3)]
    [InlineData(MappingModel.Hidden5, 5)]
    public void NetworksHaveTheRequestedDepth(MappingModel model, int hidden)
    {
        using var net = MappingNetwork.Create(model, 7, 3, 16, 0.5, MappingActivation.Tanh);
        int linears = net.modules().Count(m => m is TorchSharp.Modules.Linear);
        Assert.Equal(hidden + 1, linears);
        Assert.Equal(hidden, net.modules().Count(m => m is TorchSharp.Modules.Dropout));
        using var scope = NewDisposeScope();
        Assert.Equal([5L, 3L], net.forward(torch.randn(5, 7)).shape);
    }
}
