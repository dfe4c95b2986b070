using System.Globalization;
using Rankwise.Correlation;
using Rankwise.Inference;
using Rankwise.Ranking;
using Rankwise.Retrieval;
using Rankwise.Torch.Sorters;
using TorchSharp;
using static TorchSharp.torch;
using LossOps = Rankwise.Torch.Losses.functional;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Cli.Commands;

/// <summary>Settings of the rank-loss demonstration.</summary>
/// <param name="Seeds">Seeds (splits and initialisations) per method.</param>
/// <param name="Epochs">Training epochs.</param>
/// <param name="Resamples">Bootstrap resamples for the confidence intervals.</param>
/// <param name="SoftRankEpsilon">ε of the soft rank (applied to standardised predictions).</param>
public sealed record SorterDemoSettings(int Seeds, int Epochs, int Resamples, double SoftRankEpsilon = 0.1);

/// <summary>One method's result on one seed.</summary>
/// <param name="Seed">Seed.</param>
/// <param name="Spearman">Test Spearman ρ between predictions and targets.</param>
/// <param name="SpearmanCi">BCa bootstrap interval of that ρ over the test items.</param>
/// <param name="Mse">Regression: test MSE after a linear calibration fitted on the training set; classification: NaN.</param>
/// <param name="Auc">Classification: test ROC AUC; regression: NaN.</param>
/// <param name="AveragePrecision">Classification: test average precision; regression: NaN.</param>
public sealed record SorterDemoRun(int Seed, double Spearman, ConfidenceInterval SpearmanCi, double Mse, double Auc, double AveragePrecision);

/// <summary>One method's results over all seeds.</summary>
/// <param name="Task">"diabetes" or "toy".</param>
/// <param name="Loss">"mse"/"bce" or "spearman".</param>
/// <param name="Ranker">null for the pointwise loss, else soft_rank, sigmoid or learned.</param>
/// <param name="Runs">Per-seed results.</param>
/// <param name="SpearmanMean">Mean test ρ over seeds.</param>
/// <param name="SpearmanMeanCi">Percentile bootstrap interval of that mean over the seeds (NaN with one seed).</param>
public sealed record SorterDemoMethod(string Task, string Loss, string? Ranker, IReadOnlyList<SorterDemoRun> Runs,
    double SpearmanMean, ConfidenceInterval SpearmanMeanCi);

/// <summary>
/// The demonstration of seed 001 (SoDeep's memorability and toy experiments) on data we ship: the same small MLP is
/// trained with a pointwise loss and with SoDeep's Spearman loss ‖rank(ŷ)/n − rank(y)/n‖² over batches of 100, once
/// with each differentiable ranker — soft rank (Blondel et al.), the sigmoid sorter and the learned sorter — and
/// judged by test Spearman (with bootstrap intervals) and MSE.
/// </summary>
/// <remarks>
/// <para><b>diabetes</b> (Efron et al. 2004, 442 patients, 10 variables): per seed a random split into 300 training
/// and 142 test patients; inputs and target standardised with training statistics; MLP 10 → 32 → 1 (ReLU); Adam
/// (lr 0.01), batches of 100. Rank losses fix predictions only up to a monotone map, so the MSE of every method is
/// computed after a least-squares linear calibration (a + b·ŷ) fitted on the training set, in the target's units.</para>
/// <para><b>toy</b> (SoDeep's synthetic binary classification): x ~ U[−1, 1]², label 1 when x₁x₂ &gt; 0, flipped with
/// probability 0.1; 500 training and 1000 test points; MLP 2 → 16 → 1; binary cross-entropy against the Spearman
/// loss to the 0/1 labels (whose average ranks make it an AUC-like surrogate). Reported: test ROC AUC, AP and ρ.</para>
/// </remarks>
public static class SorterDemo
{
    private const int Batch = 100;

