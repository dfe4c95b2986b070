using Rankwise.Numerics;

namespace Rankwise.Correlation;

/// <summary>
/// Pearson's product-moment correlation with the exact p-value and a Fisher-z confidence interval
/// (scipy.stats.pearsonr and <c>PearsonRResult.confidence_interval</c>, scipy 1.10).
/// </summary>
/// <remarks>
/// <para>r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²), computed with accurate two-pass centred sums
/// (blocked SIMD accumulation, compensated block sums, corrected for the rounding of the means) and
/// clipped to [−1, 1].</para>
/// <para>p-value: under independence of normal x and y, r follows Beta(n/2 − 1, n/2 − 1) on [−1, 1];
/// two-sided p = 2·P(R ≥ |r|), <see cref="Alternative.Less"/> p = P(R ≤ r), <see cref="Alternative.Greater"/>
/// p = P(R ≥ r), computed with an accurate regularized incomplete beta function. For n = 2,
/// r = ±1 and p = 1, as in scipy.</para>
/// <para>Undefined results (NaN statistic and p-value plus a warning, never an exception): fewer than
/// 2 pairs (scipy raises instead), a constant input, or NaN under <see cref="NanPolicy.Propagate"/>.
/// With <see cref="NanPolicy.Omit"/> incomplete pairs are dropped first (scipy 1.10's pearsonr has no
/// nan_policy; the result equals pearsonr on the complete pairs). A "nearly constant" warning is added
/// when ‖x − x̄‖ &lt; 10⁻¹³·|x̄|, like scipy. Infinite values make r NaN (with a warning; scipy raises).</para>
/// </remarks>
public static class PearsonCorrelation
{
    /// <summary>
    /// Pearson's r between <paramref name="x"/> and <paramref name="y"/>, the p-value for
    /// <paramref name="alternative"/> and, if <paramref name="confidenceLevel"/> is given, the Fisher-z
    /// confidence interval (see <see cref="FisherConfidenceInterval"/>).
    /// </summary>
    /// <param name="x">First sample.</param>
    /// <param name="y">Second sample, same length.</param>
    /// <param name="alternative">Alternative hypothesis; default two-sided.</param>
    /// <param name="nanPolicy">NaN handling for the pairs; default <see cref="NanPolicy.Propagate"/>.</param>
    /// <param name="confidenceLevel">Confidence level in (0, 1) for the interval, e.g. 0.95; null for none.</param>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confidenceLevel"/> is not in (0, 1).</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static CorrelationResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate, double? confidenceLevel = null)
    {
        if (confidenceLevel is { } level && !(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(nameof(confidenceLevel), level, "the confidence level must be between 0 and 1 (exclusive)");
        var data = PairedSamples.Prepare(x, y, nanPolicy);
        int n = data.Length;
        if (CorrelationResults.CheckDefined(CorrelationResults.Pearson, data, alternative) is { } undefined)
            return confidenceLevel is { } l ? undefined with { ConfidenceInterval = FisherConfidenceInterval(double.NaN, n, l, alternative) } : undefined;

        var warnings = new List<string>();
        double r;
        double p;
        if (n == 2)
        {
            r = Math.Sign(data.X[1] - data.X[0]) * Math.Sign(data.Y[1] - data.Y[0]);
            p = 1.0;
        }
        else
        {
            r = Coefficient(data.X, data.Y, out bool xNearlyConstant, out bool yNearlyConstant);
            if (double.IsNaN(r)) warnings.Add(CorrelationResults.InfiniteWarning);
            if (xNearlyConstant) warnings.Add(CorrelationResults.NearlyConstantWarning("x"));
            if (yNearlyConstant) warnings.Add(CorrelationResults.NearlyConstantWarning("y"));
            p = PValue(r, n, alternative);
        }
        ConfidenceInterval? interval = confidenceLevel is { } cl ? FisherConfidenceInterval(r, n, cl, alternative) : null;
        return new CorrelationResult(CorrelationResults.Pearson, n, r, p, alternative, interval, warnings);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double}, Alternative, NanPolicy, double?)"/>
    public static CorrelationResult Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate, double? confidenceLevel = null)
        => Compute(PairedSamples.Widen(x), PairedSamples.Widen(y), alternative, nanPolicy, confidenceLevel);

    /// <summary>
    /// The p-value of a Pearson correlation <paramref name="r"/> from <paramref name="n"/> ≥ 3 pairs under
    /// the exact null distribution Beta(n/2 − 1, n/2 − 1) on [−1, 1] (as scipy.stats.pearsonr).
    /// NaN for NaN r or n &lt; 3.
    /// </summary>
    /// <param name="r">The correlation coefficient in [−1, 1].</param>
    /// <param name="n">The number of pairs.</param>
    /// <param name="alternative">Alternative hypothesis.</param>
    public static double PValue(double r, long n, Alternative alternative = Alternative.TwoSided)
    {
        if (double.IsNaN(r) || n < 3) return double.NaN;
        double shape = n / 2.0 - 1;
        return alternative switch
        {
            Alternative.Less => BetaCdf(shape, r),
            Alternative.Greater => BetaSf(shape, r),
            _ => 2 * BetaSf(shape, Math.Abs(r)),
        };
    }

