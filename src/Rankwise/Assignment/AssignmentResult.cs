namespace Rankwise.Assignment;

/// <summary>
/// The result of a linear assignment (<see cref="LinearAssignment"/>): the pairs
/// <c>(Rows[k], Columns[k])</c> of an optimal matching and the total of their costs,
/// like the <c>(row_ind, col_ind)</c> pair returned by <c>scipy.optimize.linear_sum_assignment</c>.
/// </summary>
/// <remarks>
/// For an <c>r × c</c> cost matrix there are <c>min(r, c)</c> pairs. <see cref="Rows"/> is sorted ascending;
/// when <c>r ≤ c</c> it is simply <c>0, 1, …, r − 1</c>. Rows (when <c>r &gt; c</c>) or columns (when
/// <c>r &lt; c</c>) that are not part of any pair are left unassigned.
/// </remarks>
/// <param name="Rows">Row index of each pair, ascending.</param>
/// <param name="Columns">Column index of each pair; <c>Columns[k]</c> is matched to <c>Rows[k]</c>.</param>
/// <param name="Total">Sum of the original cost entries <c>cost[Rows[k], Columns[k]]</c> (not negated when maximising);
/// 0 for an empty matrix.</param>
public sealed record AssignmentResult(int[] Rows, int[] Columns, double Total)
{
    /// <summary>
    /// Number of rows of the cost matrix that was solved. <see cref="LinearAssignment"/> sets it; when the record is
    /// constructed directly it defaults to one more than the largest index in <see cref="Rows"/> (0 when empty).
    /// </summary>
    public int RowCount { get; init; } = MaxPlusOne(Rows);

    /// <summary>
    /// Number of columns of the cost matrix that was solved. <see cref="LinearAssignment"/> sets it; when the record is
    /// constructed directly it defaults to one more than the largest index in <see cref="Columns"/> (0 when empty).
    /// </summary>
    public int ColumnCount { get; init; } = MaxPlusOne(Columns);

    /// <summary>Number of assigned pairs, <c>min(rows, columns)</c>.</summary>
    public int Count => Rows.Length;

    /// <summary>
    /// The column assigned to each row: a new array of length <see cref="RowCount"/>, with −1 for rows left unassigned
    /// (only possible when the cost matrix has more rows than columns).
    /// </summary>
    public int[] ColumnForRow => Inverse(Rows, Columns, RowCount);

    /// <summary>
    /// The row assigned to each column: a new array of length <see cref="ColumnCount"/>, with −1 for columns left unassigned
    /// (only possible when the cost matrix has more columns than rows).
    /// </summary>
    public int[] RowForColumn => Inverse(Columns, Rows, ColumnCount);

    private static int MaxPlusOne(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int max = -1;
        foreach (int index in indices)
            max = Math.Max(max, index);
        return max + 1;
    }

    private static int[] Inverse(int[] keys, int[] values, int length)
    {
        if (keys.Length != values.Length)
            throw new InvalidOperationException($"assignment result has {keys.Length} indices on one side but {values.Length} on the other");
        var map = new int[length];
        Array.Fill(map, -1);
        for (int k = 0; k < keys.Length; k++)
        {
            if ((uint)keys[k] >= (uint)length)
                throw new InvalidOperationException($"assignment index {keys[k]} is outside 0..{length - 1}");
            map[keys[k]] = values[k];
        }
        return map;
    }
}
