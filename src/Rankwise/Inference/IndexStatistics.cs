namespace Rankwise.Inference;

/// <summary>A statistic evaluated on a vector of indices; one instance per worker thread (owns its buffers).</summary>
internal interface IIndexStatistic
{
    double Evaluate(ReadOnlySpan<int> indices);
}

/// <summary>Wraps a user's index statistic (which must itself be thread-safe).</summary>
internal sealed class DelegateIndexStatistic(Func<ReadOnlySpan<int>, double> statistic) : IIndexStatistic
{
    public double Evaluate(ReadOnlySpan<int> indices) => statistic(indices);
}

/// <summary>Gathers <c>sample[indices]</c> into a buffer and evaluates a one-sample statistic on it.</summary>
internal sealed class GatherOne(double[] sample, Func<ReadOnlySpan<double>, double> statistic) : IIndexStatistic
{
    private readonly double[] _buffer = new double[sample.Length];

    public double Evaluate(ReadOnlySpan<int> indices)
    {
        Span<double> buffer = _buffer.AsSpan(0, indices.Length);
        for (int i = 0; i < indices.Length; i++)
            buffer[i] = sample[indices[i]];
        return statistic(buffer);
    }
}

/// <summary>Gathers <c>x[indices]</c>, <c>y[indices]</c> and evaluates a paired two-sample statistic.</summary>
internal sealed class GatherTwo(double[] x, double[] y, Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> statistic) : IIndexStatistic
{
    private readonly double[] _x = new double[x.Length];
    private readonly double[] _y = new double[y.Length];

    public double Evaluate(ReadOnlySpan<int> indices)
    {
        Span<double> bx = _x.AsSpan(0, indices.Length);
        Span<double> by = _y.AsSpan(0, indices.Length);
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            bx[i] = x[k];
            by[i] = y[k];
        }
        return statistic(bx, by);
    }
}

/// <summary>
/// Gathers each of k paired samples at the same indices into per-worker arrays of exactly the index count
/// (separate array sets per length, so the statistic sees arrays of the right length) and evaluates the statistic.
/// </summary>
internal sealed class GatherMany(IReadOnlyList<double[]> samples, Func<double[][], double> statistic) : IIndexStatistic
{
    private readonly Dictionary<int, double[][]> _buffers = [];

    public double Evaluate(ReadOnlySpan<int> indices)
    {
        int m = indices.Length;
        if (!_buffers.TryGetValue(m, out double[][]? arrays))
        {
            arrays = new double[samples.Count][];
            for (int j = 0; j < arrays.Length; j++)
                arrays[j] = new double[m];
            _buffers[m] = arrays;
        }
        for (int j = 0; j < arrays.Length; j++)
        {
            double[] source = samples[j];
            double[] target = arrays[j];
            for (int i = 0; i < m; i++)
                target[i] = source[indices[i]];
        }
        return statistic(arrays);
    }
}