    /// <summary>Runs both experiments.</summary>
    /// <param name="settings">Settings.</param>
    /// <param name="sorter">The learned sorter (accepting length 100).</param>
    /// <param name="progress">Fraction done; null for none.</param>
    /// <param name="cancellationToken">Checked every step.</param>
    /// <returns>Every method's results: diabetes first, then toy.</returns>
    public static IReadOnlyList<SorterDemoMethod> Run(SorterDemoSettings settings, LearnedSorter sorter,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var (features, target) = LoadDiabetes();
        var rankers = new (string Name, Func<Tensor, Tensor> Ranker)[]
        {
            ("soft_rank", x => RankOps.soft_rank(Standardize(x), "l2", settings.SoftRankEpsilon) / x.shape[^1]),
            ("sigmoid", x => RankOps.sigmoid_rank(x, normalize: true)),
            ("learned", x => sorter.call(x)),
        };
        foreach (var p in sorter.parameters())
        {
            p.requires_grad_(false);
        }
        var methods = new List<(string Task, string Loss, string? Ranker, Func<Tensor, Tensor>? Fn)>();
        foreach (var task in new[] { "diabetes", "toy" })
        {
            methods.Add((task, task == "diabetes" ? "mse" : "bce", null, null));
            foreach (var (name, fn) in rankers)
            {
                methods.Add((task, "spearman", name, fn));
            }
        }
        int total = methods.Count * settings.Seeds, done = 0;
        var results = new List<SorterDemoMethod>();
        foreach (var (task, loss, rankerName, ranker) in methods)
        {
            var runs = new List<SorterDemoRun>();
            for (int seed = 1; seed <= settings.Seeds; seed++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                runs.Add(task == "diabetes"
                    ? Regression(features, target, seed, ranker, settings, cancellationToken)
                    : Classification(seed, ranker, settings, cancellationToken));
                progress?.Report(++done / (double)total);
            }
            double[] rhos = runs.Select(r => r.Spearman).ToArray();
            var meanCi = rhos.Length >= 2
                ? Bootstrap.OneSample(rhos, s => Mean(s), new BootstrapOptions
                {
                    Resamples = settings.Resamples, Method = BootstrapMethod.Percentile, Seed = 7,
                }, cancellationToken).ConfidenceInterval
                : new ConfidenceInterval("percentile", 0.95, double.NaN, double.NaN);
            results.Add(new SorterDemoMethod(task, loss, rankerName, runs, rhos.Average(), meanCi));
        }
        return results;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum / values.Length;
    }

