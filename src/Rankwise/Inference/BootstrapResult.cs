namespace Rankwise.Inference;

/// <summary>
/// The result of a bootstrap (scipy.stats.bootstrap's <c>BootstrapResult</c>, plus the observed statistic and warnings).
/// </summary>
/// <param name="ConfidenceInterval">
/// The interval; <see cref="ConfidenceInterval.Method"/> is <c>percentile</c>, <c>basic</c> or <c>bca</c>. One end is
/// infinite for a one-sided alternative. An end is NaN when it cannot be computed (a NaN in the bootstrap
/// distribution, or a degenerate distribution under BCa); <paramref name="Warnings"/> then says why.
/// </param>
/// <param name="StandardError">The bootstrap standard error: the sample standard deviation (ddof = 1) of the bootstrap distribution.</param>
/// <param name="BootstrapDistribution">The statistic of every resample, in resample order (length B).</param>
/// <param name="Observed">The statistic of the original data.</param>
/// <param name="Warnings">Human-readable warnings, e.g. scipy's DegenerateDataWarning text; empty when none.</param>
public sealed record BootstrapResult(
    ConfidenceInterval ConfidenceInterval,
    double StandardError,
    double[] BootstrapDistribution,
    double Observed,
    IReadOnlyList<string> Warnings);
