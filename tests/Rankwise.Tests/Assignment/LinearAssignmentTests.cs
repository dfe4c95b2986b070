using CsCheck;
using Rankwise.Assignment;

namespace Rankwise.Tests.Assignment;

public class LinearAssignmentTests
{
    private static double[] RandomMatrix(Random rng, int rows, int cols, Func<Random, double> entry)
    {
        var cost = new double[rows * cols];
        for (int k = 0; k < cost.Length; k++)
            cost[k] = entry(rng);
        return cost;
    }

    [Fact]
    public void RandomSmallMatricesAreOptimalAgainstBruteForce()
    {
        var rng = new Random(12345);
        for (int trial = 0; trial < 600; trial++)
        {
            int rows = rng.Next(1, 8);
            int cols = rng.Next(1, 8);
            Func<Random, double> entry = (trial % 3) switch
            {
                0 => r => r.NextDouble(),
                1 => r => r.Next(0, 4),                      // many ties
                _ => r => (r.NextDouble() - 0.5) * 1e3,
            };
            double[] cost = RandomMatrix(rng, rows, cols, entry);
            double expected = AssignmentReferences.BruteForceMinimum(cost, rows, cols);
            AssignmentResult result = LinearAssignment.Solve(cost, rows, cols);
            AssignmentAssert.Valid(result, cost, rows, cols);
            AssignmentAssert.TotalClose(expected, result, cost, cols);
        }
    }

    [Fact]
    public void MatricesWithForbiddenPairsAgreeWithBruteForceIncludingInfeasibility()
    {
        var rng = new Random(777);
        int infeasible = 0, feasible = 0;
        for (int trial = 0; trial < 600; trial++)
        {
            int rows = rng.Next(1, 8);
            int cols = rng.Next(1, 8);
            double p = rng.NextDouble() * 0.8;
            double[] cost = RandomMatrix(rng, rows, cols, r => r.NextDouble() < p ? double.PositiveInfinity : r.Next(0, 5) + r.NextDouble() * (trial % 2));
            double expected = AssignmentReferences.BruteForceMinimum(cost, rows, cols);
            if (double.IsPositiveInfinity(expected))
            {
                infeasible++;
                var ex = Assert.Throws<InfeasibleAssignmentException>(() => LinearAssignment.Solve(cost, rows, cols));
                Assert.StartsWith("cost matrix is infeasible", ex.Message);
            }
            else
            {
                feasible++;
                AssignmentResult result = LinearAssignment.Solve(cost, rows, cols);
                AssignmentAssert.Valid(result, cost, rows, cols);
                AssignmentAssert.TotalClose(expected, result, cost, cols);
            }
        }
        Assert.True(infeasible > 50 && feasible > 50, $"{infeasible} infeasible, {feasible} feasible trials");
    }

    [Fact]
    public void PropertyTotalIsOptimalAgainstBruteForce()
    {
        // Entries: uniform doubles, small integers (ties), or +∞ (forbidden), mixed per matrix.
        var gen =
            from rows in Gen.Int[1, 6]
            from cols in Gen.Int[1, 6]
            from kind in Gen.Int[0, 2]
            from values in Gen.Double[-10, 10].Array[rows * cols]
            from ints in Gen.Int[0, 3].Array[rows * cols]
            from holes in Gen.Int[0, 9].Array[rows * cols]
            from maximize in Gen.Bool
            select (rows, cols, maximize, cost: Enumerable.Range(0, rows * cols).Select(k =>
                kind == 2 && holes[k] < 3 ? (maximize ? double.NegativeInfinity : double.PositiveInfinity)
                : kind == 1 ? ints[k]
                : values[k]).ToArray());

        gen.Sample(t =>
        {
            // Brute force minimises; for maximisation minimise the negation.
            double[] toMinimise = t.maximize ? t.cost.Select(x => -x).ToArray() : t.cost;
            double best = AssignmentReferences.BruteForceMinimum(toMinimise, t.rows, t.cols);
            if (double.IsPositiveInfinity(best))
            {
                Assert.Throws<InfeasibleAssignmentException>(() => LinearAssignment.Solve(t.cost, t.rows, t.cols, t.maximize));
                return;
            }
            AssignmentResult result = LinearAssignment.Solve(t.cost, t.rows, t.cols, t.maximize);
            AssignmentAssert.Valid(result, t.cost, t.rows, t.cols);
            AssignmentAssert.TotalClose(t.maximize ? -best : best, result, t.cost, t.cols);
        }, iter: 3000);
    }

