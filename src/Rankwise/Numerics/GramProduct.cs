using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rankwise.Numerics;

/// <summary>
/// Gram products G = AᵀB, G[i, j] = Σₖ A[k, i]·B[k, j], of row-major n × p and n × q matrices (rows are
/// samples, so G holds the inner products of the columns), computed like a GEMM: the shared dimension is cut into blocks of
/// <see cref="BlockK"/>; each block of a and b is packed into panels of <see cref="PanelA"/> and
/// <see cref="PanelB"/> vectors interleaved element by element; a register-blocked micro-kernel
/// accumulates a PanelA × PanelB tile of G with SIMD multiply–adds (outer products, no horizontal sums).
/// Panels of a are distributed over threads, so each thread owns whole rows of G.
/// </summary>
internal static class GramProduct
{
    private const int BlockK = 256;
    private const int PanelA = 4;
    private static readonly int PanelB = 2 * Vector<double>.Count;

    /// <summary>
    /// Fills <paramref name="result"/> (p × q, row-major) with AᵀB for row-major <paramref name="a"/> (n × p) and
    /// <paramref name="b"/> (n × q); when <paramref name="symmetric"/> (a and b are the same matrix) only the
    /// tiles on or above the diagonal are computed and the rest is mirrored.
    /// </summary>
    internal static void Compute(double[] a, int p, double[] b, int q, int n, double[] result, bool symmetric)
    {
        Array.Clear(result, 0, p * q);
        if (n == 0 || p == 0 || q == 0) return;
        int panelsA = (p + PanelA - 1) / PanelA;
        int panelsB = (q + PanelB - 1) / PanelB;
        int blockCount = (n + BlockK - 1) / BlockK;
        long work = (long)p * q * n;
        int workers = work > 1 << 21 ? Math.Min(Environment.ProcessorCount, panelsA) : 1;
        double[] packedB = ArrayPool<double>.Shared.Rent(panelsB * PanelB * BlockK);
        double[] packedA = ArrayPool<double>.Shared.Rent(panelsA * PanelA * BlockK);
        try
        {
            for (int block = 0; block < blockCount; block++)
            {
                int k0 = block * BlockK;
                int kc = Math.Min(BlockK, n - k0);
                Pack(b, q, n, k0, kc, PanelB, packedB);
                Pack(a, p, n, k0, kc, PanelA, packedA);
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
                {
                    Span<double> tile = stackalloc double[PanelA * PanelB];
                    for (int ia = worker; ia < panelsA; ia += workers)
                    {
                        int i0 = ia * PanelA;
                        int firstPanelB = symmetric ? i0 / PanelB : 0;
                        ReadOnlySpan<double> panelA = packedA.AsSpan(ia * PanelA * BlockK, kc * PanelA);
                        for (int jb = firstPanelB; jb < panelsB; jb++)
                        {
                            ReadOnlySpan<double> panelB = packedB.AsSpan(jb * PanelB * BlockK, kc * PanelB);
                            MicroKernel(panelA, panelB, kc, tile);
                            int j0 = jb * PanelB;
                            int rows = Math.Min(PanelA, p - i0), cols = Math.Min(PanelB, q - j0);
                            for (int r = 0; r < rows; r++)
                            {
                                Span<double> target = result.AsSpan((i0 + r) * q + j0, cols);
                                ReadOnlySpan<double> source = tile.Slice(r * PanelB, cols);
                                for (int c = 0; c < cols; c++) target[c] += source[c];
                            }
                        }
                    }
                });
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(packedA);
            ArrayPool<double>.Shared.Return(packedB);
        }
        if (symmetric)
        {
            for (int i = 0; i < p; i++)
                for (int j = 0; j < i; j++)
                    result[i * q + j] = result[j * q + i];
        }
    }

    /// <summary>
    /// Packs rows [k0, k0 + kc) of the row-major n × <paramref name="count"/> matrix into panels of
    /// <paramref name="width"/> columns: panel t holds, row by row, columns t·width … t·width + width − 1
    /// (zero beyond the last column).
    /// </summary>
    private static void Pack(double[] source, int count, int n, int k0, int kc, int width, double[] packed)
    {
        _ = n;
        int panels = (count + width - 1) / width;
        for (int t = 0; t < panels; t++)
        {
            int c0 = t * width;
            int valid = Math.Min(width, count - c0);
            Span<double> panel = packed.AsSpan(t * width * BlockK, kc * width);
            for (int k = 0; k < kc; k++)
            {
                Span<double> row = panel.Slice(k * width, width);
                source.AsSpan((k0 + k) * count + c0, valid).CopyTo(row);
                if (valid < width) row[valid..].Clear();
            }
        }
    }

    /// <summary>tile (PanelA × PanelB, row-major) = Σₖ panelA[k, ·]ᵀ panelB[k, ·].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(ReadOnlySpan<double> panelA, ReadOnlySpan<double> panelB, int kc, Span<double> tile)
    {
        ReadOnlySpan<Vector<double>> vb = MemoryMarshal.Cast<double, Vector<double>>(panelB);
        Vector<double> c00 = default, c01 = default, c10 = default, c11 = default,
                       c20 = default, c21 = default, c30 = default, c31 = default;
        for (int k = 0; k < kc; k++)
        {
            Vector<double> b0 = vb[2 * k], b1 = vb[2 * k + 1];
            int ak = k * PanelA;
            var a0 = new Vector<double>(panelA[ak]);
            c00 = Vector.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector.MultiplyAddEstimate(a0, b1, c01);
            var a1 = new Vector<double>(panelA[ak + 1]);
            c10 = Vector.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector.MultiplyAddEstimate(a1, b1, c11);
            var a2 = new Vector<double>(panelA[ak + 2]);
            c20 = Vector.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector.MultiplyAddEstimate(a2, b1, c21);
            var a3 = new Vector<double>(panelA[ak + 3]);
            c30 = Vector.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector.MultiplyAddEstimate(a3, b1, c31);
        }
        Span<Vector<double>> t = MemoryMarshal.Cast<double, Vector<double>>(tile);
        t[0] = c00; t[1] = c01;
        t[2] = c10; t[3] = c11;
        t[4] = c20; t[5] = c21;
        t[6] = c30; t[7] = c31;
    }
}
