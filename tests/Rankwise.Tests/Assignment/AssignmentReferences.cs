namespace Rankwise.Tests.Assignment;

/// <summary>Independent, deliberately simple solvers used as references in the assignment tests.</summary>
internal static class AssignmentReferences
{
    /// <summary>
    /// Exhaustive search over all injective maps from the shorter side to the longer side (row-major <paramref name="cost"/>),
    /// minimising. Returns the optimal total, or +∞ when every complete assignment uses a +∞ entry.
    /// Only for tiny matrices (≤ 8 on the longer side).
    /// </summary>
    public static double BruteForceMinimum(double[] cost, int rows, int cols)
    {
        if (rows == 0 || cols == 0)
            return 0;
        bool transpose = rows > cols;
        int n = transpose ? cols : rows;
        int m = transpose ? rows : cols;
        double At(int i, int j) => transpose ? cost[j * cols + i] : cost[i * cols + j];

        double best = double.PositiveInfinity;
        var used = new bool[m];
        void Recurse(int i, double partial)
        {
            if (i == n)
            {
                if (partial < best)
                    best = partial;
                return;
            }
            for (int j = 0; j < m; j++)
            {
                if (used[j] || double.IsPositiveInfinity(At(i, j)))
                    continue;
                used[j] = true;
                Recurse(i + 1, partial + At(i, j));
                used[j] = false;
            }
        }
        Recurse(0, 0.0);
        return best;
    }

    /// <summary>
    /// The classic O(n²m) Hungarian method with potentials (Kuhn–Munkres as usually taught), for finite matrices with
    /// rows ≤ columns, minimising. Returns the column of each row. Scalar and unoptimised on purpose.
    /// </summary>
    public static int[] Hungarian(double[] cost, int n, int m)
    {
        if (n > m)
            throw new ArgumentException("reference Hungarian needs rows <= columns");
        // 1-based arrays; index 0 is the virtual root.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var rowOfColumn = new int[m + 1];
        var way = new int[m + 1];
        for (int i = 1; i <= n; i++)
        {
            rowOfColumn[0] = i;
            int column = 0;
            var minv = new double[m + 1];
            Array.Fill(minv, double.PositiveInfinity);
            var used = new bool[m + 1];
            do
            {
                used[column] = true;
                int row = rowOfColumn[column];
                double delta = double.PositiveInfinity;
                int next = -1;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j])
                        continue;
                    double reduced = cost[(row - 1) * m + (j - 1)] - u[row] - v[j];
                    if (reduced < minv[j])
                    {
                        minv[j] = reduced;
                        way[j] = column;
                    }
                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        next = j;
                    }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }
                column = next;
            }
            while (rowOfColumn[column] != 0);
            do
            {
                int previous = way[column];
                rowOfColumn[column] = rowOfColumn[previous];
                column = previous;
            }
            while (column != 0);
        }
        var columnOfRow = new int[n];
        for (int j = 1; j <= m; j++)
            if (rowOfColumn[j] != 0)
                columnOfRow[rowOfColumn[j] - 1] = j - 1;
        return columnOfRow;
    }

    /// <summary>Total of the Hungarian reference on any finite matrix (transposing a tall one).</summary>
    public static double HungarianTotal(double[] cost, int rows, int cols)
    {
        if (rows == 0 || cols == 0)
            return 0;
        if (rows <= cols)
        {
            int[] assignment = Hungarian(cost, rows, cols);
            return ExactSum(Enumerable.Range(0, rows).Select(i => cost[i * cols + assignment[i]]));
        }
        var transposed = Transpose(cost, rows, cols);
        int[] rowOfColumn = Hungarian(transposed, cols, rows);
        return ExactSum(Enumerable.Range(0, cols).Select(j => cost[rowOfColumn[j] * cols + j]));
    }

    public static double[] Transpose(double[] cost, int rows, int cols)
    {
        var t = new double[cost.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = cost[i * cols + j];
        return t;
    }

    /// <summary>Sum with error compensation (Neumaier), so totals can be compared tightly.</summary>
    public static double ExactSum(IEnumerable<double> values)
    {
        double sum = 0, c = 0;
        foreach (double x in values)
        {
            double t = sum + x;
            c += Math.Abs(sum) >= Math.Abs(x) ? (sum - t) + x : (x - t) + sum;
            sum = t;
        }
        return sum + c;
    }
}