    [Fact]
    public void MaximizeEqualsMinimizingTheNegation()
    {
        var rng = new Random(99);
        foreach (var (rows, cols) in new[] { (5, 5), (13, 29), (29, 13), (64, 64), (3, 1) })
        {
            double[] cost = RandomMatrix(rng, rows, cols, r => r.NextDouble() * 10 - 3);
            AssignmentResult max = LinearAssignment.Solve(cost, rows, cols, maximize: true);
            AssignmentResult min = LinearAssignment.Solve(cost.Select(x => -x).ToArray(), rows, cols);
            Assert.Equal(min.Rows, max.Rows);
            Assert.Equal(min.Columns, max.Columns);
            Assert.Equal(-min.Total, max.Total, 12);
        }
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(37, 11)]
    [InlineData(130, 67)]
    [InlineData(9, 8)]
    public void TallMatrixEqualsItsTransposeSwapped(int rows, int cols)
    {
        var rng = new Random(rows + 31 * cols);
        foreach (bool maximize in new[] { false, true })
        {
            double[] cost = RandomMatrix(rng, rows, cols, r => r.NextDouble() * 4 - 1);
            if (rows > 20)
                cost[5 * cols + 2] = maximize ? double.NegativeInfinity : double.PositiveInfinity;
            AssignmentResult tall = LinearAssignment.Solve(cost, rows, cols, maximize);
            AssignmentResult wide = LinearAssignment.Solve(AssignmentReferences.Transpose(cost, rows, cols), cols, rows, maximize);
            AssignmentAssert.Valid(tall, cost, rows, cols);
            var fromWide = wide.Rows.Zip(wide.Columns, (c, r) => (r, c)).OrderBy(p => p.r).ToArray();
            Assert.Equal(fromWide.Select(p => p.r), tall.Rows);
            Assert.Equal(fromWide.Select(p => p.c), tall.Columns);
            Assert.Equal(wide.Total, tall.Total, 12);
        }
    }

    public static TheoryData<int, int> LargerShapes()
    {
        var data = new TheoryData<int, int>();
        // Every remainder modulo the vector width, square and both rectangular orientations.
        foreach (int n in new[] { 8, 9, 10, 11, 31, 64, 65, 67, 100, 150 })
        {
            data.Add(n, n);
            data.Add(n, n + 3);
            data.Add(n + 5, n);
        }
        data.Add(1, 201);
        data.Add(203, 1);
        data.Add(120, 250);
        return data;
    }

