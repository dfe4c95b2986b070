using System.Numerics;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Biased RBF CKA on the CPU from the condensed upper triangles of the two kernel matrices (K and L are symmetric), so an
/// n × n problem holds 2 × n(n−1)/2 doubles instead of two (or more) n × n matrices, and the distance products cost half
/// of the full ones (<see cref="CondensedProducts"/>). Same formula and order of operations as the dense path
/// (<see cref="CkaKernels.RbfGram"/>, <see cref="CkaKernels.CkaFromGramsInPlace"/>): D²_ij = max((−2 g_ij + s_i) + s_j, 0),
/// σ² = threshold² · numpy.median of the n² values of D² (diagonal zeros included), K = exp(D² / (−2σ²)),
/// HKH_ij = ((K_ij − r_i) − r_j) + m with r the row (= column) means and m the mean of K, and
/// CKA = ⟨HKH, HLH⟩_F / (‖HKH‖_F ‖HLH‖_F), each off-diagonal term counted twice.
/// </summary>
internal static class CondensedRbf
{
    private const int RowBlock = 256;

    /// <summary>Whether the condensed path applies: CPU tensors and n(n−1)/2 within one array.</summary>
    internal static bool Applies(Tensor xc) =>
        xc.device.type == DeviceType.CPU && xc.shape[0] * (xc.shape[0] - 1) / 2 <= Array.MaxLength;

    /// <summary>Biased RBF CKA of centred float64 CPU matrices [n, d_x], [n, d_y] (n ≥ 2).</summary>
    /// <param name="xc">Centred x.</param>
    /// <param name="yc">Centred y.</param>
    /// <param name="threshold">Bandwidth as a fraction of the median distance.</param>
    /// <param name="sigma">Fixed bandwidth, or null for the median rule.</param>
    /// <param name="pair">When given, the two n(n−1)/2 arrays are rented from it and handed back afterwards.</param>
    internal static double Cka(Tensor xc, Tensor yc, double threshold, double? sigma, PairContext? pair = null)
    {
        var k = Kernel(xc, threshold, sigma, pair);
        var l = Kernel(yc, threshold, sigma, pair);
        double value = Alignment(k, l);
        pair?.ReturnArray(k.Upper);
        pair?.ReturnArray(l.Upper);
        return value;
    }

    /// <summary>A symmetric kernel matrix: the condensed upper triangle, the diagonal value, the row means and the mean.</summary>
    private sealed record Gram(int N, double[] Upper, double Diagonal, double[] RowMeans, double Mean);

    private static Gram Kernel(Tensor zc, double threshold, double? sigma, PairContext? pair)
    {
        int n = checked((int)zc.shape[0]);
        double[] squaredNorms;
        double[] upper;
        using (var scope = NewDisposeScope())
        {
            var z = zc.contiguous();
            squaredNorms = z.square().sum([1L]).data<double>().ToArray();
            upper = CondensedProducts.Build(z, CondensedProducts.InnerProducts, CondensedProducts.Transform.SquaredDistance, "RBF CKA", squaredNorms,
                pair is null ? null : pair.RentArray, pair?.Cancellation ?? default);
        }
        double sigma2 = sigma is double s ? s * s : threshold * threshold * MedianWithZeroDiagonal(upper, n);
        double divisor = -2.0 * sigma2;
        // K = exp(D² / (−2σ²)) in place, by libtorch's kernels on a tensor over the array (as the dense path).
        using (var kernel = frombuffer(upper, ScalarType.Float64))
            kernel.div_(divisor).exp_();
        // exp(0 / (−2σ²)): 1, or NaN when σ = 0 (as the dense path, whose diagonal is computed the same way).
        double diagonal = Math.Exp(0.0 / divisor);
        var rowMeans = RowSums(upper, n, diagonal);
        double total = Rankwise.Numerics.CompensatedSum.Of(rowMeans);
        for (int i = 0; i < n; i++)
            rowMeans[i] /= n;
        return new Gram(n, upper, diagonal, rowMeans, total / ((double)n * n));
    }

