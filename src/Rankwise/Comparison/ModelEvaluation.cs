using Rankwise.Correlation;
using Rankwise.Inference;
using Rankwise.Reliability;

namespace Rankwise.Comparison;

/// <summary>
/// Judges models by rank against human data on the same items: per model Spearman's ρ, Kendall's tau-b, Pearson's r,
/// MSE and MAE, each with a bootstrap interval over items (one set of item resamples shared by all models); run
/// groups (several seeds of one model) summarised across runs; every pair of models compared with Williams' t,
/// Steiger's z, Hittner's z and Zou's interval (on Spearman and Pearson) and with paired bootstrap intervals of the
/// differences; an explicit note when the MSE orders the models differently from the rank correlation; and, given a
/// split-half ceiling, each model's ρ as a fraction of it.
/// </summary>
/// <remarks>
/// <para>Values on all items follow scipy.stats (spearmanr, kendalltau (tau-b), pearsonr). The bootstrap resamples
/// the n items with replacement B times (resample b drawn from the generator seeded by (seed, b), the same draws as
/// <see cref="Bootstrap.Paired"/>) and recomputes every metric of every model on that same resample, so that
/// differences between models are paired; intervals are percentile (default) or basic, as scipy.stats.bootstrap.
/// Spearman's ρ on a resample is computed from fixed dense ranks in O(n), Kendall's tau-b in O(n log n) without
/// sorting (see the remarks of the engine), so 10⁵ items × 9,999 resamples take seconds.</para>
/// <para>The run-group interval across runs is Student's t over the run values (run-to-run spread: one reported
/// number from one seed hides it); the interval across items is the bootstrap interval of the run-mean metric.</para>
/// <para>The dependent-correlation tests assume (bivariate) normality and are an approximation for Spearman's ρ;
/// the paired bootstrap interval of the difference makes no such assumption.</para>
/// </remarks>
public static class ModelEvaluation
{
    private static readonly EvaluationMetric[] AllMetrics = Enum.GetValues<EvaluationMetric>();

