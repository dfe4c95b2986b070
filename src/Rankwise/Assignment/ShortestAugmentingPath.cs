using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rankwise.Assignment;

/// <summary>
/// Minimum-cost assignment of every row of a wide (<c>n ≤ m</c>) row-major cost matrix to a distinct column by
/// successive shortest augmenting paths (Crouse 2016, Algorithm 1; the Jonker–Volgenant family), the method behind
/// scipy's <c>linear_sum_assignment</c>.
/// </summary>
/// <remarks>
/// <para>Rows are added one at a time (in index order). For each new row a Dijkstra search over the reduced costs
/// <c>cost[i, j] − u[i] − v[j]</c> finds the cheapest alternating path to an unassigned column; the matching is flipped
/// along it and the duals <c>u</c>, <c>v</c> are updated so that every reduced cost stays non-negative.</para>
/// <para>Implementation: the tentative distances are kept for <em>all</em> columns in a dense array, so relaxing the
/// edges of a row is one branch-free vectorised sweep instead of a gather over a list of remaining columns. A column
/// that has been scanned in the current search is switched off by temporarily setting its dual <c>v[j]</c> to −∞
/// (which makes every relaxation candidate +∞, so it never improves) and its distance to +∞ (so the minimum skips
/// it); its true distance and dual are kept aside and used in the dual update. The same sweep computes the minimum
/// distance over all columns and, while many columns are still unassigned, over the unassigned ones (once fewer than
/// one column in <see cref="FreeListRatio"/> is unassigned, that minimum is taken over a compact list instead); a short
/// early-exit search then finds the column.</para>
/// <para>Tie rule (deterministic): among unscanned columns at the same tentative distance the search takes an
/// unassigned column when there is one (which ends the search), otherwise the one with the lowest index; among
/// unassigned ones also the lowest index. With this rule a constant matrix yields the identity assignment.</para>
/// </remarks>
internal static class ShortestAugmentingPath
{
    /// <summary>Solves the assignment; fills <paramref name="columnForRow"/> (length <paramref name="n"/>).</summary>
    /// <param name="cost">Row-major <c>n × m</c> costs, no NaN and no −∞ (+∞ marks a forbidden pair).</param>
    /// <param name="n">Number of rows, 1 ≤ n ≤ m.</param>
    /// <param name="m">Number of columns.</param>
    /// <param name="columnForRow">Receives the column of every row.</param>
    /// <returns>−1 on success; otherwise the row being added when no finite augmenting path existed
    /// (rows 0..that row cannot all be matched through finite entries).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Solve(ReadOnlySpan<double> cost, int n, int m, Span<int> columnForRow)
    {
        var u = new double[n];
        var v = new double[m];
        var d = new double[m];
        var path = new double[m];        // the row (as a double, for branch-free selects) that last lowered d[j]
        var rowForColumn = new int[m];
        var floor = new double[m];       // −∞ for an unassigned column, +∞ for an assigned one
        var freeList = new int[m];       // the unassigned columns, in no particular order
        var freePosition = new int[m];   // index of each unassigned column in freeList
        int freeCount = m;
        // At most n − 1 assigned columns can be scanned before an unassigned one is reached.
        var scannedColumns = new int[n];
        var scannedDistance = new double[n];
        var scannedDual = new double[n];

        rowForColumn.AsSpan().Fill(-1);
        floor.AsSpan().Fill(double.NegativeInfinity);
        columnForRow.Fill(-1);
        for (int j = 0; j < m; j++)
            freeList[j] = freePosition[j] = j;

        for (int current = 0; current < n; current++)
        {
            path.AsSpan().Fill(current);
            int row = current;
            double distance = 0;           // distance at which `row` is reached
            int scanned = 0;
            // While many columns are unassigned the sweep tracks their minimum as it goes; once few are left it is
            // cheaper to skip that in the sweep and take the minimum over the short list afterwards.
            bool trackFreeInSweep = freeCount * FreeListRatio > m;
            ReadOnlySpan<int> free = freeList.AsSpan(0, freeCount);
            double lowest, lowestFree;
            if (trackFreeInSweep)
            {
                (lowest, lowestFree) = RelaxFirst<TrackFree>(cost.Slice(row * m, m), -u[row], d, v, floor);
            }
            else
            {
                lowest = RelaxFirst<IgnoreFree>(cost.Slice(row * m, m), -u[row], d, v, floor).Lowest;
                lowestFree = LowestAt(d, free);
            }
            int sink;
            while (true)
            {
                if (double.IsPositiveInfinity(lowest))
                {
                    // Restore the switched-off duals so the state stays consistent, then report.
                    for (int k = 0; k < scanned; k++)
                        v[scannedColumns[k]] = scannedDual[k];
                    return current;
                }

                distance = lowest;
                if (lowestFree == lowest)
                {
                    sink = FirstUnassignedAt(d, free, lowest);
                    break;
                }
                int column = FirstAt(d, lowest);

                scannedColumns[scanned] = column;
                scannedDistance[scanned] = distance;
                scannedDual[scanned] = v[column];
                scanned++;
                d[column] = double.PositiveInfinity;
                v[column] = double.NegativeInfinity;
                row = rowForColumn[column];
                if (trackFreeInSweep)
                {
                    (lowest, lowestFree) = Relax<TrackFree>(cost.Slice(row * m, m), distance - u[row], row, d, v, floor, path);
                }
                else
                {
                    lowest = Relax<IgnoreFree>(cost.Slice(row * m, m), distance - u[row], row, d, v, floor, path).Lowest;
                    lowestFree = LowestAt(d, free);
                }
            }

            // Dual update: every row and column reached before the sink moves by (final distance − its distance).
            u[current] += distance;
            for (int k = 0; k < scanned; k++)
            {
                int column = scannedColumns[k];
                double delta = distance - scannedDistance[k];
                v[column] = scannedDual[k] - delta;
                u[rowForColumn[column]] += delta;
            }

            // Flip the matching along the alternating path that ends at the sink.
            int j = sink;
            while (true)
            {
                int i = (int)path[j];
                rowForColumn[j] = i;
                (columnForRow[i], j) = (j, columnForRow[i]);
                if (i == current)
                    break;
            }
            floor[sink] = double.PositiveInfinity;
            int last = freeList[--freeCount];
            freeList[freePosition[sink]] = last;
            freePosition[last] = freePosition[sink];
        }
        return -1;
    }

