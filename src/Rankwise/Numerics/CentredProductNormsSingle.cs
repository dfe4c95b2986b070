using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rankwise.Numerics;

/// <summary>
/// The three sums of squares behind biased linear CKA in feature space, ‖XcᵀYc‖²_F, ‖XcᵀXc‖²_F and ‖YcᵀYc‖²_F, for
/// row-major float32 matrices x [n, d_x] and y [n, d_y] (Xc, Yc: column-centred), computed by a managed single-precision
/// GEMM with AVX-512 or AVX2 + FMA.
/// </summary>
/// <remarks>
/// <para><b>Centring.</b> Column means are summed in float64 (one parallel pass); every element enters the products as
/// the float32 rounding of (x − mean) computed in float64, so a common offset costs nothing beyond the inputs' own
/// representation.</para>
/// <para><b>Products.</b> The rows are cut into blocks of <see cref="BlockRows"/>. Each block of both matrices is centred
/// into panels of 16 columns (one layout serves as either operand); a 16 × 16 register tile (sixteen 512-bit
/// accumulators, one vector load and sixteen broadcasts per row) accumulates the block's products in float32, and the
/// tile is added to float64 sums. The self-products compute only tiles on or above the diagonal. Blocks are double
/// buffered: the next block is packed by the same parallel loop that multiplies the current one.</para>
/// <para><b>Accuracy.</b> Each product is a float64 sum of float32 partial sums over at most <see cref="BlockRows"/>
/// rows: relative error of order 10⁻⁸ on CKA (1.2·10⁻⁸ for n = 50,000, d = 1,024 Gaussians), below the float32 rounding
/// of the inputs themselves. Non-finite input gives non-finite column means, reported as <c>false</c> from
/// <see cref="TryCompute"/>.</para>
/// <para><b>Instruction sets.</b> With AVX-512F the 16 × 16 tile is sixteen 512-bit accumulators. With AVX2 + FMA only
/// (16 registers of 256 bits) the same tile is computed in row groups of 6, 6 and 4 (twelve or eight accumulators each),
/// so packing, block sizes and the order of every float32 and float64 addition are the same: both paths give
/// bit-identical results. <see cref="IsSupported"/> says whether either runs here; callers fall back to another path
/// elsewhere.</para>
/// </remarks>
internal static unsafe class CentredProductNormsSingle
{
    /// <summary>Columns per packed panel and rows/columns of the register tile.</summary>
    internal const int Panel = 16;

    /// <summary>Rows per single-precision block.</summary>
    internal const int BlockRows = 512;

    /// <summary>Whether this machine runs the kernel (AVX-512F, or AVX2 with FMA).</summary>
    internal static bool IsSupported => Avx512F.IsSupported || (Avx2.IsSupported && Fma.IsSupported);

    /// <summary>Whether this machine runs the AVX-512 tile (else the AVX2 row groups).</summary>
    internal static bool HasWideTile => Avx512F.IsSupported;

    /// <summary>Test switch: use the AVX2 row groups even where AVX-512 is available.</summary>
    internal static readonly AsyncLocal<bool> ForceAvx2 = new();

