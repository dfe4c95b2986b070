using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rankwise.Numerics;

/// <summary>
/// Gram products G[i, j] = ⟨aᵢ, bⱼ⟩ of column vectors stored contiguously ("column-major": vector i
/// occupies <c>[i·n, (i + 1)·n)</c>). The kernel computes a 4 × 2 tile of dot products at once with
/// SIMD accumulators over 256-element chunks of the vectors, so each loaded chunk of a is reused for
/// every b vector while it sits in L1; tiles are distributed over threads for large problems.
/// </summary>
internal static class GramProduct
{
    private const int Chunk = 256;
    private const int TileA = 4;
    private const int TileB = 2;

    /// <summary>
    /// Fills <paramref name="result"/> (p × q, row-major) with ⟨aᵢ, bⱼ⟩; when <paramref name="symmetric"/>
    /// (a and b are the same vectors) only j ≥ i is computed and mirrored.
    /// </summary>
    internal static void Compute(double[] a, int p, double[] b, int q, int n, double[] result, bool symmetric)
    {
        int rowBlocks = (p + TileA - 1) / TileA;
        long work = (long)p * q * n;
        var options = new ParallelOptions { MaxDegreeOfParallelism = work > 1 << 22 ? Environment.ProcessorCount : 1 };
        Parallel.For(0, rowBlocks, options, block =>
        {
            int i0 = block * TileA;
            int rows = Math.Min(TileA, p - i0);
            int jStart = symmetric ? i0 / TileB * TileB : 0;
            Span<double> tile = stackalloc double[TileA * TileB];
            for (int j0 = jStart; j0 < q; j0 += TileB)
            {
                int cols = Math.Min(TileB, q - j0);
                tile.Clear();
                for (int k0 = 0; k0 < n; k0 += Chunk)
                {
                    int length = Math.Min(Chunk, n - k0);
                    if (rows == TileA && cols == TileB)
                        Kernel4x2(a, b, n, i0, j0, k0, length, tile);
                    else
                        EdgeKernel(a, b, n, i0, rows, j0, cols, k0, length, tile);
                }
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < cols; c++)
                    {
                        int i = i0 + r, j = j0 + c;
                        if (symmetric && j < i) continue;
                        result[(long)i * q + j] = tile[r * TileB + c];
                        if (symmetric) result[(long)j * q + i] = tile[r * TileB + c];
                    }
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x2(double[] a, double[] b, int n, int i0, int j0, int k0, int length, Span<double> tile)
    {
        ReadOnlySpan<double> a0 = a.AsSpan(i0 * n + k0, length);
        ReadOnlySpan<double> a1 = a.AsSpan((i0 + 1) * n + k0, length);
        ReadOnlySpan<double> a2 = a.AsSpan((i0 + 2) * n + k0, length);
        ReadOnlySpan<double> a3 = a.AsSpan((i0 + 3) * n + k0, length);
        ReadOnlySpan<double> b0 = b.AsSpan(j0 * n + k0, length);
        ReadOnlySpan<double> b1 = b.AsSpan((j0 + 1) * n + k0, length);
        int k = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count)
        {
            var va0 = MemoryMarshal.Cast<double, Vector<double>>(a0);
            var va1 = MemoryMarshal.Cast<double, Vector<double>>(a1);
            var va2 = MemoryMarshal.Cast<double, Vector<double>>(a2);
            var va3 = MemoryMarshal.Cast<double, Vector<double>>(a3);
            var vb0 = MemoryMarshal.Cast<double, Vector<double>>(b0);
            var vb1 = MemoryMarshal.Cast<double, Vector<double>>(b1);
            Vector<double> s00 = default, s01 = default, s10 = default, s11 = default,
                           s20 = default, s21 = default, s30 = default, s31 = default;
            for (int v = 0; v < vb0.Length; v++)
            {
                Vector<double> x0 = vb0[v], x1 = vb1[v];
                Vector<double> y = va0[v];
                s00 += y * x0; s01 += y * x1;
                y = va1[v];
                s10 += y * x0; s11 += y * x1;
                y = va2[v];
                s20 += y * x0; s21 += y * x1;
                y = va3[v];
                s30 += y * x0; s31 += y * x1;
            }
            tile[0] += Vector.Sum(s00); tile[1] += Vector.Sum(s01);
            tile[2] += Vector.Sum(s10); tile[3] += Vector.Sum(s11);
            tile[4] += Vector.Sum(s20); tile[5] += Vector.Sum(s21);
            tile[6] += Vector.Sum(s30); tile[7] += Vector.Sum(s31);
            k = vb0.Length * Vector<double>.Count;
        }
        for (; k < length; k++)
        {
            double x0 = b0[k], x1 = b1[k];
            tile[0] += a0[k] * x0; tile[1] += a0[k] * x1;
            tile[2] += a1[k] * x0; tile[3] += a1[k] * x1;
            tile[4] += a2[k] * x0; tile[5] += a2[k] * x1;
            tile[6] += a3[k] * x0; tile[7] += a3[k] * x1;
        }
    }

    private static void EdgeKernel(double[] a, double[] b, int n, int i0, int rows, int j0, int cols, int k0, int length, Span<double> tile)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<double> ar = a.AsSpan((i0 + r) * n + k0, length);
            for (int c = 0; c < cols; c++)
            {
                ReadOnlySpan<double> bc = b.AsSpan((j0 + c) * n + k0, length);
                tile[r * TileB + c] += Dot(ar, bc);
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int k = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            Vector<double> acc = default;
            for (int v = 0; v < vx.Length; v++) acc += vx[v] * vy[v];
            s = Vector.Sum(acc);
            k = vx.Length * Vector<double>.Count;
        }
        for (; k < x.Length; k++) s += x[k] * y[k];
        return s;
    }
}
