namespace Rankwise.Ranking;

/// <summary>Splits a long loop over [0, n) into one contiguous chunk per core.</summary>
internal static class Chunked
{
    /// <summary>Loops of at least this many iterations are split across threads.</summary>
    internal const int ParallelThreshold = 1 << 17;

    /// <summary>Runs <paramref name="body"/>(from, to) over [0, n), in parallel chunks when n is large.</summary>
    internal static void For(int n, Action<int, int> body)
    {
        int workers = Math.Min(Environment.ProcessorCount, 8);
        if (n < ParallelThreshold || workers < 2)
        {
            body(0, n);
            return;
        }
        int chunk = (n + workers - 1) / workers;
        Parallel.For(0, workers, w =>
        {
            int from = w * chunk;
            int to = Math.Min(n, from + chunk);
            if (from < to) body(from, to);
        });
    }
}
