using System.Runtime.ExceptionServices;

namespace Rankwise.Inference;

/// <summary>
/// Evaluates one statistic value per resample index in parallel over fixed-size chunks, with one worker
/// state (buffers) per thread, progress reporting and cancellation. Results are written by index, so they
/// do not depend on the degree of parallelism.
/// </summary>
internal static class ResamplingDriver
{
    internal const int ChunkSize = 128;

    /// <summary>Fills <c>output[i] = evaluate(worker, i)</c> for every index.</summary>
    public static void Fill<TWorker>(
        double[] output,
        Func<TWorker> createWorker,
        Func<TWorker, int, double> evaluate,
        int? maxDegreeOfParallelism,
        IProgress<double>? progress,
        CancellationToken cancellationToken,
        int chunkSize = ChunkSize)
    {
        int count = output.Length;
        if (count == 0)
            return;
        int chunks = (count + chunkSize - 1) / chunkSize;
        var parallelOptions = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1,
        };
        long done = 0;
        try
        {
            Parallel.For(0, chunks, parallelOptions, createWorker, (chunk, _, worker) =>
            {
                int start = chunk * chunkSize;
                int end = Math.Min(count, start + chunkSize);
                for (int i = start; i < end; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    output[i] = evaluate(worker, i);
                }
                if (progress is not null)
                {
                    long finished = Interlocked.Add(ref done, end - start);
                    progress.Report((double)finished / count);
                }
                return worker;
            }, static _ => { });
        }
        catch (AggregateException e)
        {
            // Surface the statistic's own exception (the first one, if several threads failed).
            ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>Validates a MaxDegreeOfParallelism option (null or ≥ 1).</summary>
    public static void CheckParallelism(int? maxDegreeOfParallelism, string name)
    {
        if (maxDegreeOfParallelism is < 1)
            throw new ArgumentOutOfRangeException(name, maxDegreeOfParallelism, "MaxDegreeOfParallelism must be null (use all cores) or at least 1");
    }
}
