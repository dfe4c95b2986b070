using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankReference;
using F = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Tests.Ranking;

/// <summary>Exact average ranks (scipy.stats.rankdata "average" per row).</summary>
public class ExactRankTests
{
    private static double[] ScalarAverageRanks(double[] x)
    {
        var ranks = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int below = x.Count(v => v < x[i]), equal = x.Count(v => v == x[i]);
            ranks[i] = below + (equal + 1) / 2.0;
        }
        return ranks;
    }

    [Fact]
    public void MatchesScalarReferenceOnRowsWithTies()
    {
        using var scope = NewDisposeScope();
        var random = new Random(41);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(1, 30);
            var rows = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 6)).ToArray()).ToArray();
            var x = tensor(rows.SelectMany(r => r).ToArray(), [3, n]);
            double[] ascending = F.rank(x).ToDoubles(), descending = F.rank(x, descending: true).ToDoubles();
            for (int r = 0; r < 3; r++)
            {
                Assert.Equal(ScalarAverageRanks(rows[r]), ascending.AsSpan(r * n, n).ToArray());
                Assert.Equal(ScalarAverageRanks(rows[r].Select(v => -v).ToArray()), descending.AsSpan(r * n, n).ToArray());
            }
        }
    }

    [Fact]
    public void DtypesNaNRowsAndNoGradient()
    {
        using var scope = NewDisposeScope();
        var ints = F.rank(tensor(new long[] { 30, 10, 20, 10 }));
        Assert.Equal(ScalarType.Float64, ints.dtype);
        Assert.Equal(new double[] { 4, 1.5, 3, 1.5 }, ints.ToDoubles());
        var floats = F.rank(tensor(new float[] { 2, 1 }, requires_grad: true));
        Assert.Equal(ScalarType.Float32, floats.dtype);
        Assert.False(floats.requires_grad);
        var withNaN = F.rank(tensor(new double[] { 1, double.NaN, 3, 2, 1, 0 }, [2, 3])).ToDoubles();
        Assert.All(withNaN.Take(3), v => Assert.True(double.IsNaN(v)));
        Assert.Equal(new double[] { 3, 2, 1 }, withNaN.Skip(3).ToArray());
        Assert.Contains("scalar", Assert.Throws<ArgumentException>(() => F.rank(tensor(1.0))).Message);
    }
}
