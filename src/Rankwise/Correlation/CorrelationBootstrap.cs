using Rankwise.Comparison;
using Rankwise.Inference;

namespace Rankwise.Correlation;

/// <summary>
/// A correlation test together with a bootstrap confidence interval over pairs: the items are resampled
/// with replacement (scipy's <c>bootstrap(..., paired=True)</c>), the statistic is recomputed on each
/// resample, and the interval is formed by <see cref="BootstrapOptions.Method"/> (percentile, basic or BCa).
/// </summary>
/// <remarks>Pearson, Spearman and Kendall's tau-b resamples are evaluated by the engine behind
/// <see cref="ModelEvaluation"/> (multiplicities instead of gathered copies: O(n) per resample for Spearman and
/// Pearson, a replayed merge for Kendall), on exactly the resamples <see cref="Bootstrap.Paired"/> draws for the seed,
/// so the values agree with gathering and recomputing up to rounding (≈1e−13). The BCa jackknife recomputes the
/// statistic on the n leave-one-out samples.</remarks>
public static class CorrelationBootstrap
{
    [ThreadStatic] private static double[]? bufferX;
    [ThreadStatic] private static double[]? bufferY;

    /// <summary>
    /// Computes <paramref name="method"/> between <paramref name="x"/> and <paramref name="y"/> (statistic and
    /// p-value exactly as <see cref="Correlate.Compute"/>) and attaches a bootstrap confidence interval.
    /// </summary>
    /// <param name="method">The correlation method.</param>
    /// <param name="x">First sample.</param>
    /// <param name="y">Second sample, same length.</param>
    /// <param name="alternative">Alternative for the p-value; the interval's sidedness is <see cref="BootstrapOptions.Alternative"/>.</param>
    /// <param name="nanPolicy">NaN handling. Under <see cref="NanPolicy.Omit"/> the incomplete pairs are dropped before
    /// resampling; under <see cref="NanPolicy.Propagate"/> a NaN gives a NaN statistic and a NaN interval.</param>
    /// <param name="options">Bootstrap options (resamples, level, method, seed); default 9,999 BCa resamples at 95 %.</param>
    /// <param name="cancellationToken">Cancels the resampling.</param>
    /// <returns>The correlation result with <see cref="CorrelationResult.ConfidenceInterval"/> set and any
    /// bootstrap warnings (e.g. a degenerate BCa distribution) appended.</returns>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static CorrelationResult Compute(CorrelationMethod method, ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate,
        BootstrapOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(method, x, y, alternative, nanPolicy, options, cancellationToken).Result;

    /// <summary>
    /// As <see cref="Compute"/>, also returning the bootstrap itself (distribution, standard error) for plots and
    /// reports; <c>Bootstrap</c> is null when the statistic is undefined on the data.
    /// </summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    public static (CorrelationResult Result, BootstrapResult? Bootstrap) Run(CorrelationMethod method, ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        Alternative alternative = Alternative.TwoSided, NanPolicy nanPolicy = NanPolicy.Propagate,
        BootstrapOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= BootstrapOptions.Default;
        var result = Correlate.Compute(method, x, y, alternative, nanPolicy);
        string ciMethod = MethodName(options.Method);
        var prepared = PairedSamples.Prepare(x, y, nanPolicy);
        if (prepared.ContainsNaN || prepared.Length < 2 || double.IsNaN(result.Statistic))
        {
            var nanInterval = new ConfidenceInterval(ciMethod, options.ConfidenceLevel, double.NaN, double.NaN);
            return (result with
            {
                ConfidenceInterval = nanInterval,
                Warnings = [.. result.Warnings, "the statistic is undefined on the data, so no bootstrap interval was computed"],
            }, null);
        }

        double[] xs = prepared.X.ToArray();
        double[] ys = prepared.Y.ToArray();
        int n = xs.Length;
        double Statistic(ReadOnlySpan<int> indices)
        {
            var bx = bufferX is { } b1 && b1.Length == indices.Length ? b1 : bufferX = new double[indices.Length];
            var by = bufferY is { } b2 && b2.Length == indices.Length ? b2 : bufferY = new double[indices.Length];
            for (int i = 0; i < indices.Length; i++)
            {
                int k = indices[i];
                bx[i] = xs[k];
                by[i] = ys[k];
            }
            return Correlate.Compute(method, bx, by, alternative, NanPolicy.Propagate).Statistic;
        }

        // Pearson, Spearman and Kendall's tau-b come from the resampling engine of `evaluate` (same resamples as
        // Bootstrap.Paired, multiplicities instead of gathered copies, no per-resample sort); the others gather.
        int slot = method switch
        {
            CorrelationMethod.Pearson => ResampledMetrics.Pearson,
            CorrelationMethod.Spearman => ResampledMetrics.Spearman,
            CorrelationMethod.Kendall => ResampledMetrics.Kendall,
            _ => -1,
        };
        var boot = slot < 0
            ? Bootstrap.Paired(n, Statistic, options, cancellationToken)
            : Bootstrap.PairedFromDistribution(n, Statistic, distribution =>
            {
                var output = new double[1][][] { new double[ResampledMetrics.Count][] };
                for (int k = 0; k < ResampledMetrics.Count; k++)
                    output[0][k] = k == slot ? distribution : new double[distribution.Length];
                new ResampledMetrics(xs, [ys], kendall: slot == ResampledMetrics.Kendall)
                    .Run(output, distribution.Length, options.Seed, options.MaxDegreeOfParallelism, options.Progress, cancellationToken);
            }, options, cancellationToken);
        return (result with
        {
            ConfidenceInterval = boot.ConfidenceInterval,
            Warnings = [.. result.Warnings, .. boot.Warnings],
        }, boot);
    }

    private static string MethodName(BootstrapMethod method) => method switch
    {
        BootstrapMethod.Percentile => "percentile",
        BootstrapMethod.Basic => "basic",
        _ => "bca",
    };
}
