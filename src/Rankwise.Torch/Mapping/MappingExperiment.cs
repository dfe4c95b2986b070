using Rankwise.Inference;
using Rankwise.Torch.Neighbors;
using static TorchSharp.torch;

namespace Rankwise.Torch.Mapping;

/// <summary>Thrown when a selected mapping failed to learn: its training loss did not decrease (or became NaN).</summary>
public sealed class MappingTrainingException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    /// <param name="message">What failed, naming the model, direction, run and hyper-parameters.</param>
    public MappingTrainingException(string message) : base(message)
    {
    }
}

/// <summary>Options of <see cref="MappingExperiment"/>.</summary>
public sealed record MappingExperimentOptions
{
    /// <summary>Architectures to run (default lin and nn).</summary>
    public MappingModel[] Models { get; init; } = [MappingModel.Linear, MappingModel.Hidden1];

    /// <summary>Training loss (default MSE).</summary>
    public MappingLossKind Loss { get; init; } = MappingLossKind.Mse;

    /// <summary>Directions to run (default X → Y only).</summary>
    public MappingDirection[] Directions { get; init; } = [MappingDirection.XToY];

    /// <summary>Outer folds when no test set is given (default 5): the reported numbers are means over the test folds.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Cross-validation folds of the grid search on each training part (default 5, as the supplementary).</summary>
    public int InnerFolds { get; init; } = 5;

    /// <summary>Initialisations when a test set is given (default 5): the reported numbers are means over them.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>Hyper-parameter grid (default <see cref="MappingGrid.Default"/>).</summary>
    public MappingGrid Grid { get; init; } = MappingGrid.Default;

    /// <summary>Batch size, epochs, patience, RMSprop constants, activation.</summary>
    public MappingTrainingOptions Training { get; init; } = new();

    /// <summary>Neighbourhood size K of mNNO (default 10).</summary>
    public int K { get; init; } = 10;

    /// <summary>Neighbour metrics of the report (default cosine and Euclidean).</summary>
    public KnnMetric[] Metrics { get; init; } = [KnnMetric.Cosine, KnnMetric.Euclidean];

    /// <summary>Count items as their own neighbours (see <see cref="NeighborOverlap"/>); default false.</summary>
    public bool IncludeSelf { get; init; }

    /// <summary>Significance level of the paired tests (default 0.05).</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Resamples of the sign-flip test in every report (default 9999).</summary>
    public int PermutationResamples { get; init; } = 9999;

    /// <summary>Report randomly initialised, untrained mappings (no grid search; hidden width = the grid's first value).</summary>
    public bool Untrained { get; init; }

    /// <summary>Base seed of the folds, initialisations, dropout, shuffles and permutation tests (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Optional progress sink: fraction of trainings done, in (0, 1].</summary>
    public IProgress<double>? Progress { get; init; }
}

/// <summary>Mean validation loss of one grid point over the inner folds.</summary>
/// <param name="HyperParameters">The grid point.</param>
/// <param name="ValidationLoss">Mean over the inner folds of the best (early-stopping) validation loss.</param>
/// <param name="Epochs">Mean early-stopping epoch over the inner folds, rounded, at least 1.</param>
public sealed record MappingGridScore(MappingHyperParameters HyperParameters, double ValidationLoss, int Epochs);

/// <summary>One outer fold or one initialisation of one mapping.</summary>
/// <param name="Index">Fold or initialisation number, from 0.</param>
/// <param name="HyperParameters">The selected setting (for untrained mappings, the one used to build the network).</param>
/// <param name="Grid">Cross-validation scores of every grid point (empty when untrained).</param>
/// <param name="Epochs">Epochs the final mapping was trained for (0 when untrained).</param>
/// <param name="InitialTrainLoss">Training loss before training.</param>
/// <param name="FinalTrainLoss">Training loss after training.</param>
/// <param name="TestIndices">Rows of the test data that were evaluated (all of the given test set, or the fold's items).</param>
/// <param name="Reports">One three-way report per metric, in the order of <see cref="MappingExperimentOptions.Metrics"/>.</param>
public sealed record MappingRun(int Index, MappingHyperParameters HyperParameters, IReadOnlyList<MappingGridScore> Grid, int Epochs,
    double InitialTrainLoss, double FinalTrainLoss, int[] TestIndices, IReadOnlyList<MappingNeighborhoodReport> Reports);

