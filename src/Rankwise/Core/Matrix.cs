using System.Numerics;

namespace Rankwise;

/// <summary>
/// A dense row-major matrix: rows are samples (stimuli, items, words), columns are features (units, dimensions).
/// The storage is a single managed array of <c>Rows × Columns</c> elements; a vector is a matrix with one column.
/// </summary>
/// <typeparam name="T">Element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a matrix over <paramref name="data"/> (not copied).</summary>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="columns">Number of columns (≥ 0).</param>
    /// <param name="data">Row-major storage of length <c>rows × columns</c>.</param>
    /// <param name="rowLabels">Optional row labels (vocabulary words, item ids), one per row.</param>
    /// <param name="columnNames">Optional column names (CSV header), one per column.</param>
    public Matrix(int rows, int columns, T[] data, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(data);
        if ((long)rows * columns != data.Length)
            throw new ArgumentException($"data has {data.Length} elements, expected {rows} × {columns} = {(long)rows * columns}", nameof(data));
        if (rowLabels is not null && rowLabels.Count != rows)
            throw new ArgumentException($"{rowLabels.Count} row labels for {rows} rows", nameof(rowLabels));
        if (columnNames is not null && columnNames.Count != columns)
            throw new ArgumentException($"{columnNames.Count} column names for {columns} columns", nameof(columnNames));
        Rows = rows;
        Columns = columns;
        Data = data;
        RowLabels = rowLabels;
        ColumnNames = columnNames;
    }

    /// <summary>Creates a zero matrix.</summary>
    public Matrix(int rows, int columns) : this(rows, columns, new T[checked(rows * columns)]) { }

    /// <summary>Number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns { get; }

    /// <summary>Row-major storage.</summary>
    public T[] Data { get; }

    /// <summary>Optional row labels, one per row.</summary>
    public IReadOnlyList<string>? RowLabels { get; }

    /// <summary>Optional column names, one per column.</summary>
    public IReadOnlyList<string>? ColumnNames { get; }

    /// <summary>Element at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public T this[int row, int column]
    {
        get => Data[(long)row * Columns + column];
        set => Data[(long)row * Columns + column] = value;
    }

    /// <summary>A view of one row.</summary>
    public Span<T> Row(int row) => Data.AsSpan(checked(row * Columns), Columns);

    /// <summary>A copy of one column.</summary>
    public T[] Column(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
        var result = new T[Rows];
        for (int i = 0; i < Rows; i++)
            result[i] = Data[(long)i * Columns + column];
        return result;
    }

    /// <summary>The shape as <c>[rows, columns]</c>.</summary>
    public override string ToString() => $"[{Rows}, {Columns}] {typeof(T).Name}";
}
