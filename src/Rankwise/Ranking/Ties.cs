namespace Rankwise.Ranking;

/// <summary>
/// How tied values are ranked (scipy.stats.rankdata's <c>method</c>). Ranks are 1-based.
/// Example for <c>[100, 200, 300, 200, 100]</c>: Average <c>[1.5, 3.5, 5, 3.5, 1.5]</c>,
/// Min <c>[1, 3, 5, 3, 1]</c>, Max <c>[2, 4, 5, 4, 2]</c>, Dense <c>[1, 2, 3, 2, 1]</c>,
/// Ordinal <c>[1, 3, 5, 4, 2]</c>.
/// </summary>
public enum Ties
{
    /// <summary>Each tied value gets the mean of the ranks the group spans (<c>'average'</c>, the default).</summary>
    Average,

    /// <summary>Each tied value gets the lowest rank of its group ("competition" ranking, <c>'min'</c>).</summary>
    Min,

    /// <summary>Each tied value gets the highest rank of its group (<c>'max'</c>).</summary>
    Max,

    /// <summary>Like <see cref="Min"/>, but groups are numbered consecutively 1, 2, 3, … (<c>'dense'</c>).</summary>
    Dense,

    /// <summary>All ranks distinct; ties are broken by order of appearance (<c>'ordinal'</c>, stable).</summary>
    Ordinal,
}
