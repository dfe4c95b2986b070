using System.Numerics;
using Rankwise.Numerics;
using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// Correlation matrices between the columns (features, units) of data matrices whose rows are samples:
/// Pearson (numpy.corrcoef with <c>rowvar=False</c>) and Spearman (scipy.stats.spearmanr of a 2-D array),
/// for one matrix (columns × columns) or across two matrices with the same rows
/// (a.Columns × b.Columns, e.g. for matching units between two networks).
/// </summary>
/// <remarks>
/// <para>Columns are centred (accurate means), copied column-contiguous and multiplied with a blocked SIMD
/// Gram kernel; r[i, j] = ⟨aᵢ, bⱼ⟩ / (‖aᵢ‖‖bⱼ‖), clipped to [−1, 1]. The diagonal of a single-matrix result
/// is exactly 1 for every non-constant, NaN-free column.</para>
/// <para>A constant column (all values equal) gives a NaN row and column; a column containing NaN likewise
/// gives NaN wherever it is involved (NaN propagates, per column, as in scipy's spearmanr for more than two
/// variables). Spearman ranks each column with average ties. Float matrices are widened to double. The
/// result carries the column names as row labels and column names.</para>
/// </remarks>
public static class CorrelationMatrix
{
    /// <summary>Pearson correlations between the columns of <paramref name="m"/>: a Columns × Columns matrix.</summary>
    /// <param name="m">Data, rows = samples, columns = variables.</param>
    public static Matrix<double> Pearson<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(m);
        Columns a = Columns.Centered(m, rank: false);
        return Normalize(a, a, m.Rows, m.ColumnNames, m.ColumnNames, symmetric: true);
    }

    /// <summary>
    /// Pearson correlations between the columns of <paramref name="a"/> and those of <paramref name="b"/>
    /// (same rows): an a.Columns × b.Columns matrix.
    /// </summary>
    /// <param name="a">First data matrix, rows = samples.</param>
    /// <param name="b">Second data matrix with the same number of rows.</param>
    /// <exception cref="ArgumentException">The matrices have different numbers of rows.</exception>
    public static Matrix<double> Pearson<T>(Matrix<T> a, Matrix<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(a, b);
        return Normalize(Columns.Centered(a, rank: false), Columns.Centered(b, rank: false), a.Rows, a.ColumnNames, b.ColumnNames, symmetric: false);
    }

    /// <summary>Spearman rank correlations between the columns of <paramref name="m"/>: a Columns × Columns matrix.</summary>
    /// <param name="m">Data, rows = samples, columns = variables.</param>
    public static Matrix<double> Spearman<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(m);
        Columns a = Columns.Centered(m, rank: true);
        return Normalize(a, a, m.Rows, m.ColumnNames, m.ColumnNames, symmetric: true);
    }

    /// <summary>
    /// Spearman rank correlations between the columns of <paramref name="a"/> and those of
    /// <paramref name="b"/> (same rows): an a.Columns × b.Columns matrix.
    /// </summary>
    /// <param name="a">First data matrix, rows = samples.</param>
    /// <param name="b">Second data matrix with the same number of rows.</param>
    /// <exception cref="ArgumentException">The matrices have different numbers of rows.</exception>
    public static Matrix<double> Spearman<T>(Matrix<T> a, Matrix<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(a, b);
        return Normalize(Columns.Centered(a, rank: true), Columns.Centered(b, rank: true), a.Rows, a.ColumnNames, b.ColumnNames, symmetric: false);
    }

    private static void CheckRows<T>(Matrix<T> a, Matrix<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rows != b.Rows)
            throw new ArgumentException($"a and b must have the same number of rows (samples): a has {a.Rows}, b has {b.Rows}");
    }

    private static Matrix<double> Normalize(Columns a, Columns b, int n, IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnNames, bool symmetric)
    {
        var result = new double[a.Count * b.Count];
        if (n > 0 && a.Count > 0 && b.Count > 0)
            GramProduct.Compute(a.Data, a.Count, b.Data, b.Count, n, result, symmetric);
        double[] normA = a.Norms(), normB = symmetric ? normA : b.Norms();
        for (int i = 0; i < a.Count; i++)
        {
            for (int j = 0; j < b.Count; j++)
            {
                ref double r = ref result[i * b.Count + j];
                if (a.Constant[i] || b.Constant[j])
                    r = double.NaN;
                else if (symmetric && j < i)
                    r = result[j * b.Count + i]; // exactly symmetric
                else if (symmetric && i == j)
                    r = double.IsNaN(normA[i]) ? double.NaN : 1.0;
                else
                    r = Math.Max(-1.0, Math.Min(1.0, r / normA[i] / normB[j]));
            }
        }
        return new Matrix<double>(a.Count, b.Count, result, rowLabels, columnNames);
    }

    /// <summary>The centred (optionally ranked) data, row-major n × p, with per-column flags.</summary>
    private sealed class Columns
    {
        private const int Group = 8;
        private const int Block = 256;

        private Columns(double[] data, int count, int length, bool[] constant)
        {
            Data = data;
            Count = count;
            Length = length;
            Constant = constant;
        }

        /// <summary>Row-major centred data (Length rows × Count columns).</summary>
        public double[] Data { get; }
        public int Count { get; }
        public int Length { get; }
        public bool[] Constant { get; }

        public static Columns Centered<T>(Matrix<T> m, bool rank) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int n = m.Rows, p = m.Columns;
            var data = new double[checked(n * p)];
            T[] source = m.Data;
            for (int i = 0; i < data.Length; i++) data[i] = double.CreateTruncating(source[i]);
            var constant = new bool[p];
            for (int j = 0; j < p; j++) constant[j] = true;
            for (int k = 1; k < n; k++)
            {
                ReadOnlySpan<double> row = data.AsSpan(k * p, p), first = data.AsSpan(0, p);
                for (int j = 0; j < p; j++)
                    if (row[j] != first[j]) constant[j] = false;
            }
            if (rank) RankColumns(data, n, p);
            double[] means = ColumnSums(data, n, p, square: false);
            for (int j = 0; j < p; j++) means[j] /= n;
            for (int k = 0; k < n; k++)
            {
                Span<double> row = data.AsSpan(k * p, p);
                for (int j = 0; j < p; j++) row[j] -= means[j];
            }
            return new Columns(data, p, n, constant);
        }

        /// <summary>Replaces every column by its average ranks, groups of 8 columns in parallel.</summary>
        private static void RankColumns(double[] data, int n, int p)
        {
            int groups = (p + Group - 1) / Group;
            int workers = (long)n * p > 1 << 16 ? Math.Min(Environment.ProcessorCount, groups) : 1;
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                var values = new double[Group * n];
                var ranks = new double[n];
                var scratch = new int[n];
                for (int g = worker; g < groups; g += workers)
                {
                    int j0 = g * Group;
                    int width = Math.Min(Group, p - j0);
                    for (int k = 0; k < n; k++)
                        for (int c = 0; c < width; c++)
                            values[c * n + k] = data[k * p + j0 + c];
                    for (int c = 0; c < width; c++)
                    {
                        Rank.RankDataInPlace(values.AsSpan(c * n, n), ranks, scratch);
                        ranks.CopyTo(values, c * n);
                    }
                    for (int k = 0; k < n; k++)
                        for (int c = 0; c < width; c++)
                            data[k * p + j0 + c] = values[c * n + k];
                }
            });
        }

        /// <summary>Σₖ x[k, j] (or Σₖ x[k, j]²) for every column: row blocks summed plainly, blocks compensated.</summary>
        internal static double[] ColumnSums(double[] data, int n, int p, bool square)
        {
            var total = new CompensatedSum[p];
            var block = new double[p];
            for (int k0 = 0; k0 < n; k0 += Block)
            {
                Array.Clear(block);
                int k1 = Math.Min(n, k0 + Block);
                for (int k = k0; k < k1; k++)
                {
                    ReadOnlySpan<double> row = data.AsSpan(k * p, p);
                    if (square)
                        for (int j = 0; j < p; j++) block[j] += row[j] * row[j];
                    else
                        for (int j = 0; j < p; j++) block[j] += row[j];
                }
                for (int j = 0; j < p; j++) total[j].Add(block[j]);
            }
            var result = new double[p];
            for (int j = 0; j < p; j++) result[j] = total[j].Value;
            return result;
        }

        public double[] Norms()
        {
            double[] squares = ColumnSums(Data, Length, Count, square: true);
            for (int j = 0; j < Count; j++) squares[j] = Math.Sqrt(squares[j]);
            return squares;
        }
    }
}
