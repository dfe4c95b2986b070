namespace Rankwise.Inference;

/// <summary>
/// Bootstrap confidence intervals for any statistic of one sample, of several paired samples, or of several
/// independent samples, with the semantics of scipy.stats.bootstrap (Efron &amp; Tibshirani, <i>An Introduction to the
/// Bootstrap</i>, 1993): B resamples drawn with replacement, the bootstrap distribution of the statistic, and a
/// percentile, basic or BCa interval computed from it by <see cref="Interval(double, ReadOnlySpan{double}, ReadOnlySpan{double}, double, BootstrapMethod, Alternative, ICollection{string}?)"/>.
/// </summary>
/// <remarks>
/// <para>Resamples are evaluated in parallel. The statistic is called concurrently from several threads and must be
/// thread-safe; buffers passed to it are reused and must not be kept. Resample b uses a random stream derived from
/// (<see cref="BootstrapOptions.Seed"/>, b) only, so results are bit-identical for any degree of parallelism. They are
/// not the same draws as numpy's, so a Rankwise interval agrees with scipy's only within Monte-Carlo error, while
/// <see cref="Interval(double, ReadOnlySpan{double}, ReadOnlySpan{double}, double, BootstrapMethod, Alternative, ICollection{string}?)"/>
/// applied to scipy's own bootstrap distribution reproduces scipy's interval to rounding.</para>
/// <para>NaN handling is the statistic's business: NaN statistic values make the interval NaN (with a warning).</para>
/// </remarks>
public static partial class Bootstrap
{
    /// <summary>
    /// Bootstraps a statistic of n paired items given as indices: each resample is a vector of n indices drawn
    /// uniformly with replacement from 0..n−1 (scipy's <c>paired=True</c>, which resamples observation indices).
    /// </summary>
    /// <param name="n">Number of items (pairs, rows), at least 2.</param>
    /// <param name="statistic">The statistic of the items at the given indices (length n for a resample, n − 1 for a
    /// jackknife sample, the identity 0..n−1 for the observed value). Called concurrently; must be thread-safe.</param>
    /// <param name="options">Options; null for <see cref="BootstrapOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the resampling (throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>The interval, standard error, bootstrap distribution, observed statistic and warnings.</returns>
    /// <exception cref="RankwiseInputException">n &lt; 2.</exception>
    public static BootstrapResult Paired(
        int n, Func<ReadOnlySpan<int>, double> statistic, BootstrapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        CheckCount(n, nameof(n));
        return RunIndexed(n, () => new DelegateIndexStatistic(statistic), options ?? BootstrapOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Bootstraps a statistic of one sample (scipy's <c>bootstrap((sample,), statistic)</c>).
    /// </summary>
    /// <param name="sample">The observations (not modified), at least 2.</param>
    /// <param name="statistic">The statistic of a resample (a reused buffer; thread-safe, must not keep it).</param>
    /// <param name="options">Options; null for <see cref="BootstrapOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the resampling.</param>
    /// <returns>The bootstrap result.</returns>
    /// <exception cref="RankwiseInputException">Fewer than two observations.</exception>
    public static BootstrapResult OneSample(
        double[] sample, Func<ReadOnlySpan<double>, double> statistic, BootstrapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(statistic);
        CheckCount(sample.Length, nameof(sample));
        return RunIndexed(sample.Length, () => new GatherOne(sample, statistic), options ?? BootstrapOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Bootstraps a statistic of two paired samples, resampling pairs (scipy's <c>bootstrap((x, y), statistic, paired=True)</c>),
    /// e.g. a correlation coefficient.
    /// </summary>
    /// <param name="x">First sample (not modified).</param>
    /// <param name="y">Second sample, same length as <paramref name="x"/>, at least 2.</param>
    /// <param name="statistic">The statistic of resampled (x, y) (reused buffers; thread-safe).</param>
    /// <param name="options">Options; null for <see cref="BootstrapOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the resampling.</param>
    /// <returns>The bootstrap result.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ or fewer than two pairs.</exception>
    public static BootstrapResult PairedSamples(
        double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic,
        BootstrapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(statistic);
        if (x.Length != y.Length)
            throw new RankwiseInputException(nameof(y), $"paired samples must have the same length: x has {x.Length}, y has {y.Length}");
        CheckCount(x.Length, nameof(x));
        return RunIndexed(x.Length, () => new GatherTwo(x, y, statistic), options ?? BootstrapOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Bootstraps a statistic of k paired samples of equal length, resampling the paired observations together
    /// (scipy's <c>paired=True</c> with k samples).
    /// </summary>
    /// <param name="samples">The k ≥ 1 samples, all of the same length n ≥ 2 (not modified).</param>
    /// <param name="statistic">The statistic of the k resampled samples. It receives per-thread arrays that are reused
    /// between calls (of length n, or n − 1 for the jackknife); it must be thread-safe and must not keep them.</param>
    /// <param name="options">Options; null for <see cref="BootstrapOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the resampling.</param>
    /// <returns>The bootstrap result.</returns>
    /// <exception cref="RankwiseInputException">No samples, lengths differ, or fewer than two observations.</exception>
    public static BootstrapResult PairedSamples(
        IReadOnlyList<double[]> samples, Func<double[][], double> statistic,
        BootstrapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(statistic);
        if (samples.Count == 0)
            throw new RankwiseInputException(nameof(samples), "at least one sample is needed");
        for (int j = 0; j < samples.Count; j++)
        {
            if (samples[j] is null)
                throw new RankwiseInputException(nameof(samples), $"sample {j} is null");
            if (samples[j].Length != samples[0].Length)
                throw new RankwiseInputException(nameof(samples), $"paired samples must have the same length: sample 0 has {samples[0].Length}, sample {j} has {samples[j].Length}");
        }
        CheckCount(samples[0].Length, nameof(samples));
        return RunIndexed(samples[0].Length, () => new GatherMany(samples, statistic), options ?? BootstrapOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Bootstraps a statistic of two independent samples, resampling each sample separately
    /// (scipy's default <c>paired=False</c>), e.g. a difference of means. BCa's acceleration combines the
    /// jackknife of each sample.
    /// </summary>
    /// <param name="x">First sample, at least 2 observations (not modified).</param>
    /// <param name="y">Second sample, at least 2 observations (not modified).</param>
    /// <param name="statistic">The statistic of (x resample, y resample) (reused buffers; thread-safe).</param>
    /// <param name="options">Options; null for <see cref="BootstrapOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the resampling.</param>
    /// <returns>The bootstrap result.</returns>
    public static BootstrapResult Independent(
        double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic,
        BootstrapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(statistic);
        return Independent([x, y], arrays => statistic(arrays[0], arrays[1]), options, cancellationToken);
    }

    /// <summary>
    /// Bootstraps a statistic of k independent samples, resampling each sample separately with replacement
    /// (scipy's default <c>paired=False</c> with k samples).
    /// </summary>
    /// <param name="samples">The k ≥ 1 samples, each with at least 2 observations; lengths may differ (not modified).</param>
    /// <param name="statistic">The statistic of the k resampled samples. It receives per-thread arrays that are reused
    /// between calls (for the jackknife one of them is one shorter); it must be thread-safe and must not keep them.</param>
    /// <param name="options">Options; null for <see cref="BootstrapOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the resampling.</param>
    /// <returns>The bootstrap result.</returns>
    /// <exception cref="RankwiseInputException">No samples, or a sample with fewer than two observations.</exception>
    public static BootstrapResult Independent(
        IReadOnlyList<double[]> samples, Func<double[][], double> statistic,
        BootstrapOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(statistic);
        options ??= BootstrapOptions.Default;
        CheckOptions(options);
        if (samples.Count == 0)
            throw new RankwiseInputException(nameof(samples), "at least one sample is needed");
        for (int j = 0; j < samples.Count; j++)
        {
            if (samples[j] is null)
                throw new RankwiseInputException(nameof(samples), $"sample {j} is null");
            CheckCount(samples[j].Length, $"sample {j}");
        }
        int k = samples.Count;

        double[][] Fresh()
        {
            var arrays = new double[k][];
            for (int j = 0; j < k; j++)
                arrays[j] = (double[])samples[j].Clone();
            return arrays;
        }

        double observed = statistic(Fresh());

        var distribution = new double[options.Resamples];
        ulong seed = options.Seed;
        ResamplingDriver.Fill(
            distribution,
            Fresh,
            (arrays, b) =>
            {
                var rng = new ResampleRandom(seed, (ulong)b);
                for (int j = 0; j < k; j++)
                {
                    double[] source = samples[j];
                    double[] target = arrays[j];
                    for (int i = 0; i < target.Length; i++)
                        target[i] = source[rng.NextInt(source.Length)];
                }
                return statistic(arrays);
            },
            options.MaxDegreeOfParallelism, options.Progress, cancellationToken);

        var jackknife = new List<double[]>();
        if (options.Method == BootstrapMethod.BCa)
        {
            for (int j = 0; j < k; j++)
            {
                int g = j;
                int ng = samples[g].Length;
                var values = new double[ng];
                ResamplingDriver.Fill(
                    values,
                    () =>
                    {
                        double[][] arrays = Fresh();
                        arrays[g] = new double[ng - 1];
                        return arrays;
                    },
                    (arrays, leftOut) =>
                    {
                        double[] source = samples[g];
                        double[] target = arrays[g];
                        int t = 0;
                        for (int i = 0; i < ng; i++)
                        {
                            if (i != leftOut)
                                target[t++] = source[i];
                        }
                        for (int other = 0; other < k; other++)
                        {
                            if (other != g)
                                samples[other].AsSpan().CopyTo(arrays[other]);
                        }
                        return statistic(arrays);
                    },
                    options.MaxDegreeOfParallelism, null, cancellationToken);
                jackknife.Add(values);
            }
        }
        return Finish(observed, distribution, jackknife, options);
    }

    private static BootstrapResult RunIndexed(int n, Func<IIndexStatistic> factory, BootstrapOptions options, CancellationToken cancellationToken)
    {
        CheckOptions(options);
        var identity = new int[n];
        for (int i = 0; i < n; i++)
            identity[i] = i;
        double observed = factory().Evaluate(identity);

        var distribution = new double[options.Resamples];
        ulong seed = options.Seed;
        ResamplingDriver.Fill(
            distribution,
            () => (Statistic: factory(), Indices: new int[n]),
            (worker, b) =>
            {
                var rng = new ResampleRandom(seed, (ulong)b);
                int[] indices = worker.Indices;
                for (int i = 0; i < indices.Length; i++)
                    indices[i] = rng.NextInt(n);
                return worker.Statistic.Evaluate(indices);
            },
            options.MaxDegreeOfParallelism, options.Progress, cancellationToken);

        var jackknife = new List<double[]>();
        if (options.Method == BootstrapMethod.BCa)
            jackknife.Add(JackknifeCore(n, factory, options.MaxDegreeOfParallelism, cancellationToken));
        return Finish(observed, distribution, jackknife, options);
    }

    /// <summary>
    /// <see cref="Paired"/> with the bootstrap distribution supplied by <paramref name="fill"/>, which must compute the
    /// statistic on exactly the resamples Paired draws (resample b: n indices from ResampleRandom(seed, b)); the
    /// observed value and the BCa jackknife still come from <paramref name="statistic"/>.
    /// </summary>
    internal static BootstrapResult PairedFromDistribution(
        int n, Func<ReadOnlySpan<int>, double> statistic, Action<double[]> fill, BootstrapOptions options, CancellationToken cancellationToken)
    {
        CheckCount(n, nameof(n));
        CheckOptions(options);
        var identity = new int[n];
        for (int i = 0; i < n; i++)
            identity[i] = i;
        double observed = statistic(identity);
        var distribution = new double[options.Resamples];
        fill(distribution);
        var jackknife = new List<double[]>();
        if (options.Method == BootstrapMethod.BCa)
            jackknife.Add(JackknifeCore(n, () => new DelegateIndexStatistic(statistic), options.MaxDegreeOfParallelism, cancellationToken));
        return Finish(observed, distribution, jackknife, options);
    }

    private static BootstrapResult Finish(double observed, double[] distribution, IReadOnlyList<double[]> jackknife, BootstrapOptions options)
    {
        var warnings = new List<string>();
        ConfidenceInterval interval = IntervalCore(observed, distribution, jackknife, options.ConfidenceLevel, options.Method, options.Alternative, warnings);
        double standardError = NumpyReductions.StdDdof1(distribution);
        return new BootstrapResult(interval, standardError, distribution, observed, warnings);
    }

    private static void CheckOptions(BootstrapOptions options)
    {
        if (options.Resamples < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Resamples, "BootstrapOptions.Resamples must be at least 1");
        CheckLevel(options.ConfidenceLevel, nameof(options));
        if (!Enum.IsDefined(options.Method))
            throw new ArgumentOutOfRangeException(nameof(options), options.Method, "unknown BootstrapOptions.Method");
        if (!Enum.IsDefined(options.Alternative))
            throw new ArgumentOutOfRangeException(nameof(options), options.Alternative, "unknown BootstrapOptions.Alternative");
        ResamplingDriver.CheckParallelism(options.MaxDegreeOfParallelism, nameof(options));
    }

    private static void CheckCount(int n, string name)
    {
        if (n < 2)
            throw new RankwiseInputException(name, $"needs two or more observations to bootstrap, got {n}");
    }
}
