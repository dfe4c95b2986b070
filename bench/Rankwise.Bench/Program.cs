using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Rankwise;
using Rankwise.Assignment;
using Rankwise.Bench;
using Rankwise.Correlation;
using Rankwise.IO;
using Rankwise.Ranking;

// Two modes:
//   dotnet Rankwise.Bench.dll time OP FILE... [--repeat R]   load the data, then time only the call; prints {"seconds": best}
//     OP knn takes [--k 10] [--metric cosine|euclidean|inner-product] [--block R] [--threads T] [--include-self];
//     OP knn-matmul times the float32 product X·Xᵀ of the same data (throughput yardstick)
//   dotnet Rankwise.Bench.dll [BenchmarkDotNet args]          the BenchmarkDotNet suite (e.g. --filter '*Spearman*')
if (args.Length > 0 && args[0] == "time")
    return TimeMode.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(TimeMode).Assembly).Run(args);
return 0;

/// <summary>Function-level timing used by the side-by-side scripts under bench/.</summary>
internal static class TimeMode
{
    public static int Run(string[] args)
    {
        int repeat = 3;
        var files = new List<string>();
        var named = new Dictionary<string, string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--repeat") repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--include-self") named["include-self"] = "true";
            else if (args[i].StartsWith("--", StringComparison.Ordinal)) named[args[i][2..]] = args[++i];
            else files.Add(args[i]);
        }
        Func<double> op = args[0] switch
        {
            "spearman" => Pair(files, (x, y) => SpearmanCorrelation.Compute(x, y).Statistic),
            "pearson" => Pair(files, (x, y) => PearsonCorrelation.Compute(x, y).Statistic),
            "kendall" => Pair(files, (x, y) => KendallTau.Compute(x, y).Statistic),
            "rank" => One(files, x => Rank.RankData(x)[0]),
            "rank-dense" => One(files, x => Rank.RankData(x, Ties.Dense)[0]),
            "assign" => Assign(files),
            "knn" => KnnTiming.Knn(files, named),
            "knn-matmul" => KnnTiming.Matmul(files),
            "cka-linear" => LinearCkaTiming(files),
            _ => throw new ArgumentException($"unknown operation {args[0]}"),
        };
        op(); // warm-up (JIT); not timed
        double best = double.PositiveInfinity;
        double check = 0;
        for (int r = 0; r < repeat; r++)
        {
            var sw = Stopwatch.StartNew();
            check = op();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"{{\"seconds\": {best.ToString("R", CultureInfo.InvariantCulture)}, \"value\": {check.ToString("R", CultureInfo.InvariantCulture)}}}");
        return 0;
    }

    private static Func<double> Pair(List<string> files, Func<double[], double[], double> f)
    {
        var x = ArrayReader.ReadVector<double>(files[0]);
        var y = ArrayReader.ReadVector<double>(files[1]);
        return () => f(x, y);
    }

    private static Func<double> One(List<string> files, Func<double[], double> f)
    {
        var x = ArrayReader.ReadVector<double>(files[0]);
        return () => f(x);
    }

    private static Func<double> LinearCkaTiming(List<string> files)
    {
        var x = Rankwise.Torch.TensorConversions.ToTensor(ArrayReader.ReadMatrix<float>(files[0]));
        var y = Rankwise.Torch.TensorConversions.ToTensor(ArrayReader.ReadMatrix<float>(files[1]));
        return () => Rankwise.Torch.Similarity.functional.linear_cka(x, y);
    }

    private static Func<double> Assign(List<string> files)
    {
        var m = ArrayReader.ReadMatrix<double>(files[0]);
        return () => LinearAssignment.Solve(m).Total;
    }
}
