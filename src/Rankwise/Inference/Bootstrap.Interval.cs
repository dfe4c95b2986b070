using Rankwise.Numerics;

namespace Rankwise.Inference;

public static partial class Bootstrap
{
    /// <summary>
    /// The warning scipy emits (as <c>DegenerateDataWarning</c>) when a BCa percentile level is NaN.
    /// </summary>
    public const string DegenerateBcaWarning =
        "The BCa confidence interval cannot be calculated. This problem is known to occur when the distribution is degenerate or the statistic is np.min.";

    /// <summary>
    /// Computes a bootstrap confidence interval from a given bootstrap distribution, exactly as
    /// scipy.stats.bootstrap does after resampling (scipy 1.10 arithmetic; one-sided alternatives as in scipy ≥ 1.11).
    /// </summary>
    /// <remarks>
    /// <para>α = (1 − <paramref name="level"/>)/2 for a two-sided interval, 1 − <paramref name="level"/> otherwise.</para>
    /// <para>Percentiles use numpy's default (linear, Hyndman–Fan type 7): the value at virtual index (B − 1)·q of the
    /// sorted distribution, interpolated as numpy's <c>_lerp</c> does. If the distribution contains NaN, both ends are NaN.</para>
    /// <para><see cref="BootstrapMethod.Percentile"/>: <c>[q(α), q(1 − α)]</c>. <see cref="BootstrapMethod.Basic"/>:
    /// <c>[2θ̂ − q(1 − α), 2θ̂ − q(α)]</c>. <see cref="BootstrapMethod.BCa"/>: <c>[q(α₁), q(α₂)]</c> with
    /// ẑ₀ = Φ⁻¹((#{θ*_b &lt; θ̂} + #{θ*_b ≤ θ̂}) / 2B), â = Σ U³ / (6 (Σ U²)^{3/2}) with jackknife influence values
    /// U_i = (n − 1)(θ̄₍.₎ − θ̂₍i₎), and α₁,₂ = Φ(ẑ₀ + (ẑ₀ ± z_α)/(1 − â(ẑ₀ ± z_α))). When α₁ or α₂ is NaN (e.g. a
    /// degenerate distribution with constant jackknife values) that end is NaN and <see cref="DegenerateBcaWarning"/>
    /// is added to <paramref name="warnings"/>.</para>
    /// <para>Finally <see cref="Alternative.Less"/> sets the lower end to −∞ and <see cref="Alternative.Greater"/> sets the
    /// upper end to +∞.</para>
    /// </remarks>
    /// <param name="observed">The statistic of the original data, θ̂ (used by Basic and BCa).</param>
    /// <param name="bootstrapDistribution">The statistic of each of the B resamples (not modified), B ≥ 1.</param>
    /// <param name="jackknifeValues">The leave-one-out statistics θ̂₍i₎, i = 0..n−1 (see <see cref="Jackknife(int, Func{ReadOnlySpan{int}, double}, int?)"/>);
    /// required (n ≥ 1) for BCa, ignored otherwise.</param>
    /// <param name="level">Confidence level in (0, 1).</param>
    /// <param name="method">Interval method.</param>
    /// <param name="alternative">Two-sided or one-sided interval.</param>
    /// <param name="warnings">Optional sink for warnings.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentException">Empty distribution, empty jackknife values for BCa, or a level outside (0, 1).</exception>
    public static ConfidenceInterval Interval(
        double observed,
        ReadOnlySpan<double> bootstrapDistribution,
        ReadOnlySpan<double> jackknifeValues,
        double level,
        BootstrapMethod method,
        Alternative alternative,
        ICollection<string>? warnings = null)
    {
        if (method == BootstrapMethod.BCa && jackknifeValues.IsEmpty)
            throw new ArgumentException("BCa needs the jackknife values of the statistic; got none", nameof(jackknifeValues));
        double[][] groups = method == BootstrapMethod.BCa ? [jackknifeValues.ToArray()] : [];
        return IntervalCore(observed, bootstrapDistribution, groups, level, method, alternative, warnings);
    }

