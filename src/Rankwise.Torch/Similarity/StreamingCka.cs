using System.Runtime.InteropServices;
using Rankwise.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>Result of <see cref="StreamingCka.Compute"/>.</summary>
/// <param name="N">Rows (stimuli).</param>
/// <param name="WidthX">d_x.</param>
/// <param name="WidthY">d_y.</param>
/// <param name="Linear">Biased linear CKA of all rows (as <see cref="LinearCka"/>); NaN for non-finite input or a constant representation.</param>
/// <param name="Debiased">Debiased linear CKA of all rows (as <see cref="LinearCka"/> with <c>debiased: true</c>); NaN when N &lt; 4, for non-finite input, or when a self-HSIC estimate is ≤ 0.</param>
/// <param name="FiniteX">False when x contains NaN or ±∞ (both values are then NaN).</param>
/// <param name="FiniteY">False when y contains NaN or ±∞.</param>
/// <param name="Plan">The block plan used.</param>
public sealed record StreamingCkaResult(long N, int WidthX, int WidthY, double Linear, double Debiased, bool FiniteX, bool FiniteY, StreamingPlan Plan);

/// <summary>
/// Linear CKA between two representations stored as <c>.npy</c> files larger than memory, read in row blocks through
/// memory maps (<see cref="NpyRowSource"/>): the exact full-data value (<see cref="Compute"/>), or the minibatch
/// estimator of Nguyen et al. (2021) (<see cref="Minibatch"/>).
/// </summary>
/// <remarks>
/// <para><b>Exact (what <c>rankwise compare</c> reports when it streams).</b> <see cref="Compute"/> makes two passes over
/// the rows: the first sums every column (float64) and finds each column's minimum and maximum, the second feeds blocks
/// shifted by the column means (or by a constant column's exact value) to a <see cref="LinearCkaAccumulator"/>, which
/// centres the feature-space statistics analytically. The result is linear CKA of the full data, biased and debiased,
/// equal to <see cref="LinearCka"/> on the same rows read into memory up to float64 rounding (≲ 1e−13 relative on
/// well-conditioned data, independent of the block size), and as robust to large offsets as the in-memory two-pass
/// centring. Rows are read as float64 (float32 files are widened exactly) and processed on the CPU.</para>
/// <para><b>Minibatch.</b> <see cref="Minibatch"/> averages HSIC₁ over consecutive batches of a fixed size
/// (<see cref="MinibatchCka"/>). That estimator differs from full-data CKA <i>by design</i> (it estimates the same
/// population quantity with other weights and depends on the batch size), so it is offered separately and never
/// substituted for <see cref="Compute"/>.</para>
/// <para><b>Memory</b> of <see cref="Compute"/> for b rows per block, with item sizes s_x, s_y of the files:
/// 32·(d_x² + d_y² + d_x·d_y) + 64·(d_x + d_y) + 1 MiB (float64 accumulators and the work space of their centring)
/// + b·(16·(d_x + d_y) + 64) (float64 block buffers and squared-row work space)
/// + min(b·d_x·s_x, 64 MiB) + min(b·d_y·s_y, 64 MiB) (the mapped view being copied).
/// The block size is the largest whose estimate fits in <see cref="StreamingOptions.Budget"/>
/// (<see cref="Plan"/>); it never changes the result beyond rounding.</para>
/// </remarks>
public static class StreamingCka
{
    /// <summary>Estimated peak data-dependent bytes of <see cref="Compute"/> with <paramref name="blockRows"/> rows per block (formula in the class remarks).</summary>
    /// <param name="blockRows">Rows per block, ≥ 1.</param>
    /// <param name="widthX">d_x.</param>
    /// <param name="widthY">d_y.</param>
    /// <param name="itemSizeX">Bytes per stored element of x (4 for float32).</param>
    /// <param name="itemSizeY">Bytes per stored element of y.</param>
    public static long EstimatePeakBytes(long blockRows, int widthX, int widthY, int itemSizeX = 4, int itemSizeY = 4)
    {
        long dx = widthX, dy = widthY;
        long fixedBytes = 32 * (dx * dx + dy * dy + dx * dy) + 64 * (dx + dy) + (1L << 20);
        long perRow = 16 * (dx + dy) + 64;
        return fixedBytes + blockRows * perRow
            + Math.Min(blockRows * dx * itemSizeX, NpyRowSource.MaxViewBytes)
            + Math.Min(blockRows * dy * itemSizeY, NpyRowSource.MaxViewBytes);
    }

