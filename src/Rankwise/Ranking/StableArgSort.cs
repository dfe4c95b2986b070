using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rankwise.Ranking;

/// <summary>A sort key with the index of the element it came from.</summary>
/// <typeparam name="TKey">An unsigned integer key type (see <see cref="SortKeys"/>).</typeparam>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct SortEntry<TKey> where TKey : unmanaged
{
    /// <summary>The order-preserving key.</summary>
    public TKey Key;

    /// <summary>The index of the element in the caller's data.</summary>
    public int Index;
}

/// <summary>
/// Stable sorting of (key, index) entries — an "argsort" that also returns the sorted keys.
/// Small inputs use an introspective sort on (key, index) pairs (stable because indices are
/// distinct). Larger ones use a most-significant-digit radix sort: an 11-bit first digit taken at
/// the highest bit in which the keys differ, then 8-bit digits; every pass is an out-of-place
/// counting scatter (hence stable), and buckets of ≤ 32 entries are finished by insertion sort.
/// Large inputs run the first pass and the buckets it produces on several threads.
/// </summary>
/// <remarks>Stability contract: entries with equal keys end up in increasing <c>Index</c> order
/// provided they were given in increasing <c>Index</c> order.</remarks>
internal static class StableArgSort
{
    /// <summary>Inputs at least this long use the radix sort.</summary>
    internal const int RadixThreshold = 1024;

    /// <summary>Inputs at least this long are sorted on several threads.</summary>
    internal const int ParallelThreshold = 1 << 17;

    private const int FirstDigitBits = 11;
    private const int DigitBits = 8;
    private const int InsertionLimit = 32;

