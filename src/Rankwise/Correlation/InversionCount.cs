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
    internal static unsafe long CountAndSort(Span<int> values)
    {
        int n = values.Length;
        if (n < 2) return 0;
        using var buffer = new NativeBuffer<int>(n);
        fixed (int* v = values)
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
                counts[s] = SortSlice((int*)valuesAddress + from, (int*)bufferAddress + from, length);
            });
            foreach (long c in counts) total += c;
            // Merge the sorted slices pairwise; each level ping-pongs between values and buffer.
            int* source = v, target = buffer.Pointer;
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
                    levelCounts[p] = Merge((int*)src + left, middle - left, (int*)src + middle, right - middle, (int*)dst + left);
                });
                foreach (long c in levelCounts) total += c;
                int* t = source; source = target; target = t;
            }
            if (source != v) new Span<int>(source, n).CopyTo(values);
            return total;
        }
    }

    /// <summary>Sorts <paramref name="n"/> values at <paramref name="v"/> (using <paramref name="buffer"/>) and returns their inversions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe long SortSlice(int* v, int* buffer, int n)
    {
        long inversions = 0;
        // Level 1: sort pairs in place.
        for (int i = 0; i + 1 < n; i += 2)
        {
            int a = v[i], b = v[i + 1];
            int swap = b < a ? 1 : 0;
            int flip = (a ^ b) & -swap;
            v[i] = a ^ flip;
            v[i + 1] = b ^ flip;
            inversions += swap;
        }
        int* source = v, target = buffer;
        for (int width = 2; width < n; width *= 2)
        {
            for (int left = 0; left < n; left += 2 * width)
            {
                int middle = Math.Min(left + width, n), right = Math.Min(left + 2 * width, n);
                inversions += Merge(source + left, middle - left, source + middle, right - middle, target + left);
            }
            int* t = source; source = target; target = t;
        }
        if (source != v) new Span<int>(source, n).CopyTo(new Span<int>(v, n));
        return inversions;
    }

    /// <summary>
    /// Merges sorted a and b into output (stable: a first on equal values) and returns the number of
    /// pairs (x in a, y in b) with x &gt; y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe long Merge(int* a, int na, int* b, int nb, int* output)
    {
        if (nb == 0 || na == 0 || a[na - 1] <= b[0])
        {
            Buffer.MemoryCopy(a, output, (long)na * sizeof(int), (long)na * sizeof(int));
            Buffer.MemoryCopy(b, output + na, (long)nb * sizeof(int), (long)nb * sizeof(int));
            return 0;
        }
        if (na == nb) return MergeEqual(a, b, na, output);
        long inversions = 0;
        int i = 0, j = 0, k = 0;
        while (i < na && j < nb)
        {
            int x = a[i], y = b[j];
            int takeB = y < x ? 1 : 0;
            int mask = -takeB;
            output[k++] = x ^ ((x ^ y) & mask);
            inversions += (na - i) & mask;
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
    private static unsafe long MergeEqual(int* a, int* b, int m, int* output)
    {
        long front = 0, back = 0;
        int* af = a, bf = b, of = output;
        int* ab = a + m - 1, bb = b + m - 1, ob = output + 2 * m - 1;
        int* aEnd = a + m;
        int* aLast = ab;
        for (int step = 0; step < m; step++)
        {
            // Front: take b only if strictly smaller.
            int x = *af, y = *bf;
            int takeB = y < x ? 1 : 0;
            int mask = -takeB;
            *of++ = x ^ ((x ^ y) & mask);
            front += (int)(aEnd - af) & mask;
            bf += takeB;
            af += 1 - takeB;
            // Back: take a only if strictly larger.
            int xb = *ab, yb = *bb;
            int takeA = xb > yb ? 1 : 0;
            int maskA = -takeA;
            *ob-- = yb ^ ((xb ^ yb) & maskA);
            back += (int)(aLast - ab) & ~maskA;
            ab -= takeA;
            bb -= 1 - takeA;
        }
        return front + back;
    }
}