    /// <summary>The block plan <see cref="Compute"/> uses for these sources and options.</summary>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget (e.g. d_x·d_y accumulators are too large).</exception>
    public static StreamingPlan Plan(NpyRowSource x, NpyRowSource y, StreamingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return StreamingPlan.Choose(x.Rows, b => EstimatePeakBytes(b, x.Columns, y.Columns, x.ItemSize, y.ItemSize),
            options ?? StreamingOptions.Default, $"streamed linear CKA of [{x.Rows}, {x.Columns}] and [{y.Rows}, {y.Columns}]");
    }

    /// <summary>
    /// Exact linear CKA (biased and debiased) between the arrays of <paramref name="x"/> [n, d_x] and
    /// <paramref name="y"/> [n, d_y], streamed in two passes of row blocks (see the class remarks).
    /// </summary>
    /// <param name="x">First representation.</param>
    /// <param name="y">Second representation of the same n stimuli (rows in the same order).</param>
    /// <param name="options">Budget, block size, progress; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between blocks.</param>
    /// <returns>Both CKA values and the plan.</returns>
    /// <exception cref="ArgumentException">Row counts differ, n &lt; 2, or a file has no columns.</exception>
    /// <exception cref="MemoryBudgetException">Not even one row per block fits in the budget.</exception>
    /// <exception cref="RankwiseInputException">A file cannot be read (e.g. it was truncated meanwhile).</exception>
    public static StreamingCkaResult Compute(NpyRowSource x, NpyRowSource y, StreamingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= StreamingOptions.Default;
        ValidatePair(x, y, "linear CKA", 2);
        var plan = Plan(x, y, options);
        long n = x.Rows;
        int dx = x.Columns, dy = y.Columns, b = plan.BlockRows;
        long blocks = plan.Blocks;

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bufX = empty([b, dx], ScalarType.Float64, device: CPU);
        var bufY = empty([b, dy], ScalarType.Float64, device: CPU);

        // Pass 1: column sums, minima and maxima (a NaN shows in the minimum, ±∞ in the extremes).
        var sumX = zeros([dx], ScalarType.Float64, device: CPU);
        var sumY = zeros([dy], ScalarType.Float64, device: CPU);
        Tensor? minX = null, maxX = null, minY = null, maxY = null;
        for (long k = 0; k < blocks; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var blockScope = NewDisposeScope();
            var (xb, yb) = ReadBlock(x, y, bufX, bufY, k * b, (int)Math.Min(b, n - k * b));
            sumX.add_(xb.sum([0L]));
            sumY.add_(yb.sum([0L]));
            Extremes(xb, ref minX, ref maxX);
            Extremes(yb, ref minY, ref maxY);
            options.Progress?.Report((k + 1) / (2.0 * blocks));
        }
        bool finiteX = AllFinite(sumX, minX!, maxX!), finiteY = AllFinite(sumY, minY!, maxY!);
        if (!finiteX || !finiteY)
        {
            options.Progress?.Report(1.0);
            return new StreamingCkaResult(n, dx, dy, double.NaN, double.NaN, finiteX, finiteY, plan);
        }
        double[] shiftX = Shift(sumX, minX!, maxX!, n), shiftY = Shift(sumY, minY!, maxY!, n);

        // Pass 2: shifted statistics, centred analytically at the end.
        using var accumulator = new LinearCkaAccumulator(dx, dy, shiftX, shiftY);
        for (long k = 0; k < blocks; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var blockScope = NewDisposeScope();
            var (xb, yb) = ReadBlock(x, y, bufX, bufY, k * b, (int)Math.Min(b, n - k * b));
            accumulator.UpdateInPlace(xb, yb);
            options.Progress?.Report((blocks + k + 1) / (2.0 * blocks));
        }
        var (linear, debiased) = accumulator.Values();
        return new StreamingCkaResult(n, dx, dy, linear, debiased, true, true, plan);
    }