    /// <summary>
    /// Computes a bootstrap confidence interval for a statistic of several independent samples: as
    /// <see cref="Interval(double, ReadOnlySpan{double}, ReadOnlySpan{double}, double, BootstrapMethod, Alternative, ICollection{string}?)"/>,
    /// but BCa's acceleration sums the jackknife terms over the samples, â = Σ_j Σ_i U_ji³/n_j³ / (6 (Σ_j Σ_i U_ji²/n_j²)^{3/2}),
    /// where sample j's jackknife values leave out one of its observations at a time (scipy's unpaired multi-sample BCa).
    /// </summary>
    /// <param name="observed">The statistic of the original data.</param>
    /// <param name="bootstrapDistribution">The statistic of each resample, B ≥ 1.</param>
    /// <param name="jackknifeValuesPerSample">One array of leave-one-out statistics per sample; required for BCa.</param>
    /// <param name="level">Confidence level in (0, 1).</param>
    /// <param name="method">Interval method.</param>
    /// <param name="alternative">Two-sided or one-sided interval.</param>
    /// <param name="warnings">Optional sink for warnings.</param>
    /// <returns>The interval.</returns>
    public static ConfidenceInterval IntervalForIndependentSamples(
        double observed,
        ReadOnlySpan<double> bootstrapDistribution,
        IReadOnlyList<double[]> jackknifeValuesPerSample,
        double level,
        BootstrapMethod method,
        Alternative alternative,
        ICollection<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(jackknifeValuesPerSample);
        if (method == BootstrapMethod.BCa)
        {
            if (jackknifeValuesPerSample.Count == 0)
                throw new ArgumentException("BCa needs the jackknife values of the statistic; got none", nameof(jackknifeValuesPerSample));
            for (int j = 0; j < jackknifeValuesPerSample.Count; j++)
            {
                if (jackknifeValuesPerSample[j] is null || jackknifeValuesPerSample[j].Length == 0)
                    throw new ArgumentException($"jackknife values of sample {j} are empty", nameof(jackknifeValuesPerSample));
            }
        }
        return IntervalCore(observed, bootstrapDistribution, jackknifeValuesPerSample, level, method, alternative, warnings);
    }

    private static string MethodName(BootstrapMethod method) => method switch
    {
        BootstrapMethod.Percentile => "percentile",
        BootstrapMethod.Basic => "basic",
        BootstrapMethod.BCa => "bca",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown bootstrap method"),
    };