    /// <summary>
    /// The Fisher-z confidence interval for a correlation (scipy 1.10's
    /// <c>PearsonRResult.confidence_interval</c>): z = artanh(r), se = 1/√(n − 3); two-sided
    /// [tanh(z − h·se), tanh(z + h·se)] with h = Φ⁻¹(½ + level/2); <see cref="Alternative.Less"/>
    /// [−1, tanh(z + h·se)] and <see cref="Alternative.Greater"/> [tanh(z − h·se), 1] with h = Φ⁻¹(level).
    /// For n ≤ 3 the interval is [−1, 1]; otherwise a NaN <paramref name="r"/> gives NaN ends. Method name <c>fisher</c>.
    /// </summary>
    /// <param name="r">The correlation coefficient.</param>
    /// <param name="n">The number of pairs.</param>
    /// <param name="confidenceLevel">The confidence level in (0, 1).</param>
    /// <param name="alternative">Which interval: two-sided or one-sided.</param>
    public static ConfidenceInterval FisherConfidenceInterval(double r, long n, double confidenceLevel, Alternative alternative = Alternative.TwoSided)
    {
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(confidenceLevel), confidenceLevel, "the confidence level must be between 0 and 1 (exclusive)");
        double low = -1.0, high = 1.0;
        if (n > 3)
        {
            double z = r == 1 ? double.PositiveInfinity : r == -1 ? double.NegativeInfinity : Math.Atanh(r);
            double se = Math.Sqrt(1.0 / (n - 3));
            switch (alternative)
            {
                case Alternative.TwoSided:
                {
                    double h = Normal.Quantile(0.5 + confidenceLevel / 2);
                    low = Math.Tanh(z - h * se);
                    high = Math.Tanh(z + h * se);
                    break;
                }
                case Alternative.Less:
                    high = Math.Tanh(z + Normal.Quantile(confidenceLevel) * se);
                    break;
                default:
                    low = Math.Tanh(z - Normal.Quantile(confidenceLevel) * se);
                    break;
            }
        }
        return new ConfidenceInterval("fisher", confidenceLevel, low, high);
    }

    /// <summary>
    /// Pearson's r of NaN-free, non-constant data with at least 2 pairs, clipped to [−1, 1].
    /// </summary>
    internal static double Coefficient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, out bool xNearlyConstant, out bool yNearlyConstant)
    {
        double mx = CenteredSums.Mean(x);
        double my = CenteredSums.Mean(y);
        CenteredSums.Compute(x, mx, y, my, out double sxx, out double syy, out double sxy);
        double r;
        if (double.IsFinite(sxx) && double.IsFinite(syy) && double.IsFinite(sxy) && sxx > 1e-290 && syy > 1e-290)
        {
            double product = sxx * syy;
            r = double.IsFinite(product) && product > 0 ? sxy / Math.Sqrt(product) : sxy / Math.Sqrt(sxx) / Math.Sqrt(syy);
        }
        else
        {
            r = ScaledCoefficient(x, y, out sxx, out syy);
        }
        double normX = Math.Sqrt(sxx), normY = Math.Sqrt(syy);
        xNearlyConstant = normX < 1e-13 * Math.Abs(mx);
        yNearlyConstant = normY < 1e-13 * Math.Abs(my);
        return Math.Max(Math.Min(r, 1.0), -1.0);
    }

    /// <summary>Recomputes r on data scaled by powers of two, for sums that overflow or underflow.</summary>
    private static double ScaledCoefficient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, out double sxx, out double syy)
    {
        double[] xs = ScaleToUnit(x, out double fx);
        double[] ys = ScaleToUnit(y, out double fy);
        double mx = CenteredSums.Mean(xs), my = CenteredSums.Mean(ys);
        CenteredSums.Compute(xs, mx, ys, my, out double sxxScaled, out double syyScaled, out double sxy);
        sxx = sxxScaled * fx * fx;
        syy = syyScaled * fy * fy;
        return sxy / Math.Sqrt(sxxScaled) / Math.Sqrt(syyScaled);
    }

    private static double[] ScaleToUnit(ReadOnlySpan<double> values, out double factor)
    {
        double max = 0;
        foreach (double v in values) max = Math.Max(max, Math.Abs(v));
        int exponent = max > 0 && double.IsFinite(max) ? Math.ILogB(max) : 0;
        factor = Math.ScaleB(1.0, exponent);
        var scaled = new double[values.Length];
        for (int i = 0; i < scaled.Length; i++) scaled[i] = Math.ScaleB(values[i], -exponent);
        return scaled;
    }

    /// <summary>P(R ≤ r) for R ~ Beta(a, a) on [−1, 1], like scipy's beta(a, a, loc=−1, scale=2).cdf.</summary>
    private static double BetaCdf(double a, double r)
    {
        double x = (r + 1) / 2;
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        IncompleteBeta.Evaluate(a, a, x, 1 - x, out double lower, out _);
        return lower;
    }

    /// <summary>P(R ≥ r) for R ~ Beta(a, a) on [−1, 1], like scipy's beta(a, a, loc=−1, scale=2).sf.</summary>
    private static double BetaSf(double a, double r)
    {
        double x = (r + 1) / 2;
        if (x <= 0) return 1;
        if (x >= 1) return 0;
        IncompleteBeta.Evaluate(a, a, x, 1 - x, out _, out double upper);
        return upper;
    }
}
