namespace Rankwise.Reliability;

/// <summary>One random split of the subjects into two halves.</summary>
/// <param name="Index">The split number b (0-based); its halves depend only on the seed and b.</param>
/// <param name="FirstHalfSubjects">Subjects in the first half (⌊S/2⌋).</param>
/// <param name="SecondHalfSubjects">Subjects in the second half (⌈S/2⌉).</param>
/// <param name="Items">Items scored in both halves and correlated.</param>
/// <param name="ItemsLeftOut">Items left out of this split because a half has no response to them.</param>
/// <param name="Correlation">The raw split-half correlation of the two halves' item means (NaN when undefined,
/// e.g. fewer than 2 items or a constant half).</param>
/// <param name="Corrected">The Spearman–Brown corrected value k·r/(1 + (k − 1)·r) of <paramref name="Correlation"/>.</param>
public sealed record SplitHalfSplit(int Index, int FirstHalfSubjects, int SecondHalfSubjects, int Items, int ItemsLeftOut, double Correlation, double Corrected);

/// <summary>A summary of one quantity over the splits (undefined splits excluded).</summary>
/// <param name="Mean">The mean over the splits.</param>
/// <param name="StandardDeviation">The sample standard deviation over the splits (ddof = 1; NaN for one split).</param>
/// <param name="Interval">The percentile interval over the splits (method <c>percentile</c>, numpy's linear
/// interpolation): the range in which that share of random splits falls — the split-to-split spread, not a
/// confidence interval for the population reliability.</param>
public sealed record SplitHalfSummary(double Mean, double StandardDeviation, ConfidenceInterval Interval);

/// <summary>The result of <see cref="SplitHalfConsistency.Compute"/>.</summary>
/// <param name="Method">The correlation between halves: <c>spearman</c>, <c>pearson</c> or <c>kendall</c>.</param>
/// <param name="Seed">The seed of the splits.</param>
/// <param name="Subjects">Number of subjects S.</param>
/// <param name="Items">Number of items in the table.</param>
/// <param name="Responses">Number of responses used.</param>
/// <param name="Raw">The raw split-half correlation over the splits: the figure papers quote as "human consistency"
/// (e.g. ρ = 0.75 for Isola et al.'s 2,222 images, 0.68 for LaMem).</param>
/// <param name="Corrected">The Spearman–Brown corrected reliability over the splits (each split corrected, then
/// summarised): the predicted consistency of the whole panel. Never compare it with a raw figure.</param>
/// <param name="SpearmanBrownFactor">The factor k of the correction.</param>
/// <param name="ItemsLeftOutMin">The fewest items left out of a split.</param>
/// <param name="ItemsLeftOutMean">The mean number of items left out per split.</param>
/// <param name="ItemsLeftOutMax">The most items left out of a split.</param>
/// <param name="UndefinedSplits">Splits whose correlation is NaN (excluded from the summaries).</param>
/// <param name="PerSplit">Every split, in split order.</param>
/// <param name="Warnings">Human-readable warnings; empty when none.</param>
public sealed record SplitHalfResult(
    string Method,
    ulong Seed,
    int Subjects,
    int Items,
    int Responses,
    SplitHalfSummary Raw,
    SplitHalfSummary Corrected,
    double SpearmanBrownFactor,
    int ItemsLeftOutMin,
    double ItemsLeftOutMean,
    int ItemsLeftOutMax,
    int UndefinedSplits,
    IReadOnlyList<SplitHalfSplit> PerSplit,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Number of splits.</summary>
    public int Splits => PerSplit.Count;
}
