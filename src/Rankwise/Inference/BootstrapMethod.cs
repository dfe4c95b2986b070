namespace Rankwise.Inference;

/// <summary>
/// How a bootstrap confidence interval is formed from the bootstrap distribution
/// (scipy.stats.bootstrap's <c>method</c>).
/// </summary>
public enum BootstrapMethod
{
    /// <summary>
    /// Percentile interval: the α and 1 − α percentiles of the bootstrap distribution
    /// (numpy's linear interpolation between order statistics).
    /// </summary>
    Percentile,

    /// <summary>
    /// Basic ("reverse percentile") interval: <c>[2θ̂ − q(1 − α), 2θ̂ − q(α)]</c>, where θ̂ is the observed statistic.
    /// </summary>
    Basic,

    /// <summary>
    /// Bias-corrected and accelerated interval (Efron &amp; Tibshirani 1993, §14.3, eq. 14.14–14.15): percentiles at
    /// adjusted levels <c>Φ(ẑ₀ + (ẑ₀ + z_α) / (1 − â(ẑ₀ + z_α)))</c> with the bias correction ẑ₀ from the bootstrap
    /// distribution and the acceleration â from the jackknife. scipy's default.
    /// </summary>
    BCa,
}
