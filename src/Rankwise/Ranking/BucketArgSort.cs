using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Rankwise.Ranking;

/// <summary>
/// Receives one bucket of the stable argsort: <paramref name="sorted"/> holds the entries that occupy
/// positions [<paramref name="start"/>, start + sorted.Length) of the global ascending order. Equal
/// keys never straddle two buckets, so tie groups can be handled bucket by bucket.
/// </summary>
internal delegate void SortedBucketVisitor(ReadOnlySpan<SortEntry<ulong>> sorted, int start);

/// <summary>
/// Stable argsort of large NaN-free float64 data, delivered bucket by bucket so that the caller can
/// consume each bucket (assign ranks, accumulate sums) while it is still in cache.
/// </summary>
/// <remarks>
/// <para>Algorithm (a sample sort whose classifier is a radix table): the order-preserving keys of a
/// strided sample (64 per bucket, at most 2¹⁵) give ~n/<see cref="TargetBucket"/> splitters; a two-level
/// lookup table on the top (up to) 16 + 8 bits of key − min (min, max: the sample's extremes; keys
/// outside are clamped to them) maps every key to its bucket in O(1), monotonically, so buckets are
/// contiguous key ranges and equal keys share a bucket. One counting
/// pass and one stable scatter pass (both over contiguous slices of the input on several threads,
/// each slice writing its own sub-range of every bucket) move the 12-byte (key, index) entries into
/// their buckets — the only passes over the input. Each bucket (~16k entries,
/// L2-resident) is then finished by one MSD digit pass with about two digit values per entry and an
/// insertion sort; sub-buckets the digit failed to split are sorted by
/// <see cref="StableArgSort.RadixPass{TKey}"/> first.</para>
/// <para>The sample only affects the bucket sizes, never the result: the output is the unique stable
/// order (key, then index). Data the sample misjudges (e.g. nearly all values in a range far narrower
/// than the span of a few outliers) end up in a few large buckets, sorted by the MSD radix fallback on
/// fewer threads: correct, but slower.</para>
/// <para>The work buffer is an uninitialised <see cref="NativeBuffer{T}"/> of n entries (huge-page advised on Linux).</para>
/// </remarks>
internal static class BucketArgSort
{
    /// <summary>Inputs shorter than this are sorted as one bucket by <see cref="StableArgSort"/>.</summary>
    internal const int MinimumLength = 1 << 16;

    /// <summary>The intended number of entries per bucket.</summary>
    internal const int TargetBucket = 16384;

    private const int SampleSize = 1 << 15;
    private const int SamplesPerBucket = 64;
    private const int MaxBuckets = 1 << 13;
    private const int TopBits = 16;
    private const int SubBits = 8;
    private const int InsertionLimit = 32;
    private const int SubBucketLimit = 24;
    private const int MaxDigitBits = 14;

    /// <summary>
    /// Sorts the keys of the NaN-free <paramref name="values"/> stably and calls <paramref name="visit"/>
    /// once per bucket. With <paramref name="parallel"/> the passes and the buckets run on several threads
    /// (buckets then arrive in any order, possibly concurrently); otherwise everything runs on the calling
    /// thread and buckets arrive in ascending order.
    /// </summary>
    internal static void Run(ReadOnlySpan<double> values, bool parallel, SortedBucketVisitor visit)
        => Run(values, ReadOnlySpan<int>.Empty, parallel, visit);

    /// <summary>
    /// As <see cref="Run(ReadOnlySpan{double}, bool, SortedBucketVisitor)"/>, but each entry's
    /// <see cref="SortEntry{TKey}.Index"/> carries <paramref name="payload"/>[i] instead of i (the order is
    /// still the stable order by key, then by i). An empty <paramref name="payload"/> means the indices.
    /// </summary>
    internal static void Run(ReadOnlySpan<double> values, ReadOnlySpan<int> payload, bool parallel, SortedBucketVisitor visit)
    {
        using var buffer = new NativeBuffer<SortEntry<ulong>>(values.Length);
        Run(values, payload, buffer, parallel, visit);
    }