    [Theory]
    [MemberData(nameof(LargerShapes))]
    public void LargerMatricesAgreeWithTextbookHungarian(int rows, int cols)
    {
        var rng = new Random(rows * 1000 + cols);
        foreach (Func<Random, double> entry in new Func<Random, double>[]
                 {
                     r => r.NextDouble(),
                     r => r.Next(0, 7),
                     r => Math.Round((r.NextDouble() - 0.5) * 1e6),
                 })
        {
            double[] cost = RandomMatrix(rng, rows, cols, entry);
            AssignmentResult result = LinearAssignment.Solve(cost, rows, cols);
            AssignmentAssert.Valid(result, cost, rows, cols);
            AssignmentAssert.TotalClose(AssignmentReferences.HungarianTotal(cost, rows, cols), result, cost, cols);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    [InlineData(7, 7)]
    [InlineData(33, 33)]
    [InlineData(70, 70)]
    [InlineData(5, 9)]
    [InlineData(9, 5)]
    [InlineData(1, 6)]
    [InlineData(6, 1)]
    public void ConstantMatrixGivesTheIdentity(int rows, int cols)
    {
        foreach (double value in new[] { 0.0, 3.25, -7.0 })
        {
            double[] cost = Enumerable.Repeat(value, rows * cols).ToArray();
            foreach (bool maximize in new[] { false, true })
            {
                AssignmentResult result = LinearAssignment.Solve(cost, rows, cols, maximize);
                int k = Math.Min(rows, cols);
                Assert.Equal(Enumerable.Range(0, k), result.Rows);
                Assert.Equal(Enumerable.Range(0, k), result.Columns);
                Assert.Equal(k * value, result.Total);
            }
        }
    }

    [Fact]
    public void TiesAreResolvedDeterministically()
    {
        var rng = new Random(5);
        double[] cost = RandomMatrix(rng, 40, 40, r => r.Next(0, 3));
        AssignmentResult first = LinearAssignment.Solve(cost, 40, 40);
        for (int repeat = 0; repeat < 3; repeat++)
            Assert.Equal(first.Columns, LinearAssignment.Solve((double[])cost.Clone(), 40, 40).Columns);
    }

    [Fact]
    public void UniqueOptimumIsFoundExactly()
    {
        // A permutation matrix of zeros in a sea of ones: the only zero-cost assignment is the permutation.
        var rng = new Random(3);
        foreach (int n in new[] { 2, 5, 17, 64, 101 })
        {
            int[] permutation = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
            double[] cost = Enumerable.Repeat(1.0, n * n).ToArray();
            for (int i = 0; i < n; i++)
                cost[i * n + permutation[i]] = 0.0;
            AssignmentResult result = LinearAssignment.Solve(cost, n, n);
            Assert.Equal(permutation, result.Columns);
            Assert.Equal(0.0, result.Total);
            Assert.Equal(permutation, result.ColumnForRow);
        }
    }

    [Fact]
    public void ColumnForRowAndRowForColumnMarkUnassigned()
    {
        // Tall: rows 1 and 3 are cheapest for the two columns.
        double[,] tall =
        {
            { 9, 9 },
            { 1, 9 },
            { 9, 9 },
            { 9, 2 },
        };
        AssignmentResult result = LinearAssignment.Solve(tall);
        Assert.Equal([1, 3], result.Rows);
        Assert.Equal([0, 1], result.Columns);
        Assert.Equal(3.0, result.Total);
        Assert.Equal([-1, 0, -1, 1], result.ColumnForRow);
        Assert.Equal([1, 3], result.RowForColumn);

        double[,] wide = { { 5, 0, 5 } };
        AssignmentResult w = LinearAssignment.Solve(wide);
        Assert.Equal([1], w.ColumnForRow);
        Assert.Equal([-1, 0, -1], w.RowForColumn);
    }

    [Fact]
    public void EmptyMatricesGiveEmptyResults()
    {
        foreach (var (rows, cols) in new[] { (0, 0), (0, 5), (5, 0) })
        {
            AssignmentResult result = LinearAssignment.Solve(new double[rows * cols], rows, cols);
            Assert.Empty(result.Rows);
            Assert.Empty(result.Columns);
            Assert.Equal(0.0, result.Total);
            Assert.Equal(rows, result.ColumnForRow.Length);
            Assert.All(result.ColumnForRow, c => Assert.Equal(-1, c));
        }
        Assert.Empty(LinearAssignment.Solve(new double[0, 3], maximize: true).Rows);
    }

    [Fact]
    public void InvalidEntriesAreRejectedWithTheirPosition()
    {
        var nan = new double[,] { { 1, 2, 3 }, { 4, double.NaN, 6 } };
        var ex = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(nan));
        Assert.Contains("invalid numeric entries", ex.Message);
        Assert.Contains("NaN at (1, 1)", ex.Message);
        Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(nan, maximize: true));

        var negInf = new double[,] { { 1, double.NegativeInfinity }, { 3, 4 } };
        ex = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(negInf));
        Assert.Contains("(0, 1)", ex.Message);
        Assert.Equal([0, 1], LinearAssignment.Solve(negInf, maximize: true).Columns); // −∞ is merely forbidden when maximising

