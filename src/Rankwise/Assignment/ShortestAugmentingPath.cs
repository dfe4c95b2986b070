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
/// <para>Implementation: the tentative distances are kept for <em>all</em> columns in a dense array, so the
/// relaxation of a row is one straight vectorised sweep instead of a gather over a list of remaining columns. A column
/// that has been scanned in the current search is switched off by temporarily setting its dual <c>v[j]</c> to −∞
/// (which makes every relaxation candidate +∞, so it never updates) and its distance to +∞ (so the minimum search
/// skips it); its true distance and dual are kept aside and restored in the dual update. The minimum search is
/// fused into the same sweep.</para>
/// <para>Tie rule (deterministic): among unscanned columns at the same tentative distance the search takes an
/// unassigned column when there is one (which ends the search), otherwise the one with the lowest index. With this
/// rule a constant matrix yields the identity assignment.</para>
/// </remarks>
internal static class ShortestAugmentingPath
{
    private const long FreeMark = -1L;   // all bits set: a ready-made lane mask
    private const long TakenMark = 0L;

    /// <summary>Solves the assignment; fills <paramref name="columnForRow"/> (length <paramref name="n"/>).</summary>
    /// <param name="cost">Row-major <c>n × m</c> costs, no NaN and no −∞ (+∞ marks a forbidden pair).</param>
    /// <param name="n">Number of rows, 1 ≤ n ≤ m.</param>
    /// <param name="m">Number of columns.</param>
    /// <param name="columnForRow">Receives the column of every row.</param>
    /// <returns>−1 on success; otherwise the row being added when no finite augmenting path existed
    /// (rows 0..that row cannot all be matched through finite entries).</returns>
    internal static int Solve(ReadOnlySpan<double> cost, int n, int m, Span<int> columnForRow)
    {
        var u = new double[n];
        var v = new double[m];
        var d = new double[m];
        var path = new int[m];
        var rowForColumn = new int[m];
        var free = new long[m];
        // At most n − 1 assigned columns can be scanned before a free one is reached.
        var scannedColumns = new int[n];
        var scannedDistance = new double[n];
        var scannedDual = new double[n];

        rowForColumn.AsSpan().Fill(-1);
        free.AsSpan().Fill(FreeMark);
        columnForRow.Fill(-1);

        for (int current = 0; current < n; current++)
        {
            path.AsSpan().Fill(current);
            int row = current;
            double distance = 0;           // distance at which `row` is reached
            int scanned = 0;
            int sink;
            bool first = true;
            while (true)
            {
                ReadOnlySpan<double> costRow = cost.Slice(row * m, m);
                double offset = distance - u[row];
                Best best = first
                    ? RelaxFirst(costRow, offset, d, v, free)
                    : Relax(costRow, offset, row, d, v, free, path);
                first = false;

                if (double.IsPositiveInfinity(best.Value))
                {
                    // Undo the switched-off duals so the state stays consistent, then report.
                    for (int k = 0; k < scanned; k++)
                        v[scannedColumns[k]] = scannedDual[k];
                    return current;
                }

                distance = best.Value;
                int column = best.Index;
                if (free[column] == FreeMark)
                {
                    sink = column;
                    break;
                }

                scannedColumns[scanned] = column;
                scannedDistance[scanned] = distance;
                scannedDual[scanned] = v[column];
                scanned++;
                d[column] = double.PositiveInfinity;
                v[column] = double.NegativeInfinity;
                row = rowForColumn[column];
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
                int i = path[j];
                rowForColumn[j] = i;
                (columnForRow[i], j) = (j, columnForRow[i]);
                if (i == current)
                    break;
            }
            free[sink] = TakenMark;
        }
        return -1;
    }

    /// <summary>The best candidate column of a sweep.</summary>
    private struct Best
    {
        public double Value;
        public int Index;
        public bool Free;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Offer(double value, int index, bool free)
        {
            if (value < Value || (value == Value && ((free && !Free) || (free == Free && index < Index))))
            {
                Value = value;
                Index = index;
                Free = free;
            }
        }

        public static Best None => new() { Value = double.PositiveInfinity, Index = int.MaxValue, Free = false };
    }