    /// <summary>Sorts the first <paramref name="length"/> entries by key, ties by index.</summary>
    internal static void Sort<TKey>(SortEntry<TKey>[] entries, int length)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        if (length < ParallelThreshold || Environment.ProcessorCount < 2)
        {
            Sort(entries.AsSpan(0, length));
            return;
        }
        if (!Prepare(entries.AsSpan(0, length), out TKey min, out int bits)) return;
        SortEntry<TKey>[] buffer = ArrayPool<SortEntry<TKey>>.Shared.Rent(length);
        try
        {
            ParallelTopPass(entries, buffer, length, min, bits);
        }
        finally
        {
            ArrayPool<SortEntry<TKey>>.Shared.Return(buffer);
        }
    }

    /// <summary>Sorts <paramref name="entries"/> by key, ties by index (single thread).</summary>
    internal static void Sort<TKey>(Span<SortEntry<TKey>> entries)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        int n = entries.Length;
        if (!Prepare(entries, out TKey min, out int bits)) return;
        if (n < RadixThreshold)
        {
            entries.Sort(new EntryComparer<TKey>());
            return;
        }
        int width = Math.Min(FirstDigitBits, bits);
        SortEntry<TKey>[] buffer = ArrayPool<SortEntry<TKey>>.Shared.Rent(n);
        try
        {
            RadixPass(entries, buffer.AsSpan(0, n), min, bits - width, width, resultInSource: true);
        }
        finally
        {
            ArrayPool<SortEntry<TKey>>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Scans the keys; returns false when nothing is left to do (already sorted: tie order fixed).
    /// Otherwise gives the minimum key and the number of significant bits of max − min.
    /// </summary>
    private static bool Prepare<TKey>(Span<SortEntry<TKey>> entries, out TKey min, out int bits)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        int n = entries.Length;
        bits = 0;
        min = n > 0 ? entries[0].Key : TKey.Zero;
        if (n < 2) return false;
        TKey max = min;
        bool sorted = true;
        for (int i = 1; i < n; i++)
        {
            TKey k = entries[i].Key;
            if (k < entries[i - 1].Key) sorted = false;
            if (k < min) min = k;
            else if (k > max) max = k;
        }
        if (sorted)
        {
            FixTieOrder(entries);
            return false;
        }
        bits = 64 - BitOperations.LeadingZeroCount(ulong.CreateTruncating(max - min));
        return true;
    }

    /// <summary>Already sorted by key: make sure runs of equal keys are in index order.</summary>
    private static void FixTieOrder<TKey>(Span<SortEntry<TKey>> entries)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        int start = 0;
        for (int i = 1; i <= entries.Length; i++)
        {
            if (i < entries.Length && entries[i].Key == entries[start].Key) continue;
            if (i - start > 1)
            {
                var run = entries[start..i];
                for (int k = 1; k < run.Length; k++)
                {
                    if (run[k].Index < run[k - 1].Index)
                    {
                        run.Sort(new EntryComparer<TKey>());
                        break;
                    }
                }
            }
            start = i;
        }
    }

    /// <summary>
    /// The first radix pass on several threads (each scatters its own slice of the input into its
    /// own sub-range of every bucket, so the pass stays stable), then the buckets in parallel.
    /// </summary>
    private static void ParallelTopPass<TKey>(SortEntry<TKey>[] entries, SortEntry<TKey>[] buffer, int n, TKey min, int bits)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        int width = Math.Min(FirstDigitBits, bits);
        int shift = bits - width;
        int buckets = 1 << width;
        int workers = Math.Min(Environment.ProcessorCount, 8);
        int chunk = (n + workers - 1) / workers;
        var counts = new int[workers * buckets];
        Parallel.For(0, workers, w =>
        {
            int from = w * chunk, to = Math.Min(n, from + chunk);
            Span<int> c = counts.AsSpan(w * buckets, buckets);
            for (int i = from; i < to; i++) c[Digit(entries[i].Key, min, shift, buckets - 1)]++;
        });
        var starts = new int[buckets + 1];
        var offsets = new int[workers * buckets];
        int running = 0;
        for (int b = 0; b < buckets; b++)
        {
            starts[b] = running;
            for (int w = 0; w < workers; w++)
            {
                offsets[w * buckets + b] = running;
                running += counts[w * buckets + b];
            }
        }
        starts[buckets] = n;
        Parallel.For(0, workers, w =>
        {
            int from = w * chunk, to = Math.Min(n, from + chunk);
            Span<int> next = offsets.AsSpan(w * buckets, buckets);
            for (int i = from; i < to; i++)
            {
                SortEntry<TKey> e = entries[i];
                buffer[next[Digit(e.Key, min, shift, buckets - 1)]++] = e;
            }
        });
        int nextShift = Math.Max(0, shift - DigitBits);
        int nextWidth = shift - nextShift;
        Parallel.For(0, buckets, new ParallelOptions { MaxDegreeOfParallelism = workers }, b =>
        {
            int length = starts[b + 1] - starts[b];
            if (length == 0) return;
            RadixPass(buffer.AsSpan(starts[b], length), entries.AsSpan(starts[b], length), min, nextShift, nextWidth, resultInSource: false);
        });
    }

    /// <summary>
    /// Sorts <paramref name="source"/> on the key bits [0, shift + width) (keys relative to
    /// <paramref name="min"/>), digit (key − min) &gt;&gt; shift of <paramref name="width"/> bits first.
    /// The result ends in <paramref name="source"/> when <paramref name="resultInSource"/> is true,
    /// otherwise in <paramref name="scratch"/>.
    /// </summary>
    internal static void RadixPass<TKey>(Span<SortEntry<TKey>> source, Span<SortEntry<TKey>> scratch, TKey min, int shift, int width, bool resultInSource)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        int n = source.Length;
        int maxBuckets = 1 << Math.Max(width, DigitBits);
        Span<int> counts = stackalloc int[maxBuckets];
        Span<int> next = stackalloc int[maxBuckets];
        while (true)
        {
            if (n <= InsertionLimit || width == 0)
            {
                if (n <= InsertionLimit) InsertionSort(source);
                if (!resultInSource) source.CopyTo(scratch);
                return;
            }
            int buckets = 1 << width;
            int mask = buckets - 1;
            Span<int> c = counts[..buckets];
            c.Clear();
            for (int i = 0; i < n; i++)
                c[Digit(source[i].Key, min, shift, mask)]++;
            int nextShift = Math.Max(0, shift - DigitBits);
            int nextWidth = shift - nextShift;
            if (c[Digit(source[0].Key, min, shift, mask)] == n)
            {
                shift = nextShift;
                width = nextWidth;
                continue;
            }
            int running = 0;
            for (int b = 0; b < buckets; b++)
            {
                next[b] = running;
                running += c[b];
            }
            for (int i = 0; i < n; i++)
            {
                ref readonly SortEntry<TKey> e = ref source[i];
                scratch[next[Digit(e.Key, min, shift, mask)]++] = e;
            }
            int start = 0;
            for (int b = 0; b < buckets; b++)
            {
                int length = c[b];
                if (length != 0)
                    RadixPass(scratch.Slice(start, length), source.Slice(start, length), min, nextShift, nextWidth, !resultInSource);
                start += length;
            }
            return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Digit<TKey>(TKey key, TKey min, int shift, int mask)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
        => (int)(ulong.CreateTruncating(key - min) >> shift) & mask;

    private static void InsertionSort<TKey>(Span<SortEntry<TKey>> entries)
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        for (int i = 1; i < entries.Length; i++)
        {
            SortEntry<TKey> e = entries[i];
            int j = i - 1;
            while (j >= 0 && (entries[j].Key > e.Key || (entries[j].Key == e.Key && entries[j].Index > e.Index)))
            {
                entries[j + 1] = entries[j];
                j--;
            }
            entries[j + 1] = e;
        }
    }

    private readonly struct EntryComparer<TKey> : IComparer<SortEntry<TKey>>
        where TKey : unmanaged, IBinaryInteger<TKey>, IUnsignedNumber<TKey>
    {
        public int Compare(SortEntry<TKey> a, SortEntry<TKey> b)
        {
            int c = a.Key.CompareTo(b.Key);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        }
    }
}
