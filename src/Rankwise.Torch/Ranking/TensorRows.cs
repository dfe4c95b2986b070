using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

/// <summary>
/// Rows of a contiguous CPU float32/float64 tensor, read as float64. Float64 rows are spans over the tensor's own
/// memory; float32 rows are widened into the caller's scratch. The tensor must stay alive while rows are in use.
/// </summary>
internal readonly unsafe struct TensorRowReader
{
    private readonly void* data;
    private readonly bool single;
    private readonly int n;

    public TensorRowReader(Tensor cpuContiguous, int n)
    {
        data = Address(cpuContiguous);
        single = cpuContiguous.dtype == ScalarType.Float32;
        this.n = n;
    }

    /// <summary>Whether the tensor is float32 (so every row value is exactly a float).</summary>
    public bool IsSingle => single;

    public ReadOnlySpan<double> Row(int row, Span<double> scratch)
    {
        long offset = (long)row * n;
        if (!single)
        {
            return new ReadOnlySpan<double>((double*)data + offset, n);
        }
        var source = new ReadOnlySpan<float>((float*)data + offset, n);
        var target = scratch[..n];
        for (int i = 0; i < n; i++)
        {
            target[i] = source[i];
        }
        return target;
    }

    internal static void* Address(Tensor cpuContiguous) =>
        Unsafe.AsPointer(ref MemoryMarshal.GetReference(cpuContiguous.bytes));
}

/// <summary>
/// Rows of a contiguous CPU float32/float64 tensor to write from float64: float64 rows are written in place,
/// float32 rows go through the caller's scratch and are narrowed by <see cref="Commit"/>.
/// </summary>
internal readonly unsafe struct TensorRowWriter
{
    private readonly void* data;
    private readonly bool single;
    private readonly int n;

    public TensorRowWriter(Tensor cpuContiguous, int n)
    {
        data = TensorRowReader.Address(cpuContiguous);
        single = cpuContiguous.dtype == ScalarType.Float32;
        this.n = n;
    }

    /// <summary>Where row <paramref name="row"/> is to be written; call <see cref="Commit"/> afterwards.</summary>
    public Span<double> Row(int row, Span<double> scratch) =>
        single ? scratch[..n] : new Span<double>((double*)data + (long)row * n, n);

    /// <summary>Stores a row written into the span returned by <see cref="Row"/>.</summary>
    public void Commit(int row, ReadOnlySpan<double> written)
    {
        if (!single)
        {
            return;
        }
        var target = new Span<float>((float*)data + (long)row * n, n);
        for (int i = 0; i < n; i++)
        {
            target[i] = (float)written[i];
        }
    }
}