    /// <summary>First sweep of a search (from the new row itself): every distance is set, no column is scanned yet.</summary>
    private static Best RelaxFirst(ReadOnlySpan<double> costRow, double offset, Span<double> d, ReadOnlySpan<double> v, ReadOnlySpan<long> free)
    {
        int m = costRow.Length;
        ref double c = ref MemoryMarshal.GetReference(costRow);
        ref double dd = ref MemoryMarshal.GetReference(d);
        ref double vv = ref MemoryMarshal.GetReference(v);
        ref long ff = ref MemoryMarshal.GetReference(free);
        Best best = Best.None;
        int j = 0;
        if (Vector256.IsHardwareAccelerated && m >= Vector256<double>.Count)
        {
            var offsetV = Vector256.Create(offset);
            var bestValue = Vector256.Create(double.PositiveInfinity);
            var bestIndex = Vector256<double>.Zero;
            var bestFree = Vector256<double>.Zero;
            var index = Vector256.Create(0.0, 1.0, 2.0, 3.0);
            var step = Vector256.Create((double)Vector256<double>.Count);
            for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var dist = Vector256.LoadUnsafe(ref c, (nuint)j) - Vector256.LoadUnsafe(ref vv, (nuint)j) + offsetV;
                dist.StoreUnsafe(ref dd, (nuint)j);
                var isFree = Vector256.LoadUnsafe(ref ff, (nuint)j).AsDouble();
                var better = Vector256.LessThan(dist, bestValue)
                    | (Vector256.Equals(dist, bestValue) & Vector256.AndNot(isFree, bestFree));
                bestValue = Vector256.ConditionalSelect(better, dist, bestValue);
                bestIndex = Vector256.ConditionalSelect(better, index, bestIndex);
                bestFree = Vector256.ConditionalSelect(better, isFree, bestFree);
                index += step;
            }
            Reduce(ref best, bestValue, bestIndex, bestFree);
        }
        for (; j < m; j++)
        {
            double dist = Unsafe.Add(ref c, j) - Unsafe.Add(ref vv, j) + offset;
            Unsafe.Add(ref dd, j) = dist;
            best.Offer(dist, j, Unsafe.Add(ref ff, j) == FreeMark);
        }
        return best;
    }

    /// <summary>Later sweep: relaxes the unscanned columns from <paramref name="row"/> and records improvements in <paramref name="path"/>.</summary>
    private static Best Relax(ReadOnlySpan<double> costRow, double offset, int row, Span<double> d, ReadOnlySpan<double> v, ReadOnlySpan<long> free, Span<int> path)
    {
        int m = costRow.Length;
        ref double c = ref MemoryMarshal.GetReference(costRow);
        ref double dd = ref MemoryMarshal.GetReference(d);
        ref double vv = ref MemoryMarshal.GetReference(v);
        ref long ff = ref MemoryMarshal.GetReference(free);
        ref int pp = ref MemoryMarshal.GetReference(path);
        Best best = Best.None;
        int j = 0;
        if (Vector256.IsHardwareAccelerated && m >= Vector256<double>.Count)
        {
            var offsetV = Vector256.Create(offset);
            var bestValue = Vector256.Create(double.PositiveInfinity);
            var bestIndex = Vector256<double>.Zero;
            var bestFree = Vector256<double>.Zero;
            var index = Vector256.Create(0.0, 1.0, 2.0, 3.0);
            var step = Vector256.Create((double)Vector256<double>.Count);
            for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var candidate = Vector256.LoadUnsafe(ref c, (nuint)j) - Vector256.LoadUnsafe(ref vv, (nuint)j) + offsetV;
                var dist = Vector256.LoadUnsafe(ref dd, (nuint)j);
                var improved = Vector256.LessThan(candidate, dist);
                uint bits = improved.ExtractMostSignificantBits();
                if (bits != 0)
                {
                    dist = Vector256.ConditionalSelect(improved, candidate, dist);
                    dist.StoreUnsafe(ref dd, (nuint)j);
                    do
                    {
                        Unsafe.Add(ref pp, j + BitOperations.TrailingZeroCount(bits)) = row;
                        bits &= bits - 1;
                    }
                    while (bits != 0);
                }
                var isFree = Vector256.LoadUnsafe(ref ff, (nuint)j).AsDouble();
                var better = Vector256.LessThan(dist, bestValue)
                    | (Vector256.Equals(dist, bestValue) & Vector256.AndNot(isFree, bestFree));
                bestValue = Vector256.ConditionalSelect(better, dist, bestValue);
                bestIndex = Vector256.ConditionalSelect(better, index, bestIndex);
                bestFree = Vector256.ConditionalSelect(better, isFree, bestFree);
                index += step;
            }
            Reduce(ref best, bestValue, bestIndex, bestFree);
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
            best.Offer(dist, j, Unsafe.Add(ref ff, j) == FreeMark);
        }
        return best;
    }

    private static void Reduce(ref Best best, Vector256<double> value, Vector256<double> index, Vector256<double> free)
    {
        for (int lane = 0; lane < Vector256<double>.Count; lane++)
        {
            double laneValue = value.GetElement(lane);
            if (double.IsPositiveInfinity(laneValue))
                continue; // nothing finite in this lane (its index may be unset)
            best.Offer(laneValue, (int)index.GetElement(lane), free.AsInt64().GetElement(lane) == FreeMark);
        }
    }
}
