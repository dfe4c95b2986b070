using System.Buffers;

namespace Rankwise.Retrieval;

/// <summary>Runs a per-query average-precision kernel over all queries in parallel with per-thread scratch.</summary>
internal static class QueryRunner
{
    public delegate double Kernel(int query, Span<double> scores, Span<bool> relevant, Span<int> pointTp, Span<int> pointCount);

    /// <summary>results[q] = kernel(q, …) for every q; scratch spans have length ≥ <paramref name="width"/>.</summary>
    public static void Run(int queries, int width, Kernel kernel, double[] results)
    {
        Parallel.For(
            0, queries,
            () => new Scratch(width),
            (q, _, scratch) =>
            {
                results[q] = kernel(q, scratch.Scores, scratch.Relevant, scratch.Tp, scratch.Count);
                return scratch;
            },
            scratch => scratch.Dispose());
    }

    private sealed class Scratch(int width) : IDisposable
    {
        public double[] Scores { get; } = ArrayPool<double>.Shared.Rent(Math.Max(width, 1));
        public bool[] Relevant { get; } = ArrayPool<bool>.Shared.Rent(Math.Max(width, 1));
        public int[] Tp { get; } = ArrayPool<int>.Shared.Rent(Math.Max(width, 1));
        public int[] Count { get; } = ArrayPool<int>.Shared.Rent(Math.Max(width, 1));

        public void Dispose()
        {
            ArrayPool<double>.Shared.Return(Scores);
            ArrayPool<bool>.Shared.Return(Relevant);
            ArrayPool<int>.Shared.Return(Tp);
            ArrayPool<int>.Shared.Return(Count);
        }
    }
}
