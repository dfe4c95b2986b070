using Rankwise.Ranking;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Exact order statistics of large NaN-free float64 arrays by radix selection on the order-preserving keys
/// (<see cref="SortKeys"/>): each round histograms the keys of the current key range into 2^16 bins (in parallel chunks),
/// keeps the bin holding the wanted rank, and stops when the range is one value or few enough candidates remain to sort.
/// A handful of read-only passes instead of a full sort or a copy; the input is not modified.
/// </summary>
internal static class OrderStatistic
{
    private const int Bits = 16;
    private const int CandidateLimit = 1 << 15;
    private const int ChunkLength = 1 << 20;

    /// <summary>The <paramref name="k"/>-th smallest value (1-based) of <paramref name="values"/> (no NaN; −0 counts as +0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in 1..values.Length.</exception>
    internal static double Kth(double[] values, long k) => Select(values, k, next: false).Kth;

    /// <summary>The <paramref name="k"/>-th and (k + 1)-th smallest values (1-based, k &lt; values.Length), e.g. for an even-count median.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in 1..values.Length − 1.</exception>
    internal static (double Kth, double Next) KthAndNext(double[] values, long k)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, values.Length - 1L);
        return Select(values, k, next: true);
    }

    private static (double Kth, double Next) Select(double[] values, long k, bool next)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, values.Length);
        var (lo, hi) = KeyRange(values);
        long inRange = values.Length;
        while (true)
        {
            if (lo == hi)
            {
                // Every remaining candidate equals this value.
                double value = SortKeys.ToDouble(lo);
                return (value, !next ? double.NaN : k < inRange ? value : SmallestAbove(values, hi));
            }
            int shift = Math.Max(0, 64 - System.Numerics.BitOperations.LeadingZeroCount(hi - lo) - Bits);
            var counts = Histogram(values, lo, hi, shift, (int)(((hi - lo) >> shift) + 1));
            long before = 0;
            int bin = 0;
            while (before + counts[bin] < k)
                before += counts[bin++];
            k -= before;
            inRange = counts[bin];
            ulong binLo = lo + ((ulong)bin << shift);
            ulong binHi = Math.Min(hi, binLo + ((1UL << shift) - 1));
            if (inRange <= CandidateLimit && binLo != binHi)
            {
                var found = Candidates(values, binLo, binHi, (int)inRange);
                return (found[k - 1], !next ? double.NaN : k < inRange ? found[k] : SmallestAbove(values, binHi));
            }
            (lo, hi) = (binLo, binHi);
        }
    }

    /// <summary>The smallest value whose key exceeds <paramref name="key"/> (one exists).</summary>
    private static double SmallestAbove(double[] values, ulong key)
    {
        ulong best = ulong.MaxValue;
        object gate = new();
        Parallel.For(0, Chunks(values.Length), () => ulong.MaxValue, (c, _, local) =>
        {
            foreach (var v in Chunk(values, c))
            {
                ulong candidate = SortKeys.Of(v);
                if (candidate > key && candidate < local)
                    local = candidate;
            }
            return local;
        }, local =>
        {
            lock (gate)
                best = Math.Min(best, local);
        });
        return SortKeys.ToDouble(best);
    }

    /// <summary>The smallest and largest key.</summary>
    private static (ulong Lo, ulong Hi) KeyRange(double[] values)
    {
        ulong lo = ulong.MaxValue, hi = 0;
        object gate = new();
        Parallel.For(0, Chunks(values.Length), () => (ulong.MaxValue, 0UL), (c, _, local) =>
        {
            var (l, h) = local;
            foreach (var v in Chunk(values, c))
            {
                ulong key = SortKeys.Of(v);
                l = Math.Min(l, key);
                h = Math.Max(h, key);
            }
            return (l, h);
        }, local =>
        {
            lock (gate)
            {
                lo = Math.Min(lo, local.Item1);
                hi = Math.Max(hi, local.Item2);
            }
        });
        return (lo, hi);
    }

    /// <summary>Counts of the keys in [lo, hi] by bin (key − lo) &gt;&gt; shift.</summary>
    private static long[] Histogram(double[] values, ulong lo, ulong hi, int shift, int bins)
    {
        var total = new long[bins];
        object gate = new();
        Parallel.For(0, Chunks(values.Length), () => new int[bins], (c, _, local) =>
        {
            foreach (var v in Chunk(values, c))
            {
                ulong key = SortKeys.Of(v);
                if (key >= lo && key <= hi)
                    local[(int)((key - lo) >> shift)]++;
            }
            return local;
        }, local =>
        {
            lock (gate)
            {
                for (int b = 0; b < bins; b++)
                    total[b] += local[b];
            }
        });
        return total;
    }

    /// <summary>The values whose keys lie in [lo, hi], sorted (there are <paramref name="count"/> of them).</summary>
    private static double[] Candidates(double[] values, ulong lo, ulong hi, int count)
    {
        var found = new double[count];
        int next = 0;
        Parallel.For(0, Chunks(values.Length), () => new List<double>(), (c, _, local) =>
        {
            foreach (var v in Chunk(values, c))
            {
                ulong key = SortKeys.Of(v);
                if (key >= lo && key <= hi)
                    local.Add(SortKeys.ToDouble(key));
            }
            return local;
        }, local =>
        {
            lock (found)
            {
                local.CopyTo(found, next);
                next += local.Count;
            }
        });
        Array.Sort(found);
        return found;
    }

    private static int Chunks(int length) => (length + ChunkLength - 1) / ChunkLength;

    private static ReadOnlySpan<double> Chunk(double[] values, int c)
    {
        int from = c * ChunkLength;
        return values.AsSpan(from, Math.Min(ChunkLength, values.Length - from));
    }
}