    /// <summary>
    /// Computes ‖XcᵀYc‖²_F (<paramref name="cross"/>), ‖XcᵀXc‖²_F (<paramref name="selfX"/>) and ‖YcᵀYc‖²_F
    /// (<paramref name="selfY"/>) of row-major x [n, dx] and y [n, dy] (contiguous). Returns false, with NaN outputs,
    /// when an input holds NaN or ±∞. <paramref name="maxThreads"/> ≤ 0 means <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    internal static bool TryCompute(float* x, float* y, long n, int dx, int dy, out double cross, out double selfX, out double selfY,
        int maxThreads = 0)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException("CentredProductNormsSingle needs AVX-512F or AVX2 with FMA");
        bool wide = HasWideTile && !ForceAvx2.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(dx, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dy, 1);
        cross = selfX = selfY = double.NaN;
        int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
        // Work below ~2 Mflop is not worth a second thread.
        if (n * ((long)dx + dy) * ((long)dx + dy) < 1L << 21)
            threads = 1;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        int panelsX = (dx + Panel - 1) / Panel, panelsY = (dy + Panel - 1) / Panel;
        int ldx = panelsX * Panel, ldy = panelsY * Panel;
        double* meanX = null, meanY = null, cxy = null, cxx = null, cyy = null;
        float* packed = null;
        try
        {
            meanX = AllocDouble(ldx);
            meanY = AllocDouble(ldy);
            if (!ColumnMeans(x, n, dx, meanX, options) | !ColumnMeans(y, n, dy, meanY, options))
                return false;
            cxy = AllocDouble((long)ldx * ldy);
            cxx = AllocDouble((long)ldx * ldx);
            cyy = AllocDouble((long)ldy * ldy);
            long blockFloats = (long)(ldx + ldy) * BlockRows;
            packed = (float*)NativeMemory.AlignedAlloc((nuint)(2 * blockFloats * sizeof(float)), 64);
            var work = TileColumns(panelsX, panelsY);
            long blocks = (n + BlockRows - 1) / BlockRows;
            // Iteration b multiplies block b (if any) and packs block b + 1 (if any) into the other buffer.
            for (long b = -1; b < blocks; b++)
            {
                int rows = b >= 0 ? (int)Math.Min(BlockRows, n - b * BlockRows) : 0;
                int nextRows = b + 1 < blocks ? (int)Math.Min(BlockRows, n - (b + 1) * BlockRows) : 0;
                float* current = packed + ((b & 1) == 0 ? 0 : blockFloats);
                float* next = packed + ((b & 1) == 0 ? blockFloats : 0);
                int packItems = nextRows > 0 ? 2 * PackSlices : 0;
                int multiplyItems = rows > 0 ? work.Length : 0;
                long nextStart = (b + 1) * BlockRows;
                var state = new BlockState(x, y, dx, dy, ldx, meanX, meanY, cxy, cxx, cyy, current, next, rows, nextRows, nextStart, wide);
                Parallel.For(0, packItems + multiplyItems, options, item =>
                {
                    if (item < packItems)
                        state.Pack(item);
                    else
                        state.Multiply(work[item - packItems]);
                });
            }
            cross = SumSquares(cxy, dx, dy, ldy, symmetric: false);
            selfX = SumSquares(cxx, dx, dx, ldx, symmetric: true);
            selfY = SumSquares(cyy, dy, dy, ldy, symmetric: true);
            return true;
        }
        finally
        {
            NativeMemory.AlignedFree(meanX);
            NativeMemory.AlignedFree(meanY);
            NativeMemory.AlignedFree(cxy);
            NativeMemory.AlignedFree(cxx);
            NativeMemory.AlignedFree(cyy);
            NativeMemory.AlignedFree(packed);
        }
    }

    /// <summary>Row slices per matrix that one block is packed in.</summary>
    private const int PackSlices = 8;

    /// <summary>Product (0: XᵀY, 1: XᵀX, 2: YᵀY) and column panel of one work item: a column of 16 × 16 tiles.</summary>
    private readonly record struct TileColumn(byte Product, int Panel);

    /// <summary>Work items of one block; the triangular ones largest first so the loop ends on small items.</summary>
    private static TileColumn[] TileColumns(int panelsX, int panelsY)
    {
        var items = new TileColumn[panelsY + panelsX + panelsY];
        int k = 0;
        for (int j = 0; j < panelsY; j++)
            items[k++] = new TileColumn(0, j);
        for (int j = panelsX - 1; j >= 0; j--)
            items[k++] = new TileColumn(1, j);
        for (int j = panelsY - 1; j >= 0; j--)
            items[k++] = new TileColumn(2, j);
        return items;
    }

    /// <summary>Pointers and sizes of one block iteration, shared by its work items.</summary>
    private readonly struct BlockState(float* x, float* y, int dx, int dy, int ldx, double* meanX, double* meanY,
        double* cxy, double* cxx, double* cyy, float* current, float* next, int rows, int nextRows, long nextStart, bool wide)
    {
        /// <summary>Centres one slice of the next block's rows into panels (items 0..7: x, 8..15: y).</summary>
        public void Pack(int item)
        {
            int slice = item % PackSlices;
            int r0 = (int)((long)nextRows * slice / PackSlices), r1 = (int)((long)nextRows * (slice + 1) / PackSlices);
            if (item < PackSlices)
                PackRows(x, dx, nextStart, nextRows, meanX, next, r0, r1);
            else
                PackRows(y, dy, nextStart, nextRows, meanY, next + (long)ldx * nextRows, r0, r1);
        }

        /// <summary>Multiplies the current block into one column of tiles.</summary>
        public void Multiply(TileColumn column)
        {
            int ldy = (dy + Panel - 1) / Panel * Panel;
            float* px = current, py = current + (long)ldx * rows;
            float* a = column.Product == 2 ? py : px;
            float* b = column.Product == 1 ? px : py;
            double* c = column.Product switch { 0 => cxy, 1 => cxx, _ => cyy };
            int ldc = column.Product == 1 ? ldx : ldy;
            int tiles = column.Product == 0 ? ldx / Panel : column.Panel + 1;
            float* panelB = b + (long)column.Panel * rows * Panel;
            float* tile = stackalloc float[Panel * Panel];
            for (int i = 0; i < tiles; i++)
            {
                double* target = c + (long)i * Panel * ldc + column.Panel * Panel;
                for (int r = 0; r < Panel; r++)
                {
                    byte* line = (byte*)(target + (long)r * ldc);
                    Sse.Prefetch0(line);
                    Sse.Prefetch0(line + 64);
                }
                if (wide)
                    MultiplyTile(rows, a + (long)i * rows * Panel, panelB, tile);
                else
                    MultiplyTileAvx2(rows, a + (long)i * rows * Panel, panelB, tile);
                AddTile(tile, target, ldc);
            }
        }
    }

    /// <summary>
    /// Centres rows [r0, r1) of the block starting at row <paramref name="start"/> of x [·, d] into panels of 16 columns:
    /// panel q holds the block's rows of columns 16q..16q+15 (zero beyond d), row after row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRows(float* x, int d, long start, int rows, double* mean, float* panels, int r0, int r1)
    {
        int full = d / Panel * Panel;
        for (int k = r0; k < r1; k++)
        {
            float* row = x + (start + k) * d;
            float* target = panels + (long)k * Panel;
            for (int j = 0; j < full; j += Panel)
            {
                float* panel = target + (long)(j / Panel) * rows * Panel;
                for (int h = 0; h < Panel; h += 4)
                {
                    var centred = Avx.ConvertToVector256Double(Vector128.Load(row + j + h)) - Vector256.Load(mean + j + h);
                    Avx.ConvertToVector128Single(centred).Store(panel + h);
                }
            }
            if (full < d)
            {
                float* tail = target + (long)(full / Panel) * rows * Panel;
                for (int j = full; j < full + Panel; j++)
                    tail[j - full] = j < d ? (float)(row[j] - mean[j]) : 0f;
            }
        }
    }

    /// <summary>tile[i, j] = Σ_k a[k, i]·b[k, j] over one block (a, b: packed 16-column panels), in float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyTile(int rows, float* a, float* b, float* tile)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default,
            c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (int k = 0; k < rows; k++)
        {
            var v = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), v, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), v, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), v, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), v, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), v, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), v, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), v, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), v, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[8]), v, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[9]), v, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[10]), v, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[11]), v, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[12]), v, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[13]), v, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[14]), v, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[15]), v, c15);
            a += Panel;
            b += Panel;
        }
        c0.Store(tile); c1.Store(tile + 16); c2.Store(tile + 32); c3.Store(tile + 48);
        c4.Store(tile + 64); c5.Store(tile + 80); c6.Store(tile + 96); c7.Store(tile + 112);
        c8.Store(tile + 128); c9.Store(tile + 144); c10.Store(tile + 160); c11.Store(tile + 176);
        c12.Store(tile + 192); c13.Store(tile + 208); c14.Store(tile + 224); c15.Store(tile + 240);
    }

    /// <summary>
    /// The same tile with AVX2 + FMA: rows 0–5, 6–11 and 12–15 of the A panel in turn (twelve, twelve and eight 256-bit
    /// accumulators), each against the whole B panel. Per element the products are added in the same order as in
    /// <see cref="MultiplyTile"/>, so the tiles are bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyTileAvx2(int rows, float* a, float* b, float* tile)
    {
        SixRows(rows, a, b, tile);
        SixRows(rows, a + 6, b, tile + 6 * Panel);
        FourRows(rows, a + 12, b, tile + 12 * Panel);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SixRows(int rows, float* a, float* b, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < rows; k++)
        {
            var lo = Vector256.Load(b);
            var hi = Vector256.Load(b + 8);
            var s = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(s, lo, c00);
            c01 = Fma.MultiplyAdd(s, hi, c01);
            s = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(s, lo, c10);
            c11 = Fma.MultiplyAdd(s, hi, c11);
            s = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(s, lo, c20);
            c21 = Fma.MultiplyAdd(s, hi, c21);
            s = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(s, lo, c30);
            c31 = Fma.MultiplyAdd(s, hi, c31);
            s = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(s, lo, c40);
            c41 = Fma.MultiplyAdd(s, hi, c41);
            s = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(s, lo, c50);
            c51 = Fma.MultiplyAdd(s, hi, c51);
            a += Panel;
            b += Panel;
        }
        c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72); c50.Store(tile + 80); c51.Store(tile + 88);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(int rows, float* a, float* b, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (int k = 0; k < rows; k++)
        {
            var lo = Vector256.Load(b);
            var hi = Vector256.Load(b + 8);
            var s = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(s, lo, c00);
            c01 = Fma.MultiplyAdd(s, hi, c01);
            s = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(s, lo, c10);
            c11 = Fma.MultiplyAdd(s, hi, c11);
            s = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(s, lo, c20);
            c21 = Fma.MultiplyAdd(s, hi, c21);
            s = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(s, lo, c30);
            c31 = Fma.MultiplyAdd(s, hi, c31);
            a += Panel;
            b += Panel;
        }
        c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
    }

    /// <summary>Adds a float32 16 × 16 tile to float64 sums (row stride <paramref name="ldc"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTile(float* tile, double* c, int ldc)
    {
        for (int i = 0; i < Panel; i++)
        {
            float* source = tile + i * Panel;
            double* row = c + (long)i * ldc;
            for (int h = 0; h < Panel; h += 4)
                (Vector256.Load(row + h) + Avx.ConvertToVector256Double(Vector128.Load(source + h))).Store(row + h);
        }
    }

    /// <summary>Float64 column means of x [n, d] into <paramref name="mean"/>; false when one is not finite.</summary>
    private static bool ColumnMeans(float* x, long n, int d, double* mean, ParallelOptions options)
    {
        int parts = options.MaxDegreeOfParallelism == 1 ? 1 : 4 * options.MaxDegreeOfParallelism;
        int stride = (d + 15) / 16 * 16;
        var partial = new double[(long)parts * stride];
        Parallel.For(0, parts, options, part =>
        {
            fixed (double* sums = &partial[(long)part * stride])
                AddRows(x, n * part / parts, n * (part + 1) / parts, d, sums);
        });
        bool finite = true;
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int part = 0; part < parts; part++)
                s += partial[(long)part * stride + j];
            mean[j] = s / n;
            finite &= double.IsFinite(s);
        }
        return finite;
    }

    /// <summary>Adds rows [r0, r1) of x [·, d] into <paramref name="sums"/> (float64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRows(float* x, long r0, long r1, int d, double* sums)
    {
        int full = d / 16 * 16;
        for (long r = r0; r < r1; r++)
        {
            float* row = x + r * d;
            int j = 0;
            for (; j < full; j += 16)
                for (int h = 0; h < 16; h += 4)
                    (Vector256.Load(sums + j + h) + Avx.ConvertToVector256Double(Vector128.Load(row + j + h))).Store(sums + j + h);
            for (; j < d; j++)
                sums[j] += row[j];
        }
    }

    /// <summary>Σ c[i, j]² over the valid rows × columns; for a symmetric product only j ≥ i is stored and doubled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumSquares(double* c, int rows, int cols, int ldc, bool symmetric)
    {
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            double* row = c + (long)i * ldc;
            if (symmetric)
            {
                double diagonal = row[i], off = 0;
                for (int j = i + 1; j < cols; j++)
                    off += row[j] * row[j];
                total += diagonal * diagonal + 2 * off;
            }
            else
            {
                double sum = 0;
                for (int j = 0; j < cols; j++)
                    sum += row[j] * row[j];
                total += sum;
            }
        }
        return total;
    }

    private static double* AllocDouble(long count)
    {
        var p = (double*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(double)), 64);
        NativeMemory.Clear(p, (nuint)(count * sizeof(double)));
        return p;
    }
}
