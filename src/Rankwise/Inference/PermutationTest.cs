namespace Rankwise.Inference;

/// <summary>
/// Permutation tests of any statistic with the semantics of scipy.stats.permutation_test: the null distribution of the
/// statistic is formed over permutations of the data (every distinct permutation exactly once when their number is at
/// most <see cref="PermutationOptions.Resamples"/>, otherwise random permutations), and the p-value counts null values
/// at least as extreme as the observed one.
/// </summary>
/// <remarks>
/// <para>P-values (see <see cref="PValue"/>): with γ = max(10⁻¹⁴, |10⁻¹⁴·θ̂|) absorbing rounding noise,
/// p_less = (#{θ ≤ θ̂ + γ} + c)/(R + c) and p_greater = (#{θ ≥ θ̂ − γ} + c)/(R + c), where c = 0 for an exact test and
/// c = 1 for a random one (Phipson &amp; Smyth 2010); two-sided p = min(2·min(p_less, p_greater), 1).</para>
/// <para>Statistics are evaluated on index vectors for speed (the value-based overloads gather values into reused
/// per-thread buffers). The statistic is called concurrently and must be thread-safe. Random permutation r uses a
/// stream derived from (<see cref="PermutationOptions.Seed"/>, r) only, so results do not depend on the thread count.</para>
/// <para>Deviation from scipy: a NaN observed statistic gives a NaN p-value with a warning (scipy returns 0 for an exact
/// test, because its NaN tolerance makes every comparison false).</para>
/// </remarks>
public static class PermutationTest
{
    /// <summary>
    /// Pairings test with one permuted sample (scipy's <c>permutation_type='pairings'</c> with <c>data=(y,)</c> and a
    /// statistic that pairs the permuted y with a fixed x), e.g. a correlation test. Exact when n! ≤ resamples.
    /// </summary>
    /// <param name="n">Number of pairs, at least 2.</param>
    /// <param name="statistic">The statistic when item i is paired with item <c>permutation[i]</c> of the permuted sample;
    /// the identity gives the observed statistic. Thread-safe.</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test (throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>The test result.</returns>
    /// <exception cref="RankwiseInputException">n &lt; 2.</exception>
    public static PermutationTestResult Pairings(
        int n, Func<ReadOnlySpan<int>, double> statistic, PermutationOptions? options = null, CancellationToken cancellationToken = default)
        => Pairings(n, 1, statistic, options, cancellationToken);

