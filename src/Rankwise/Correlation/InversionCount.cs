namespace Rankwise.Correlation;

/// <summary>
/// Counts inversions — pairs i &lt; j with a[i] &gt; a[j] (strictly) — by bottom-up merge sort in
/// O(n log n), as 64-bit counts (valid for n up to ~4·10⁹). Kendall's discordant pairs are the
/// inversions of the y ranks once the pairs are sorted by (x, y).
/// </summary>
internal static class InversionCount
{
    private const int Run = 32;

    /// <summary>Counts the inversions of <paramref name="values"/> (the span is sorted in place).</summary>
    internal static long CountAndSort(Span<int> values)
    {
        int n = values.Length;
        long inversions = 0;
        for (int start = 0; start < n; start += Run)
        {
            Span<int> run = values.Slice(start, Math.Min(Run, n - start));
            for (int i = 1; i < run.Length; i++)
            {
                int v = run[i];
                int j = i - 1;
                while (j >= 0 && run[j] > v)
                {
                    run[j + 1] = run[j];
                    j--;
                }
                inversions += i - 1 - j;
                run[j + 1] = v;
            }
        }
        if (n <= Run) return inversions;
        int[] buffer = new int[n];
        Span<int> source = values, target = buffer;
        bool inBuffer = false;
        for (int width = Run; width < n; width *= 2)
        {
            for (int left = 0; left < n; left += 2 * width)
            {
                int middle = Math.Min(left + width, n);
                int right = Math.Min(left + 2 * width, n);
                inversions += Merge(source[left..middle], source[middle..right], target[left..right]);
            }
            Span<int> t = source; source = target; target = t;
            inBuffer = !inBuffer;
        }
        if (inBuffer) source.CopyTo(values);
        return inversions;
    }

    private static long Merge(ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> output)
    {
        long inversions = 0;
        int i = 0, j = 0, k = 0;
        if (a.IsEmpty || b.IsEmpty || a[^1] <= b[0])
        {
            a.CopyTo(output);
            b.CopyTo(output[a.Length..]);
            return 0;
        }
        while (i < a.Length && j < b.Length)
        {
            if (a[i] <= b[j])
            {
                output[k++] = a[i++];
            }
            else
            {
                output[k++] = b[j++];
                inversions += a.Length - i;
            }
        }
        while (i < a.Length) output[k++] = a[i++];
        while (j < b.Length) output[k++] = b[j++];
        return inversions;
    }
}
