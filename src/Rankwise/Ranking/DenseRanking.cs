using System.Buffers;

namespace Rankwise.Ranking;

/// <summary>
/// Dense 0-based ranks of NaN-free data (equal values share a rank; ranks are consecutive) and the
/// size of each tie group. Rank comparisons then stand in for value comparisons, which lets the
/// rank-correlation kernels sort with O(n) counting passes.
/// </summary>
internal sealed class DenseRanking
{
    private DenseRanking(int[] ranks, int[] groupSizes)
    {
        Ranks = ranks;
        GroupSizes = groupSizes;
    }

    /// <summary>The dense rank (0 … <see cref="GroupCount"/> − 1) of each element.</summary>
    public int[] Ranks { get; }

    /// <summary>The number of elements in each group, by rank.</summary>
    public int[] GroupSizes { get; }

    /// <summary>The number of distinct values.</summary>
    public int GroupCount => GroupSizes.Length;

    /// <summary>Ranks NaN-free <paramref name="values"/>.</summary>
    public static DenseRanking Compute(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var ranks = new int[n];
        if (n == 0) return new DenseRanking(ranks, []);
        SortEntry<ulong>[] entries = ArrayPool<SortEntry<ulong>>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                entries[i].Key = SortKeys.Of(values[i]);
                entries[i].Index = i;
            }
            StableArgSort.Sort(entries, n);
            var sizes = new List<int>();
            int start = 0;
            for (int i = 1; i <= n; i++)
            {
                if (i < n && entries[i].Key == entries[start].Key) continue;
                int group = sizes.Count;
                for (int k = start; k < i; k++) ranks[entries[k].Index] = group;
                sizes.Add(i - start);
                start = i;
            }
            return new DenseRanking(ranks, [.. sizes]);
        }
        finally
        {
            ArrayPool<SortEntry<ulong>>.Shared.Return(entries);
        }
    }

    /// <summary>
    /// Stable counting sort of <paramref name="order"/> by <paramref name="keys"/>[order[k]]
    /// (keys in [0, <paramref name="keyCount"/>)); returns the new order.
    /// </summary>
    public static int[] CountingSort(ReadOnlySpan<int> order, int[] keys, int keyCount)
    {
        var counts = new int[keyCount + 1];
        foreach (int i in order) counts[keys[i] + 1]++;
        for (int k = 1; k <= keyCount; k++) counts[k] += counts[k - 1];
        var result = new int[order.Length];
        foreach (int i in order) result[counts[keys[i]]++] = i;
        return result;
    }

    /// <summary>
    /// The element indices sorted by (<paramref name="primary"/>, <paramref name="secondary"/>),
    /// ties by index — numpy's <c>lexsort((secondary, primary))</c>.
    /// </summary>
    public static int[] LexicographicOrder(DenseRanking primary, DenseRanking secondary)
    {
        int n = primary.Ranks.Length;
        var identity = new int[n];
        for (int i = 0; i < n; i++) identity[i] = i;
        int[] bySecondary = CountingSort(identity, secondary.Ranks, secondary.GroupCount);
        return CountingSort(bySecondary, primary.Ranks, primary.GroupCount);
    }
}