    /// <summary>
    /// Pairings test with m independently permuted samples of n observations each (scipy's
    /// <c>permutation_type='pairings'</c> with m samples in <c>data</c>). Exact when (n!)^m ≤ resamples, enumerated in
    /// scipy's order (itertools.product of itertools.permutations).
    /// </summary>
    /// <param name="n">Observations per sample, at least 2.</param>
    /// <param name="permutedSamples">Number m ≥ 1 of samples that are permuted.</param>
    /// <param name="statistic">The statistic given m permutations back to back: entries <c>[s·n, (s+1)·n)</c> say which
    /// observation of sample s goes to position i. Thread-safe.</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    public static PermutationTestResult Pairings(
        int n, int permutedSamples, Func<ReadOnlySpan<int>, double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        CheckCount(n, nameof(n));
        if (permutedSamples < 1)
            throw new ArgumentOutOfRangeException(nameof(permutedSamples), permutedSamples, "at least one sample must be permuted");
        return Run(new PairingsScheme(n, permutedSamples), () => new DelegateIndexStatistic(statistic), options, cancellationToken);
    }

    /// <summary>
    /// Pairings test of two paired samples: y is permuted relative to x (e.g. a permutation test of a correlation).
    /// Equivalent to scipy's <c>permutation_test((y,), lambda yp: statistic(x, yp), permutation_type='pairings')</c>.
    /// </summary>
    /// <param name="x">The fixed sample (not modified).</param>
    /// <param name="y">The permuted sample, same length, at least 2 (not modified).</param>
    /// <param name="statistic">The statistic of (x, permuted y); y's buffer is reused. Thread-safe.</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ or fewer than two pairs.</exception>
    public static PermutationTestResult Pairings(
        double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(statistic);
        CheckPaired(x, y);
        return Run(new PairingsScheme(x.Length, 1), () => new PermutedY(x, y, statistic), options, cancellationToken);
    }

    /// <summary>
    /// Paired-samples test (scipy's <c>permutation_type='samples'</c>): within each of the n pairs (tuples), the m
    /// observations are randomly reassigned among the m samples. With m = 1 the sign of each observation is flipped
    /// instead (scipy's convention). Exact when (m!)ⁿ (2ⁿ for m = 1) ≤ resamples.
    /// </summary>
    /// <param name="n">Number of pairs, at least 2.</param>
    /// <param name="samples">Number m ≥ 1 of samples.</param>
    /// <param name="statistic">For m ≥ 2, the statistic given m·n source labels: entry <c>j·n + i</c> is the original
    /// sample whose observation i goes to new sample j (the identity is <c>j</c>). For m = 1, n entries, 1 meaning
    /// observation i is negated. Thread-safe.</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    public static PermutationTestResult Samples(
        int n, int samples, Func<ReadOnlySpan<int>, double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        CheckCount(n, nameof(n));
        if (samples < 1)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "at least one sample is needed");
        return Run(new SamplesScheme(n, samples), () => new DelegateIndexStatistic(statistic), options, cancellationToken);
    }

    /// <summary>
    /// Paired-samples test of two samples: x_i and y_i are swapped with probability ½ for each pair (scipy's
    /// <c>permutation_test((x, y), statistic, permutation_type='samples')</c>), e.g. a paired difference of means.
    /// Exact when 2ⁿ ≤ resamples.
    /// </summary>
    /// <param name="x">First sample (not modified).</param>
    /// <param name="y">Second sample, same length, at least 2 (not modified).</param>
    /// <param name="statistic">The statistic of the relabelled (x, y) (reused buffers; thread-safe).</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ or fewer than two pairs.</exception>
    public static PermutationTestResult PairedSamples(
        double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(statistic);
        CheckPaired(x, y);
        return Run(new SamplesScheme(x.Length, 2), () => new SwappedPairs(x, y, statistic), options, cancellationToken);
    }

    /// <summary>
    /// Sign-flip test of one sample (scipy's <c>permutation_test((d,), statistic, permutation_type='samples')</c>):
    /// each observation's sign is flipped with probability ½, e.g. for paired differences. Exact when 2ⁿ ≤ resamples.
    /// </summary>
    /// <param name="sample">The observations, at least 2 (not modified).</param>
    /// <param name="statistic">The statistic of the sign-flipped sample (reused buffer; thread-safe).</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    /// <exception cref="RankwiseInputException">Fewer than two observations.</exception>
    public static PermutationTestResult SignFlip(
        double[] sample, Func<ReadOnlySpan<double>, double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(statistic);
        CheckCount(sample.Length, nameof(sample));
        return Run(new SamplesScheme(sample.Length, 1), () => new FlippedSigns(sample, statistic), options, cancellationToken);
    }

    /// <summary>
    /// Independent-samples test (scipy's <c>permutation_type='independent'</c>): the N = Σ n_g observations are pooled
    /// and re-partitioned into samples of the original sizes. Exact when the multinomial coefficient N!/Π n_g! ≤ resamples,
    /// enumerated in scipy's order.
    /// </summary>
    /// <param name="sizes">Sizes n_g of the k ≥ 2 samples, each at least 2 (scipy's requirement).</param>
    /// <param name="statistic">The statistic given a permutation of the pooled indices 0..N−1: entries
    /// <c>[o_g, o_g + n_g)</c> (o_g = n_0 + … + n_{g−1}) are the pooled observations forming new sample g. The
    /// statistic should not depend on the order within a sample. Thread-safe.</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    /// <exception cref="RankwiseInputException">Fewer than two samples, or a sample with fewer than two observations.</exception>
    public static PermutationTestResult Independent(
        ReadOnlySpan<int> sizes, Func<ReadOnlySpan<int>, double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        int[] copy = CheckSizes(sizes);
        return Run(new IndependentScheme(copy), () => new DelegateIndexStatistic(statistic), options, cancellationToken);
    }

    /// <summary>
    /// Independent-samples test of two samples (scipy's default <c>permutation_test((x, y), statistic)</c>),
    /// e.g. a difference of means. Exact when C(n_x + n_y, n_x) ≤ resamples.
    /// </summary>
    /// <param name="x">First sample, at least 2 observations (not modified).</param>
    /// <param name="y">Second sample, at least 2 observations (not modified).</param>
    /// <param name="statistic">The statistic of the re-partitioned (x, y) (reused buffers; thread-safe).</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    public static PermutationTestResult Independent(
        double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(statistic);
        return Independent([x, y], arrays => statistic(arrays[0], arrays[1]), options, cancellationToken);
    }

    /// <summary>
    /// Independent-samples test of k samples (scipy's <c>permutation_type='independent'</c>), e.g. an F-like statistic.
    /// </summary>
    /// <param name="samples">The k ≥ 2 samples, each with at least 2 observations (not modified).</param>
    /// <param name="statistic">The statistic of the k re-partitioned samples. It receives per-thread arrays reused between
    /// calls; it must be thread-safe and must not keep them.</param>
    /// <param name="options">Options; null for <see cref="PermutationOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The test result.</returns>
    public static PermutationTestResult Independent(
        IReadOnlyList<double[]> samples, Func<double[][], double> statistic,
        PermutationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(statistic);
        var sizes = new int[samples.Count];
        for (int g = 0; g < sizes.Length; g++)
        {
            if (samples[g] is null)
                throw new RankwiseInputException(nameof(samples), $"sample {g} is null");
            sizes[g] = samples[g].Length;
        }
        int[] checkedSizes = CheckSizes(sizes);
        double[] pooled = samples.SelectMany(s => s).ToArray();
        return Run(new IndependentScheme(checkedSizes), () => new Repartitioned(pooled, checkedSizes, statistic), options, cancellationToken);
    }

    /// <summary>
    /// The permutation-test p-value of an observed statistic against a null distribution, exactly as
    /// scipy.stats.permutation_test computes it (see the class remarks for the formula and tie tolerance).
    /// </summary>
    /// <param name="observed">The observed statistic θ̂.</param>
    /// <param name="nullDistribution">The statistic under each of the R permutations, R ≥ 1.</param>
    /// <param name="exact">True if the distribution is the exact one (no +1 correction), false for random permutations.</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <returns>The p-value in [0, 1]; NaN if <paramref name="observed"/> is NaN.</returns>
    public static double PValue(double observed, ReadOnlySpan<double> nullDistribution, bool exact, Alternative alternative)
    {
        if (nullDistribution.IsEmpty)
            throw new ArgumentException("the null distribution is empty", nameof(nullDistribution));
        if (double.IsNaN(observed))
            return double.NaN;
        const double eps = 1e-14;
        double gamma = Math.Max(eps, Math.Abs(eps * observed));
        int adjustment = exact ? 0 : 1;
        double upper = observed + gamma;
        double lower = observed - gamma;
        long countLess = 0, countGreater = 0;
        foreach (double v in nullDistribution)
        {
            if (v <= upper)
                countLess++;
            if (v >= lower)
                countGreater++;
        }
        double denominator = (double)nullDistribution.Length + adjustment;
        double pLess = (countLess + adjustment) / denominator;
        double pGreater = (countGreater + adjustment) / denominator;
        double p = alternative switch
        {
            Alternative.Less => pLess,
            Alternative.Greater => pGreater,
            Alternative.TwoSided => Math.Min(pLess, pGreater) * 2,
            _ => throw new ArgumentOutOfRangeException(nameof(alternative), alternative, "unknown alternative"),
        };
        return Math.Clamp(p, 0.0, 1.0);
    }

    private static PermutationTestResult Run(
        PermutationScheme scheme, Func<IIndexStatistic> factory, PermutationOptions? options, CancellationToken cancellationToken)
    {
        options ??= PermutationOptions.Default;
        if (options.Resamples < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Resamples, "PermutationOptions.Resamples must be at least 1");
        if (!Enum.IsDefined(options.Alternative))
            throw new ArgumentOutOfRangeException(nameof(options), options.Alternative, "unknown PermutationOptions.Alternative");
        ResamplingDriver.CheckParallelism(options.MaxDegreeOfParallelism, nameof(options));

        var identity = new int[scheme.Length];
        scheme.WriteIdentity(identity);
        double observed = factory().Evaluate(identity);

        bool exact = options.Resamples >= scheme.DistinctCount;
        int count = exact ? (int)scheme.DistinctCount : options.Resamples;
        var nullDistribution = new double[count];
        ulong seed = options.Seed;
        ResamplingDriver.Fill(
            nullDistribution,
            () => (Statistic: factory(), Indices: new int[scheme.Length], Scratch: new int[scheme.ScratchLength]),
            (worker, r) =>
            {
                if (exact)
                {
                    scheme.WriteExact(r, worker.Indices, worker.Scratch);
                }
                else
                {
                    var random = new ResampleRandom(seed, (ulong)r);
                    scheme.WriteRandom(ref random, worker.Indices);
                }
                return worker.Statistic.Evaluate(worker.Indices);
            },
            options.MaxDegreeOfParallelism, options.Progress, cancellationToken);

        var warnings = new List<string>();
        if (double.IsNaN(observed))
            warnings.Add("the observed statistic is NaN; the p-value is NaN");
        int nanCount = nullDistribution.Count(double.IsNaN);
        if (nanCount > 0)
            warnings.Add($"{nanCount} of {count} null-distribution values are NaN; they count as less extreme than the observed statistic");
        double p = PValue(observed, nullDistribution, exact, options.Alternative);
        return new PermutationTestResult(observed, p, nullDistribution, exact, count, options.Alternative, scheme.Type, warnings);
    }

    private static void CheckCount(int n, string name)
    {
        if (n < 2)
            throw new RankwiseInputException(name, $"needs two or more observations for a permutation test, got {n}");
    }

    private static void CheckPaired(double[] x, double[] y)
    {
        if (x.Length != y.Length)
            throw new RankwiseInputException(nameof(y), $"paired samples must have the same length: x has {x.Length}, y has {y.Length}");
        CheckCount(x.Length, nameof(x));
    }

    private static int[] CheckSizes(ReadOnlySpan<int> sizes)
    {
        if (sizes.Length < 2)
            throw new RankwiseInputException(nameof(sizes), $"an independent-samples permutation test needs at least two samples, got {sizes.Length}");
        long total = 0;
        for (int g = 0; g < sizes.Length; g++)
        {
            if (sizes[g] < 2)
                throw new RankwiseInputException(nameof(sizes), $"sample {g} has {sizes[g]} observations; each sample needs two or more");
            total += sizes[g];
        }
        if (total > int.MaxValue)
            throw new RankwiseInputException(nameof(sizes), $"{total} pooled observations is too many");
        return sizes.ToArray();
    }

    private sealed class PermutedY(double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic) : IIndexStatistic
    {
        private readonly double[] _y = new double[y.Length];

        public double Evaluate(ReadOnlySpan<int> indices)
        {
            for (int i = 0; i < _y.Length; i++)
                _y[i] = y[indices[i]];
            return statistic(x, _y);
        }
    }

    private sealed class SwappedPairs(double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic) : IIndexStatistic
    {
        private readonly double[] _x = new double[x.Length];
        private readonly double[] _y = new double[y.Length];

        public double Evaluate(ReadOnlySpan<int> labels)
        {
            int n = _x.Length;
            for (int i = 0; i < n; i++)
            {
                _x[i] = labels[i] == 0 ? x[i] : y[i];
                _y[i] = labels[n + i] == 0 ? x[i] : y[i];
            }
            return statistic(_x, _y);
        }
    }

    private sealed class FlippedSigns(double[] sample, Func<ReadOnlySpan<double>, double> statistic) : IIndexStatistic
    {
        private readonly double[] _buffer = new double[sample.Length];

        public double Evaluate(ReadOnlySpan<int> flips)
        {
            for (int i = 0; i < _buffer.Length; i++)
                _buffer[i] = flips[i] == 0 ? sample[i] : -sample[i];
            return statistic(_buffer);
        }
    }

    private sealed class Repartitioned : IIndexStatistic
    {
        private readonly double[] _pooled;
        private readonly double[][] _arrays;
        private readonly Func<double[][], double> _statistic;

        public Repartitioned(double[] pooled, int[] sizes, Func<double[][], double> statistic)
        {
            _pooled = pooled;
            _statistic = statistic;
            _arrays = new double[sizes.Length][];
            for (int g = 0; g < sizes.Length; g++)
                _arrays[g] = new double[sizes[g]];
        }

        public double Evaluate(ReadOnlySpan<int> permutation)
        {
            int offset = 0;
            foreach (double[] target in _arrays)
            {
                for (int i = 0; i < target.Length; i++)
                    target[i] = _pooled[permutation[offset + i]];
                offset += target.Length;
            }
            return _statistic(_arrays);
        }
    }
}
