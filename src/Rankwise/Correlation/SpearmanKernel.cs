using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// Spearman's ρ of NaN-free paired data in exact integer arithmetic, without materialising the
/// average ranks as doubles.
/// </summary>
/// <remarks>
/// <para>With average ranks r, the doubled centred rank d = 2r − (n + 1) is an integer. x is sorted
/// (<see cref="BucketArgSort"/>) and d_x stored per element as an int; y is then sorted with d_x carried
/// in its sort entries and, bucket by bucket while the bucket is in cache, Σ d_x·d_y is accumulated in
/// 128-bit integers. An input with at most <see cref="DistinctKeyTable.DefaultMaxDistinct"/> distinct
/// values is not sorted at all: its d per distinct value comes from a <see cref="DistinctKeyTable"/>, and
/// the per-element values from lookups in a sequential pass. The squared
/// sums need no pass at all: Σ d² = (n³ − n − Σ(t³ − t))/3 over the tie-group sizes t. The three
/// sums are thus exact (= 4× the centred sums of the ranks) and are finished in numpy.corrcoef's
/// order, so that the result is bit-identical to the two-pass computation on the rank vectors
/// whenever that one is exact, and otherwise more accurate.</para>
/// </remarks>
internal static class SpearmanKernel
{
    private const int PrefetchDistance = 16;

    /// <summary>
    /// 4·Σ(rx − m)², 4·Σ(ry − m)² and 4·Σ(rx − m)(ry − m) for the average ranks of NaN-free
    /// <paramref name="x"/> and <paramref name="y"/> (same length), m = (n + 1)/2.
    /// </summary>
    internal static unsafe void CenteredRankSums(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        out Int128 sxx4, out Int128 syy4, out Int128 sxy4)
    {
        int n = x.Length;
        DistinctKeyTable? tableX = null, tableY = null;
        if (n >= BucketArgSort.MinimumLength)
        {
            // Few distinct values (heavy ties): ranks come from a hash table of the distinct values, no sort.
            fixed (double* px = x)
            fixed (double* py = y)
            {
                nint ax = (nint)px, ay = (nint)py;
                Parallel.Invoke(
                    () => tableX = DistinctKeyTable.TryBuild(new ReadOnlySpan<double>((double*)ax, n)),
                    () => tableY = DistinctKeyTable.TryBuild(new ReadOnlySpan<double>((double*)ay, n)));
            }
        }
        using var dx = new NativeBuffer<int>(n);
        using var entries = new NativeBuffer<SortEntry<ulong>>(tableX is null || tableY is null ? n : 0);
        var gate = new object();
        Int128 tiesX = 0, tiesY = 0, cross = 0;
        nint address = (nint)dx.Pointer;
        if (tableX is not null)
        {
            tiesX = FillCenteredRanks(x, tableX, n, dx.Pointer);
        }
        else
        {
            BucketArgSort.Run(x, ReadOnlySpan<int>.Empty, entries, parallel: true, (sorted, start) =>
            {
                Int128 ties = StoreCenteredRanks(sorted, start, n, (int*)address);
                if (ties != 0)
                    lock (gate) tiesX += ties;
            });
        }
        if (tableY is not null)
        {
            (tiesY, cross) = CrossProducts(y, tableY, n, dx.Pointer);
        }
        else
        {
            // y's entries carry d_x instead of the index: no random access into dx.
            BucketArgSort.Run(y, dx.Span, entries, parallel: true, (sorted, start) =>
            {
                Int128 products = CrossProducts(sorted, start, n, out Int128 ties);
                lock (gate)
                {
                    tiesY += ties;
                    cross += products;
                }
            });
        }
        Int128 cube = (Int128)n * n * n - n;
        sxx4 = (cube - tiesX) / 3;
        syy4 = (cube - tiesY) / 3;
        sxy4 = cross;
    }

    /// <summary>The doubled centred average rank of each slot of an ordered table: 2·start + count − n.</summary>
    private static long[] SlotCenteredRanks(DistinctKeyTable table, int n, out Int128 ties)
    {
        table.Order();
        var d = new long[table.Capacity];
        ties = 0;
        for (int s = 0; s < d.Length; s++)
        {
            long t = table.Counts[s];
            if (t == 0) continue;
            d[s] = 2 * table.Start[s] + t - n;
            if (t > 1) ties += (Int128)(t * t) * t - t;
        }
        return d;
    }

