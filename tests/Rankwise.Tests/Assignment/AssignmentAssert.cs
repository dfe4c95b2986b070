using Rankwise.Assignment;

namespace Rankwise.Tests.Assignment;

internal static class AssignmentAssert
{
    /// <summary>
    /// Checks that <paramref name="result"/> is a well-formed assignment of the row-major <paramref name="cost"/>:
    /// min(rows, cols) pairs, rows strictly ascending, distinct columns, only allowed (finite) entries, and a total
    /// equal to the sum of the chosen entries.
    /// </summary>
    public static void Valid(AssignmentResult result, double[] cost, int rows, int cols)
    {
        int k = Math.Min(rows, cols);
        Assert.Equal(k, result.Rows.Length);
        Assert.Equal(k, result.Columns.Length);
        Assert.Equal(k, result.Count);
        Assert.Equal(rows, result.RowCount);
        Assert.Equal(cols, result.ColumnCount);
        var seen = new bool[cols];
        for (int t = 0; t < k; t++)
        {
            Assert.InRange(result.Rows[t], 0, rows - 1);
            Assert.InRange(result.Columns[t], 0, cols - 1);
            if (t > 0)
                Assert.True(result.Rows[t] > result.Rows[t - 1], "rows must be strictly ascending");
            Assert.False(seen[result.Columns[t]], $"column {result.Columns[t]} assigned twice");
            seen[result.Columns[t]] = true;
            Assert.True(double.IsFinite(cost[result.Rows[t] * cols + result.Columns[t]]), "a forbidden entry was chosen");
        }
        double sum = AssignmentReferences.ExactSum(Enumerable.Range(0, k).Select(t => cost[result.Rows[t] * cols + result.Columns[t]]));
        Assert.Equal(sum, result.Total);
    }

    /// <summary>Totals agree to 1e-12 relative to the sum of the magnitudes of the chosen entries (at least 1e-12 absolute).</summary>
    public static void TotalClose(double expected, AssignmentResult result, double[] cost, int cols)
    {
        double scale = 0;
        for (int t = 0; t < result.Rows.Length; t++)
            scale += Math.Abs(cost[result.Rows[t] * cols + result.Columns[t]]);
        double tolerance = 1e-12 * Math.Max(1.0, Math.Max(scale, Math.Abs(expected)));
        Assert.True(Math.Abs(expected - result.Total) <= tolerance,
            $"total {result.Total:R} differs from expected {expected:R} by {Math.Abs(expected - result.Total):E3} (tolerance {tolerance:E3})");
    }
}
