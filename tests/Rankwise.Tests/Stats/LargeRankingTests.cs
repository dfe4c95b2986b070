using Rankwise.Ranking;

namespace Rankwise.Tests.Stats;

/// <summary>
/// Inputs long enough for the bucketed (sample-sort) ranking path, in shapes that stress its
/// classifier: skewed, clustered, periodic, tie-heavy, special values. Reference: a stable LINQ sort.
/// </summary>
public class LargeRankingTests
{
    /// <summary>Named input shapes; every one is ranked at several lengths.</summary>
    public static TheoryData<string> Shapes => new()
    {
        "normal", "rounded", "integers", "three-values", "constant", "two-values", "ascending", "descending",
        "sawtooth", "clustered", "log-uniform", "specials", "subnormal", "one-outlier", "uniform-grid",
        "almost-constant", "rare-extremes",
    };

    internal static double[] Make(string shape, int n, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = shape switch
            {
                "normal" => Normal(),
                "rounded" => Math.Round(Normal(), 2),
                "integers" => rng.Next(1000),
                "three-values" => rng.Next(3) - 1,
                "constant" => 4.25,
                "two-values" => rng.Next(100) == 0 ? -1e300 : 7,
                "ascending" => i * 0.5,
                "descending" => -(double)i,
                "sawtooth" => (i % 4096) + (i / 4096) * 1e-9,
                "clustered" => rng.Next(100) == 0 ? Normal() * 1e200 : 1 + rng.NextDouble() * 1e-12,
                "log-uniform" => (rng.Next(2) == 0 ? -1 : 1) * Math.Pow(10, rng.NextDouble() * 600 - 300),
                "specials" => rng.Next(8) switch
                {
                    0 => double.NegativeInfinity,
                    1 => double.PositiveInfinity,
                    2 => -0.0,
                    3 => 0.0,
                    4 => double.MaxValue,
                    5 => -double.Epsilon,
                    6 => double.Epsilon,
                    _ => Normal(),
                },
                "subnormal" => double.Epsilon * rng.Next(-5000, 5000),
                "one-outlier" => i == n / 2 ? 1e308 : rng.NextDouble(),
                "uniform-grid" => rng.Next(1 << 20) / (double)(1 << 20),
                // Constant except at two indices a strided sample is unlikely to hit.
                "almost-constant" => i == n / 2 + 1 ? 5.0 : i == 7 ? -1.0 : 3.0,
                // Extremes far outside the bulk, too rare to be sampled.
                "rare-extremes" => i % 9973 == 5 ? (i % 2 == 0 ? -1e300 : 1e300) : Normal(),
                _ => throw new ArgumentException(shape),
            };
        }
        return v;
    }

    /// <summary>The stable argsort (value, then index; −0 equals +0).</summary>
    internal static int[] StableOrder(double[] v) =>
        Enumerable.Range(0, v.Length).OrderBy(i => v[i] == 0 ? 0.0 : v[i]).ToArray();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AllTieMethodsAgreeWithStableSortReference(string shape)
    {
        foreach (int n in new[] { BucketArgSort.MinimumLength, 200_003 })
        {
            double[] v = Make(shape, n, n + shape.Length);
            int[] order = StableOrder(v);
            var expected = new double[5][];
            for (int t = 0; t < 5; t++) expected[t] = new double[n];
            int start = 0, group = 0;
            for (int k = 1; k <= n; k++)
            {
                if (k < n && v[order[k]] == v[order[start]]) continue;
                group++;
                for (int j = start; j < k; j++)
                {
                    int i = order[j];
                    expected[(int)Ties.Average][i] = 0.5 * (start + 1 + k);
                    expected[(int)Ties.Min][i] = start + 1;
                    expected[(int)Ties.Max][i] = k;
                    expected[(int)Ties.Dense][i] = group;
                    expected[(int)Ties.Ordinal][i] = j + 1;
                }
                start = k;
            }
            foreach (Ties ties in Enum.GetValues<Ties>())
            {
                var ranks = new double[n];
                var argsort = new int[n + 3];
                Rank.RankDataInPlace(v, ranks, argsort, ties);
                Assert.True(expected[(int)ties].AsSpan().SequenceEqual(ranks), $"{shape} n={n} {ties}: ranks differ");
                Assert.True(order.AsSpan().SequenceEqual(argsort.AsSpan(0, n)), $"{shape} n={n} {ties}: argsort differs");
                Assert.True(expected[(int)ties].AsSpan().SequenceEqual(Rank.RankData(v, ties)), $"{shape} n={n} {ties}: ranks without argsort differ");
            }
            // float32: the same as ranking the (exactly) widened values.
            float[] f = v.Select(d => (float)d).ToArray();
            double[] widened = f.Select(d => (double)d).ToArray();
            foreach (Ties ties in Enum.GetValues<Ties>())
                Assert.True(Rank.RankData(widened, ties).AsSpan().SequenceEqual(Rank.RankData(f, ties)), $"{shape} n={n} {ties}: float32 ranks differ");
            // Aliasing: ranks written over the values.
            double[] copy = (double[])v.Clone();
            Rank.RankDataInPlace(copy, copy);
            Assert.True(expected[(int)Ties.Average].AsSpan().SequenceEqual(copy), $"{shape} n={n}: aliased ranks differ");
        }
    }

    [Fact]
    public void NaNSearchFindsTheFirstNaNAtEveryPosition()
    {
        for (int n = 0; n <= 70; n++)
        {
            var d = new double[n];
            var f = new float[n];
            Assert.Equal(-1, NaNSearch.IndexOfNaN(d));
            Assert.Equal(-1, NaNSearch.IndexOfNaN(f));
            for (int at = 0; at < n; at++)
            {
                d[at] = double.NaN;
                f[at] = float.NaN;
                if (at + 3 < n)
                {
                    d[at + 3] = -double.NaN;
                    f[at + 3] = -float.NaN;
                }
                Assert.Equal(at, NaNSearch.IndexOfNaN(d));
                Assert.Equal(at, NaNSearch.IndexOfNaN(f));
                Array.Clear(d);
                Array.Clear(f);
            }
        }
    }

    [Fact]
    public void BucketSortVisitsEveryPositionOnceInStableOrder()
    {
        foreach (string shape in new[] { "normal", "clustered", "rounded" })
        {
            foreach (bool parallel in new[] { false, true })
            {
                double[] v = Make(shape, 150_000, 11);
                int[] order = StableOrder(v);
                var seen = new int[v.Length];
                int visits = 0, lastStart = -1;
                bool ascending = true;
                BucketArgSort.Run(v, parallel, (sorted, start) =>
                {
                    lock (seen)
                    {
                        visits++;
                        if (start <= lastStart) ascending = false;
                        lastStart = start;
                        for (int k = 0; k < sorted.Length; k++) seen[start + k] = sorted[k].Index;
                    }
                });
                Assert.True(order.AsSpan().SequenceEqual(seen), $"{shape} parallel={parallel}");
                Assert.True(visits > 1);
                if (!parallel) Assert.True(ascending, "sequential buckets arrive in ascending order");
            }
        }
    }
}
