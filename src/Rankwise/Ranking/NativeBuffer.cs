using System.Runtime.InteropServices;

namespace Rankwise.Ranking;

/// <summary>
/// An uninitialised, 64-byte aligned, unmanaged work buffer for the large sorting and ranking passes:
/// no zeroing, no large-object-heap churn, and stable addresses for the pointer-based kernels running on
/// several threads. Must be disposed (frees the memory).
/// </summary>
/// <typeparam name="T">An unmanaged element type.</typeparam>
internal sealed unsafe class NativeBuffer<T> : IDisposable where T : unmanaged
{
    /// <summary>Allocates room for <paramref name="length"/> elements (contents undefined).</summary>
    public NativeBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        Pointer = (T*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, length) * (nuint)sizeof(T), 64);
    }

    /// <summary>The first element.</summary>
    public T* Pointer { get; private set; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The buffer as a span.</summary>
    public Span<T> Span => new(Pointer, Length);

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        if (Pointer != null)
        {
            NativeMemory.AlignedFree(Pointer);
            Pointer = null;
        }
    }
}
