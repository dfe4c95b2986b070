using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rankwise.Assignment;

/// <summary>
/// The linear sum assignment problem (minimum-weight bipartite matching): choose at most one column per row and at
/// most one row per column, matching <c>min(rows, columns)</c> pairs, so that the total cost is minimal (or maximal).
/// Equivalent to <c>scipy.optimize.linear_sum_assignment</c> (scipy 1.10).
/// </summary>
/// <remarks>
/// <para>Formally, for an <c>r × c</c> cost matrix <c>C</c> and <c>k = min(r, c)</c>, find distinct rows
/// <c>i₁ &lt; … &lt; i_k</c> and distinct columns <c>j₁, …, j_k</c> minimising <c>Σ C[i_t, j_t]</c>.</para>
/// <para>Algorithm: shortest augmenting paths with dual variables (D. F. Crouse, "On implementing 2D rectangular
/// assignment algorithms", IEEE Trans. Aerospace and Electronic Systems 52(4), 2016), the Jonker–Volgenant-family method
/// scipy uses; <c>O(k² · max(r, c))</c> in the worst case. A tall matrix (<c>r &gt; c</c>) is solved transposed, as in
/// scipy; maximisation solves the negated matrix.</para>
/// <para>Entries: <c>+∞</c> marks a forbidden pair when minimising (<c>−∞</c> when maximising). NaN, and <c>−∞</c> when
/// minimising (<c>+∞</c> when maximising), are rejected with an <see cref="ArgumentException"/> (scipy: "matrix contains
/// invalid numeric entries"). If no assignment of <c>k</c> pairs avoids forbidden entries, an
/// <see cref="InfeasibleAssignmentException"/> (an <see cref="ArgumentException"/>; scipy: "cost matrix is infeasible")
/// is thrown.</para>
/// <para>Ties: the optimal total is unique, the pairs need not be. The result is deterministic: rows of the shorter side
/// are added in index order, and each shortest-path search, among columns at equal tentative distance, prefers an
/// unassigned column and then the lowest column index. A constant matrix therefore gives the identity assignment
/// (row <c>i</c> ↔ column <c>i</c>), as in scipy. When several optima exist the pairs may differ from scipy's; the total
/// agrees (exactly for integer-valued costs, to rounding otherwise). The reported total is the compensated (Neumaier) sum
/// of the chosen original entries.</para>
/// <para>An empty matrix (0 rows or 0 columns) gives an empty result with total 0. The input is never modified.
/// The method is thread-safe (no shared state).</para>
/// </remarks>
public static class LinearAssignment
{
    /// <summary>Solves the assignment problem for a dense cost matrix.</summary>
    /// <param name="cost">The <c>rows × columns</c> cost matrix (row labels and column names are ignored).</param>
    /// <param name="maximize">Maximise the total instead of minimising it (scipy's <c>maximize</c>).</param>
    /// <returns>The <c>min(rows, columns)</c> optimal pairs, rows ascending, and their total cost.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cost"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix contains NaN, or an infinity of the disallowed sign.</exception>
    /// <exception cref="InfeasibleAssignmentException">No complete assignment with a finite total exists.</exception>
    public static AssignmentResult Solve(Matrix<double> cost, bool maximize = false)
    {
        ArgumentNullException.ThrowIfNull(cost);
        return Solve(cost.Data, cost.Rows, cost.Columns, maximize);
    }