/// <summary>mNNO of one mapping and metric, averaged over runs (folds or initialisations).</summary>
/// <param name="Metric">Neighbour metric.</param>
/// <param name="MnnoXFx">Mean mNNO(X, f(X)).</param>
/// <param name="MnnoXFxSd">Sample standard deviation (ddof 1) over runs; NaN for one run.</param>
/// <param name="MnnoYFx">Mean mNNO(Y, f(X)).</param>
/// <param name="MnnoYFxSd">Its standard deviation over runs.</param>
/// <param name="MnnoXY">Mean mNNO(X, Y).</param>
/// <param name="MnnoXYSd">Its standard deviation over runs.</param>
/// <param name="Runs">Number of runs.</param>
/// <param name="RunsCloserToInput">Runs whose Wilcoxon test found NNO(X, f(X)) significantly larger.</param>
/// <param name="RunsCloserToTarget">Runs whose Wilcoxon test found NNO(Y, f(X)) significantly larger.</param>
public sealed record MappingMetricSummary(KnnMetric Metric, double MnnoXFx, double MnnoXFxSd, double MnnoYFx, double MnnoYFxSd,
    double MnnoXY, double MnnoXYSd, int Runs, int RunsCloserToInput, int RunsCloserToTarget)
{
    /// <summary>The paper's * on X, f(X): significant (f(X) closer to X) in every run.</summary>
    public bool InputSignificant => Runs > 0 && RunsCloserToInput == Runs;

    /// <summary>* on Y, f(X): significant (f(X) closer to Y) in every run.</summary>
    public bool TargetSignificant => Runs > 0 && RunsCloserToTarget == Runs;
}

/// <summary>One mapping (direction × model) of the experiment.</summary>
/// <param name="Direction">X → Y or Y → X; in a Y → X cell, "X" of the report is the input side (the given Y).</param>
/// <param name="Model">Architecture.</param>
/// <param name="Runs">Folds or initialisations.</param>
/// <param name="Summaries">Averages per metric.</param>
/// <param name="Mapped">f(input) of the test items [N_test, d_out], in item order: out-of-fold predictions with folds,
/// the first initialisation's mapping of the test set otherwise.</param>
public sealed record MappingCell(MappingDirection Direction, MappingModel Model, IReadOnlyList<MappingRun> Runs,
    IReadOnlyList<MappingMetricSummary> Summaries, Matrix<float> Mapped);

/// <summary>The result of <see cref="MappingExperiment.Run"/>.</summary>
/// <param name="Protocol">"folds" (outer K-fold) or "test-set" (given test set, several initialisations).</param>
/// <param name="TrainItems">Items of the training data.</param>
/// <param name="TestItems">Items evaluated (N with folds, the test set's size otherwise).</param>
/// <param name="Untrained">Whether the mappings were left untrained.</param>
/// <param name="Cells">One cell per direction and model, directions outermost.</param>
public sealed record MappingExperimentResult(string Protocol, int TrainItems, int TestItems, bool Untrained, IReadOnlyList<MappingCell> Cells);

/// <summary>
/// The cross-modal mapping experiment of Collell &amp; Moens (2018, "Do Neural Network Cross-Modal Mappings Really
/// Bridge Modalities?", ACL; supplementary §1): learn f: X → Y (linear or feed-forward), choose hyper-parameters by
/// K-fold cross-validation on the training part minimising the validation loss (epochs by early stopping), verify the
/// chosen mapping learned (its training loss decreased, else <see cref="MappingTrainingException"/>), and report on test
/// items mNNO^K(X, f(X)), mNNO^K(Y, f(X)) and mNNO^K(X, Y) for each metric with the paired tests of
/// <see cref="MappingNeighborhood"/>, averaged over outer folds or over initialisations.
/// </summary>
public static class MappingExperiment
{
    /// <summary>Runs the experiment.</summary>
    /// <param name="x">X [N, d_x] (float32 or float64; same dtype as y).</param>
    /// <param name="y">Y [N, d_y], rows paired with x.</param>
    /// <param name="testX">Test inputs [M, d_x], or null for outer folds.</param>
    /// <param name="testY">Test targets [M, d_y], or null.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="cancellationToken">Checked between epochs and searches.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, too few items for the folds or K.</exception>
    /// <exception cref="MappingTrainingException">A selected mapping's training loss did not decrease.</exception>
    public static MappingExperimentResult Run(Tensor x, Tensor y, Tensor? testX = null, Tensor? testY = null,
        MappingExperimentOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new MappingExperimentOptions();
        Validate(x, y, testX, testY, options);
        bool testSet = testX is not null;
        int n = (int)x.shape[0];
        int m = testSet ? (int)testX!.shape[0] : n;

        int outer = testSet ? options.Runs : options.Folds;
        long total = 0;
        foreach (var model in options.Models)
        {
            int points = options.Untrained ? 0 : options.Grid.Points(model, options.Loss).Count;
            long searches = testSet ? 1 : outer;
            total += (searches * points * options.InnerFolds + outer) * options.Directions.Length;
        }
        var progress = new Counter(options.Progress, Math.Max(1, total));

        var cells = new List<MappingCell>();
        foreach (var direction in options.Directions)
        {
            var (inX, inY, inTX, inTY) = direction == MappingDirection.XToY ? (x, y, testX, testY) : (y, x, testY, testX);
            foreach (var model in options.Models)
                cells.Add(RunCell(direction, model, inX, inY, inTX, inTY, options, progress, cancellationToken));
        }
        return new MappingExperimentResult(testSet ? "test-set" : "folds", n, m, options.Untrained, cells);
    }

