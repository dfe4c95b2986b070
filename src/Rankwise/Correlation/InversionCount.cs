using System.Numerics;
using System.Runtime.CompilerServices;
using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// Counts inversions — pairs i &lt; j with a[i] &gt; a[j] (strictly) — by bottom-up merge sort in
/// O(n log n), as 64-bit counts (valid for n up to ~4·10⁹). Kendall's discordant pairs are the
/// inversions of the y ranks once the pairs are sorted by (x, y).
/// </summary>
/// <remarks>
/// The merges are branch-free (the next output and the inversion increment are selected arithmetically),
/// so random data costs no branch mispredictions. Long inputs are cut into one slice per core; the
/// slices are sorted and counted concurrently and then merged, the merges counting the inversions
/// between slices.
/// </remarks>
internal static class InversionCount
{
    /// <summary>Inputs at least this long are split across threads.</summary>
    internal const int ParallelThreshold = 1 << 16;

    /// <summary>Counts the inversions of <paramref name="values"/> (the span is sorted in place).</summary>
    internal static unsafe long CountAndSort<T>(Span<T> values)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = values.Length;
        if (n < 2) return 0;
        using var buffer = new NativeBuffer<T>(n);
        fixed (T* v = values)
        {
            int workers = Math.Min(Environment.ProcessorCount, 8);
            if (n < ParallelThreshold || workers < 2)
                return SortSlice(v, buffer.Pointer, n);
            // Slices of whole power-of-two multiples so that the per-slice merge levels line up.
            int slices = (int)BitOperations.RoundUpToPowerOf2((uint)workers);
            int slice = (n + slices - 1) / slices;
            long total = 0;
            nint valuesAddress = (nint)v, bufferAddress = (nint)buffer.Pointer;
            var counts = new long[slices];
            Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = workers }, s =>
            {
                int from = s * slice, length = Math.Max(0, Math.Min(n, from + slice) - from);
                counts[s] = SortSlice((T*)valuesAddress + from, (T*)bufferAddress + from, length);
            });
            foreach (long c in counts) total += c;
            // Merge the sorted slices pairwise; each level ping-pongs between values and buffer.
            T* source = v, target = buffer.Pointer;
            for (int width = slice; width < n; width *= 2)
            {
                int pairs = (n + 2 * width - 1) / (2 * width);
                nint src = (nint)source, dst = (nint)target;
                var levelCounts = new long[pairs];
                int w = width;
                Parallel.For(0, pairs, new ParallelOptions { MaxDegreeOfParallelism = workers }, p =>
                {
                    int left = p * 2 * w;
                    int middle = Math.Min(left + w, n), right = Math.Min(left + 2 * w, n);
                    levelCounts[p] = Merge((T*)src + left, middle - left, (T*)src + middle, right - middle, (T*)dst + left);
                });
                foreach (long c in levelCounts) total += c;
                T* t = source; source = target; target = t;
            }
            if (source != v) new Span<T>(source, n).CopyTo(values);
            return total;
        }
    }

    /// <summary>Sorts <paramref name="n"/> values at <paramref name="v"/> (using <paramref name="buffer"/>) and returns their inversions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe long SortSlice<T>(T* v, T* buffer, int n)
        where T : unmanaged, IBinaryInteger<T>
    {
        long inversions = 0;
        // Level 1: sort pairs in place.
        for (int i = 0; i + 1 < n; i += 2)
        {
            T a = v[i], b = v[i + 1];
            int swap = b < a ? 1 : 0;
            T flip = (a ^ b) & (T.Zero - T.CreateTruncating(swap));
            v[i] = a ^ flip;
            v[i + 1] = b ^ flip;
            inversions += swap;
        }
        T* source = v, target = buffer;
        for (int width = 2; width < n; width *= 2)
        {
            for (int left = 0; left < n; left += 2 * width)
            {
                int middle = Math.Min(left + width, n), right = Math.Min(left + 2 * width, n);
                inversions += Merge(source + left, middle - left, source + middle, right - middle, target + left);
            }
            T* t = source; source = target; target = t;
        }
        if (source != v) new Span<T>(source, n).CopyTo(new Span<T>(v, n));
        return inversions;
    }

    /// <summary>
    /// Merges sorted a and b into output (stable: a first on equal values) and returns the number of
    /// pairs (x in a, y in b) with x &gt; y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe long Merge<T>(T* a, int na, T* b, int nb, T* output)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (nb == 0 || na == 0 || a[na - 1] <= b[0])
        {
            Buffer.MemoryCopy(a, output, (long)na * sizeof(T), (long)na * sizeof(T));
            Buffer.MemoryCopy(b, output + na, (long)nb * sizeof(T), (long)nb * sizeof(T));
            return 0;
        }
        if (na == nb) return MergeEqual(a, b, na, output);
        long inversions = 0;
        int i = 0, j = 0, k = 0;
        while (i < na && j < nb)
        {
            T x = a[i], y = b[j];
            int takeB = y < x ? 1 : 0;
            output[k++] = x ^ ((x ^ y) & (T.Zero - T.CreateTruncating(takeB)));
            inversions += (na - i) & -takeB;
            j += takeB;
            i += 1 - takeB;
        }
        while (i < na) output[k++] = a[i++];
        while (j < nb) output[k++] = b[j++];
        return inversions;
    }

    /// <summary>
    /// <see cref="Merge"/> for two runs of equal length m, from both ends at once (two independent
    /// dependency chains): m steps from the front place the m smallest, m steps from the back the m
    /// largest, and neither end can run past its runs. A b element placed from the front is exceeded by
    /// the a elements not yet placed from the front; one placed from the back by the a elements already
    /// placed from the back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe long MergeEqual<T>(T* a, T* b, int m, T* output)
        where T : unmanaged, IBinaryInteger<T>
    {
        long front = 0, back = 0;
        T* af = a, bf = b, of = output;
        T* ab = a + m - 1, bb = b + m - 1, ob = output + 2 * m - 1;
        T* aEnd = a + m;
        T* aLast = ab;
        for (int step = 0; step < m; step++)
        {
            // Front: take b only if strictly smaller.
            T x = *af, y = *bf;
            int takeB = y < x ? 1 : 0;
            *of++ = x ^ ((x ^ y) & (T.Zero - T.CreateTruncating(takeB)));
            front += (int)(aEnd - af) & -takeB;
            bf += takeB;
            af += 1 - takeB;
            // Back: take a only if strictly larger.
            T xb = *ab, yb = *bb;
            int takeA = xb > yb ? 1 : 0;
            *ob-- = yb ^ ((xb ^ yb) & (T.Zero - T.CreateTruncating(takeA)));
            back += (int)(aLast - ab) & (takeA - 1);
            ab -= takeA;
            bb -= 1 - takeA;
        }
        return front + back;
    }
}
