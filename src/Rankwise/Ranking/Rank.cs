using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Rankwise.Ranking;

/// <summary>
/// Ranking of data with ties (scipy.stats.rankdata). O(n log n) for small inputs and O(n) radix
/// passes for large ones; 10⁷ values rank in a fraction of a second.
/// </summary>
/// <remarks>
/// <para>Algorithms: inputs below 2¹⁶ values and inputs containing NaN are ranked through a stable radix argsort
/// of (key, index) pairs. Larger float64 inputs with at most 16,384 distinct values are ranked from a hash
/// table of the distinct values (no sort: two sequential passes); other large float64 inputs through a
/// parallel bucketed sample sort whose buckets are ranked while in cache (large float32 inputs are first
/// widened, exactly, to float64). All paths give identical
/// results: the ranks are exact integers or half-integers.</para>
/// <para>NaN handling follows scipy 1.10's <c>nan_policy</c>:</para>
/// <list type="bullet">
/// <item><see cref="NanPolicy.Propagate"/> (default): if any value is NaN, every rank is NaN.</item>
/// <item><see cref="NanPolicy.Omit"/>: NaN values are left out of the ranking and get rank NaN; the other
/// values are ranked among themselves (1 … m for m non-NaN values), exactly as scipy 1.10 does
/// (e.g. <c>[0, 2, 3, NaN, −2, NaN]</c> → <c>[2, 3, 4, NaN, 1, NaN]</c>).</item>
/// <item><see cref="NanPolicy.Raise"/>: a NaN throws <see cref="RankwiseInputException"/>
/// (<c>"values: contains NaN at index i"</c>).</item>
/// </list>
/// <para>Infinities are ordinary values (−∞ ranks first, +∞ last); −0 and +0 are tied. scipy 1.10 detects NaN
/// through <c>isnan(sum(a))</c>, so an input holding both +∞ and −∞ is treated there as if it contained NaN;
/// Rankwise ranks such input normally.</para>
/// </remarks>
public static class Rank
{
    /// <summary>
    /// Ranks <paramref name="values"/> (scipy.stats.rankdata): returns 1-based ranks, ties resolved by
    /// <paramref name="ties"/>.
    /// </summary>
    /// <param name="values">The data; not modified.</param>
    /// <param name="ties">How ties are ranked; default <see cref="Ties.Average"/>.</param>
    /// <param name="nanPolicy">NaN handling (see <see cref="Rank"/>); default <see cref="NanPolicy.Propagate"/>.</param>
    /// <returns>A new array of ranks, one per value.</returns>
    /// <exception cref="RankwiseInputException">A NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static double[] RankData(ReadOnlySpan<double> values, Ties ties = Ties.Average, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        double[] ranks = GC.AllocateUninitializedArray<double>(values.Length); // every element is written below
        RankDataInPlace(values, ranks, ties, nanPolicy);
        return ranks;
    }

    /// <inheritdoc cref="RankData(ReadOnlySpan{double}, Ties, NanPolicy)"/>
    public static double[] RankData(ReadOnlySpan<float> values, Ties ties = Ties.Average, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        double[] ranks = GC.AllocateUninitializedArray<double>(values.Length); // every element is written below
        RankDataInPlace(values, ranks, ties, nanPolicy);
        return ranks;
    }

    /// <summary>
    /// Ranks <paramref name="values"/> into the caller's buffer <paramref name="ranks"/> (same length).
    /// <paramref name="ranks"/> may be the same memory as <paramref name="values"/>.
    /// </summary>
    /// <param name="values">The data; not modified unless it overlaps <paramref name="ranks"/>.</param>
    /// <param name="ranks">Receives the 1-based ranks.</param>
    /// <param name="ties">How ties are ranked; default <see cref="Ties.Average"/>.</param>
    /// <param name="nanPolicy">NaN handling (see <see cref="Rank"/>); default <see cref="NanPolicy.Propagate"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="ranks"/> has a different length.</exception>
    /// <exception cref="RankwiseInputException">A NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static void RankDataInPlace(ReadOnlySpan<double> values, Span<double> ranks, Ties ties = Ties.Average, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        CheckBuffers(values.Length, ranks.Length, values.Length);
        RankCore(values, ranks, Span<int>.Empty, ties, nanPolicy);
    }

    /// <inheritdoc cref="RankDataInPlace(ReadOnlySpan{double}, Span{double}, Ties, NanPolicy)"/>
    public static void RankDataInPlace(ReadOnlySpan<float> values, Span<double> ranks, Ties ties = Ties.Average, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        CheckBuffers(values.Length, ranks.Length, values.Length);
        RankCore(values, ranks, Span<int>.Empty, ties, nanPolicy);
    }

    /// <summary>
    /// Ranks <paramref name="values"/> into <paramref name="ranks"/>, using the caller's
    /// <paramref name="indexScratch"/> (length ≥ <c>values.Length</c>) for the sort permutation, so that
    /// repeated calls (e.g. ranking many columns) allocate nothing for it.
    /// </summary>
    /// <param name="values">The data; not modified unless it overlaps <paramref name="ranks"/>.</param>
    /// <param name="ranks">Receives the 1-based ranks; same length as <paramref name="values"/>.</param>
    /// <param name="indexScratch">Work space of at least <c>values.Length</c> elements. On return its first m entries
    /// (m = number of non-NaN values ranked) hold the stable argsort: the indices of the ranked values in ascending
    /// order of value, ties in order of appearance.</param>
    /// <param name="ties">How ties are ranked; default <see cref="Ties.Average"/>.</param>
    /// <param name="nanPolicy">NaN handling (see <see cref="Rank"/>); default <see cref="NanPolicy.Propagate"/>.</param>
    /// <exception cref="ArgumentException">A buffer has the wrong length.</exception>
    /// <exception cref="RankwiseInputException">A NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static void RankDataInPlace(ReadOnlySpan<double> values, Span<double> ranks, Span<int> indexScratch, Ties ties = Ties.Average, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        CheckBuffers(values.Length, ranks.Length, indexScratch.Length);
        RankCore(values, ranks, indexScratch[..values.Length], ties, nanPolicy);
    }

    /// <summary>
    /// Ranks <paramref name="values"/>; writes the stable argsort into <paramref name="argsort"/> unless it is
    /// empty (not wanted). Large NaN-free inputs take the hash-table path when they have few distinct
    /// values, otherwise the bucketed sort; the rest the (key, index) radix sort.
    /// </summary>
    private static void RankCore(ReadOnlySpan<double> values, Span<double> ranks, Span<int> argsort, Ties ties, NanPolicy nanPolicy)
    {
        int n = values.Length;
        int firstNaN = FirstNaN(values);
        if (!ApplyNanPolicy(firstNaN, n, ranks, nanPolicy)) return;
        if (firstNaN < 0 && n >= BucketArgSort.MinimumLength)
        {
            if (DistinctKeyTable.TryBuild(values) is { } table)
                AssignRanksFromTable(values, ranks, argsort, ties, table);
            else
                AssignRanksBucketed(values, ranks, argsort, ties);
            return;
        }
        SortEntry<ulong>[] entries = ArrayPool<SortEntry<ulong>>.Shared.Rent(n);
        int[] order = ArrayPool<int>.Shared.Rent(argsort.IsEmpty ? n : 0);
        try
        {
            int m = FillEntries(values, entries);
            if (m < n) ranks.Fill(double.NaN);
            AssignRanks(entries, m, ranks, argsort.IsEmpty ? order.AsSpan(0, n) : argsort, ties);
        }
        finally
        {
            ArrayPool<SortEntry<ulong>>.Shared.Return(entries);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <summary>
    /// Ranks NaN-free data whose distinct values are in <paramref name="table"/>: each value's rank is that of
    /// its slot. Ordinal ranks and the argsort need the occurrence order, so they take one sequential pass;
    /// the other tie methods run in parallel chunks. Values are read at index i before ranks[i] is written,
    /// so <paramref name="ranks"/> may alias <paramref name="values"/>.
    /// </summary>
    private static unsafe void AssignRanksFromTable(ReadOnlySpan<double> values, Span<double> ranks, Span<int> argsort, Ties ties, DistinctKeyTable table)
    {
        table.Order();
        int n = values.Length;
        var slotRank = new double[table.Capacity];
        for (int s = 0; s < slotRank.Length; s++)
        {
            long count = table.Counts[s];
            if (count == 0) continue;
            long start = table.Start[s];
            slotRank[s] = ties switch
            {
                Ties.Average => 0.5 * (start + 1 + start + count),
                Ties.Min => start + 1,
                Ties.Max => start + count,
                _ => table.DenseRank[s] + 1,
            };
        }
        fixed (double* v = values)
        fixed (double* r = ranks)
        fixed (int* o = argsort)
        {
            if (ties == Ties.Ordinal || !argsort.IsEmpty)
            {
                WriteRanksInOrder(v, r, o, n, ties == Ties.Ordinal, table, slotRank);
                return;
            }
            nint va = (nint)v, ra = (nint)r;
            Chunked.For(n, (from, to) => WriteSlotRanks((double*)va, (double*)ra, from, to, table, slotRank));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void WriteSlotRanks(double* values, double* ranks, int from, int to, DistinctKeyTable table, double[] slotRank)
    {
        for (int i = from; i < to; i++) ranks[i] = slotRank[table.Slot(SortKeys.Of(values[i]))];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void WriteRanksInOrder(double* values, double* ranks, int* argsort, int n, bool ordinal, DistinctKeyTable table, double[] slotRank)
    {
        var next = new long[table.Capacity];
        table.Start.CopyTo(next, 0);
        for (int i = 0; i < n; i++)
        {
            int slot = table.Slot(SortKeys.Of(values[i]));
            long position = next[slot]++;
            if (argsort != null) argsort[position] = i;
            ranks[i] = ordinal ? position + 1 : slotRank[slot];
        }
    }

    /// <inheritdoc cref="RankDataInPlace(ReadOnlySpan{double}, Span{double}, Span{int}, Ties, NanPolicy)"/>
    public static void RankDataInPlace(ReadOnlySpan<float> values, Span<double> ranks, Span<int> indexScratch, Ties ties = Ties.Average, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        CheckBuffers(values.Length, ranks.Length, indexScratch.Length);
        RankCore(values, ranks, indexScratch[..values.Length], ties, nanPolicy);
    }

    /// <summary>float32 counterpart of <see cref="RankCore(ReadOnlySpan{double}, Span{double}, Span{int}, Ties, NanPolicy)"/>:
    /// large NaN-free inputs are widened (exactly) to float64 and take its fast paths.</summary>
    private static unsafe void RankCore(ReadOnlySpan<float> values, Span<double> ranks, Span<int> argsort, Ties ties, NanPolicy nanPolicy)
    {
        int n = values.Length;
        int firstNaN = FirstNaN(values);
        if (!ApplyNanPolicy(firstNaN, n, ranks, nanPolicy)) return;
        if (firstNaN < 0 && n >= BucketArgSort.MinimumLength)
        {
            using var wide = new NativeBuffer<double>(n);
            fixed (float* v = values)
            {
                nint source = (nint)v, target = (nint)wide.Pointer;
                Chunked.For(n, (from, to) =>
                {
                    for (int i = from; i < to; i++) ((double*)target)[i] = ((float*)source)[i];
                });
            }
            RankCore(wide.Span, ranks, argsort, ties, nanPolicy);
            return;
        }
        int[] order = ArrayPool<int>.Shared.Rent(argsort.IsEmpty ? n : 0);
        SortEntry<uint>[] entries = ArrayPool<SortEntry<uint>>.Shared.Rent(n);
        try
        {
            int m = FillEntries(values, entries);
            if (m < n) ranks.Fill(double.NaN);
            AssignRanks(entries, m, ranks, argsort.IsEmpty ? order.AsSpan(0, n) : argsort, ties);
        }
        finally
        {
            ArrayPool<SortEntry<uint>>.Shared.Return(entries);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <summary>
    /// The sizes of the groups of equal values, in ascending order of value, singletons included
    /// (so the g-th entry is the number of values with dense rank g + 1, and the sizes sum to the
    /// number of non-NaN values). NaN values are skipped. Tie corrections use the entries &gt; 1,
    /// e.g. Σ(t³ − t) for Spearman/Mann–Whitney or Σ t(t − 1)/2 for Kendall.
    /// </summary>
    /// <param name="values">The data; not modified.</param>
    /// <returns>One entry per distinct value.</returns>
    public static int[] TieGroupSizes(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        SortEntry<ulong>[] entries = ArrayPool<SortEntry<ulong>>.Shared.Rent(n);
        try
        {
            int m = 0;
            for (int i = 0; i < n; i++)
            {
                if (double.IsNaN(values[i])) continue;
                entries[m].Key = SortKeys.Of(values[i]);
                entries[m++].Index = i;
            }
            var sorted = entries.AsSpan(0, m);
            StableArgSort.Sort(sorted);
            var sizes = new List<int>();
            int start = 0;
            for (int i = 1; i <= m; i++)
            {
                if (i < m && sorted[i].Key == sorted[start].Key) continue;
                sizes.Add(i - start);
                start = i;
            }
            return [.. sizes];
        }
        finally
        {
            ArrayPool<SortEntry<ulong>>.Shared.Return(entries);
        }
    }

    /// <inheritdoc cref="TieGroupSizes(ReadOnlySpan{double})"/>
    public static int[] TieGroupSizes(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < wide.Length; i++) wide[i] = values[i];
        return TieGroupSizes(wide);
    }

    private static void CheckBuffers(int n, int ranksLength, int scratchLength)
    {
        if (ranksLength != n)
            throw new ArgumentException($"ranks has length {ranksLength}, expected {n} (one per value)", "ranks");
        if (scratchLength < n)
            throw new ArgumentException($"indexScratch has length {scratchLength}, needs at least {n}", "indexScratch");
    }

    private static int FirstNaN(ReadOnlySpan<double> values) => NaNSearch.IndexOfNaN(values);

    private static int FirstNaN(ReadOnlySpan<float> values) => NaNSearch.IndexOfNaN(values);

    /// <summary>Returns false when the ranking is already complete (all NaN under Propagate).</summary>
    private static bool ApplyNanPolicy(int firstNaN, int n, Span<double> ranks, NanPolicy nanPolicy)
    {
        if (firstNaN < 0) return true;
        switch (nanPolicy)
        {
            case NanPolicy.Raise:
                throw new RankwiseInputException("values", $"contains NaN at index {firstNaN}");
            case NanPolicy.Propagate:
                ranks[..n].Fill(double.NaN);
                return false;
            default:
                return true;
        }
    }

    /// <summary>Fills entries with (key, index) for the non-NaN values; returns their count.</summary>
    private static unsafe int FillEntries(ReadOnlySpan<double> values, SortEntry<ulong>[] entries)
    {
        int n = values.Length;
        fixed (double* p = values)
        {
            nint address = (nint)p;
            int nanCount = 0;
            Chunked.For(n, (from, to) =>
            {
                var v = new ReadOnlySpan<double>((double*)address, n);
                int bad = 0;
                for (int i = from; i < to; i++)
                {
                    entries[i].Key = double.IsNaN(v[i]) ? ulong.MaxValue : SortKeys.Of(v[i]);
                    entries[i].Index = i;
                    if (double.IsNaN(v[i])) bad++;
                }
                if (bad != 0) Interlocked.Add(ref nanCount, bad);
            });
            if (nanCount == 0) return n;
            int m = 0;
            for (int i = 0; i < n; i++)
                if (!double.IsNaN(values[i])) entries[m++] = entries[i];
            return m;
        }
    }

    /// <inheritdoc cref="FillEntries(ReadOnlySpan{double}, SortEntry{ulong}[])"/>
    private static unsafe int FillEntries(ReadOnlySpan<float> values, SortEntry<uint>[] entries)
    {
        int n = values.Length;
        fixed (float* p = values)
        {
            nint address = (nint)p;
            int nanCount = 0;
            Chunked.For(n, (from, to) =>
            {
                var v = new ReadOnlySpan<float>((float*)address, n);
                int bad = 0;
                for (int i = from; i < to; i++)
                {
                    entries[i].Key = float.IsNaN(v[i]) ? uint.MaxValue : SortKeys.Of(v[i]);
                    entries[i].Index = i;
                    if (float.IsNaN(v[i])) bad++;
                }
                if (bad != 0) Interlocked.Add(ref nanCount, bad);
            });
            if (nanCount == 0) return n;
            int m = 0;
            for (int i = 0; i < n; i++)
                if (!float.IsNaN(values[i])) entries[m++] = entries[i];
            return m;
        }
    }

    /// <summary>
    /// Ranks large NaN-free data with <see cref="BucketArgSort"/>: each bucket is ranked as soon as it is
    /// sorted, on several threads. Writes the argsort into <paramref name="scratch"/> unless it is empty.
    /// </summary>
    private static unsafe void AssignRanksBucketed(ReadOnlySpan<double> values, Span<double> ranks, Span<int> scratch, Ties ties)
    {
        fixed (double* r = ranks)
        fixed (int* s = scratch)
        {
            nint rankAddress = (nint)r, scratchAddress = (nint)s;
            int[]? groupCounts = null;
            if (ties == Ties.Dense)
            {
                groupCounts = [0];
                // Dense ranks need the number of groups before each bucket: rank sequentially.
                BucketArgSort.Run(values, parallel: false, (sorted, start) => WriteRanks(sorted, start, (double*)rankAddress, (int*)scratchAddress, ties, ref groupCounts));
                return;
            }
            BucketArgSort.Run(values, parallel: true, (sorted, start) => WriteRanks(sorted, start, (double*)rankAddress, (int*)scratchAddress, ties, ref groupCounts));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void WriteRanks(ReadOnlySpan<SortEntry<ulong>> sorted, int start, double* ranks, int* argsort, Ties ties, ref int[]? denseState)
    {
        int m = sorted.Length;
        if (argsort != null)
        {
            int* order = argsort + start;
            for (int k = 0; k < m; k++) order[k] = sorted[k].Index;
        }
        if (ties == Ties.Ordinal)
        {
            for (int k = 0; k < m; k++) ranks[sorted[k].Index] = start + k + 1;
            return;
        }
        int from = 0;
        for (int i = 1; i <= m; i++)
        {
            if (i < m && sorted[i].Key == sorted[from].Key) continue;
            int groupStart = start + from, groupEnd = start + i;
            double rank;
            switch (ties)
            {
                case Ties.Average: rank = 0.5 * (groupStart + 1 + groupEnd); break;
                case Ties.Min: rank = groupStart + 1; break;
                case Ties.Max: rank = groupEnd; break;
                default: rank = ++denseState![0]; break;
            }
            for (int k = from; k < i; k++) ranks[sorted[k].Index] = rank;
            from = i;
        }
    }

    /// <summary>
    /// Sorts the first <paramref name="m"/> entries (key, original index; given in increasing index
    /// order) and writes the rank of each into <c>ranks[entry.Index]</c>.
    /// <paramref name="scratch"/> receives the sorted indices (the argsort).
    /// </summary>
    internal static void AssignRanks<TKey>(SortEntry<TKey>[] entries, int m, Span<double> ranks, Span<int> scratch, Ties ties)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        StableArgSort.Sort(entries, m);
        for (int k = 0; k < m; k++) scratch[k] = entries[k].Index;
        if (ties == Ties.Ordinal)
        {
            for (int k = 0; k < m; k++) ranks[scratch[k]] = k + 1;
            return;
        }
        int start = 0;
        int group = 0;
        for (int i = 1; i <= m; i++)
        {
            if (i < m && entries[i].Key == entries[start].Key) continue;
            group++;
            double rank = ties switch
            {
                Ties.Average => 0.5 * (start + 1 + i),
                Ties.Min => start + 1,
                Ties.Max => i,
                _ => group,
            };
            for (int k = start; k < i; k++) ranks[scratch[k]] = rank;
            start = i;
        }
    }
}