    /// <summary>Below this many columns per unassigned column, the unassigned minimum is taken from the free list.</summary>
    private const int FreeListRatio = 8;

    /// <summary>Whether a sweep also tracks the minimum over the unassigned columns (a compile-time switch).</summary>
    private interface IFreeTracking;

    /// <summary>The sweep tracks the unassigned minimum.</summary>
    private readonly struct TrackFree : IFreeTracking;

    /// <summary>The sweep does not track the unassigned minimum (it returns +∞ for it).</summary>
    private readonly struct IgnoreFree : IFreeTracking;

    /// <summary>
    /// First sweep of a search (from the new row itself): sets every distance <c>d[j] = cost[j] − v[j] + offset</c>.
    /// Returns the minimum distance over all columns and over the unassigned columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Lowest, double LowestFree) RelaxFirst<TFree>(
        ReadOnlySpan<double> costRow, double offset, Span<double> d, ReadOnlySpan<double> v, ReadOnlySpan<double> floor)
        where TFree : struct, IFreeTracking
    {
        int m = costRow.Length;
        ref double c = ref MemoryMarshal.GetReference(costRow);
        ref double dd = ref MemoryMarshal.GetReference(d);
        ref double vv = ref MemoryMarshal.GetReference(v);
        ref double ff = ref MemoryMarshal.GetReference(floor);
        double lowest = double.PositiveInfinity, lowestFree = double.PositiveInfinity;
        int j = 0;
        if (Vector256.IsHardwareAccelerated && m >= Vector256<double>.Count)
        {
            var offsetV = Vector256.Create(offset);
            var low = Vector256.Create(double.PositiveInfinity);
            var lowFree = low;
            for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var dist = Vector256.LoadUnsafe(ref c, (nuint)j) - Vector256.LoadUnsafe(ref vv, (nuint)j) + offsetV;
                dist.StoreUnsafe(ref dd, (nuint)j);
                low = Vector256.MinNative(low, dist);
                if (typeof(TFree) == typeof(TrackFree))
                    lowFree = Vector256.MinNative(lowFree, Vector256.MaxNative(dist, Vector256.LoadUnsafe(ref ff, (nuint)j)));
            }
            lowest = HorizontalMin(low);
            lowestFree = HorizontalMin(lowFree);
        }
        for (; j < m; j++)
        {
            double dist = Unsafe.Add(ref c, j) - Unsafe.Add(ref vv, j) + offset;
            Unsafe.Add(ref dd, j) = dist;
            lowest = Math.Min(lowest, dist);
            if (typeof(TFree) == typeof(TrackFree))
                lowestFree = Math.Min(lowestFree, Math.Max(dist, Unsafe.Add(ref ff, j)));
        }
        return (lowest, lowestFree);
    }

    /// <summary>
    /// Later sweep: lowers <c>d[j]</c> to <c>cost[j] − v[j] + offset</c> where that is smaller, recording
    /// <paramref name="row"/> in <paramref name="path"/>. Returns the minimum distance over all columns and over the
    /// unassigned columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Lowest, double LowestFree) Relax<TFree>(
        ReadOnlySpan<double> costRow, double offset, int row, Span<double> d, ReadOnlySpan<double> v, ReadOnlySpan<double> floor, Span<double> path)
        where TFree : struct, IFreeTracking
    {
        int m = costRow.Length;
        ref double c = ref MemoryMarshal.GetReference(costRow);
        ref double dd = ref MemoryMarshal.GetReference(d);
        ref double vv = ref MemoryMarshal.GetReference(v);
        ref double ff = ref MemoryMarshal.GetReference(floor);
        ref double pp = ref MemoryMarshal.GetReference(path);
        double lowest = double.PositiveInfinity, lowestFree = double.PositiveInfinity;
        int j = 0;
        if (Vector256.IsHardwareAccelerated && m >= Vector256<double>.Count)
        {
            var offsetV = Vector256.Create(offset);
            var rowV = Vector256.Create((double)row);
            var low = Vector256.Create(double.PositiveInfinity);
            var lowFree = low;
            // Two interleaved blocks per iteration keep two independent minimum chains in flight.
            var low2 = low;
            var lowFree2 = low;
            for (; j <= m - 2 * Vector256<double>.Count; j += 2 * Vector256<double>.Count)
            {
                RelaxBlock<TFree>(ref c, ref vv, ref dd, ref pp, ref ff, (nuint)j, offsetV, rowV, ref low, ref lowFree);
                RelaxBlock<TFree>(ref c, ref vv, ref dd, ref pp, ref ff, (nuint)(j + Vector256<double>.Count), offsetV, rowV, ref low2, ref lowFree2);
            }
            if (j <= m - Vector256<double>.Count)
            {
                RelaxBlock<TFree>(ref c, ref vv, ref dd, ref pp, ref ff, (nuint)j, offsetV, rowV, ref low, ref lowFree);
                j += Vector256<double>.Count;
            }
            lowest = HorizontalMin(Vector256.MinNative(low, low2));
            lowestFree = HorizontalMin(Vector256.MinNative(lowFree, lowFree2));
        }
        for (; j < m; j++)
        {
            double candidate = Unsafe.Add(ref c, j) - Unsafe.Add(ref vv, j) + offset;
            ref double dist = ref Unsafe.Add(ref dd, j);
            if (candidate < dist)
            {
                dist = candidate;
                Unsafe.Add(ref pp, j) = row;
            }
            lowest = Math.Min(lowest, dist);
            if (typeof(TFree) == typeof(TrackFree))
                lowestFree = Math.Min(lowestFree, Math.Max(dist, Unsafe.Add(ref ff, j)));
        }
        return (lowest, lowestFree);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RelaxBlock<TFree>(
        ref double c, ref double vv, ref double dd, ref double pp, ref double ff, nuint j,
        Vector256<double> offset, Vector256<double> row, ref Vector256<double> low, ref Vector256<double> lowFree)
        where TFree : struct, IFreeTracking
    {
        var candidate = Vector256.LoadUnsafe(ref c, j) - Vector256.LoadUnsafe(ref vv, j) + offset;
        var dist = Vector256.LoadUnsafe(ref dd, j);
        var improved = Vector256.LessThan(candidate, dist);
        dist = Vector256.ConditionalSelect(improved, candidate, dist);
        dist.StoreUnsafe(ref dd, j);
        Vector256.ConditionalSelect(improved, row, Vector256.LoadUnsafe(ref pp, j)).StoreUnsafe(ref pp, j);
        low = Vector256.MinNative(low, dist);
        if (typeof(TFree) == typeof(TrackFree))
            lowFree = Vector256.MinNative(lowFree, Vector256.MaxNative(dist, Vector256.LoadUnsafe(ref ff, j)));
    }

    /// <summary>The lowest index with <c>d[j] == value</c> (one exists).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FirstAt(ReadOnlySpan<double> d, double value)
    {
        int m = d.Length;
        ref double dd = ref MemoryMarshal.GetReference(d);
        int j = 0;
        if (Vector256.IsHardwareAccelerated && m >= Vector256<double>.Count)
        {
            var target = Vector256.Create(value);
            for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                uint hits = Vector256.Equals(Vector256.LoadUnsafe(ref dd, (nuint)j), target).ExtractMostSignificantBits();
                if (hits != 0)
                    return j + BitOperations.TrailingZeroCount(hits);
            }
        }
        for (; j < m; j++)
            if (Unsafe.Add(ref dd, j) == value)
                return j;
        throw new InvalidOperationException("assignment search lost its minimum column");
    }

    /// <summary>The lowest index among the unassigned columns <paramref name="free"/> with <c>d[j] == value</c> (one exists).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FirstUnassignedAt(ReadOnlySpan<double> d, ReadOnlySpan<int> free, double value)
    {
        int best = int.MaxValue;
        foreach (int j in free)
            if (d[j] == value && j < best)
                best = j;
        if (best == int.MaxValue)
            throw new InvalidOperationException("assignment search lost its minimum unassigned column");
        return best;
    }

    /// <summary>The minimum of <c>d[j]</c> over the columns in <paramref name="columns"/> (+∞ when empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double LowestAt(ReadOnlySpan<double> d, ReadOnlySpan<int> columns)
    {
        double a = double.PositiveInfinity, b = double.PositiveInfinity;
        int k = 0;
        for (; k + 1 < columns.Length; k += 2)
        {
            a = Math.Min(a, d[columns[k]]);
            b = Math.Min(b, d[columns[k + 1]]);
        }
        if (k < columns.Length)
            a = Math.Min(a, d[columns[k]]);
        return Math.Min(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double HorizontalMin(Vector256<double> x)
    {
        double result = x.GetElement(0);
        for (int lane = 1; lane < Vector256<double>.Count; lane++)
            result = Math.Min(result, x.GetElement(lane));
        return result;
    }
}
