using Rankwise.Ranking;

namespace Rankwise.Tests.Stats;

public class RankingTests
{
    private static Ties ParseTies(string s) => s switch
    {
        "average" => Ties.Average,
        "min" => Ties.Min,
        "max" => Ties.Max,
        "dense" => Ties.Dense,
        "ordinal" => Ties.Ordinal,
        _ => throw new InvalidDataException(s),
    };

    [Fact]
    public void MatchesScipyRankdata()
    {
        var cases = StatsReference.Instance.Rankdata;
        Assert.True(cases.Count > 500);
        foreach (var c in cases)
        {
            double[] ranks = Rank.RankData(c.Values, ParseTies(c.Ties), StatsReference.ParseNanPolicy(c.NanPolicy));
            Assert.True(ranks.Length == c.Expected.Length, c.Name);
            for (int i = 0; i < ranks.Length; i++)
            {
                // Ranks are integers or half-integers: exact agreement.
                Assert.True(ranks[i].Equals(c.Expected[i]), $"{c.Name} {c.Ties} {c.NanPolicy}: rank[{i}] = {ranks[i]}, scipy {c.Expected[i]}");
            }
        }
    }

    [Fact]
    public void BriefExample()
    {
        double[] v = [100, 200, 300, 200, 100];
        Assert.Equal([1.5, 3.5, 5, 3.5, 1.5], Rank.RankData(v));
        Assert.Equal([1.0, 3, 5, 3, 1], Rank.RankData(v, Ties.Min));
        Assert.Equal([2.0, 4, 5, 4, 2], Rank.RankData(v, Ties.Max));
        Assert.Equal([1.0, 2, 3, 2, 1], Rank.RankData(v, Ties.Dense));
        Assert.Equal([1.0, 3, 5, 4, 2], Rank.RankData(v, Ties.Ordinal));
    }

    /// <summary>The O(n²) definition of each tie method (indexed by <see cref="Ties"/>), for non-NaN data.</summary>
    internal static double[][] NaiveRanks(IReadOnlyList<double> v)
    {
        int n = v.Count;
        double[] distinct = v.Select(d => d == 0 ? 0.0 : d).Distinct().ToArray();
        var ranks = new double[5][];
        for (int t = 0; t < 5; t++) ranks[t] = new double[n];
        for (int i = 0; i < n; i++)
        {
            int less = 0, equal = 0, equalBefore = 0;
            for (int j = 0; j < n; j++)
            {
                if (v[j] < v[i]) less++;
                else if (v[j] == v[i])
                {
                    equal++;
                    if (j < i) equalBefore++;
                }
            }
            int distinctLess = 0;
            foreach (double d in distinct)
                if (d < v[i]) distinctLess++;
            ranks[(int)Ties.Average][i] = less + (equal + 1) / 2.0;
            ranks[(int)Ties.Min][i] = less + 1;
            ranks[(int)Ties.Max][i] = less + equal;
            ranks[(int)Ties.Dense][i] = distinctLess + 1;
            ranks[(int)Ties.Ordinal][i] = less + equalBefore + 1;
        }
        return ranks;
    }

