namespace Rankwise.Inference;

public static partial class Bootstrap
{
    /// <summary>
    /// The jackknife (leave-one-out) values of an index statistic: element i is the statistic of the indices
    /// 0..n−1 without i, in increasing order (length n − 1), as scipy's <c>_jackknife_resample</c> forms them.
    /// These are the input BCa's acceleration needs.
    /// </summary>
    /// <param name="n">Number of items, at least 2.</param>
    /// <param name="statistic">The statistic of the items at the given indices; called concurrently, must be thread-safe.</param>
    /// <param name="maxDegreeOfParallelism">Maximum threads; null for all cores.</param>
    /// <returns>The n leave-one-out values.</returns>
    /// <exception cref="RankwiseInputException">n &lt; 2.</exception>
    public static double[] Jackknife(int n, Func<ReadOnlySpan<int>, double> statistic, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        CheckCount(n, nameof(n));
        ResamplingDriver.CheckParallelism(maxDegreeOfParallelism, nameof(maxDegreeOfParallelism));
        return JackknifeCore(n, () => new DelegateIndexStatistic(statistic), maxDegreeOfParallelism, CancellationToken.None);
    }

    /// <summary>
    /// The jackknife values of a one-sample statistic: element i is the statistic of the sample without
    /// observation i (order of the rest kept).
    /// </summary>
    /// <param name="sample">The observations (not modified), at least 2.</param>
    /// <param name="statistic">The statistic (reused buffer; thread-safe).</param>
    /// <param name="maxDegreeOfParallelism">Maximum threads; null for all cores.</param>
    /// <returns>The n leave-one-out values.</returns>
    /// <exception cref="RankwiseInputException">Fewer than two observations.</exception>
    public static double[] Jackknife(double[] sample, Func<ReadOnlySpan<double>, double> statistic, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(statistic);
        CheckCount(sample.Length, nameof(sample));
        ResamplingDriver.CheckParallelism(maxDegreeOfParallelism, nameof(maxDegreeOfParallelism));
        return JackknifeCore(sample.Length, () => new GatherOne(sample, statistic), maxDegreeOfParallelism, CancellationToken.None);
    }

    private static double[] JackknifeCore(int n, Func<IIndexStatistic> factory, int? maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var values = new double[n];
        ResamplingDriver.Fill(
            values,
            () => (Statistic: factory(), Indices: new int[n - 1]),
            (worker, leftOut) =>
            {
                int[] indices = worker.Indices;
                int t = 0;
                for (int i = 0; i < n; i++)
                {
                    if (i != leftOut)
                        indices[t++] = i;
                }
                return worker.Statistic.Evaluate(indices);
            },
            maxDegreeOfParallelism, null, cancellationToken);
        return values;
    }
}
