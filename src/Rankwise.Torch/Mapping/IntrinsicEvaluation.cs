using Rankwise.Comparison;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Retrieval;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Mapping;

/// <summary>
/// An intrinsic task that scores an embedding of n items (rows) with a similarity measure: label-based retrieval mAP
/// or a word-similarity benchmark (Collell &amp; Moens 2018, Experiment 2).
/// </summary>
public abstract class IntrinsicTask
{
    /// <summary>Short name shown as a column group (e.g. <c>labels mAP</c>, <c>simlex999</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The score of <paramref name="embedding"/> [n, d] under <paramref name="measure"/>.</summary>
    /// <param name="embedding">One row per item, in the task's item order.</param>
    /// <param name="measure">Cosine or negative Euclidean similarity.</param>
    /// <param name="cancellationToken">Cancels long work.</param>
    public abstract double Score(Matrix<double> embedding, SimilarityMeasure measure, CancellationToken cancellationToken);

    /// <summary>
    /// Label-based mAP (<see cref="LabelRetrieval.MeanAveragePrecision(Matrix{double}, ItemLabels, SimilarityMeasure, AveragePrecisionMethod, NoRelevantPolicy)"/>):
    /// every item queries the others, relevant = shares a label, self excluded, non-interpolated AP.
    /// </summary>
    /// <param name="name">Column name.</param>
    /// <param name="labels">Labels of the n items.</param>
    public static IntrinsicTask LabelRetrievalMap(string name, ItemLabels labels) => new LabelTask(name, labels);

    /// <summary>
    /// Spearman's ρ between a benchmark's human ratings and the embedding's similarities (<see cref="WordSimilarity"/>,
    /// out-of-vocabulary pairs skipped).
    /// </summary>
    /// <param name="name">Column name.</param>
    /// <param name="benchmark">The rated word pairs.</param>
    /// <param name="vocabulary">The word of each embedding row.</param>
    /// <param name="lowercase">Fold case of benchmark words and vocabulary.</param>
    public static IntrinsicTask WordSimilarityRho(string name, WordPairSet benchmark, IReadOnlyList<string> vocabulary, bool lowercase = false) =>
        new WordTask(name, benchmark, vocabulary, lowercase);

    private sealed class LabelTask(string name, ItemLabels labels) : IntrinsicTask
    {
        public override string Name => name;

        public override double Score(Matrix<double> embedding, SimilarityMeasure measure, CancellationToken cancellationToken) =>
            LabelRetrieval.MeanAveragePrecision(embedding, labels, measure).Value;
    }

    private sealed class WordTask(string name, WordPairSet benchmark, IReadOnlyList<string> vocabulary, bool lowercase) : IntrinsicTask
    {
        public override string Name => name;

        public override double Score(Matrix<double> embedding, SimilarityMeasure measure, CancellationToken cancellationToken)
        {
            if (vocabulary.Count != embedding.Rows)
                throw new RankwiseInputException(benchmark.Source, $"the vocabulary has {vocabulary.Count} words for {embedding.Rows} embedding rows");
            var labelled = new Matrix<double>(embedding.Rows, embedding.Columns, embedding.Data, vocabulary);
            var options = new WordSimilarityOptions
            {
                Similarity = measure,
                Lowercase = lowercase,
                Bootstrap = new BootstrapOptions { Resamples = 999, Method = BootstrapMethod.Percentile },
            };
            return WordSimilarity.Evaluate(labelled, benchmark, options, cancellationToken).Spearman.Statistic;
        }
    }
}

/// <summary>A feature set to evaluate: its name, its items [n, d] and the output width of the mappings applied to it.</summary>
/// <param name="Name">Shown in the row labels, e.g. <c>X</c> or <c>digits_left</c>.</param>
/// <param name="Features">[n, d] features, one row per item in the tasks' item order.</param>
/// <param name="OutputWidth">Width of f(features): the other modality's width (d_y for f: X → Y).</param>
public sealed record IntrinsicFeatureSet(string Name, Tensor Features, int OutputWidth);

/// <summary>One row of the Experiment-2 table: a feature set itself (<paramref name="Model"/> null) or an untrained
/// mapping of it.</summary>
/// <param name="Label">Row label as in the paper: <c>f_nn(X)</c>, <c>f_lin(X)</c>, <c>X</c>.</param>
/// <param name="FeatureSet">The feature set's name.</param>
/// <param name="Model">The mapping, or null for the raw features.</param>
/// <param name="Scores">Per task, then per measure (cosine, Euclidean): the mean over initialisations.</param>
/// <param name="StandardDeviations">The same cells' standard deviation over initialisations (0 for the raw features and one run).</param>
public sealed record IntrinsicRow(string Label, string FeatureSet, MappingModel? Model,
    IReadOnlyList<double[]> Scores, IReadOnlyList<double[]> StandardDeviations);