    /// <summary>
    /// As <see cref="Run(ReadOnlySpan{double}, ReadOnlySpan{int}, bool, SortedBucketVisitor)"/>, with the
    /// caller's work buffer (at least values.Length entries), so that consecutive sorts reuse its memory.
    /// </summary>
    internal static unsafe void Run(ReadOnlySpan<double> values, ReadOnlySpan<int> payload, NativeBuffer<SortEntry<ulong>> buffer, bool parallel, SortedBucketVisitor visit)
    {
        int n = values.Length;
        if (n == 0) return;
        if (!payload.IsEmpty && payload.Length != n) throw new ArgumentException("payload length differs from values", nameof(payload));
        if (buffer.Length < n) throw new ArgumentException("work buffer shorter than values", nameof(buffer));
        SortEntry<ulong>* entries = buffer.Pointer;
        fixed (double* p = values)
        fixed (int* q = payload)
        {
            if (n < MinimumLength)
            {
                for (int i = 0; i < n; i++)
                {
                    entries[i].Key = SortKeys.Of(p[i]);
                    entries[i].Index = q == null ? i : q[i];
                }
                var span = new Span<SortEntry<ulong>>(entries, n);
                StableArgSort.Sort(span);
                visit(span, 0);
                return;
            }
            RunLarge(p, q, n, entries, parallel && Environment.ProcessorCount > 1, visit);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(double value) => SortKeys.Of(value);

    /// <summary>
    /// The bucket classifier: a monotone map from keys to bucket numbers. For rel = key − Min, the bin
    /// rel &gt;&gt; Shift1 gives a base bucket and a sub-table; the sub-table entry for the next bits,
    /// (rel &gt;&gt; Shift2) &amp; SubMask, is added to the base (bins inside one bucket share an all-zero sub-table).
    /// </summary>
    private sealed class Classifier
    {
        public ulong Min;
        public ulong Max;
        public int Shift1;
        public int Shift2;
        public ulong SubMask;
        public Bin[] Bins = [];
        public int[] Sub = [];
        public int BucketCount;
    }

    /// <summary>One top-level bin of the classifier.</summary>
    private struct Bin
    {
        public int Base;
        public int SubOffset;
    }

    private static unsafe void RunLarge(double* p, int* payload, int n, SortEntry<ulong>* entries, bool parallel, SortedBucketVisitor visit)
    {
        int workers = parallel ? Math.Min(Environment.ProcessorCount, 8) : 1;
        int chunks = parallel ? workers * 4 : 1;
        int chunkLength = (n + chunks - 1) / chunks;
        nint address = (nint)p;
        nint entriesAddress = (nint)entries;
        nint payloadAddress = (nint)payload;

        // The classifier comes from a sample; keys outside the sample's range are clamped to it, which
        // keeps the map monotone. Only a constant-looking sample needs the exact range of all keys.
        Classifier? cls = BuildClassifier(p, n, 0, 0);
        if (cls is null)
        {
            var mins = new ulong[chunks];
            var maxs = new ulong[chunks];
            ForChunks(chunks, workers, c =>
            {
                int from = c * chunkLength, to = Math.Min(n, from + chunkLength);
                KeyRange((double*)address, from, to, out mins[c], out maxs[c]);
            });
            ulong min = mins.Min(), max = maxs.Max();
            if (min == max)
            {
                for (int i = 0; i < n; i++)
                {
                    entries[i].Key = min;
                    entries[i].Index = payload == null ? i : payload[i];
                }
                visit(new ReadOnlySpan<SortEntry<ulong>>(entries, n), 0);
                return;
            }
            cls = BuildClassifier(p, n, min, max)!;
        }
        int buckets = cls.BucketCount;

        // Pass 2: bucket sizes per chunk.
        var counts = new int[chunks * buckets];
        ForChunks(chunks, workers, c =>
        {
            int from = c * chunkLength, to = Math.Min(n, from + chunkLength);
            fixed (int* count = &counts[c * buckets])
                Count((double*)address, from, to, cls, count);
        });
        var bucketStart = new int[buckets + 1];
        var offsets = new int[chunks * buckets];
        int running = 0;
        for (int b = 0; b < buckets; b++)
        {
            bucketStart[b] = running;
            for (int c = 0; c < chunks; c++)
            {
                offsets[c * buckets + b] = running;
                running += counts[c * buckets + b];
            }
        }
        bucketStart[buckets] = n;

        // Pass 3: stable scatter of (key, index) into the buckets.
        ForChunks(chunks, workers, c =>
        {
            int from = c * chunkLength, to = Math.Min(n, from + chunkLength);
            fixed (int* next = &offsets[c * buckets])
                Scatter((double*)address, (int*)payloadAddress, from, to, cls, next, (SortEntry<ulong>*)entriesAddress);
        });

        // Pass 4: finish each bucket in cache and hand it over.
        int largest = 0;
        for (int b = 0; b < buckets; b++) largest = Math.Max(largest, bucketStart[b + 1] - bucketStart[b]);
        if (workers == 1)
        {
            SortEntry<ulong>[] scratch = ArrayPool<SortEntry<ulong>>.Shared.Rent(largest);
            var digitCounts = new int[(1 << MaxDigitBits) + 1];
            try
            {
                for (int b = 0; b < buckets; b++) FinishBucket((SortEntry<ulong>*)entriesAddress, scratch, digitCounts, bucketStart[b], bucketStart[b + 1], visit);
            }
            finally
            {
                ArrayPool<SortEntry<ulong>>.Shared.Return(scratch);
            }
            return;
        }
        int nextBucket = -1;
        ForChunks(workers, workers, _ =>
        {
            SortEntry<ulong>[] scratch = ArrayPool<SortEntry<ulong>>.Shared.Rent(largest);
            var digitCounts = new int[(1 << MaxDigitBits) + 1];
            try
            {
                int b;
                while ((b = Interlocked.Increment(ref nextBucket)) < buckets)
                    FinishBucket((SortEntry<ulong>*)entriesAddress, scratch, digitCounts, bucketStart[b], bucketStart[b + 1], visit);
            }
            finally
            {
                ArrayPool<SortEntry<ulong>>.Shared.Return(scratch);
            }
        });
    }

    private static unsafe void FinishBucket(SortEntry<ulong>* entries, SortEntry<ulong>[] scratch, int[] counts, int from, int to, SortedBucketVisitor visit)
    {
        if (from == to) return;
        int n = to - from;
        fixed (SortEntry<ulong>* s = scratch)
        fixed (int* c = counts)
        {
            bool inScratch = SortBucket(entries + from, s, c, n);
            visit(new ReadOnlySpan<SortEntry<ulong>>(inScratch ? s : entries + from, n), from);
        }
    }

    /// <summary>
    /// Stably sorts the <paramref name="n"/> entries at <paramref name="bucket"/>, whose equal keys are
    /// already in index order; returns true when the result is in <paramref name="scratch"/> rather than
    /// in place. <paramref name="counts"/> has room for 2^<see cref="MaxDigitBits"/> + 1 counters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool SortBucket(SortEntry<ulong>* bucket, SortEntry<ulong>* scratch, int* counts, int n)
    {
        if (n <= InsertionLimit)
        {
            InsertionSortByKey(bucket, n);
            return false;
        }
        ulong min = bucket[0].Key, max = min;
        for (int i = 1; i < n; i++)
        {
            ulong k = bucket[i].Key;
            min = Math.Min(min, k);
            max = Math.Max(max, k);
        }
        if (min == max) return false;
        int bits = 64 - BitOperations.LeadingZeroCount(max - min);
        // About two digit values per entry: sub-buckets are then mostly singletons.
        int width = Math.Min(bits, Math.Clamp(BitOperations.Log2((uint)n) + 1, 4, MaxDigitBits));
        int shift = bits - width;
        int buckets = 1 << width;
        new Span<int>(counts, buckets + 1).Clear();
        for (int i = 0; i < n; i++) counts[(int)((bucket[i].Key - min) >> shift) + 1]++;
        int largest = 0;
        for (int b = 1; b <= buckets; b++)
        {
            largest = Math.Max(largest, counts[b]);
            counts[b] += counts[b - 1];
        }
        for (int i = 0; i < n; i++)
        {
            SortEntry<ulong> e = bucket[i];
            scratch[counts[(int)((e.Key - min) >> shift)]++] = e;
        }
        if (largest > SubBucketLimit && shift > 0)
        {
            // counts[b] is now the end of sub-bucket b.
            int nextShift = Math.Max(0, shift - 8);
            int start = 0;
            for (int b = 0; b < buckets; b++)
            {
                int end = counts[b];
                if (end - start > SubBucketLimit)
                {
                    StableArgSort.RadixPass(new Span<SortEntry<ulong>>(scratch + start, end - start), new Span<SortEntry<ulong>>(bucket + start, end - start),
                        min, nextShift, shift - nextShift, resultInSource: true);
                }
                start = end;
            }
        }
        InsertionSortByKey(scratch, n);
        return true;
    }

    /// <summary>Insertion sort by key only; stable, so equal keys keep their (index) order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void InsertionSortByKey(SortEntry<ulong>* entries, int n)
    {
        for (int i = 1; i < n; i++)
        {
            SortEntry<ulong> e = entries[i];
            SortEntry<ulong>* j = entries + i - 1;
            if (j->Key <= e.Key) continue;
            do
            {
                j[1] = j[0];
                j--;
            }
            while (j >= entries && j->Key > e.Key);
            j[1] = e;
        }
    }

    /// <summary>The smallest and largest key of v[from..to).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void KeyRange(double* v, int from, int to, out ulong min, out ulong max)
    {
        ulong lo = ulong.MaxValue, hi = 0;
        for (int i = from; i < to; i++)
        {
            ulong k = Key(v[i]);
            lo = Math.Min(lo, k);
            hi = Math.Max(hi, k);
        }
        min = lo;
        max = hi;
    }

    /// <summary>Adds the bucket sizes of v[from..to) to <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Count(double* v, int from, int to, Classifier cls, int* count)
    {
        fixed (Bin* bins = cls.Bins)
        fixed (int* sub = cls.Sub)
        {
            ulong lo = cls.Min, hi = cls.Max, mask = cls.SubMask;
            int s1 = cls.Shift1, s2 = cls.Shift2;
            for (int i = from; i < to; i++)
            {
                ulong rel = Math.Min(Math.Max(Key(v[i]), lo), hi) - lo;
                Bin bin = bins[rel >> s1];
                count[bin.Base + sub[bin.SubOffset + (int)((rel >> s2) & mask)]]++;
            }
        }
    }

    /// <summary>Scatters (key, index or payload) of v[from..to) to the bucket positions <paramref name="next"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Scatter(double* v, int* payload, int from, int to, Classifier cls, int* next, SortEntry<ulong>* destination)
    {
        fixed (Bin* bins = cls.Bins)
        fixed (int* sub = cls.Sub)
        {
            ulong lo = cls.Min, hi = cls.Max, mask = cls.SubMask;
            int s1 = cls.Shift1, s2 = cls.Shift2;
            for (int i = from; i < to; i++)
            {
                ulong k = Key(v[i]);
                ulong rel = Math.Min(Math.Max(k, lo), hi) - lo;
                Bin bin = bins[rel >> s1];
                int b = bin.Base + sub[bin.SubOffset + (int)((rel >> s2) & mask)];
                SortEntry<ulong>* e = destination + next[b]++;
                e->Key = k;
                e->Index = payload == null ? i : payload[i];
            }
        }
    }

    /// <summary>
    /// Builds the bucket classifier from a strided sample of the keys, over the key range [min, max], or, when
    /// min = max, over the sample's range (null if the sample is constant).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe Classifier? BuildClassifier(double* v, int n, ulong min, ulong max)
    {
        int buckets = (int)Math.Clamp((n + (long)TargetBucket - 1) / TargetBucket, 2, MaxBuckets);
        int sampleSize = Math.Min(n, Math.Min(SampleSize, buckets * SamplesPerBucket));
        var sample = new ulong[sampleSize];
        long stride = n / sampleSize;
        for (int s = 0; s < sampleSize; s++) sample[s] = Key(v[s * stride]);
        Array.Sort(sample);
        if (min == max)
        {
            min = sample[0];
            max = sample[^1];
            if (min == max) return null;
        }
        var splitters = new ulong[buckets - 1];
        for (int j = 1; j < buckets; j++) splitters[j - 1] = sample[(long)j * sampleSize / buckets];

        ulong range = max - min;
        int bits = 64 - BitOperations.LeadingZeroCount(range);
        int topBits = Math.Clamp(BitOperations.Log2((uint)n) - 4, 8, TopBits);
        int shift1 = Math.Max(bits - topBits, 0);
        int subBits = Math.Min(SubBits, shift1);
        int shift2 = shift1 - subBits;
        int binCount = (int)(range >> shift1) + 1;
        int subCount = 1 << subBits;
        var bins = new Bin[binCount];
        var sub = new List<int>(subCount * 64);
        for (int d = 0; d < subCount; d++) sub.Add(0); // the shared all-zero table for unsplit bins

        // Walk the bins in ascending order with a pointer into the splitters:
        // bucket(k) = number of splitters ≤ k.
        int pointer = 0;
        for (int b = 0; b < binCount; b++)
        {
            ulong lo = min + ((ulong)b << shift1);
            ulong hi = lo + Math.Min(range - ((ulong)b << shift1), (1UL << shift1) - 1);
            while (pointer < splitters.Length && splitters[pointer] <= lo) pointer++;
            int first = pointer;
            bins[b].Base = first;
            if (first == splitters.Length || splitters[first] > hi)
                continue; // the whole bin lies in one bucket
            bins[b].SubOffset = sub.Count;
            for (int d = 0; d < subCount; d++)
            {
                ulong subLo = lo + ((ulong)d << shift2);
                if (subLo > hi) subLo = hi;
                while (pointer < splitters.Length && splitters[pointer] <= subLo) pointer++;
                sub.Add(pointer - first);
            }
        }
        return new Classifier
        {
            Min = min,
            Max = max,
            Shift1 = shift1,
            Shift2 = shift2,
            SubMask = (ulong)subCount - 1,
            Bins = bins,
            Sub = [.. sub],
            BucketCount = buckets,
        };
    }

    /// <summary>Runs body(0 … count − 1) on up to <paramref name="workers"/> threads, chunks taken dynamically.</summary>
    private static void ForChunks(int count, int workers, Action<int> body)
    {
        if (workers <= 1 || count <= 1)
        {
            for (int c = 0; c < count; c++) body(c);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = workers }, body);
    }
}
