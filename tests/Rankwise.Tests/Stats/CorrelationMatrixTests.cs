using Rankwise.Correlation;

namespace Rankwise.Tests.Stats;

public class CorrelationMatrixTests
{
    private static Matrix<double> ToMatrix(double[][] rows)
    {
        int r = rows.Length, c = r == 0 ? 0 : rows[0].Length;
        return new Matrix<double>(r, c, rows.SelectMany(v => v).ToArray());
    }

    [Fact]
    public void MatchesNumpyAndScipy()
    {
        var cases = StatsReference.Instance.Matrices;
        Assert.True(cases.Count >= 20);
        foreach (var c in cases)
        {
            Matrix<double> a = ToMatrix(c.A);
            Matrix<double> result = (c.Kind, c.B) switch
            {
                ("pearson", null) => CorrelationMatrix.Pearson(a),
                ("pearson", { } b) => CorrelationMatrix.Pearson(a, ToMatrix(b)),
                ("spearman", null) => CorrelationMatrix.Spearman(a),
                ("spearman", { } b) => CorrelationMatrix.Spearman(a, ToMatrix(b)),
                _ => throw new InvalidDataException($"unknown matrix kind {c.Kind}"),
            };
            Assert.Equal(c.Expected.Length, result.Rows);
            Assert.Equal(c.Expected[0].Length, result.Columns);
            for (int i = 0; i < result.Rows; i++)
                for (int j = 0; j < result.Columns; j++)
                    Assert.True(Tolerance.Close(result[i, j], c.Expected[i][j], 1e-12, 1e-12),
                        $"{c.Name} [{i},{j}]: {Tolerance.Describe(result[i, j], c.Expected[i][j])}");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(9, 5)]
    [InlineData(33, 10)]
    [InlineData(130, 7)]
    [InlineData(257, 12)]
    [InlineData(1500, 40)]
    public void AgreesWithPairwiseCorrelations(int rows, int columns)
    {
        var rng = new Random(rows * 31 + columns);
        var data = new double[rows * columns];
        for (int i = 0; i < data.Length; i++) data[i] = Math.Round(rng.NextDouble() * 10, rng.Next(3));
        var m = new Matrix<double>(rows, columns, data, columnNames: Enumerable.Range(0, columns).Select(j => $"c{j}").ToArray());
        var other = new Matrix<double>(rows, columns + 2, Enumerable.Range(0, rows * (columns + 2)).Select(_ => rng.NextDouble()).ToArray());
        Matrix<double> pearson = CorrelationMatrix.Pearson(m);
        Matrix<double> spearman = CorrelationMatrix.Spearman(m);
        Matrix<double> cross = CorrelationMatrix.Pearson(m, other);
        Matrix<double> crossRank = CorrelationMatrix.Spearman(m, other);
        Assert.Equal(m.ColumnNames, pearson.ColumnNames);
        Assert.Equal(m.ColumnNames, pearson.RowLabels);
        Assert.Equal(columns + 2, cross.Columns);
        for (int i = 0; i < columns; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                Assert.Equal(PearsonCorrelation.Compute(m.Column(i), m.Column(j)).Statistic, pearson[i, j], 1e-13);
                Assert.Equal(SpearmanCorrelation.Compute(m.Column(i), m.Column(j)).Statistic, spearman[i, j], 1e-13);
                Assert.Equal(pearson[i, j], pearson[j, i]);
            }
            for (int j = 0; j < columns + 2; j++)
            {
                Assert.Equal(PearsonCorrelation.Compute(m.Column(i), other.Column(j)).Statistic, cross[i, j], 1e-13);
                Assert.Equal(SpearmanCorrelation.Compute(m.Column(i), other.Column(j)).Statistic, crossRank[i, j], 1e-13);
            }
        }
    }

    [Fact]
    public void ConstantAndNaNColumnsGiveNaNRowsAndColumns()
    {
        var m = new Matrix<double>(4, 3, [1, 0.1, 7, 2, 0.1, 3, 3, 0.1, double.NaN, 5, 0.1, 1]);
        foreach (var r in new[] { CorrelationMatrix.Pearson(m), CorrelationMatrix.Spearman(m) })
        {
            Assert.Equal(1.0, r[0, 0]);
            for (int k = 0; k < 3; k++)
            {
                Assert.True(double.IsNaN(r[1, k]) && double.IsNaN(r[k, 1]));
                Assert.True(double.IsNaN(r[2, k]) && double.IsNaN(r[k, 2]));
            }
        }
    }

    [Fact]
    public void FloatMatricesAndShapeChecks()
    {
        var f = new Matrix<float>(3, 2, [1f, 2f, 2f, 1f, 3f, 5f]);
        var r = CorrelationMatrix.Pearson(f);
        Assert.Equal(PearsonCorrelation.Compute([1.0, 2, 3], [2.0, 1, 5]).Statistic, r[0, 1], 1e-15);
        var e = Assert.Throws<ArgumentException>(() => CorrelationMatrix.Pearson(new Matrix<double>(3, 1), new Matrix<double>(4, 1)));
        Assert.Contains("same number of rows", e.Message);
        Assert.Equal(0, CorrelationMatrix.Spearman(new Matrix<double>(5, 0)).Rows);
    }
}
