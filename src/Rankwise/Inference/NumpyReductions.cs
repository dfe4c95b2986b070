namespace Rankwise.Inference;

/// <summary>
/// Reductions that reproduce numpy's float64 results bit for bit on contiguous arrays:
/// <c>np.sum</c> (pairwise summation with an 8-way unrolled base case of up to 128 elements),
/// <c>np.mean</c> and <c>np.std(ddof=1)</c>.
/// </summary>
internal static class NumpyReductions
{
    private const int BlockSize = 128;

    /// <summary><c>np.sum(values)</c>: 0 plus numpy's pairwise sum.</summary>
    public static double Sum(ReadOnlySpan<double> values) => 0.0 + PairwiseSum(values);

    private static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0.0;
            for (int i = 0; i < n; i++)
                res += a[i];
            return res;
        }
        if (n <= BlockSize)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += a[i];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
                res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }

    /// <summary><c>np.mean(values)</c>.</summary>
    public static double Mean(ReadOnlySpan<double> values) => Sum(values) / values.Length;

    /// <summary><c>np.std(values, ddof=1)</c>; NaN for fewer than two values.</summary>
    public static double StdDdof1(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n < 2)
            return double.NaN;
        double mean = Mean(values);
        double[] squares = new double[n];
        for (int i = 0; i < n; i++)
        {
            double d = values[i] - mean;
            squares[i] = d * d;
        }
        return Math.Sqrt(Sum(squares) / (n - 1));
    }
}
