using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Condensed upper triangles (the pairs i &lt; j in row-major order: scipy.spatial.distance.pdist's layout) of symmetric
/// n × n matrices over the rows of a CPU float64 matrix, computed from row-block products without ever forming the n × n
/// matrix. Block [r0, r1) is multiplied only with rows r0..n−1, so the products cost about half of a full n × n product,
/// and the extra memory is one block (about 32 MB) besides the result. Each block's values are transformed and copied
/// into the managed result by rows on the .NET workers.
/// </summary>
internal static unsafe class CondensedProducts
{
    /// <summary>What is stored for a pair from its block-product value p_ij.</summary>
    internal enum Transform
    {
        /// <summary>p_ij itself (e.g. a distance computed by the product).</summary>
        Identity,

        /// <summary>1 − p_ij (correlation and cosine distances from inner products of normalised rows).</summary>
        OneMinus,

        /// <summary>max((−2 p_ij + s_i) + s_j, 0) with s the squared row norms: squared Euclidean distances from inner products.</summary>
        SquaredDistance,
    }

    /// <summary>The block product: writes the [b, n − r0] product of a row block [b, d] with the rows r0.. [n − r0, d] into the first argument.</summary>
    internal delegate void BlockProduct(Tensor destination, Tensor block, Tensor rest);

    /// <summary>Elements per block product buffer (32 MB of float64).</summary>
    private const long BlockElements = 4L << 20;

    /// <summary>Inner products: destination = block · restᵀ (written in place, no allocation).</summary>
    internal static readonly BlockProduct InnerProducts = (destination, block, rest) =>
        destination.addmm_(block, rest.t(), beta: 0, alpha: 1);

    /// <summary>The number of pairs n(n−1)/2 as an array length.</summary>
    /// <exception cref="ArgumentException">More pairs than a managed array holds (n above 65,536).</exception>
    internal static int PairCount(long n, string measure)
    {
        long m = n * (n - 1) / 2;
        if (m > Array.MaxLength)
            throw new ArgumentException($"{measure}: {n} stimuli give {m} pairs, more than one condensed array holds (at most 65,536 stimuli)");
        return (int)m;
    }

    /// <summary>Index of pair (i, i + 1), the first pair of row i: i·n − i(i + 1)/2.</summary>
    internal static long RowOffset(long i, long n) => i * n - i * (i + 1) / 2;

    /// <summary>Rows per block for n rows: a block product of about <see cref="BlockElements"/> values, 64 to 1024 rows.</summary>
    /// <summary>Test hook: called with the first row of every block of <see cref="Build"/> before its cancellation check.</summary>
    internal static readonly AsyncLocal<Action<int>?> BlockStarting = new();

    internal static int BlockRows(int n) => (int)Math.Min(n, Math.Clamp(BlockElements / Math.Max(1, n), 64, 1024));

    /// <summary>
    /// The condensed upper triangle of the transformed block products of <paramref name="rows"/> [n, d] (float64, CPU,
    /// contiguous).
    /// </summary>
    /// <param name="rows">The matrix whose row pairs are compared.</param>
    /// <param name="product">The block product (e.g. <see cref="InnerProducts"/>).</param>
    /// <param name="transform">What is stored per pair.</param>
    /// <param name="squaredNorms">The squared row norms s (length n) for <see cref="Transform.SquaredDistance"/>.</param>
    /// <param name="measure">Measure name for error messages.</param>
    /// <param name="allocate">Supplies the result array for a length (default: a new uninitialised array).</param>
    /// <param name="cancellationToken">Checked before every row block.</param>
    internal static double[] Build(Tensor rows, BlockProduct product, Transform transform, string measure, double[]? squaredNorms = null,
        Func<int, double[]>? allocate = null, CancellationToken cancellationToken = default)
    {
        int n = checked((int)rows.shape[0]);
        int m = PairCount(n, measure);
        if (transform == Transform.SquaredDistance && (squaredNorms is null || squaredNorms.Length != n))
            throw new ArgumentException("squared row norms of length n are required for squared distances", nameof(squaredNorms));
        var result = allocate?.Invoke(m) ?? GC.AllocateUninitializedArray<double>(m);
        if (m == 0)
            return result;
        int block = BlockRows(n);
        using var buffer = empty([(long)block * n], ScalarType.Float64, device: rows.device);
        double* bufferBase = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer.bytes));
        for (int r0 = 0; r0 < n - 1; r0 += block)
        {
            BlockStarting.Value?.Invoke(r0);
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(block, n - r0), width = n - r0;
            using (var scope = NewDisposeScope())
            {
                var destination = buffer.narrow(0, 0, (long)count * width).view(count, width);
                product(destination, rows.narrow(0, r0, count), rows.narrow(0, r0, width));
            }
            nint source = (nint)bufferBase;
            Parallel.For(0, count, i =>
            {
                int row = r0 + i;
                int length = n - 1 - row;
                if (length == 0)
                    return;
                // Row `row` of the block: columns row + 1 .. n − 1 of the full matrix are block columns i + 1 .. width − 1.
                var from = new ReadOnlySpan<double>((double*)source + (long)i * width + i + 1, length);
                var to = result.AsSpan((int)RowOffset(row, n), length);
                switch (transform)
                {
                    case Transform.Identity:
                        from.CopyTo(to);
                        break;
                    case Transform.OneMinus:
                        OneMinus(from, to);
                        break;
                    default:
                        SquaredDistances(from, to, squaredNorms![row], squaredNorms.AsSpan(row + 1, length));
                        break;
                }
            });
        }
        return result;
    }

    /// <summary>to = 1 − from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneMinus(ReadOnlySpan<double> from, Span<double> to)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<double>.One;
            for (; i <= from.Length - Vector<double>.Count; i += Vector<double>.Count)
                (one - new Vector<double>(from[i..])).CopyTo(to[i..]);
        }
        for (; i < from.Length; i++)
            to[i] = 1.0 - from[i];
    }

    /// <summary>to = max((−2 · from + si) + sj, 0), the order of operations of the dense n × n computation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SquaredDistances(ReadOnlySpan<double> from, Span<double> to, double si, ReadOnlySpan<double> sj)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var minusTwo = new Vector<double>(-2.0);
            var vi = new Vector<double>(si);
            for (; i <= from.Length - Vector<double>.Count; i += Vector<double>.Count)
                Vector.Max((minusTwo * new Vector<double>(from[i..]) + vi) + new Vector<double>(sj[i..]), Vector<double>.Zero).CopyTo(to[i..]);
        }
        for (; i < from.Length; i++)
            to[i] = Math.Max((-2.0 * from[i] + si) + sj[i], 0.0);
    }
}