    /// <summary>Evaluates <paramref name="models"/> against <paramref name="truth"/>.</summary>
    /// <param name="truth">The human scores of the n items (e.g. memorability: the hit rate of each image).</param>
    /// <param name="models">Predictions for the same items, in the same order; names must be unique.</param>
    /// <param name="options">Resamples, seed, level, interval method, NaN policy; null for <see cref="EvaluationOptions.Default"/>.</param>
    /// <param name="ceiling">The split-half consistency of the human responses (see <see cref="SplitHalfConsistency"/>), or null.</param>
    /// <param name="cancellationToken">Cancels the resampling.</param>
    /// <returns>The report.</returns>
    /// <exception cref="RankwiseInputException">No models, duplicate or empty names, lengths that differ from the truth,
    /// a NaN under <see cref="NanPolicy.Raise"/>, or fewer than 2 items.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (resamples &lt; 1, level outside (0, 1),
    /// BCa, <see cref="NanPolicy.Propagate"/>).</exception>
    public static EvaluationReport Evaluate(double[] truth, IReadOnlyList<ModelPredictions> models, EvaluationOptions? options = null,
        SplitHalfResult? ceiling = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(models);
        options ??= EvaluationOptions.Default;
        CheckOptions(options);
        var warnings = new List<string>();
        Validate(truth, models);
        (double[] x, double[][] predictions, int dropped) = ApplyNanPolicy(truth, models, options.NanPolicy);
        int n = x.Length;
        if (n < 2)
            throw new RankwiseInputException("truth", $"has {n} usable item{(n == 1 ? "" : "s")}; at least 2 are needed");
        if (dropped > 0)
            warnings.Add($"{dropped} item{(dropped == 1 ? " was" : "s were")} dropped because the truth or a prediction is NaN; every model is judged on the same {n} items");

        // Values on all items (scipy semantics) and the bootstrap distributions.
        int m = models.Count;
        var observed = new double[m][];
        for (int k = 0; k < m; k++)
            observed[k] = Observed(x, predictions[k]);
        int b = options.Resamples;
        var distributions = new double[m][][];
        for (int k = 0; k < m; k++)
        {
            distributions[k] = new double[ResampledMetrics.Count][];
            for (int s = 0; s < ResampledMetrics.Count; s++)
                distributions[k][s] = new double[b];
        }
        new ResampledMetrics(x, predictions, options.KendallInterval)
            .Run(distributions, b, options.Seed, options.MaxDegreeOfParallelism, options.Progress, cancellationToken);

        double? rawCeiling = ceiling is null ? null : ceiling.Raw.Mean;
        double? correctedCeiling = ceiling is null ? null : ceiling.Corrected.Mean;
        if (ceiling is not null && ceiling.Method != "spearman")
            warnings.Add($"the ceiling was computed with {ceiling.Method}; the fractions divide Spearman's rho by it");

        // Per model.
        var results = new List<ModelEvaluationResult>(m);
        for (int k = 0; k < m; k++)
        {
            var metrics = new Dictionary<EvaluationMetric, MetricEstimate>();
            foreach (EvaluationMetric metric in AllMetrics)
            {
                double value = observed[k][Slot(metric)];
                ConfidenceInterval? interval = HasInterval(metric, options) ? Interval(value, distributions[k][Slot(metric)], options, warnings, $"{models[k].Name} {Name(metric)}") : null;
                metrics[metric] = new MetricEstimate(value, interval);
            }
            double rho = observed[k][ResampledMetrics.Spearman];
            results.Add(new ModelEvaluationResult(models[k].Name, models[k].RunGroup, metrics, rho / rawCeiling, rho / correctedCeiling));
        }

        // Entries: stand-alone models and run groups, in order of first appearance.
        var entries = new List<Entry>();
        var groups = new List<RunGroupResult>();
        foreach (var group in models.Select((model, index) => (model, index)).GroupBy(p => p.model.RunGroup ?? "\0" + p.model.Name))
        {
            int[] members = group.Select(p => p.index).ToArray();
            string? groupName = models[members[0]].RunGroup;
            if (groupName is null)
            {
                entries.Add(new Entry(models[members[0]].Name, members, observed[members[0]], distributions[members[0]], true));
                continue;
            }
            if (members.Length == 1)
                warnings.Add($"run group '{groupName}' has one run; the interval across runs needs at least 2");
            double[] meanObserved = new double[ResampledMetrics.Count];
            double[][] meanDistribution = new double[ResampledMetrics.Count][];
            var summaries = new Dictionary<EvaluationMetric, RunGroupEstimate>();
            foreach (EvaluationMetric metric in AllMetrics)
            {
                int slot = Slot(metric);
                double[] runValues = members.Select(i => observed[i][slot]).ToArray();
                meanObserved[slot] = runValues.Average();
                meanDistribution[slot] = new double[b];
                for (int r = 0; r < b; r++)
                {
                    double sum = 0;
                    foreach (int i in members)
                        sum += distributions[i][slot][r];
                    meanDistribution[slot][r] = sum / members.Length;
                }
                ConfidenceInterval? acrossItems = HasInterval(metric, options)
                    ? Interval(meanObserved[slot], meanDistribution[slot], options, warnings, $"{groupName} {Name(metric)}")
                    : null;
                summaries[metric] = new RunGroupEstimate(meanObserved[slot], SampleSd(runValues), runValues.Min(), runValues.Max(),
                    AcrossRuns(runValues, options.ConfidenceLevel), acrossItems);
            }
            groups.Add(new RunGroupResult(groupName, members.Select(i => models[i].Name).ToArray(), summaries,
                meanObserved[ResampledMetrics.Spearman] / rawCeiling));
            entries.Add(new Entry(groupName, members, meanObserved, meanDistribution, false));
        }

        // Pairwise comparisons.
        var comparisons = new List<PairwiseComparison>();
        for (int i = 0; i < entries.Count; i++)
        {
            for (int j = i + 1; j < entries.Count; j++)
            {
                Entry a = entries[i], c = entries[j];
                var differences = new Dictionary<EvaluationMetric, DifferenceEstimate>();
                foreach (EvaluationMetric metric in AllMetrics)
                {
                    int slot = Slot(metric);
                    double difference = a.Observed[slot] - c.Observed[slot];
                    ConfidenceInterval? interval = null;
                    if (HasInterval(metric, options))
                    {
                        var diff = new double[b];
                        for (int r = 0; r < b; r++)
                            diff[r] = a.Distribution[slot][r] - c.Distribution[slot][r];
                        interval = Interval(difference, diff, options, warnings, $"{a.Name} - {c.Name} {Name(metric)}");
                    }
                    differences[metric] = new DifferenceEstimate(difference, interval);
                }
                DependentCorrelationTests? spearman = null, pearson = null;
                if (a.Single && c.Single && n >= 4)
                {
                    double[] pa = predictions[a.Members[0]], pc = predictions[c.Members[0]];
                    spearman = Tests(a.Observed[ResampledMetrics.Spearman], c.Observed[ResampledMetrics.Spearman],
                        SpearmanCorrelation.Compute(pa, pc).Statistic, n, options.ConfidenceLevel, warnings, $"{a.Name} vs {c.Name} (spearman)");
                    pearson = Tests(a.Observed[ResampledMetrics.Pearson], c.Observed[ResampledMetrics.Pearson],
                        PearsonCorrelation.Compute(pa, pc).Statistic, n, options.ConfidenceLevel, warnings, $"{a.Name} vs {c.Name} (pearson)");
                }
                comparisons.Add(new PairwiseComparison(a.Name, c.Name, differences, spearman, pearson));
            }
        }

        // Orderings and the rank-versus-loss disagreements.
        string[] bySpearman = entries.OrderByDescending(e => e.Observed[ResampledMetrics.Spearman]).Select(e => e.Name).ToArray();
        string[] byMse = entries.OrderBy(e => e.Observed[ResampledMetrics.Mse]).Select(e => e.Name).ToArray();
        var disagreements = new List<RankLossDisagreement>();
        for (int i = 0; i < entries.Count; i++)
        {
            for (int j = 0; j < entries.Count; j++)
            {
                Entry a = entries[i], c = entries[j];
                double rhoA = a.Observed[ResampledMetrics.Spearman], rhoC = c.Observed[ResampledMetrics.Spearman];
                double mseA = a.Observed[ResampledMetrics.Mse], mseC = c.Observed[ResampledMetrics.Mse];
                if (rhoA > rhoC && mseA > mseC)
                {
                    // The pair's comparison is stored once, as (earlier, later); flip the interval when needed.
                    var pair = comparisons.First(p => (p.A == a.Name && p.B == c.Name) || (p.A == c.Name && p.B == a.Name));
                    ConfidenceInterval? ci = pair.Differences[EvaluationMetric.Spearman].Interval;
                    if (ci is not null && pair.A != a.Name)
                        ci = ci with { Low = -ci.High, High = -ci.Low };
                    disagreements.Add(new RankLossDisagreement(a.Name, c.Name, rhoA, rhoC, mseA, mseC, ci));
                }
            }
        }
        var bootstrap = new Dictionary<string, IReadOnlyDictionary<EvaluationMetric, double[]>>();
        IReadOnlyDictionary<EvaluationMetric, double[]> Distributions(double[][] distribution) =>
            AllMetrics.Where(metric => HasInterval(metric, options)).ToDictionary(metric => metric, metric => distribution[Slot(metric)]);
        for (int k = 0; k < m; k++)
            bootstrap[models[k].Name] = Distributions(distributions[k]);
        foreach (var entry in entries.Where(e => !e.Single))
            bootstrap.TryAdd(entry.Name, Distributions(entry.Distribution));
        return new EvaluationReport(n, dropped, b, options.Seed, options.ConfidenceLevel, MethodName(options.IntervalMethod),
            results, groups, comparisons, bySpearman, byMse, disagreements, ceiling, warnings)
        {
            BootstrapDistributions = bootstrap,
        };
    }