    /// <summary>
    /// numpy.median of the n² entries of a symmetric matrix with a zero diagonal and non-negative off-diagonal entries,
    /// given its condensed upper triangle: sorted, the entries are the n zeros, then each upper value twice.
    /// </summary>
    internal static double MedianWithZeroDiagonal(double[] upper, int n)
    {
        long count = (long)n * n;
        // The k-th smallest entry (1-based) is 0 for k ≤ n, else the ⌈(k − n)/2⌉-th smallest upper value.
        long Upper(long k) => (k - n + 1) / 2;
        if (count % 2 == 1)
        {
            long k = (count + 1) / 2;
            return k <= n ? 0.0 : OrderStatistic.Kth(upper, Upper(k));
        }
        long lower = count / 2;
        if (lower + 1 <= n)
            return 0.0;
        if (lower <= n)
            return 0.5 * (0.0 + OrderStatistic.Kth(upper, 1));
        long a = Upper(lower), b = Upper(lower + 1);
        if (a == b)
            return OrderStatistic.Kth(upper, a);
        var (lo, hi) = OrderStatistic.KthAndNext(upper, a);
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// Full row sums of the symmetric matrix (diagonal + upper part of row i + upper part of column i), by blocks of rows
    /// in parallel: each block adds its rows into its own column partial sums, which are then added in block order.
    /// </summary>
    private static double[] RowSums(double[] upper, int n, double diagonal)
    {
        int blocks = (n + RowBlock - 1) / RowBlock;
        var rowPart = new double[n];
        var columnParts = new double[blocks][];
        Parallel.For(0, blocks, b =>
        {
            int i0 = b * RowBlock, i1 = Math.Min(n, i0 + RowBlock);
            var columns = new double[n];
            for (int i = i0; i < i1; i++)
            {
                int length = n - 1 - i;
                if (length == 0)
                    continue;
                var row = upper.AsSpan((int)CondensedProducts.RowOffset(i, n), length);
                rowPart[i] = SumAndAccumulate(row, columns.AsSpan(i + 1, length));
            }
            columnParts[b] = columns;
        });
        var sums = new double[n];
        for (int i = 0; i < n; i++)
        {
            double column = 0;
            for (int b = 0; b < blocks && b * RowBlock < i; b++)
                column += columnParts[b][i];
            sums[i] = (diagonal + rowPart[i]) + column;
        }
        return sums;
    }

    /// <summary>Returns Σ row and adds row into <paramref name="columns"/> element-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumAndAccumulate(ReadOnlySpan<double> row, Span<double> columns)
    {
        int j = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<double>.Count)
        {
            Vector<double> partial = default;
            for (; j <= row.Length - Vector<double>.Count; j += Vector<double>.Count)
            {
                var v = new Vector<double>(row[j..]);
                partial += v;
                (new Vector<double>(columns[j..]) + v).CopyTo(columns[j..]);
            }
            sum = Vector.Sum(partial);
        }
        for (; j < row.Length; j++)
        {
            sum += row[j];
            columns[j] += row[j];
        }
        return sum;
    }

    /// <summary>⟨HKH, HLH⟩ / (‖HKH‖ ‖HLH‖) from the condensed kernels: diagonal terms once, off-diagonal terms twice.</summary>
    private static double Alignment(Gram k, Gram l)
    {
        int n = k.N;
        var kl = new double[n];
        var kk = new double[n];
        var ll = new double[n];
        Parallel.For(0, n, i =>
        {
            double rk = k.RowMeans[i], rl = l.RowMeans[i];
            double dk = ((k.Diagonal - rk) - rk) + k.Mean, dl = ((l.Diagonal - rl) - rl) + l.Mean;
            int length = n - 1 - i;
            var (skl, skk, sll) = length == 0 ? (0.0, 0.0, 0.0) : RowProducts(
                k.Upper.AsSpan((int)CondensedProducts.RowOffset(i, n), length), rk, k.RowMeans.AsSpan(i + 1, length), k.Mean,
                l.Upper.AsSpan((int)CondensedProducts.RowOffset(i, n), length), rl, l.RowMeans.AsSpan(i + 1, length), l.Mean);
            kl[i] = dk * dl + 2.0 * skl;
            kk[i] = dk * dk + 2.0 * skk;
            ll[i] = dl * dl + 2.0 * sll;
        });
        return Rankwise.Numerics.CompensatedSum.Of(kl) / (Math.Sqrt(Rankwise.Numerics.CompensatedSum.Of(kk)) * Math.Sqrt(Rankwise.Numerics.CompensatedSum.Of(ll)));
    }

    /// <summary>Σ_j kc_j lc_j, Σ_j kc_j², Σ_j lc_j² over one row, kc_j = ((K_j − rk) − rkⱼ) + mk (likewise lc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Kl, double Kk, double Ll) RowProducts(
        ReadOnlySpan<double> k, double rk, ReadOnlySpan<double> rkj, double mk,
        ReadOnlySpan<double> l, double rl, ReadOnlySpan<double> rlj, double ml)
    {
        int j = 0;
        double skl = 0, skk = 0, sll = 0;
        if (Vector.IsHardwareAccelerated && k.Length >= Vector<double>.Count)
        {
            Vector<double> vkl = default, vkk = default, vll = default;
            var vrk = new Vector<double>(rk);
            var vmk = new Vector<double>(mk);
            var vrl = new Vector<double>(rl);
            var vml = new Vector<double>(ml);
            for (; j <= k.Length - Vector<double>.Count; j += Vector<double>.Count)
            {
                var a = ((new Vector<double>(k[j..]) - vrk) - new Vector<double>(rkj[j..])) + vmk;
                var b = ((new Vector<double>(l[j..]) - vrl) - new Vector<double>(rlj[j..])) + vml;
                vkl += a * b;
                vkk += a * a;
                vll += b * b;
            }
            skl = Vector.Sum(vkl);
            skk = Vector.Sum(vkk);
            sll = Vector.Sum(vll);
        }
        for (; j < k.Length; j++)
        {
            double a = ((k[j] - rk) - rkj[j]) + mk;
            double b = ((l[j] - rl) - rlj[j]) + ml;
            skl += a * b;
            skk += a * a;
            sll += b * b;
        }
        return (skl, skk, sll);
    }
}
