namespace Rankwise;

/// <summary>
/// How NaN values in the input are treated (scipy.stats' <c>nan_policy</c>).
/// </summary>
public enum NanPolicy
{
    /// <summary>Any NaN makes the result NaN (scipy's default <c>'propagate'</c>).</summary>
    Propagate,

    /// <summary>NaN values (and, for paired data, their partners) are dropped before computing (<c>'omit'</c>).</summary>
    Omit,

    /// <summary>A NaN raises an <see cref="RankwiseInputException"/> (<c>'raise'</c>).</summary>
    Raise,
}

/// <summary>
/// The alternative hypothesis of a test (scipy.stats' <c>alternative</c>).
/// </summary>
public enum Alternative
{
    /// <summary>The statistic differs from its null value in either direction.</summary>
    TwoSided,

    /// <summary>The statistic is less than its null value (e.g. negative correlation).</summary>
    Less,

    /// <summary>The statistic is greater than its null value (e.g. positive correlation).</summary>
    Greater,
}