    internal static void CheckLevel(double level, string name)
    {
        if (!(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(name, level, "confidence level must be in (0, 1)");
    }

    internal static ConfidenceInterval IntervalCore(
        double observed,
        ReadOnlySpan<double> distribution,
        IReadOnlyList<double[]> jackknifeGroups,
        double level,
        BootstrapMethod method,
        Alternative alternative,
        ICollection<string>? warnings)
    {
        string name = MethodName(method);
        CheckLevel(level, nameof(level));
        if (distribution.IsEmpty)
            throw new ArgumentException("the bootstrap distribution is empty", nameof(distribution));
        if (alternative is not (Alternative.TwoSided or Alternative.Less or Alternative.Greater))
            throw new ArgumentOutOfRangeException(nameof(alternative), alternative, "unknown alternative");

        double alpha = alternative == Alternative.TwoSided ? (1 - level) / 2 : 1 - level;

        double[] sorted = distribution.ToArray();
        int nanCount = 0;
        foreach (double v in sorted)
        {
            if (double.IsNaN(v))
                nanCount++;
        }
        if (nanCount > 0)
            warnings?.Add($"{nanCount} of {sorted.Length} bootstrap statistics are NaN; the interval is NaN");
        else
            Array.Sort(sorted);

        double low, high;
        if (method == BootstrapMethod.BCa)
        {
            (double alpha1, double alpha2) = BcaLevels(observed, distribution, jackknifeGroups, alpha);
            if (double.IsNaN(alpha1) || double.IsNaN(alpha2))
                warnings?.Add(DegenerateBcaWarning);
            low = double.IsNaN(alpha1) ? double.NaN : Percentile(sorted, nanCount > 0, alpha1 * 100);
            high = double.IsNaN(alpha2) ? double.NaN : Percentile(sorted, nanCount > 0, alpha2 * 100);
        }
        else
        {
            low = Percentile(sorted, nanCount > 0, alpha * 100);
            high = Percentile(sorted, nanCount > 0, (1 - alpha) * 100);
            if (method == BootstrapMethod.Basic)
                (low, high) = (2 * observed - high, 2 * observed - low);
        }

        if (alternative == Alternative.Less)
            low = double.NegativeInfinity;
        else if (alternative == Alternative.Greater)
            high = double.PositiveInfinity;
        return new ConfidenceInterval(name, level, low, high);
    }

    /// <summary><c>np.percentile(a, q)</c> with the default linear method, on a sorted copy (or NaN when a has NaN).</summary>
    internal static double Percentile(double[] sorted, bool hasNaN, double qPercent)
    {
        if (hasNaN || double.IsNaN(qPercent))
            return double.NaN;
        int n = sorted.Length;
        double q = qPercent / 100;
        double virtualIndex = (n - 1) * q;
        long previous;
        long next;
        double gamma;
        if (virtualIndex >= n - 1)
        {
            // numpy points both neighbours at the last element (index -1) and measures gamma from -1.
            previous = next = n - 1;
            gamma = virtualIndex + 1;
        }
        else if (virtualIndex < 0)
        {
            previous = next = 0;
            gamma = virtualIndex;
        }
        else
        {
            double floor = Math.Floor(virtualIndex);
            previous = (long)floor;
            next = previous + 1;
            gamma = virtualIndex - floor;
        }
        double a = sorted[previous];
        double b = sorted[next];
        double diff = b - a;
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }

    /// <summary>scipy's <c>_bca_interval</c>: the adjusted percentile levels α₁ and α₂ (as fractions).</summary>
    internal static (double Alpha1, double Alpha2) BcaLevels(
        double observed, ReadOnlySpan<double> distribution, IReadOnlyList<double[]> jackknifeGroups, double alpha)
    {
        // Bias correction: "mean" kind of percentileofscore.
        long less = 0, lessOrEqual = 0;
        foreach (double v in distribution)
        {
            if (v < observed)
                less++;
            if (v <= observed)
                lessOrEqual++;
        }
        double percentile = (double)(less + lessOrEqual) / (2.0 * distribution.Length);
        double z0 = Normal.Quantile(percentile);

        // Acceleration from the jackknife (Efron & Tibshirani eq. 14.15, summed over samples).
        double sumNums = 0, sumDens = 0;
        foreach (double[] thetaI in jackknifeGroups)
        {
            int n = thetaI.Length;
            double thetaDot = NumpyReductions.Mean(thetaI);
            var cubes = new double[n];
            var squares = new double[n];
            for (int i = 0; i < n; i++)
            {
                double u = (n - 1) * (thetaDot - thetaI[i]);
                cubes[i] = Math.Pow(u, 3);
                squares[i] = u * u;
            }
            double n3 = (double)n * n * n;
            double n2 = (double)n * n;
            sumNums += NumpyReductions.Sum(cubes) / n3;
            sumDens += NumpyReductions.Sum(squares) / n2;
        }
        double aHat = 1.0 / 6 * sumNums / Math.Pow(sumDens, 1.5);

        double zAlpha = Normal.Quantile(alpha);
        double z1Alpha = -zAlpha;
        double num1 = z0 + zAlpha;
        double alpha1 = Normal.Cdf(z0 + num1 / (1 - aHat * num1));
        double num2 = z0 + z1Alpha;
        double alpha2 = Normal.Cdf(z0 + num2 / (1 - aHat * num2));
        return (alpha1, alpha2);
    }
}
