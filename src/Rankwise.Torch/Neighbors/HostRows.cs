using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// Host (CPU) read access to the rows of a 2-D float32 or float64 tensor, without copying when the tensor is already
/// a contiguous CPU tensor of that type, plus the exact float64 kernels that define <see cref="ExactKnn"/>'s scores.
/// </summary>
/// <remarks>
/// The kernels fix their summation order: four lanes accumulate the products of elements t ≡ 0, 1, 2, 3 (mod 4) of the
/// first 4⌊d/4⌋ elements in increasing t, the lanes are combined as (l₀ + l₁) + (l₂ + l₃), and the remaining elements
/// are added in order. Multiplications and additions are separate IEEE float64 operations (no fused multiply–add),
/// so the vectorised and scalar paths give bit-identical results and a score depends only on the two rows — never on
/// block sizes, thread counts or the position of the rows. Identical rows therefore get identical scores, which makes
/// the index tie-break meaningful.
/// </remarks>
internal sealed unsafe class HostRows
{
    private readonly Tensor _owner;
    private readonly nint[] _chunks;
    private readonly int _rowsPerChunk;

    private HostRows(Tensor owner, int rows, int cols, bool isDouble)
    {
        _owner = owner;
        Rows = rows;
        Cols = cols;
        IsDouble = isDouble;
        long rowBytes = (long)cols * (isDouble ? 8 : 4);
        _rowsPerChunk = (int)Math.Max(1, Math.Min(rows, (1L << 30) / rowBytes));
        int chunkCount = rows == 0 ? 0 : (rows + _rowsPerChunk - 1) / _rowsPerChunk;
        _chunks = new nint[chunkCount];
        for (int c = 0; c < chunkCount; c++)
        {
            int r0 = c * _rowsPerChunk;
            int count = Math.Min(_rowsPerChunk, rows - r0);
            using var view = owner.narrow(0, r0, count);
            // CPU memory owned by libtorch does not move; the pointer stays valid while _owner is alive.
            fixed (byte* p = view.bytes)
                _chunks[c] = (nint)p;
        }
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Row length d.</summary>
    public int Cols { get; }

    /// <summary>True for float64 storage, false for float32.</summary>
    public bool IsDouble { get; }

    /// <summary>
    /// Host rows of <paramref name="t"/> [rows, d]: float64 if <paramref name="asDouble"/>, else float32 for float32 input
    /// and float64 for float64 input; other floating types become float32. The host tensor belongs to the caller's
    /// dispose scope, which must outlive the last use of the rows.
    /// </summary>
    public static HostRows Create(Tensor t, bool asDouble)
    {
        var type = asDouble || t.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var host = t.detach();
        if (host.dtype != type)
            host = host.to_type(type);
        host = host.cpu().contiguous();
        return new HostRows(host, checked((int)t.shape[0]), checked((int)t.shape[1]), type == ScalarType.Float64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float* RowF(int i) => (float*)_chunks[i / _rowsPerChunk] + (long)(i % _rowsPerChunk) * Cols;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double* RowD(int i) => (double*)_chunks[i / _rowsPerChunk] + (long)(i % _rowsPerChunk) * Cols;

    /// <summary>Exact-order float64 inner product of row i of this set with row j of <paramref name="other"/> (same storage type).</summary>
    public double Dot(int i, HostRows other, int j) =>
        IsDouble ? DotD(RowD(i), other.RowD(j), Cols) : DotF(RowF(i), other.RowF(j), Cols);

    /// <summary>Exact-order float64 squared Euclidean distance Σ (a_t − b_t)² between row i and row j of <paramref name="other"/>.</summary>
    public double SquaredDistance(int i, HostRows other, int j) =>
        IsDouble ? SqDistD(RowD(i), other.RowD(j), Cols) : SqDistF(RowF(i), other.RowF(j), Cols);

    /// <summary>Exact-order squared norm of row i (the inner product of the row with itself).</summary>
    public double SquaredNorm(int i) => IsDouble ? DotD(RowD(i), RowD(i), Cols) : DotF(RowF(i), RowF(i), Cols);

    /// <summary>Largest |element| of row i (0 for a zero row).</summary>
    public double MaxAbs(int i)
    {
        double m = 0;
        if (IsDouble)
        {
            double* r = RowD(i);
            for (int t = 0; t < Cols; t++) m = Math.Max(m, Math.Abs(r[t]));
        }
        else
        {
            float* r = RowF(i);
            for (int t = 0; t < Cols; t++) m = Math.Max(m, Math.Abs((double)r[t]));
        }
        return m;
    }

    private static double DotF(float* a, float* b, int d)
    {
        int t = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        if (Vector256.IsHardwareAccelerated && d >= 8)
        {
            var acc = Vector256<double>.Zero;
            for (; t + 8 <= d; t += 8)
            {
                var (alo, ahi) = Vector256.Widen(Vector256.Load(a + t));
                var (blo, bhi) = Vector256.Widen(Vector256.Load(b + t));
                acc += alo * blo;
                acc += ahi * bhi;
            }
            l0 = acc.GetElement(0); l1 = acc.GetElement(1); l2 = acc.GetElement(2); l3 = acc.GetElement(3);
        }
        for (; t + 4 <= d; t += 4)
        {
            l0 += (double)a[t] * b[t];
            l1 += (double)a[t + 1] * b[t + 1];
            l2 += (double)a[t + 2] * b[t + 2];
            l3 += (double)a[t + 3] * b[t + 3];
        }
        double s = (l0 + l1) + (l2 + l3);
        for (; t < d; t++)
            s += (double)a[t] * b[t];
        return s;
    }

    private static double DotD(double* a, double* b, int d)
    {
        int t = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        if (Vector256.IsHardwareAccelerated && d >= 4)
        {
            var acc = Vector256<double>.Zero;
            for (; t + 4 <= d; t += 4)
                acc += Vector256.Load(a + t) * Vector256.Load(b + t);
            l0 = acc.GetElement(0); l1 = acc.GetElement(1); l2 = acc.GetElement(2); l3 = acc.GetElement(3);
        }
        for (; t + 4 <= d; t += 4)
        {
            l0 += a[t] * b[t];
            l1 += a[t + 1] * b[t + 1];
            l2 += a[t + 2] * b[t + 2];
            l3 += a[t + 3] * b[t + 3];
        }
        double s = (l0 + l1) + (l2 + l3);
        for (; t < d; t++)
            s += a[t] * b[t];
        return s;
    }

    private static double SqDistF(float* a, float* b, int d)
    {
        int t = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        if (Vector256.IsHardwareAccelerated && d >= 8)
        {
            var acc = Vector256<double>.Zero;
            for (; t + 8 <= d; t += 8)
            {
                var (alo, ahi) = Vector256.Widen(Vector256.Load(a + t));
                var (blo, bhi) = Vector256.Widen(Vector256.Load(b + t));
                var dlo = alo - blo;
                var dhi = ahi - bhi;
                acc += dlo * dlo;
                acc += dhi * dhi;
            }
            l0 = acc.GetElement(0); l1 = acc.GetElement(1); l2 = acc.GetElement(2); l3 = acc.GetElement(3);
        }
        for (; t + 4 <= d; t += 4)
        {
            double d0 = (double)a[t] - b[t], d1 = (double)a[t + 1] - b[t + 1];
            double d2 = (double)a[t + 2] - b[t + 2], d3 = (double)a[t + 3] - b[t + 3];
            l0 += d0 * d0;
            l1 += d1 * d1;
            l2 += d2 * d2;
            l3 += d3 * d3;
        }
        double s = (l0 + l1) + (l2 + l3);
        for (; t < d; t++)
        {
            double e = (double)a[t] - b[t];
            s += e * e;
        }
        return s;
    }

    private static double SqDistD(double* a, double* b, int d)
    {
        int t = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        if (Vector256.IsHardwareAccelerated && d >= 4)
        {
            var acc = Vector256<double>.Zero;
            for (; t + 4 <= d; t += 4)
            {
                var e = Vector256.Load(a + t) - Vector256.Load(b + t);
                acc += e * e;
            }
            l0 = acc.GetElement(0); l1 = acc.GetElement(1); l2 = acc.GetElement(2); l3 = acc.GetElement(3);
        }
        for (; t + 4 <= d; t += 4)
        {
            double d0 = a[t] - b[t], d1 = a[t + 1] - b[t + 1], d2 = a[t + 2] - b[t + 2], d3 = a[t + 3] - b[t + 3];
            l0 += d0 * d0;
            l1 += d1 * d1;
            l2 += d2 * d2;
            l3 += d3 * d3;
        }
        double s = (l0 + l1) + (l2 + l3);
        for (; t < d; t++)
        {
            double e = a[t] - b[t];
            s += e * e;
        }
        return s;
    }
}
