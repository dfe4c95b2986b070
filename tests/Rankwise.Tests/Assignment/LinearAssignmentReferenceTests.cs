using System.Text.Json;
using System.Text.Json.Serialization;
using Rankwise.Assignment;

namespace Rankwise.Tests.Assignment;

/// <summary>
/// Golden results of scipy 1.10 <c>scipy.optimize.linear_sum_assignment</c>
/// (tests/ReferenceData/assignment/make_assignment_reference.py).
/// </summary>
public class LinearAssignmentReferenceTests
{
    private sealed record ReferenceCase(
        string Name,
        int Rows,
        int Cols,
        bool Maximize,
        double[] Cost,
        string? Error,
        int[]? ExpectedRows,
        int[]? ExpectedCols,
        double? Total,
        bool? Unique);

    private sealed record ReferenceFile(string Scipy, ReferenceCase[] Cases);

    private static readonly Lazy<Dictionary<string, ReferenceCase>> Cases = new(Load);

    private static Dictionary<string, ReferenceCase> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "ReferenceData", "assignment", "assignment_reference.json");
        var options = new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        var file = JsonSerializer.Deserialize<ReferenceFile>(File.ReadAllText(path), options)
            ?? throw new InvalidOperationException($"{path}: empty reference file");
        Assert.StartsWith("1.10", file.Scipy);
        return file.Cases.ToDictionary(c => c.Name);
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Cases.Value.Keys)
            data.Add(name);
        return data;
    }

    [Fact]
    public void ReferenceFileCoversTheRequiredKinds()
    {
        var all = Cases.Value.Values.ToList();
        Assert.True(all.Count >= 100);
        Assert.Contains(all, c => c.Error == "infeasible");
        Assert.Contains(all, c => c.Error == "invalid");
        Assert.Contains(all, c => c.Maximize && c.Error is null);
        Assert.Contains(all, c => c.Rows > c.Cols && c.Rows > 1 && c.Cols > 0);
        Assert.Contains(all, c => c.Rows < c.Cols && c.Rows > 0);
        Assert.Contains(all, c => c.Rows == 0 || c.Cols == 0);
        Assert.Contains(all, c => c.Unique == false);
        Assert.True(all.Count(c => c.Unique == true) >= 50);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesScipy(string name)
    {
        ReferenceCase c = Cases.Value[name];
        double[] cost = c.Cost;
        double[] before = (double[])cost.Clone();

        if (c.Error == "infeasible")
        {
            var ex = Assert.Throws<InfeasibleAssignmentException>(() => LinearAssignment.Solve(cost, c.Rows, c.Cols, c.Maximize));
            Assert.StartsWith("cost matrix is infeasible", ex.Message);
            Assert.Equal("cost", ex.ParamName);
        }
        else if (c.Error == "invalid")
        {
            var ex = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(cost, c.Rows, c.Cols, c.Maximize));
            Assert.Contains("invalid numeric entries", ex.Message);
            Assert.Equal("cost", ex.ParamName);
        }
        else
        {
            Assert.Null(c.Error);
            AssignmentResult result = LinearAssignment.Solve(cost, c.Rows, c.Cols, c.Maximize);
            AssignmentAssert.Valid(result, cost, c.Rows, c.Cols);
            AssignmentAssert.TotalClose(c.Total!.Value, result, cost, c.Cols);
            if (c.Unique == true)
            {
                Assert.Equal(c.ExpectedRows, result.Rows);
                Assert.Equal(c.ExpectedCols, result.Columns);
            }

            // The other overloads agree exactly.
            var matrix = new Matrix<double>(c.Rows, c.Cols, cost);
            Assert.Equal(result.Columns, LinearAssignment.Solve(matrix, c.Maximize).Columns);
            var array = new double[c.Rows, c.Cols];
            for (int i = 0; i < c.Rows; i++)
                for (int j = 0; j < c.Cols; j++)
                    array[i, j] = cost[i * c.Cols + j];
            AssignmentResult fromArray = LinearAssignment.Solve(array, c.Maximize);
            Assert.Equal(result.Rows, fromArray.Rows);
            Assert.Equal(result.Columns, fromArray.Columns);
            Assert.Equal(result.Total, fromArray.Total);
        }
        Assert.Equal(before, cost);
    }

    [Fact]
    public void ConstantMatricesGiveScipysIdentity()
    {
        foreach (var c in Cases.Value.Values.Where(c => c.Name.StartsWith("constant-", StringComparison.Ordinal)))
        {
            AssignmentResult result = LinearAssignment.Solve(c.Cost, c.Rows, c.Cols, c.Maximize);
            Assert.Equal(c.ExpectedRows, result.Rows);
            Assert.Equal(c.ExpectedCols, result.Columns);
        }
    }
}
