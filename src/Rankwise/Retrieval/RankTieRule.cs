namespace Rankwise.Retrieval;

/// <summary>
/// Where a ground-truth item lands among items with exactly the same score when its rank is computed. The rank is
/// 1 + the number of items placed ahead of it; items with a strictly higher score are always ahead.
/// </summary>
public enum RankTieRule
{
    /// <summary>
    /// Stable order (default): a tied item is ahead of the ground truth only if its index is lower, as a stable sort by
    /// descending score would place it. With several ground-truth items the first of them in that order counts.
    /// </summary>
    LowerIndexFirst,

    /// <summary>Optimistic: the ground truth is ahead of every item tied with it (rank = 1 + #higher scores).</summary>
    Optimistic,

    /// <summary>Pessimistic: every non-ground-truth item tied with the ground truth is ahead of it.</summary>
    Pessimistic,
}
