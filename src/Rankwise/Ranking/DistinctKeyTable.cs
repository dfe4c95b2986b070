using System.Numerics;
using System.Runtime.CompilerServices;

namespace Rankwise.Ranking;

/// <summary>
/// The distinct values of NaN-free float64 data with few distinct values (rounded measurements,
/// Likert scales, small integers), counted in one pass with an open-addressing hash table of their
/// order-preserving keys. Once the distinct keys are sorted, every value's rank follows from its
/// slot — ranking becomes two sequential passes with no sort and no random access into n-sized
/// arrays. Building gives up (returns null) as soon as more than the allowed number of distinct
/// values is seen, which for data without many ties happens after a few thousand elements.
/// </summary>
internal sealed class DistinctKeyTable
{
    /// <summary>The default limit on the number of distinct values.</summary>
    internal const int DefaultMaxDistinct = 1 << 14;

    private const ulong Empty = 0; // key 0 is below key(−∞): no non-NaN value maps to it
    private readonly ulong[] _keys;
    private readonly int _shift;
    private readonly int _mask;

    private DistinctKeyTable(int capacityLog)
    {
        _keys = new ulong[1 << capacityLog];
        Counts = new long[1 << capacityLog];
        _shift = 64 - capacityLog;
        _mask = (1 << capacityLog) - 1;
    }

    /// <summary>The number of occupied slots (distinct values).</summary>
    public int Distinct { get; private set; }

    /// <summary>The number of values in each slot.</summary>
    public long[] Counts { get; }

    /// <summary>After <see cref="Order"/>: the 0-based position in the sorted data where each slot's values start.</summary>
    public long[] Start { get; private set; } = [];

    /// <summary>After <see cref="Order"/>: the 0-based dense rank of each slot.</summary>
    public int[] DenseRank { get; private set; } = [];

    /// <summary>The number of slots (a power of two).</summary>
    public int Capacity => _keys.Length;

    /// <summary>
    /// Counts the distinct values of NaN-free <paramref name="values"/>; null if there are more than
    /// <paramref name="maxDistinct"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe DistinctKeyTable? TryBuild(ReadOnlySpan<double> values, int maxDistinct = DefaultMaxDistinct)
    {
        int capacityLog = BitOperations.Log2((uint)Math.Max(maxDistinct, 8)) + 2; // load factor ≤ 1/4
        var table = new DistinctKeyTable(capacityLog);
        int distinct = 0;
        fixed (double* v = values)
        fixed (ulong* keys = table._keys)
        fixed (long* counts = table.Counts)
        {
            int shift = table._shift, mask = table._mask;
            int n = values.Length;
            for (int i = 0; i < n; i++)
            {
                ulong key = SortKeys.Of(v[i]);
                int slot = (int)((key * 0x9E3779B97F4A7C15UL) >> shift);
                while (keys[slot] != key)
                {
                    if (keys[slot] == Empty)
                    {
                        if (++distinct > maxDistinct) return null;
                        keys[slot] = key;
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
                counts[slot]++;
            }
        }
        table.Distinct = distinct;
        return table;
    }

    /// <summary>The slot of a key present in the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Slot(ulong key)
    {
        int slot = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (_keys[slot] != key) slot = (slot + 1) & _mask;
        return slot;
    }

    /// <summary>Sorts the distinct keys and fills <see cref="Start"/> and <see cref="DenseRank"/>.</summary>
    public void Order()
    {
        var occupied = new List<(ulong Key, int Slot)>(Distinct);
        for (int s = 0; s < _keys.Length; s++)
            if (_keys[s] != Empty) occupied.Add((_keys[s], s));
        occupied.Sort((a, b) => a.Key.CompareTo(b.Key));
        Start = new long[_keys.Length];
        DenseRank = new int[_keys.Length];
        long position = 0;
        for (int r = 0; r < occupied.Count; r++)
        {
            int s = occupied[r].Slot;
            Start[s] = position;
            DenseRank[s] = r;
            position += Counts[s];
        }
    }
}