        var posInf = new double[,] { { 1, 2 }, { double.PositiveInfinity, 4 } };
        Assert.Equal(5.0, LinearAssignment.Solve(posInf).Total);
        ex = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(posInf, maximize: true));
        Assert.Contains("(1, 0)", ex.Message);

        // Long rows exercise the vectorised scan, including its tail.
        foreach (int position in new[] { 0, 3, 4, 37, 38 })
        {
            var cost = new double[3 * 13];
            cost[position] = double.NaN;
            ex = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(cost, 3, 13));
            Assert.Contains($"NaN at ({position / 13}, {position % 13})", ex.Message);
        }
    }

    [Fact]
    public void InfeasibleMatricesNameTheProblem()
    {
        var rowOfInf = new double[,] { { double.PositiveInfinity, double.PositiveInfinity }, { 1, 2 } };
        var ex = Assert.Throws<InfeasibleAssignmentException>(() => LinearAssignment.Solve(rowOfInf));
        Assert.Equal("cost", ex.ParamName);
        Assert.StartsWith("cost matrix is infeasible", ex.Message);
        Assert.IsAssignableFrom<ArgumentException>(ex);

        // Rows 0 and 1 both depend on column 0 only.
        var hall = new double[,] { { 1, double.PositiveInfinity, double.PositiveInfinity }, { 2, double.PositiveInfinity, double.PositiveInfinity }, { 1, 1, 1 } };
        ex = Assert.Throws<InfeasibleAssignmentException>(() => LinearAssignment.Solve(hall));
        Assert.Contains("rows 0–1", ex.Message);

        // Tall: two columns, but column 1 is forbidden everywhere.
        var tall = new double[,] { { 1, double.PositiveInfinity }, { 2, double.PositiveInfinity }, { 3, double.PositiveInfinity } };
        Assert.Throws<InfeasibleAssignmentException>(() => LinearAssignment.Solve(tall));

        var maxInfeasible = new double[,] { { double.NegativeInfinity, double.NegativeInfinity }, { 1, 2 } };
        Assert.Throws<InfeasibleAssignmentException>(() => LinearAssignment.Solve(maxInfeasible, maximize: true));
    }

    [Fact]
    public void ShapeErrors()
    {
        Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(new double[5], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearAssignment.Solve(new double[0], -1, 0));
        Assert.Throws<ArgumentNullException>(() => LinearAssignment.Solve((Matrix<double>)null!));
        Assert.Throws<ArgumentNullException>(() => LinearAssignment.Solve((double[,])null!));
    }

    [Fact]
    public void InputIsNotModified()
    {
        var rng = new Random(8);
        foreach (var (rows, cols, maximize) in new[] { (20, 20, false), (20, 20, true), (30, 12, false), (12, 30, true) })
        {
            double[] cost = RandomMatrix(rng, rows, cols, r => r.NextDouble());
            double[] copy = (double[])cost.Clone();
            var matrix = new Matrix<double>(rows, cols, cost);
            LinearAssignment.Solve(matrix, maximize);
            Assert.Equal(copy, cost);
        }
    }

    [Fact]
    public void ScipyDocumentationExample()
    {
        // scipy.optimize.linear_sum_assignment docstring: col_ind = [1, 0, 2], total 5.
        var cost = new double[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        AssignmentResult result = LinearAssignment.Solve(cost);
        Assert.Equal([0, 1, 2], result.Rows);
        Assert.Equal([1, 0, 2], result.Columns);
        Assert.Equal(5.0, result.Total);
    }

    [Fact]
    public void ResultRecordDefaultsShapeFromIndices()
    {
        var result = new AssignmentResult([0, 2], [1, 0], 3.0);
        Assert.Equal(3, result.RowCount);
        Assert.Equal(2, result.ColumnCount);
        Assert.Equal([1, -1, 0], result.ColumnForRow);
        Assert.Equal([2, 0], result.RowForColumn);
    }
}