    /// <summary>
    /// Minibatch linear CKA (Nguyen, Raghu &amp; Kornblith 2021; <see cref="MinibatchCka"/>) over consecutive batches of
    /// <paramref name="batchSize"/> rows: [0, B), [B, 2B), … A final batch of fewer than 4 rows cannot give an unbiased
    /// HSIC and is skipped (<see cref="MinibatchCka.RowCount"/> tells how many rows were used). The value depends on the
    /// batch size and differs from full-data CKA by design (see the class remarks). Memory: two float64 batches and the
    /// work space of <see cref="MinibatchCka.Update"/> (n_b × n_b Gram matrices when n_b ≤ d_x + d_y); the budget in
    /// <paramref name="options"/> is not used, only its progress sink.
    /// </summary>
    /// <param name="x">First representation.</param>
    /// <param name="y">Second representation of the same stimuli.</param>
    /// <param name="batchSize">Rows per batch, ≥ 4.</param>
    /// <param name="options">Progress sink (budget and block size are ignored: the batch size defines the estimator).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The filled accumulator (<see cref="MinibatchCka.Value"/>).</returns>
    /// <exception cref="ArgumentException">Row counts differ, fewer than 4 rows, batch size &lt; 4, or no columns.</exception>
    public static MinibatchCka Minibatch(NpyRowSource x, NpyRowSource y, int batchSize, StreamingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ValidatePair(x, y, "minibatch CKA", 4);
        if (batchSize < 4)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "minibatch CKA: the batch size must be at least 4 (HSIC₁ divides by n(n − 3))");
        options ??= StreamingOptions.Default;
        long n = x.Rows;
        int b = (int)Math.Min(batchSize, n);
        long batches = (n + b - 1) / b;
        var result = new MinibatchCka();
        using var scope = NewDisposeScope();
        var bufX = empty([b, x.Columns], ScalarType.Float64, device: CPU);
        var bufY = empty([b, y.Columns], ScalarType.Float64, device: CPU);
        for (long k = 0; k < batches; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(b, n - k * b);
            if (count >= 4)
            {
                using var blockScope = NewDisposeScope();
                var (xb, yb) = ReadBlock(x, y, bufX, bufY, k * b, count);
                result.Update(xb, yb);
            }
            options.Progress?.Report((k + 1.0) / batches);
        }
        return result;
    }

    private static void ValidatePair(NpyRowSource x, NpyRowSource y, string measure, int minRows)
    {
        if (x.Rows != y.Rows)
            throw new ArgumentException($"{measure}: x and y must describe the same stimuli (rows): {x.Path} has {x.Rows} rows, {y.Path} has {y.Rows}", nameof(y));
        if (x.Rows < minRows)
            throw new ArgumentException($"{measure}: x has {x.Rows} rows (stimuli), at least {minRows} are needed", nameof(x));
        if (x.Columns < 1 || y.Columns < 1)
            throw new ArgumentException($"{measure}: {(x.Columns < 1 ? x.Path : y.Path)} has no columns (units)", nameof(x));
    }

    /// <summary>Reads rows [start, start + count) of both sources into the float64 buffers; returns the filled views.</summary>
    internal static (Tensor X, Tensor Y) ReadBlock(NpyRowSource x, NpyRowSource y, Tensor bufX, Tensor bufY, long start, int count)
    {
        x.ReadRows(start, count, MemoryMarshal.Cast<byte, double>(bufX.bytes));
        y.ReadRows(start, count, MemoryMarshal.Cast<byte, double>(bufY.bytes));
        return (bufX.narrow(0, 0, count), bufY.narrow(0, 0, count));
    }

    private static void Extremes(Tensor block, ref Tensor? min, ref Tensor? max)
    {
        var lo = block.amin([0L]);
        var hi = block.amax([0L]);
        if (min is null || max is null)
        {
            min = lo.MoveToOuterDisposeScope();
            max = hi.MoveToOuterDisposeScope();
            return;
        }
        min.copy_(minimum(min, lo));
        max.copy_(maximum(max, hi));
    }

    private static bool AllFinite(Tensor sum, Tensor min, Tensor max) =>
        SimilarityInput.AllFinite(sum) && SimilarityInput.AllFinite(min) && SimilarityInput.AllFinite(max);

    /// <summary>Column means, except that a constant column is shifted by its exact value (so it contributes exact zeros).</summary>
    private static double[] Shift(Tensor sum, Tensor min, Tensor max, long n) =>
        SimilarityInput.ToArray(where(min == max, min, sum / (double)n));
}
