using System.Runtime.InteropServices;

namespace Rankwise.Ranking;

/// <summary>
/// An uninitialised, unmanaged work buffer for the large sorting and ranking passes. Buffers of at
/// least <see cref="HugePageThreshold"/> bytes are 2-MiB aligned and, on Linux, advised for transparent
/// huge pages: the passes touch them in random order, and 2-MiB pages keep those accesses out of the
/// page-walk path. Must be disposed (frees the memory).
/// </summary>
/// <typeparam name="T">An unmanaged element type.</typeparam>
internal sealed unsafe class NativeBuffer<T> : IDisposable where T : unmanaged
{
    /// <summary>Buffers at least this large (bytes) are aligned and advised for huge pages.</summary>
    internal const long HugePageThreshold = 4L << 20;

    private const nuint HugePage = 2u << 20;

    /// <summary>Allocates room for <paramref name="length"/> elements (contents undefined).</summary>
    public NativeBuffer(int length)
        : this(length, adviseHugePages: true)
    {
    }

    /// <summary>
    /// Allocates room for <paramref name="length"/> elements (contents undefined); with <paramref name="adviseHugePages"/>
    /// false a large buffer is still 2-MiB aligned but left on ordinary pages (for one-shot buffers, where fresh huge
    /// pages can cost more to fault in than they save).
    /// </summary>
    public NativeBuffer(int length, bool adviseHugePages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        nuint bytes = (nuint)Math.Max(1, length) * (nuint)sizeof(T);
        if ((long)bytes >= HugePageThreshold)
        {
            bytes = (bytes + HugePage - 1) & ~(HugePage - 1);
            Pointer = (T*)NativeMemory.AlignedAlloc(bytes, HugePage);
            if (adviseHugePages)
                HugePages.Advise(Pointer, bytes);
        }
        else
        {
            Pointer = (T*)NativeMemory.AlignedAlloc(bytes, 64);
        }
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

/// <summary>Asks the OS (Linux only) to back a region with transparent huge pages; silently a no-op elsewhere.</summary>
internal static unsafe class HugePages
{
    private const int MadviseHugePage = 14;
    private static bool s_adviseFailed;

    /// <summary>Advises <paramref name="bytes"/> bytes at <paramref name="address"/> (2-MiB aligned) for huge pages.</summary>
    internal static void Advise(void* address, nuint bytes)
    {
        if (s_adviseFailed || !OperatingSystem.IsLinux()) return;
        try
        {
            _ = madvise((nint)address, bytes, MadviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_adviseFailed = true;
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int madvise(nint address, nuint length, int advice);
}