    /// <summary>Solves the assignment problem for a rectangular array <c>cost[row, column]</c>.</summary>
    /// <param name="cost">The cost matrix.</param>
    /// <param name="maximize">Maximise the total instead of minimising it (scipy's <c>maximize</c>).</param>
    /// <returns>The <c>min(rows, columns)</c> optimal pairs, rows ascending, and their total cost.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cost"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix contains NaN, or an infinity of the disallowed sign.</exception>
    /// <exception cref="InfeasibleAssignmentException">No complete assignment with a finite total exists.</exception>
    public static AssignmentResult Solve(double[,] cost, bool maximize = false)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ReadOnlySpan<double> data = MemoryMarshal.CreateReadOnlySpan(
            ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(cost)), cost.Length);
        return Solve(data, cost.GetLength(0), cost.GetLength(1), maximize);
    }

    /// <summary>Solves the assignment problem for a row-major cost matrix held in a flat span.</summary>
    /// <param name="cost">Row-major storage: entry <c>(i, j)</c> is <c>cost[i * cols + j]</c>; length <c>rows × cols</c>.</param>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="cols">Number of columns (≥ 0).</param>
    /// <param name="maximize">Maximise the total instead of minimising it (scipy's <c>maximize</c>).</param>
    /// <returns>The <c>min(rows, columns)</c> optimal pairs, rows ascending, and their total cost.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="cols"/> is negative.</exception>
    /// <exception cref="ArgumentException">The span length is not <c>rows × cols</c>, or the matrix contains NaN or an infinity of the disallowed sign.</exception>
    /// <exception cref="InfeasibleAssignmentException">No complete assignment with a finite total exists.</exception>
    public static AssignmentResult Solve(ReadOnlySpan<double> cost, int rows, int cols, bool maximize = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if ((long)rows * cols != cost.Length)
            throw new ArgumentException($"cost has {cost.Length} elements, expected {rows} × {cols} = {(long)rows * cols}", nameof(cost));

        if (rows == 0 || cols == 0)
            return new AssignmentResult([], [], 0.0) { RowCount = rows, ColumnCount = cols };

        int invalid = FindInvalid(cost, maximize);
        if (invalid >= 0)
        {
            double bad = cost[invalid];
            string what = double.IsNaN(bad) ? "NaN" : maximize ? "+∞ (not allowed when maximising)" : "−∞ (not allowed when minimising)";
            throw new ArgumentException(
                $"cost matrix contains invalid numeric entries: {what} at ({invalid / cols}, {invalid % cols})", nameof(cost));
        }

        bool transpose = cols < rows;
        int n = Math.Min(rows, cols);
        int m = Math.Max(rows, cols);
        ReadOnlySpan<double> work = cost;
        if (transpose || maximize)
        {
            var buffer = GC.AllocateUninitializedArray<double>(cost.Length);
            if (transpose)
                TransposeInto(cost, rows, cols, buffer, maximize);
            else
                TensorPrimitives.Negate(cost, buffer);
            work = buffer;
        }

        var columnForRow = new int[n];
        int failed = ShortestAugmentingPath.Solve(work, n, m, columnForRow);
        if (failed >= 0)
        {
            string side = transpose ? "column" : "row";
            string other = transpose ? "rows" : "columns";
            string detail = failed == 0
                ? $"{side} 0 has no finite entry"
                : $"{side}s 0–{failed} cannot all be matched to distinct {other} through finite entries";
            throw new InfeasibleAssignmentException(detail, nameof(cost));
        }

        var resultRows = new int[n];
        var resultColumns = new int[n];
        if (!transpose)
        {
            for (int i = 0; i < n; i++)
            {
                resultRows[i] = i;
                resultColumns[i] = columnForRow[i];
            }
        }
        else
        {
            // The solved rows are the original columns; list the pairs by ascending original row.
            var columnOfRow = new int[rows];
            Array.Fill(columnOfRow, -1);
            for (int c = 0; c < n; c++)
                columnOfRow[columnForRow[c]] = c;
            int k = 0;
            for (int r = 0; r < rows; r++)
            {
                if (columnOfRow[r] < 0)
                    continue;
                resultRows[k] = r;
                resultColumns[k] = columnOfRow[r];
                k++;
            }
        }

        // Neumaier-compensated sum of the original entries.
        var total = new Numerics.CompensatedSum();
        for (int k = 0; k < n; k++)
            total.Add(cost[resultRows[k] * cols + resultColumns[k]]);

        return new AssignmentResult(resultRows, resultColumns, total.Value) { RowCount = rows, ColumnCount = cols };
    }

    /// <summary>Index of the first NaN or disallowed infinity (−∞ when minimising, +∞ when maximising), or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FindInvalid(ReadOnlySpan<double> cost, bool maximize)
    {
        // Valid entries satisfy x > −∞ (minimising) or x < +∞ (maximising); NaN fails both.
        ref double x = ref MemoryMarshal.GetReference(cost);
        int length = cost.Length;
        int k = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<double>.Count)
        {
            var limit = Vector256.Create(maximize ? double.PositiveInfinity : double.NegativeInfinity);
            for (; k <= length - Vector256<double>.Count; k += Vector256<double>.Count)
            {
                var value = Vector256.LoadUnsafe(ref x, (nuint)k);
                var ok = maximize ? Vector256.LessThan(value, limit) : Vector256.GreaterThan(value, limit);
                if (ok != Vector256<double>.AllBitsSet)
                    break;
            }
        }
        for (; k < length; k++)
        {
            double value = Unsafe.Add(ref x, k);
            if (!(maximize ? value < double.PositiveInfinity : value > double.NegativeInfinity))
                return k;
        }
        return -1;
    }

    /// <summary>Writes the <c>columns × rows</c> transpose of <paramref name="source"/> (optionally negated) into <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeInto(ReadOnlySpan<double> source, int rows, int columns, Span<double> target, bool negate)
    {
        // Tiles of Tile × Tile keep the source rows being read and the target rows being written in cache;
        // inside a tile, 4 × 4 blocks are transposed in registers.
        const int Tile = 64;
        double sign = negate ? -1.0 : 1.0;
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double dst = ref MemoryMarshal.GetReference(target);
        var signV = Vector256.Create(sign);
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(rows, r0 + Tile);
            for (int c0 = 0; c0 < columns; c0 += Tile)
            {
                int c1 = Math.Min(columns, c0 + Tile);
                int r = r0;
                if (Avx.IsSupported)
                {
                    for (; r <= r1 - 4; r += 4)
                    {
                        int c = c0;
                        for (; c <= c1 - 4; c += 4)
                        {
                            ref double s0 = ref Unsafe.Add(ref src, (nint)r * columns + c);
                            var a0 = Vector256.LoadUnsafe(ref s0);
                            var a1 = Vector256.LoadUnsafe(ref s0, (nuint)columns);
                            var a2 = Vector256.LoadUnsafe(ref s0, (nuint)(2 * columns));
                            var a3 = Vector256.LoadUnsafe(ref s0, (nuint)(3 * columns));
                            var t0 = Avx.UnpackLow(a0, a1);   // a00 a10 a02 a12
                            var t1 = Avx.UnpackHigh(a0, a1);  // a01 a11 a03 a13
                            var t2 = Avx.UnpackLow(a2, a3);   // a20 a30 a22 a32
                            var t3 = Avx.UnpackHigh(a2, a3);  // a21 a31 a23 a33
                            ref double d0 = ref Unsafe.Add(ref dst, (nint)c * rows + r);
                            (Avx.Permute2x128(t0, t2, 0x20) * signV).StoreUnsafe(ref d0);
                            (Avx.Permute2x128(t1, t3, 0x20) * signV).StoreUnsafe(ref d0, (nuint)rows);
                            (Avx.Permute2x128(t0, t2, 0x31) * signV).StoreUnsafe(ref d0, (nuint)(2 * rows));
                            (Avx.Permute2x128(t1, t3, 0x31) * signV).StoreUnsafe(ref d0, (nuint)(3 * rows));
                        }
                        for (; c < c1; c++)
                            for (int k = r; k < r + 4; k++)
                                Unsafe.Add(ref dst, (nint)c * rows + k) = sign * Unsafe.Add(ref src, (nint)k * columns + c);
                    }
                }
                for (; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        Unsafe.Add(ref dst, (nint)c * rows + r) = sign * Unsafe.Add(ref src, (nint)r * columns + c);
            }
        }
    }
}