    /// <summary>The embedded diabetes data: features [442, 10] and target [442].</summary>
    internal static (double[,] Features, double[] Target) LoadDiabetes()
    {
        using var stream = typeof(SorterDemo).Assembly.GetManifestResourceStream("Rankwise.Cli.diabetes.csv")
            ?? throw new InvalidOperationException("diabetes.csv is not embedded in Rankwise.Cli");
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var rows = new List<double[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                rows.Add(line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
            }
        }
        var features = new double[rows.Count, 10];
        var target = new double[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                features[i, j] = rows[i][j];
            }
            target[i] = rows[i][10];
        }
        return (features, target);
    }

    private static SorterDemoRun Regression(double[,] features, double[] target, int seed, Func<Tensor, Tensor>? ranker,
        SorterDemoSettings settings, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        int n = target.Length, d = features.GetLength(1), nTrain = 300;
        int[] order = Permutation(n, new Random(seed));
        var x = tensor(features).index_select(0, tensor(order.Select(i => (long)i).ToArray()));
        var y = tensor(target).index_select(0, tensor(order.Select(i => (long)i).ToArray()));
        var xTrain = x.narrow(0, 0, nTrain);
        var mean = xTrain.mean([0], keepdim: true);
        var std = xTrain.std(0, keepdim: true);
        x = ((x - mean) / std).to_type(ScalarType.Float32);
        double yMean = y.narrow(0, 0, nTrain).mean().item<double>(), yStd = y.narrow(0, 0, nTrain).std().item<double>();
        var yStandard = ((y - yMean) / yStd).to_type(ScalarType.Float32);

        var model = NewModel(d, 32, seed);
        Train(model, x.narrow(0, 0, nTrain), yStandard.narrow(0, 0, nTrain), seed, ranker, settings.Epochs,
            (pred, t) => nn.functional.mse_loss(pred, t), cancellationToken);

        using var noGrad = no_grad();
        double[] all = model.call(x).squeeze(-1).to_type(ScalarType.Float64).data<double>().ToArray();
        double[] yAll = y.data<double>().ToArray();
        var (a, b) = LinearFit(all.AsSpan(0, nTrain), yAll.AsSpan(0, nTrain));
        double[] testPred = all[nTrain..], testY = yAll[nTrain..];
        double mse = 0;
        for (int i = 0; i < testPred.Length; i++)
        {
            double e = a + b * testPred[i] - testY[i];
            mse += e * e;
        }
        mse /= testPred.Length;
        var rho = SpearmanWithCi(testPred, testY, settings.Resamples, seed);
        return new SorterDemoRun(seed, rho.Statistic, rho.ConfidenceInterval!, mse, double.NaN, double.NaN);
    }

    private static SorterDemoRun Classification(int seed, Func<Tensor, Tensor>? ranker, SorterDemoSettings settings,
        CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        const int nTrain = 500, nTest = 1000;
        var random = new Random(1000 + seed);
        var xs = new float[(nTrain + nTest) * 2];
        var labels = new float[nTrain + nTest];
        for (int i = 0; i < labels.Length; i++)
        {
            float u = (float)(2 * random.NextDouble() - 1), v = (float)(2 * random.NextDouble() - 1);
            xs[2 * i] = u;
            xs[2 * i + 1] = v;
            bool positive = u * v > 0;
            if (random.NextDouble() < 0.1)
            {
                positive = !positive;
            }
            labels[i] = positive ? 1 : 0;
        }
        var x = tensor(xs, [nTrain + nTest, 2]);
        var y = tensor(labels);
        var model = NewModel(2, 16, seed);
        Train(model, x.narrow(0, 0, nTrain), y.narrow(0, 0, nTrain), seed, ranker, settings.Epochs,
            (pred, t) => nn.functional.binary_cross_entropy_with_logits(pred, t), cancellationToken);

        using var noGrad = no_grad();
        double[] scores = model.call(x.narrow(0, nTrain, nTest)).squeeze(-1).to_type(ScalarType.Float64).data<double>().ToArray();
        double[] truth = labels[nTrain..].Select(v => (double)v).ToArray();
        bool[] relevant = truth.Select(v => v > 0).ToArray();
        double[] ranks = Rank.RankData(scores);
        double positives = relevant.Count(r => r), negatives = relevant.Length - positives, sum = 0;
        for (int i = 0; i < ranks.Length; i++)
        {
            sum += relevant[i] ? ranks[i] : 0;
        }
        double auc = (sum - positives * (positives + 1) / 2) / (positives * negatives);
        double ap = AveragePrecision.Compute(scores, relevant);
        var rho = SpearmanWithCi(scores, truth, settings.Resamples, seed);
        return new SorterDemoRun(seed, rho.Statistic, rho.ConfidenceInterval!, double.NaN, auc, ap);
    }

    private static CorrelationResult SpearmanWithCi(double[] x, double[] y, int resamples, int seed) =>
        CorrelationBootstrap.Compute(CorrelationMethod.Spearman, x, y, options: new BootstrapOptions
        {
            Resamples = resamples, Method = BootstrapMethod.BCa, Seed = (ulong)seed,
        });

    private static nn.Module<Tensor, Tensor> NewModel(int inputs, int hidden, int seed)
    {
        manual_seed(seed);
        return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, 1));
    }

    /// <summary>Adam, batches of 100 in a fresh random order every epoch; the pointwise loss when no ranker is given,
    /// otherwise SoDeep's Spearman loss on rank/n.</summary>
    private static void Train(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, int seed, Func<Tensor, Tensor>? ranker,
        int epochs, Func<Tensor, Tensor, Tensor> pointwise, CancellationToken cancellationToken)
    {
        using var optimizer = optim.Adam(model.parameters(), 0.01);
        int n = (int)x.shape[0];
        var random = new Random(seed * 7919);
        model.train();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            int[] order = Permutation(n, random);
            for (int start = 0; start + Batch <= n; start += Batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var index = tensor(order.AsSpan(start, Batch).ToArray().Select(i => (long)i).ToArray());
                var xb = x.index_select(0, index);
                var yb = y.index_select(0, index);
                var prediction = model.call(xb).squeeze(-1);
                var loss = ranker is null
                    ? pointwise(prediction, yb)
                    : LossOps.spearman_loss(prediction.unsqueeze(0), yb.unsqueeze(0), ranker, normalize: true);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        model.eval();
    }

    private static Tensor Standardize(Tensor x)
    {
        var centered = x - x.mean([-1], keepdim: true);
        return centered / (centered.square().mean([-1], keepdim: true) + 1e-30).sqrt();
    }

    private static int[] Permutation(int n, Random random)
    {
        int[] p = Enumerable.Range(0, n).ToArray();
        random.Shuffle(p);
        return p;
    }

    private static (double A, double B) LinearFit(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double mx = 0, my = 0;
        for (int i = 0; i < x.Length; i++)
        {
            mx += x[i];
            my += y[i];
        }
        mx /= x.Length;
        my /= x.Length;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double b = sxx > 0 ? sxy / sxx : 0;
        return (my - b * mx, b);
    }
}
