using System.Globalization;
using Rankwise.IO;
using Rankwise.Torch;
using Rankwise.Torch.Neighbors;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Bench;

/// <summary>
/// Timing entry points of the neighbour tools for bench/knn_side_by_side.py (used by <c>time knn</c> and
/// <c>time knn-matmul</c>): the data file is loaded into a float32 tensor on the default device before timing.
/// </summary>
internal static class KnnTiming
{
    /// <summary>
    /// <c>knn FILE [--k 10] [--metric cosine|euclidean|inner-product] [--block R] [--chunk C] [--threads T] [--include-self]</c>:
    /// an exact self-query; the returned check value is the mean first-neighbour score.
    /// </summary>
    public static Func<double> Knn(IReadOnlyList<string> files, IReadOnlyDictionary<string, string> options)
    {
        var x = Load(files);
        int k = options.TryGetValue("k", out var ks) ? int.Parse(ks, CultureInfo.InvariantCulture) : 10;
        var metric = (options.TryGetValue("metric", out var ms) ? ms : "cosine") switch
        {
            "cosine" => KnnMetric.Cosine,
            "euclidean" => KnnMetric.Euclidean,
            "inner-product" => KnnMetric.InnerProduct,
            var other => throw new ArgumentException($"unknown metric {other}"),
        };
        var knnOptions = new KnnOptions
        {
            BlockRows = options.TryGetValue("block", out var b) ? int.Parse(b, CultureInfo.InvariantCulture) : null,
            Threads = options.TryGetValue("threads", out var t) ? int.Parse(t, CultureInfo.InvariantCulture) : null,
            ChunkColumns = options.TryGetValue("chunk", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : null,
        };
        bool includeSelf = options.ContainsKey("include-self");
        var knn = new ExactKnn(metric, knnOptions);
        return () =>
        {
            var r = knn.SelfQuery(x, k, includeSelf);
            double s = 0;
            for (int i = 0; i < r.Queries; i++)
                s += r.Scores[(long)i * r.K];
            return s / r.Queries;
        };
    }

    /// <summary><c>knn-matmul FILE</c>: the plain float32 product X·Xᵀ of the same shape, as a throughput yardstick.</summary>
    public static Func<double> Matmul(IReadOnlyList<string> files)
    {
        var x = Load(files);
        return () =>
        {
            using var scope = NewDisposeScope();
            var p = x.mm(x.t());
            return p[0, 0].item<float>();
        };
    }

    private static Tensor Load(IReadOnlyList<string> files)
    {
        if (files.Count != 1)
            throw new ArgumentException("knn timing needs exactly one data file [n, d]");
        var m = ArrayReader.ReadMatrix<float>(files[0]);
        return TensorConversions.ToTensor(m);
    }
}
