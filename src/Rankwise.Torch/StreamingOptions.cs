using Rankwise.IO;

namespace Rankwise.Torch;

/// <summary>
/// Options of the streaming (bigger-than-memory) computations, <see cref="Similarity.StreamingCka"/> and
/// <see cref="Neighbors.StreamingKnn"/>, which read row blocks of memory-mapped <c>.npy</c> files
/// (<see cref="NpyRowSource"/>). None of them changes the result, only time and memory.
/// </summary>
public sealed record StreamingOptions
{
    /// <summary>The defaults: automatic budget, block size chosen from it, no progress.</summary>
    public static StreamingOptions Default { get; } = new();

    /// <summary>
    /// The byte budget of the computation's data-dependent memory; null (default) for <see cref="MemoryBudget.Automatic"/>.
    /// The block size is the largest whose estimated peak (see each computation's plan) fits in it.
    /// </summary>
    public MemoryBudget? Budget { get; init; }

    /// <summary>
    /// Rows per block, overriding the choice from <see cref="Budget"/> (for tests and tuning); null (default) plans it
    /// from the budget. It is not checked against the budget.
    /// </summary>
    public int? BlockRows { get; init; }

    /// <summary>Optional progress sink, called with the fraction of the work done, in (0, 1], after every block.</summary>
    public IProgress<double>? Progress { get; init; }

    internal MemoryBudget ResolvedBudget => Budget ?? MemoryBudget.Automatic();
}

/// <summary>How a streaming computation splits its input.</summary>
/// <param name="BlockRows">Rows per block (the last block may be shorter).</param>
/// <param name="Blocks">Number of blocks per pass over the rows.</param>
/// <param name="EstimatedPeakBytes">The estimated peak of the data-dependent memory for this block size (see the computation's documentation for the formula).</param>
/// <param name="BudgetBytes">The budget the plan was made for.</param>
public sealed record StreamingPlan(int BlockRows, long Blocks, long EstimatedPeakBytes, long BudgetBytes)
{
    /// <summary>
    /// The largest block size b in [1, <paramref name="rows"/>] with <paramref name="estimate"/>(b) ≤ budget (binary
    /// search; the estimate must be non-decreasing in b), or the given override.
    /// </summary>
    /// <exception cref="MemoryBudgetException">Even one row per block exceeds the budget (one-line message with both sizes).</exception>
    internal static StreamingPlan Choose(long rows, Func<long, long> estimate, StreamingOptions options, string what)
    {
        var budget = options.ResolvedBudget;
        long n = Math.Max(1, rows);
        if (options.BlockRows is int fixedRows)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(fixedRows, 1, nameof(options));
            long b = Math.Min(fixedRows, n);
            return new StreamingPlan((int)b, (n + b - 1) / b, estimate(b), budget.Bytes);
        }
        long need = estimate(1);
        if (need > budget.Bytes)
            throw new MemoryBudgetException(
                $"{what} needs at least {MemoryBudget.Format(need)} (one row per block), more than the memory budget of {budget}");
        long lo = 1, hi = Math.Min(n, int.MaxValue);
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (estimate(mid) <= budget.Bytes)
                lo = mid;
            else
                hi = mid - 1;
        }
        return new StreamingPlan((int)lo, (n + lo - 1) / lo, estimate(lo), budget.Bytes);
    }
}