    private static double[] RandomValues(Random rng, int n, int pattern) => pattern switch
    {
        0 => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray(),
        1 => Enumerable.Range(0, n).Select(_ => (double)rng.Next(Math.Max(1, n / 4))).ToArray(),
        2 => Enumerable.Range(0, n).Select(_ => (double)rng.Next(3) - 1).ToArray(),
        3 => Enumerable.Range(0, n).Select(_ => rng.Next(6) switch
        {
            0 => double.NegativeInfinity,
            1 => double.PositiveInfinity,
            2 => -0.0,
            3 => 0.0,
            4 => double.MaxValue,
            _ => -double.Epsilon,
        }).ToArray(),
        _ => Enumerable.Range(0, n).Select(i => (double)(n - i)).ToArray(),
    };

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 40; n++) data.Add(n);
        foreach (int n in new[] { 63, 64, 65, 1023, 1024, 1025, 3000 }) data.Add(n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AgreesWithNaiveReference(int n)
    {
        var rng = new Random(1000 + n);
        for (int pattern = 0; pattern < 5; pattern++)
        {
            double[] v = RandomValues(rng, n, pattern);
            float[] f = v.Select(d => (float)d).ToArray();
            double[] fWide = f.Select(x => (double)x).ToArray();
            double[][] expected = NaiveRanks(v);
            double[][] expectedFloat = NaiveRanks(fWide);
            foreach (Ties ties in Enum.GetValues<Ties>())
            {
                Assert.Equal(expected[(int)ties], Rank.RankData(v, ties));
                Assert.Equal(expectedFloat[(int)ties], Rank.RankData(f, ties));
            }
        }
    }

    [Fact]
    public void LargeInputsUseTheParallelRadixPathCorrectly()
    {
        var rng = new Random(7);
        int n = 300_000;
        foreach (int pattern in new[] { 0, 1, 3 })
        {
            double[] v = RandomValues(rng, n, pattern);
            // Reference: LINQ's OrderBy is a stable sort.
            int[] order = Enumerable.Range(0, n).OrderBy(i => v[i] == 0 ? 0.0 : v[i]).ToArray();
            double[] ordinal = Rank.RankData(v, Ties.Ordinal);
            for (int k = 0; k < n; k++) Assert.Equal(k + 1, ordinal[order[k]]);
            double[] average = Rank.RankData(v);
            double[] dense = Rank.RankData(v, Ties.Dense);
            int start = 0, group = 0;
            for (int k = 1; k <= n; k++)
            {
                if (k < n && v[order[k]] == v[order[start]]) continue;
                group++;
                for (int j = start; j < k; j++)
                {
                    Assert.Equal(0.5 * (start + 1 + k), average[order[j]]);
                    Assert.Equal(group, dense[order[j]]);
                }
                start = k;
            }
            float[] f = v.Select(d => (float)d).ToArray();
            int[] fOrder = Enumerable.Range(0, n).OrderBy(i => f[i] == 0 ? 0f : f[i]).ToArray();
            double[] fOrdinal = Rank.RankData(f, Ties.Ordinal);
            for (int k = 0; k < n; k++) Assert.Equal(k + 1, fOrdinal[fOrder[k]]);
        }
    }

    [Fact]
    public void NanPolicies()
    {
        double[] v = [0, 2, 3, double.NaN, -2, double.NaN];
        Assert.All(Rank.RankData(v), r => Assert.True(double.IsNaN(r)));
        Assert.Equal([2.0, 3, 4, double.NaN, 1, double.NaN], Rank.RankData(v, nanPolicy: NanPolicy.Omit));
        var e = Assert.Throws<RankwiseInputException>(() => Rank.RankData(v, nanPolicy: NanPolicy.Raise));
        Assert.Equal("values: contains NaN at index 3", e.Message);
        float[] f = [1f, float.NaN, 0f];
        Assert.Equal([2.0, double.NaN, 1], Rank.RankData(f, Ties.Min, NanPolicy.Omit));
        Assert.Throws<RankwiseInputException>(() => Rank.RankData(f, nanPolicy: NanPolicy.Raise));
    }

    [Fact]
    public void InPlaceOverloadsReuseBuffersAndMayAlias()
    {
        double[] v = [5, 1, 5, 3];
        var ranks = new double[4];
        var scratch = new int[10];
        Rank.RankDataInPlace(v, ranks, scratch, Ties.Max);
        Assert.Equal([4.0, 1, 4, 2], ranks);
        Rank.RankDataInPlace(new float[] { 2, 1, 2, 0 }, ranks, scratch);
        Assert.Equal([3.5, 2, 3.5, 1], ranks);
        Rank.RankDataInPlace(v, ranks);
        Assert.Equal([3.5, 1, 3.5, 2], ranks);
        Assert.Equal([5.0, 1, 5, 3], v); // input untouched
        Rank.RankDataInPlace(v, v); // ranks may overlap values
        Assert.Equal([3.5, 1, 3.5, 2], v);
        Assert.Throws<ArgumentException>(() => Rank.RankDataInPlace(v, new double[3]));
        Assert.Throws<ArgumentException>(() => Rank.RankDataInPlace(v, new double[4], new int[3]));
    }

    [Fact]
    public void TieGroupSizes()
    {
        Assert.Equal([2, 2, 1], Rank.TieGroupSizes([100.0, 200, 300, 200, 100]));
        Assert.Equal([1, 3, 1], Rank.TieGroupSizes(new double[] { -0.0, 5, double.NaN, 0.0, -1, 0.0 }));
        Assert.Equal([1, 2], Rank.TieGroupSizes(new float[] { 1, 2, 2 }));
        Assert.Empty(Rank.TieGroupSizes(ReadOnlySpan<double>.Empty));
        var rng = new Random(3);
        double[] v = RandomValues(rng, 5000, 1);
        int[] sizes = Rank.TieGroupSizes(v);
        Assert.Equal(v.Length, sizes.Sum());
        Assert.Equal(v.Distinct().Count(), sizes.Length);
        var expected = v.GroupBy(d => d).OrderBy(g => g.Key).Select(g => g.Count()).ToArray();
        Assert.Equal(expected, sizes);
    }
}