    /// <summary>Writes d_x of every element from the table (sequential, parallel chunks); returns Σ(t³ − t).</summary>
    private static unsafe Int128 FillCenteredRanks(ReadOnlySpan<double> x, DistinctKeyTable table, int n, int* centered)
    {
        long[] slotRank = SlotCenteredRanks(table, n, out Int128 ties);
        fixed (double* px = x)
        {
            nint ax = (nint)px, ad = (nint)centered;
            Chunked.For(n, (from, to) => FillChunk((double*)ax, (int*)ad, from, to, table, slotRank));
        }
        return ties;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void FillChunk(double* x, int* centered, int from, int to, DistinctKeyTable table, long[] slotRank)
    {
        for (int i = from; i < to; i++) centered[i] = (int)slotRank[table.Slot(SortKeys.Of(x[i]))];
    }

    /// <summary>Σ d_x·d_y with d_y from the table (sequential, parallel chunks); also Σ(t³ − t) of y.</summary>
    private static unsafe (Int128 Ties, Int128 Cross) CrossProducts(ReadOnlySpan<double> y, DistinctKeyTable table, int n, int* centeredX)
    {
        long[] slotRank = SlotCenteredRanks(table, n, out Int128 ties);
        Int128 cross = 0;
        var gate = new object();
        fixed (double* py = y)
        {
            nint ay = (nint)py, ad = (nint)centeredX;
            Chunked.For(n, (from, to) =>
            {
                Int128 partial = CrossChunk((double*)ay, (int*)ad, from, to, table, slotRank);
                lock (gate) cross += partial;
            });
        }
        return (ties, cross);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe Int128 CrossChunk(double* y, int* centeredX, int from, int to, DistinctKeyTable table, long[] slotRank)
    {
        var sum = new Int128Accumulator();
        for (int i = from; i < to; i++) sum.Add(centeredX[i], slotRank[table.Slot(SortKeys.Of(y[i]))]);
        return sum.Value;
    }

    /// <summary>Writes d = 2·(average rank) − (n + 1) of each element of one sorted bucket; returns Σ(t³ − t) of its tie groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe Int128 StoreCenteredRanks(ReadOnlySpan<SortEntry<ulong>> sorted, int start, int n, int* centered)
    {
        Int128 ties = 0;
        int m = sorted.Length;
        // d for the group [from, i) of the bucket: 2·start + from + i + 1 − (n + 1).
        long offset = 2L * start - n;
        int from = 0;
        for (int i = 1; i <= m; i++)
        {
            if (Sse.IsSupported && i + PrefetchDistance < m) Sse.Prefetch0(centered + sorted[i + PrefetchDistance].Index);
            if (i < m && sorted[i].Key == sorted[from].Key) continue;
            int d = (int)(offset + from + i);
            for (int k = from; k < i; k++) centered[sorted[k].Index] = d;
            long t = i - from;
            if (t > 1) ties += (Int128)(t * t) * t - t;
            from = i;
        }
        return ties;
    }

    /// <summary>Σ d_x·d_y over one sorted bucket of y whose entries carry d_x; <paramref name="ties"/> receives Σ(t³ − t) of its tie groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Int128 CrossProducts(ReadOnlySpan<SortEntry<ulong>> sorted, int start, int n, out Int128 ties)
    {
        ties = 0;
        var sum = new Int128Accumulator();
        int m = sorted.Length;
        long offset = 2L * start - n;
        int from = 0;
        for (int i = 1; i <= m; i++)
        {
            if (i < m && sorted[i].Key == sorted[from].Key) continue;
            long dy = offset + from + i;
            long sx = 0;
            for (int k = from; k < i; k++) sx += sorted[k].Index;
            sum.Add(sx, dy);
            long t = i - from;
            if (t > 1) ties += (Int128)(t * t) * t - t;
            from = i;
        }
        return sum.Value;
    }

    /// <summary>A signed 128-bit sum of 64 × 64-bit products.</summary>
    private struct Int128Accumulator
    {
        private ulong _low;
        private long _high;

        public void Add(long a, long b)
        {
            long high = Math.BigMul(a, b, out long low);
            ulong sum = _low + (ulong)low;
            _high += high + (sum < _low ? 1 : 0);
            _low = sum;
        }

        public readonly Int128 Value => new((ulong)_high, _low);
    }
}
