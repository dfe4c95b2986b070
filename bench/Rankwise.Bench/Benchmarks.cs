using BenchmarkDotNet.Attributes;
using Rankwise.Assignment;
using Rankwise.Correlation;
using Rankwise.Ranking;

namespace Rankwise.Bench;

/// <summary>Rank statistics on synthetic data (continuous and 2-decimal rounded, i.e. with ties).</summary>
[MemoryDiagnoser]
public class RankStatisticsBenchmarks
{
    private double[] x = [], y = [];

    /// <summary>Sample size.</summary>
    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    /// <summary>Whether values are rounded to 2 decimals (many ties).</summary>
    [Params(false, true)]
    public bool Ties { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        x = new double[N];
        y = new double[N];
        for (int i = 0; i < N; i++)
        {
            double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1;
            x[i] = Ties ? Math.Round(a, 2) : a;
            y[i] = Ties ? Math.Round(a + b, 2) : a + b;
        }
    }

    [Benchmark] public double RankData() => Rank.RankData(x)[0];
    [Benchmark] public double Spearman() => SpearmanCorrelation.Compute(x, y).Statistic;
    [Benchmark] public double KendallTauB() => KendallTau.Compute(x, y).Statistic;
}

/// <summary>Linear assignment on uniform random square matrices.</summary>
public class AssignmentBenchmarks
{
    private double[] cost = [];

    /// <summary>Matrix size.</summary>
    [Params(500, 2000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        cost = new double[N * N];
        for (int i = 0; i < cost.Length; i++) cost[i] = rng.NextDouble();
    }

    [Benchmark] public double Solve() => LinearAssignment.Solve(cost, N, N).Total;
}