    /// <summary>A stand-alone model (one member) or a run group (its run means).</summary>
    private sealed record Entry(string Name, int[] Members, double[] Observed, double[][] Distribution, bool Single);

    private static int Slot(EvaluationMetric metric) => metric switch
    {
        EvaluationMetric.Spearman => ResampledMetrics.Spearman,
        EvaluationMetric.Kendall => ResampledMetrics.Kendall,
        EvaluationMetric.Pearson => ResampledMetrics.Pearson,
        EvaluationMetric.Mse => ResampledMetrics.Mse,
        _ => ResampledMetrics.Mae,
    };

    /// <summary>The snake_case name of a metric (<c>spearman</c>, <c>kendall</c>, <c>pearson</c>, <c>mse</c>, <c>mae</c>).</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>Its name.</returns>
    public static string Name(EvaluationMetric metric) => metric switch
    {
        EvaluationMetric.Spearman => "spearman",
        EvaluationMetric.Kendall => "kendall",
        EvaluationMetric.Pearson => "pearson",
        EvaluationMetric.Mse => "mse",
        _ => "mae",
    };

    private static bool HasInterval(EvaluationMetric metric, EvaluationOptions options) =>
        metric != EvaluationMetric.Kendall || options.KendallInterval;

    private static double[] Observed(double[] truth, double[] prediction)
    {
        var values = new double[ResampledMetrics.Count];
        values[ResampledMetrics.Spearman] = SpearmanCorrelation.Compute(prediction, truth).Statistic;
        values[ResampledMetrics.Kendall] = KendallTau.Compute(prediction, truth).Statistic;
        values[ResampledMetrics.Pearson] = PearsonCorrelation.Compute(prediction, truth).Statistic;
        double squared = 0, absolute = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            double e = prediction[i] - truth[i];
            squared += e * e;
            absolute += Math.Abs(e);
        }
        values[ResampledMetrics.Mse] = squared / truth.Length;
        values[ResampledMetrics.Mae] = absolute / truth.Length;
        return values;
    }

    private static ConfidenceInterval Interval(double observed, double[] distribution, EvaluationOptions options, List<string> warnings, string what)
    {
        var local = new List<string>();
        ConfidenceInterval interval = Bootstrap.Interval(observed, distribution, [], options.ConfidenceLevel, options.IntervalMethod, Alternative.TwoSided, local);
        foreach (string w in local)
            warnings.Add($"{what}: {w}");
        return interval;
    }

    private static ConfidenceInterval AcrossRuns(double[] values, double level)
    {
        int k = values.Length;
        if (k < 2)
            return new ConfidenceInterval("t", level, double.NaN, double.NaN);
        double mean = values.Average();
        double half = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, k - 1, 0.5 + level / 2) * SampleSd(values) / Math.Sqrt(k);
        return new ConfidenceInterval("t", level, mean - half, mean + half);
    }

    private static double SampleSd(double[] values)
    {
        if (values.Length < 2)
            return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private static DependentCorrelationTests? Tests(double rJk, double rJh, double rKh, int n, double level, List<string> warnings, string what)
    {
        if (double.IsNaN(rJk) || double.IsNaN(rJh) || double.IsNaN(rKh))
        {
            warnings.Add($"{what}: a correlation is undefined (constant input), so the dependent-correlation tests are skipped");
            return null;
        }
        return new DependentCorrelationTests(
            DependentCorrelation.Williams(rJk, rJh, rKh, n),
            DependentCorrelation.Steiger(rJk, rJh, rKh, n),
            DependentCorrelation.Hittner(rJk, rJh, rKh, n),
            DependentCorrelation.Zou(rJk, rJh, rKh, n, Alternative.TwoSided, level));
    }

    private static void Validate(double[] truth, IReadOnlyList<ModelPredictions> models)
    {
        if (models.Count == 0)
            throw new RankwiseInputException("models", "no predictions to evaluate");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ModelPredictions model in models)
        {
            ArgumentNullException.ThrowIfNull(model);
            if (string.IsNullOrWhiteSpace(model.Name))
                throw new RankwiseInputException("models", "a model has an empty name");
            if (!names.Add(model.Name))
                throw new RankwiseInputException(model.Name, "two models have this name; names must be unique");
            if (model.Values.Length != truth.Length)
                throw new RankwiseInputException(model.Name, $"has {model.Values.Length} predictions but the truth has {truth.Length} items");
        }
        foreach (ModelPredictions model in models)
        {
            if (model.RunGroup is { } group && names.Contains(group))
                throw new RankwiseInputException(group, "is the name of both a run group and a model; names must be unique");
        }
    }

    private static (double[] Truth, double[][] Predictions, int Dropped) ApplyNanPolicy(double[] truth, IReadOnlyList<ModelPredictions> models, NanPolicy policy)
    {
        int n = truth.Length;
        var keep = new bool[n];
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            bool ok = !double.IsNaN(truth[i]);
            foreach (ModelPredictions model in models)
                ok &= !double.IsNaN(model.Values[i]);
            if (!ok && policy == NanPolicy.Raise)
            {
                string where = double.IsNaN(truth[i]) ? "truth" : models.First(model => double.IsNaN(model.Values[i])).Name;
                throw new RankwiseInputException(where, $"NaN at item {i}; drop such items with the omit NaN policy (--nan-policy omit)");
            }
            keep[i] = ok;
            if (ok)
                kept++;
        }
        if (kept == n)
            return (truth, models.Select(model => model.Values).ToArray(), 0);
        double[] Filter(double[] values)
        {
            var result = new double[kept];
            int k = 0;
            for (int i = 0; i < n; i++)
            {
                if (keep[i])
                    result[k++] = values[i];
            }
            return result;
        }
        return (Filter(truth), models.Select(model => Filter(model.Values)).ToArray(), n - kept);
    }

    private static void CheckOptions(EvaluationOptions options)
    {
        if (options.Resamples < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Resamples, "EvaluationOptions.Resamples must be at least 1");
        if (!(options.ConfidenceLevel > 0 && options.ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.ConfidenceLevel, "EvaluationOptions.ConfidenceLevel must be in (0, 1)");
        if (options.IntervalMethod is not (BootstrapMethod.Percentile or BootstrapMethod.Basic))
            throw new ArgumentOutOfRangeException(nameof(options), options.IntervalMethod, "EvaluationOptions.IntervalMethod must be Percentile or Basic");
        if (options.NanPolicy is not (NanPolicy.Raise or NanPolicy.Omit))
            throw new ArgumentOutOfRangeException(nameof(options), options.NanPolicy, "EvaluationOptions.NanPolicy must be Raise or Omit");
        ResamplingDriver.CheckParallelism(options.MaxDegreeOfParallelism, nameof(options));
    }

    private static string MethodName(BootstrapMethod method) => method == BootstrapMethod.Basic ? "basic" : "percentile";
}