/// <summary>The Experiment-2 table.</summary>
/// <param name="Tasks">Task names (column groups), each with a cosine and a Euclidean column.</param>
/// <param name="Rows">Rows per feature set: each model's untrained mapping, then the features themselves.</param>
/// <param name="Runs">Random initialisations averaged per mapping.</param>
/// <param name="HiddenUnits">Hidden width of the networks.</param>
public sealed record IntrinsicReport(IReadOnlyList<string> Tasks, IReadOnlyList<IntrinsicRow> Rows, int Runs, int HiddenUnits)
{
    /// <summary>The measures of the two columns of every task.</summary>
    public static IReadOnlyList<SimilarityMeasure> Measures { get; } = [SimilarityMeasure.Cosine, SimilarityMeasure.NegativeEuclidean];
}

/// <summary>
/// Experiment 2 of Collell &amp; Moens (2018): map features X with an <i>untrained</i> network f (random Glorot-uniform
/// weights, no learning) and compare X with f(X) on intrinsic tasks — word-similarity benchmarks and label-based
/// retrieval — with cosine and Euclidean similarities. Semantic structure that survives in f(X) was not learned; it
/// is inherited from X, which is the paper's point about mappings that "bridge" modalities.
/// </summary>
public static class IntrinsicEvaluation
{
    /// <summary>Evaluates every feature set and its untrained mappings on every task.</summary>
    /// <param name="featureSets">Feature sets (e.g. X with width d_y, Y with width d_x).</param>
    /// <param name="tasks">Intrinsic tasks; items in the feature sets' row order.</param>
    /// <param name="models">Architectures, one row each per feature set (the paper shows nn, then lin).</param>
    /// <param name="hiddenUnits">Hidden width of the networks (ignored by the linear map).</param>
    /// <param name="activation">Hidden activation.</param>
    /// <param name="runs">Random initialisations averaged per mapping (at least 1).</param>
    /// <param name="seed">Base seed of the initialisations.</param>
    /// <param name="progress">Fraction of cells done.</param>
    /// <param name="cancellationToken">Cancels between cells.</param>
    /// <returns>The table.</returns>
    /// <exception cref="ArgumentException">No feature set or task, runs &lt; 1, or a feature set that is not 2-D.</exception>
    public static IntrinsicReport Evaluate(IReadOnlyList<IntrinsicFeatureSet> featureSets, IReadOnlyList<IntrinsicTask> tasks,
        IReadOnlyList<MappingModel> models, int hiddenUnits = 128, MappingActivation activation = MappingActivation.Relu,
        int runs = 5, long seed = 0, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(featureSets);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(models);
        if (featureSets.Count == 0 || tasks.Count == 0)
            throw new ArgumentException("intrinsic evaluation needs at least one feature set and one task");
        if (runs < 1)
            throw new ArgumentOutOfRangeException(nameof(runs), runs, "intrinsic evaluation needs at least one initialisation");
        var measures = IntrinsicReport.Measures;
        double total = featureSets.Count * (models.Count * runs + 1), done = 0;
        var rows = new List<IntrinsicRow>();
        foreach (var set in featureSets)
        {
            if (set.Features.ndim != 2)
                throw new ArgumentException($"intrinsic evaluation: {set.Name} must be [n, d], got [{string.Join(", ", set.Features.shape)}]");
            for (int m = 0; m < models.Count; m++)
            {
                var model = models[m];
                var values = tasks.Select(_ => measures.Select(_ => new double[runs]).ToArray()).ToArray();
                for (int r = 0; r < runs; r++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Matrix<double> mapped;
                    using (var scope = NewDisposeScope())
                    using (var generator = new Generator(unchecked((ulong)(seed * 1_000_003 + m * 7919 + r))))
                    using (var net = MappingNetwork.Create(model, (int)set.Features.shape[1], set.OutputWidth, hiddenUnits, 0, activation,
                        set.Features.device, ScalarType.Float32, generator))
                    using (no_grad())
                    {
                        net.eval();
                        mapped = TensorConversions.ToMatrix<double>(net.forward(set.Features.to_type(ScalarType.Float32)));
                    }
                    for (int t = 0; t < tasks.Count; t++)
                        for (int s = 0; s < measures.Count; s++)
                            values[t][s][r] = tasks[t].Score(mapped, measures[s], cancellationToken);
                    progress?.Report(++done / total);
                }
                rows.Add(new IntrinsicRow($"f_{MappingExperiment.ModelName(model)}({set.Name})", set.Name, model,
                    values.Select(task => task.Select(v => v.Average()).ToArray()).ToArray(),
                    values.Select(task => task.Select(StandardDeviation).ToArray()).ToArray()));
            }
            var raw = TensorConversions.ToMatrix<double>(set.Features);
            var rawScores = tasks.Select(task => measures.Select(measure => task.Score(raw, measure, cancellationToken)).ToArray()).ToArray();
            rows.Add(new IntrinsicRow(set.Name, set.Name, null, rawScores, rawScores.Select(s => new double[s.Length]).ToArray()));
            progress?.Report(++done / total);
        }
        return new IntrinsicReport(tasks.Select(t => t.Name).ToArray(), rows, runs, hiddenUnits);
    }

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2)
            return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