    /// <summary>
    /// Chooses hyper-parameters by <paramref name="folds"/>-fold cross-validation: every grid point is trained on each
    /// training part with early stopping on its held-out fold; the point with the lowest mean best validation loss wins
    /// (the first one on ties), with the mean early-stopping epoch as its epoch count.
    /// </summary>
    /// <param name="model">Architecture.</param>
    /// <param name="loss">Loss.</param>
    /// <param name="x">Training inputs [N, d_x].</param>
    /// <param name="y">Training targets [N, d_y].</param>
    /// <param name="grid">The grid.</param>
    /// <param name="folds">CV folds, 2 ≤ folds ≤ N.</param>
    /// <param name="training">Training options.</param>
    /// <param name="seed">Seed of the fold split and of every training.</param>
    /// <param name="progress">Called once per training.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The winner and every point's score, in grid order.</returns>
    public static (MappingGridScore Best, IReadOnlyList<MappingGridScore> Scores) SelectHyperParameters(MappingModel model, MappingLossKind loss,
        Tensor x, Tensor y, MappingGrid grid, int folds = 5, MappingTrainingOptions? training = null, long seed = 0,
        Action? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(grid);
        int n = (int)x.shape[0];
        if (folds < 2 || folds > n)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"mapping: cross-validation needs 2 ≤ folds ≤ items ({n})");
        var split = Folds(n, folds, Mix(seed, 0x5eed));
        var points = grid.Points(model, loss);
        // Every (grid point, fold) training is independent and draws only from its own seeded generators, so they run
        // concurrently, one single-threaded libtorch training per core (small networks: faster than sharing a pool).
        var losses = new double[points.Count * folds];
        var epochs = new int[points.Count * folds];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, Math.Min(Environment.ProcessorCount, losses.Length)),
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, losses.Length, parallel, () => SingleThreaded.Enter(), (job, _, threads) =>
        {
            int p = job / folds, f = job % folds;
            using var scope = NewDisposeScope();
            var (trainIdx, valIdx) = Parts(split, f, x.device);
            using var fit = MappingTrainer.Fit(model, loss, points[p], x.index_select(0, trainIdx), y.index_select(0, trainIdx),
                x.index_select(0, valIdx), y.index_select(0, valIdx), null, training, Mix(seed, 1000 + f), true, cancellationToken);
            losses[job] = fit.BestValidationLoss;
            epochs[job] = fit.BestEpoch;
            progress?.Invoke();
            return threads;
        }, SingleThreaded.Exit);
        var scores = new List<MappingGridScore>();
        for (int p = 0; p < points.Count; p++)
        {
            double lossSum = 0, epochSum = 0;
            for (int f = 0; f < folds; f++)
            {
                lossSum += losses[p * folds + f];
                epochSum += epochs[p * folds + f];
            }
            scores.Add(new MappingGridScore(points[p], lossSum / folds, Math.Max(1, (int)Math.Round(epochSum / folds, MidpointRounding.AwayFromZero))));
        }
        var best = scores[0];
        foreach (var s in scores)
            if (s.ValidationLoss < best.ValidationLoss || double.IsNaN(best.ValidationLoss) && !double.IsNaN(s.ValidationLoss))
                best = s;
        return (best, scores);
    }

    private static MappingCell RunCell(MappingDirection direction, MappingModel model, Tensor x, Tensor y, Tensor? testX, Tensor? testY,
        MappingExperimentOptions options, Counter progress, CancellationToken ct)
    {
        bool testSet = testX is not null;
        int n = (int)x.shape[0];
        int dOut = (int)y.shape[1];
        long cellSeed = Mix(options.Seed, (long)direction * 97 + (long)model);
        var runs = new List<MappingRun>();
        float[] mapped;
        int mappedRows;
        string name = $"{ModelName(model)} {(direction == MappingDirection.XToY ? "x2y" : "y2x")}";

        if (testSet)
        {
            mappedRows = (int)testX!.shape[0];
            mapped = new float[mappedRows * dOut];
            var (hyper, grid, epochs) = Choose(model, x, y, options, cellSeed, progress, ct);
            for (int r = 0; r < options.Runs; r++)
            {
                using var scope = NewDisposeScope();
                var run = TrainAndReport(name, $"initialisation {r}", model, hyper, grid, epochs, x, y, testX, testY!, r,
                    Enumerable.Range(0, mappedRows).ToArray(), options, Mix(cellSeed, 2000 + r), ct, out var fx);
                if (r == 0)
                    fx.data<float>().CopyTo(mapped);
                runs.Add(run);
                progress.Step();
            }
        }
        else
        {
            mappedRows = n;
            mapped = new float[n * dOut];
            var split = Folds(n, options.Folds, Mix(cellSeed, 0xf01d));
            for (int f = 0; f < options.Folds; f++)
            {
                using var scope = NewDisposeScope();
                var (trainIdx, testIdx) = Parts(split, f, x.device);
                var trX = x.index_select(0, trainIdx);
                var trY = y.index_select(0, trainIdx);
                var (hyper, grid, epochs) = Choose(model, trX, trY, options, Mix(cellSeed, 3000 + f), progress, ct);
                var items = split[f];
                var run = TrainAndReport(name, $"fold {f}", model, hyper, grid, epochs, trX, trY, x.index_select(0, testIdx), y.index_select(0, testIdx),
                    f, items, options, Mix(cellSeed, 4000 + f), ct, out var fx);
                var values = fx.data<float>().ToArray();
                for (int i = 0; i < items.Length; i++)
                    Array.Copy(values, i * dOut, mapped, items[i] * dOut, dOut);
                runs.Add(run);
                progress.Step();
            }
        }

        var summaries = new List<MappingMetricSummary>();
        for (int mi = 0; mi < options.Metrics.Length; mi++)
        {
            var reports = runs.Select(r => r.Reports[mi]).ToArray();
            var (xf, xfSd) = MeanSd(reports.Select(r => r.MnnoXFx));
            var (yf, yfSd) = MeanSd(reports.Select(r => r.MnnoYFx));
            var (xy, xySd) = MeanSd(reports.Select(r => r.MnnoXY));
            summaries.Add(new MappingMetricSummary(options.Metrics[mi], xf, xfSd, yf, yfSd, xy, xySd, reports.Length,
                reports.Count(r => r.Verdict == MappingNeighborhoodVerdict.CloserToInput),
                reports.Count(r => r.Verdict == MappingNeighborhoodVerdict.CloserToTarget)));
        }
        return new MappingCell(direction, model, runs, summaries, new Matrix<float>(mappedRows, dOut, mapped));
    }

    private static (MappingHyperParameters Hyper, IReadOnlyList<MappingGridScore> Grid, int Epochs) Choose(MappingModel model, Tensor x, Tensor y,
        MappingExperimentOptions options, long seed, Counter progress, CancellationToken ct)
    {
        if (options.Untrained)
            return (options.Grid.Points(model, options.Loss)[0], [], 0);
        var (best, scores) = SelectHyperParameters(model, options.Loss, x, y, options.Grid, options.InnerFolds, options.Training, seed, progress.Step, ct);
        return (best.HyperParameters, scores, best.Epochs);
    }

    private static MappingRun TrainAndReport(string name, string runName, MappingModel model, MappingHyperParameters hyper, IReadOnlyList<MappingGridScore> grid,
        int epochs, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, int index, int[] testIndices, MappingExperimentOptions options, long seed,
        CancellationToken ct, out Tensor mappedTest)
    {
        using var fit = MappingTrainer.Fit(model, options.Loss, hyper, trainX, trainY, null, null, epochs, options.Training, seed, !options.Untrained, ct);
        if (!options.Untrained && !(fit.FinalTrainLoss < fit.InitialTrainLoss))
            throw new MappingTrainingException(
                $"mapping {name}, {runName}: the training loss did not decrease (initial {fit.InitialTrainLoss:G6}, final {fit.FinalTrainLoss:G6}) " +
                $"with lr {hyper.LearningRate}, hidden {hyper.HiddenUnits}, dropout {hyper.Dropout}, {epochs} epochs; the mapping did not learn — check the data scale or try other learning rates");
        var fx = fit.Map(testX).to_type(ScalarType.Float32).cpu().contiguous();
        var reports = new List<MappingNeighborhoodReport>();
        for (int mi = 0; mi < options.Metrics.Length; mi++)
        {
            reports.Add(MappingNeighborhood.Compare(testX, testY, fx, options.K, options.Metrics[mi], options.IncludeSelf, options.Alpha,
                new PermutationOptions { Resamples = options.PermutationResamples, Seed = (ulong)Mix(seed, 77 + mi) }, cancellationToken: ct));
        }
        mappedTest = fx;
        return new MappingRun(index, hyper, grid, options.Untrained ? 0 : epochs, fit.InitialTrainLoss, fit.FinalTrainLoss, testIndices, reports);
    }

    /// <summary>The CLI name of a model: lin, nn, nn3, nn5.</summary>
    /// <param name="model">The architecture.</param>
    public static string ModelName(MappingModel model) => model switch
    {
        MappingModel.Linear => "lin",
        MappingModel.Hidden1 => "nn",
        MappingModel.Hidden3 => "nn3",
        MappingModel.Hidden5 => "nn5",
        _ => model.ToString(),
    };

    private static void Validate(Tensor x, Tensor y, Tensor? testX, Tensor? testY, MappingExperimentOptions o)
    {
        if (x.ndim != 2 || y.ndim != 2 || x.shape[0] != y.shape[0])
            throw new ArgumentException($"mapping: x and y must be [N, d] with the same N, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]", nameof(y));
        if ((testX is null) != (testY is null))
            throw new ArgumentException("mapping: give both test inputs and test targets, or neither", nameof(testY));
        if (testX is not null && (testX.ndim != 2 || testY!.ndim != 2 || testX.shape[0] != testY.shape[0]
            || testX.shape[1] != x.shape[1] || testY.shape[1] != y.shape[1]))
            throw new ArgumentException($"mapping: the test set must have the training widths ({x.shape[1]}, {y.shape[1]}) and paired rows, got [{string.Join(", ", testX.shape)}] and [{string.Join(", ", testY!.shape)}]", nameof(testX));
        if (o.Models.Length == 0 || o.Directions.Length == 0 || o.Metrics.Length == 0)
            throw new ArgumentException("mapping: at least one model, direction and metric are needed");
        int n = (int)x.shape[0];
        if (testX is null && (o.Folds < 2 || o.Folds > n))
            throw new ArgumentException($"mapping: outer folds must be between 2 and the number of items ({n}), got {o.Folds}");
        if (testX is not null && o.Runs < 1)
            throw new ArgumentException($"mapping: runs must be at least 1, got {o.Runs}");
        if (!o.Untrained && o.InnerFolds < 2)
            throw new ArgumentException($"mapping: cross-validation folds must be at least 2, got {o.InnerFolds}");
        int testItems = testX is null ? n / o.Folds : (int)testX.shape[0];
        int limit = o.IncludeSelf ? testItems : testItems - 1;
        if (o.K < 1 || o.K > limit)
            throw new ArgumentException($"mapping: K must be between 1 and {limit} (the smallest test part has {testItems} items), got {o.K}");
    }

    private static int[][] Folds(int n, int folds, long seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Random(unchecked((int)seed)).Shuffle(order);
        var parts = new int[folds][];
        for (int f = 0; f < folds; f++)
        {
            var part = new List<int>();
            for (int i = f; i < n; i += folds)
                part.Add(order[i]);
            part.Sort();
            parts[f] = part.ToArray();
        }
        return parts;
    }

    private static (Tensor Train, Tensor Test) Parts(int[][] split, int fold, Device device)
    {
        var train = split.Where((_, i) => i != fold).SelectMany(p => p).Order().Select(i => (long)i).ToArray();
        var test = split[fold].Select(i => (long)i).ToArray();
        return (tensor(train, device: device), tensor(test, device: device));
    }

    private static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        if (v.Length < 2)
            return (mean, double.NaN);
        double ss = v.Sum(a => (a - mean) * (a - mean));
        return (mean, Math.Sqrt(ss / (v.Length - 1)));
    }

    /// <summary>SplitMix64 of (seed, salt), non-negative: independent seeds for folds, trainings and tests.</summary>
    private static long Mix(long seed, long salt)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(salt + 1));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) >> 1);
    }

    private sealed class Counter(IProgress<double>? sink, long total)
    {
        private long done;

        public void Step() => sink?.Report(Math.Min(1.0, (double)Interlocked.Increment(ref done) / total));
    }

    /// <summary>One libtorch intra-op thread on the calling worker (OpenMP settings are per thread), restored on exit.</summary>
    private static class SingleThreaded
    {
        public static int Enter()
        {
            int threads = get_num_threads();
            set_num_threads(1);
            return threads;
        }

        public static void Exit(int threads) => set_num_threads(threads);
    }
}
