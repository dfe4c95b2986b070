using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Rankwise.IO;

/// <summary>
/// Random access to the rows of a 2-D <c>.npy</c> array through a memory-mapped file, for data larger than the memory
/// a process may use: blocks of rows are converted into caller buffers without ever loading the whole array.
/// </summary>
/// <remarks>
/// <para><b>Opening.</b> <see cref="Open"/> parses and validates the header with the same rules as <see cref="NpyReader"/>
/// (versions 1.0–3.0, restricted header dict, object/structured/string/complex/datetime dtypes refused) and checks the
/// data size the header promises against the file length <i>before</i> mapping anything, so a header that lies about its
/// shape is a <see cref="RankwiseInputException"/>, never an allocation or a fault. Shapes map as in
/// <see cref="NpyReader"/>: 0-d → 1 × 1, 1-d (n) → n × 1, 2-d (r, c) → r × c; 3-d and higher are refused.</para>
/// <para><b>Dtypes.</b> float32 and float64 in the machine's byte order are copied straight from the mapping; every other
/// supported dtype (bool, int8–int64, uint8–uint64, float16, big-endian floats) is converted per chunk of at most
/// 256 KiB with the rounding rules of <see cref="NpyReader"/>.</para>
/// <para><b>Layout.</b> C-order (row-major) arrays are read as contiguous byte ranges. Fortran-order (column-major)
/// arrays are supported too: a block of rows is gathered from one contiguous segment per column, which is efficient for
/// blocks of many rows and slow for blocks of a few rows (re-save with <c>np.ascontiguousarray</c> for row access).</para>
/// <para><b>Memory.</b> Each <see cref="ReadRows{T}"/> call maps a view of only the bytes it needs (C order: in pieces of
/// at most <see cref="MaxViewBytes"/>; Fortran order: one view per call whose resident pages are the column segments
/// read) and unmaps it before returning, so the pages of the file that stay resident in this process are bounded by one
/// view, whatever the file size. The operating system may keep the file in its page cache; that memory is reclaimable
/// and, under a cgroup limit, is reclaimed rather than counted against the process.</para>
/// <para><b>Concurrency.</b> <see cref="ReadRows{T}"/> may be called from several threads at once. The file must not be
/// truncated or rewritten while it is open: the length is re-checked on every call (a shorter file is reported as a
/// <see cref="RankwiseInputException"/>), but a truncation racing with a read can still fault, as with any mapping.</para>
/// </remarks>
public sealed unsafe class NpyRowSource : IDisposable
{
    /// <summary>The largest view mapped at once for C-order reads: 64 MiB.</summary>
    public const int MaxViewBytes = 64 << 20;

    private const int ConvertChunkBytes = 1 << 18;

    private readonly FileStream _stream;
    private readonly MemoryMappedFile? _map;
    private readonly ElementType _type;
    private readonly long _requiredLength;
    private readonly bool _columnMajor;
    private bool _disposed;

    private NpyRowSource(string path, FileStream stream, MemoryMappedFile? map, NpyHeader header, long rows, int columns)
    {
        Path = path;
        _stream = stream;
        _map = map;
        Header = header;
        _type = header.Type;
        Rows = rows;
        Columns = columns;
        _requiredLength = header.DataOffset + rows * columns * (long)header.ItemSize;
        _columnMajor = header.FortranOrder && rows > 1 && columns > 1;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The validated header.</summary>
    public NpyHeader Header { get; }

    /// <summary>Number of rows (samples).</summary>
    public long Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns { get; }

    /// <summary>The stored dtype, e.g. <c>&lt;f4</c>.</summary>
    public string DType => Header.Descr;

    /// <summary>Bytes per stored element.</summary>
    public int ItemSize => Header.ItemSize;

    /// <summary>True when the stored elements are IEEE float32 in the machine's byte order (copied without conversion into <see cref="float"/> buffers).</summary>
    public bool IsNativeFloat32 => _type.IsNative<float>();

    /// <summary>True when the stored elements are IEEE float64 in the machine's byte order (copied without conversion into <see cref="double"/> buffers).</summary>
    public bool IsNativeFloat64 => _type.IsNative<double>();

    /// <summary>True when the array is stored column-major with more than one row and column (rows are gathered per column).</summary>
    public bool IsColumnMajor => _columnMajor;

    /// <summary>Size of the stored data in bytes (rows × columns × item size).</summary>
    public long DataBytes => Rows * Columns * (long)ItemSize;

    /// <summary>Opens <paramref name="path"/> and validates its header against the file length.</summary>
    /// <param name="path">A <c>.npy</c> file.</param>
    /// <returns>The open source; dispose it to unmap the file.</returns>
    /// <exception cref="RankwiseInputException">The file is missing, not a <c>.npy</c> file, malformed, truncated (shorter than
    /// its header promises), of an unsupported dtype, or not 0-, 1- or 2-D, or has more than 2³¹ − 1 columns.</exception>
    public static NpyRowSource Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = InputFile.OpenRead(path);
        try
        {
            return InputFile.Guard(path, () =>
            {
                long length = stream.Length;
                var header = NpyReader.ReadHeaderCore(stream, path, length);
                var shape = header.Shape;
                if (shape.Count > 2)
                    throw new RankwiseInputException(path,
                        $"array has {shape.Count} dimensions {ShapeRules.Format(shape)}; only 0-, 1- and 2-D arrays are supported, reshape it to 2-D before saving (e.g. x.reshape(x.shape[0], -1))");
                long rows = shape.Count == 0 ? 1 : shape[0];
                long columns = shape.Count < 2 ? 1 : shape[1];
                if (columns > int.MaxValue)
                    throw new RankwiseInputException(path, $"array of shape {ShapeRules.Format(shape)} has more than {int.MaxValue} columns");
                // The header check guarantees DataOffset + rows·columns·size ≤ length, so these products cannot overflow.
                long dataBytes = rows * columns * header.ItemSize;
                MemoryMappedFile? map = dataBytes == 0 ? null
                    : MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                return new NpyRowSource(path, stream, map, header, rows, (int)columns);
            });
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) into
    /// <paramref name="destination"/>, row-major (<c>count × Columns</c> values), converted to <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="start">First row, 0 ≤ start ≤ <see cref="Rows"/>.</param>
    /// <param name="count">Number of rows, start + count ≤ <see cref="Rows"/>.</param>
    /// <param name="destination">At least <c>count × Columns</c> elements; only that prefix is written.</param>
    /// <exception cref="ArgumentOutOfRangeException">The row range is outside the array or the destination is too short.</exception>
    /// <exception cref="ObjectDisposedException">The source was disposed.</exception>
    /// <exception cref="RankwiseInputException">The file became shorter than its header promises, or cannot be read.</exception>
    public void ReadRows<T>(long start, int count, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows [{start}, {start + count}) are outside the {Rows} rows of {Path}");
        long elements = (long)count * Columns;
        if (destination.Length < elements)
            throw new ArgumentOutOfRangeException(nameof(destination), $"destination holds {destination.Length} values, {count} rows × {Columns} columns need {elements}");
        if (elements == 0)
            return;
        long length;
        try
        {
            length = _stream.Length;
        }
        catch (IOException e)
        {
            throw new RankwiseInputException(Path, $"cannot read: {InputFile.OneLine(e.Message)}", e);
        }
        if (length < _requiredLength)
            throw new RankwiseInputException(Path, $"file shrank while being read: header promises {_requiredLength - Header.DataOffset} bytes of data, file now has {Math.Max(0, length - Header.DataOffset)}");
        try
        {
            if (_columnMajor)
                ReadColumnMajor(start, count, destination);
            else
                ReadContiguous(Header.DataOffset + start * Columns * ItemSize, destination[..(int)elements]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RankwiseInputException(Path, $"cannot read: {InputFile.OneLine(e.Message)}", e);
        }
    }

    /// <summary>Reads contiguous stored elements starting at byte <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    private void ReadContiguous<T>(long offset, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = ItemSize;
        int perView = Math.Max(1, MaxViewBytes / size);
        for (int done = 0; done < destination.Length;)
        {
            int n = Math.Min(perView, destination.Length - done);
            using var view = _map!.CreateViewAccessor(offset + (long)done * size, (long)n * size, MemoryMappedFileAccess.Read);
            var handle = view.SafeMemoryMappedViewHandle;
            byte* p = null;
            handle.AcquirePointer(ref p);
            try
            {
                Convert(new ReadOnlySpan<byte>(p + view.PointerOffset, n * size), destination.Slice(done, n));
            }
            finally
            {
                handle.ReleasePointer();
            }
            done += n;
        }
    }

    /// <summary>Gathers rows of a column-major array: column j's values for the block are one contiguous segment.</summary>
    private void ReadColumnMajor<T>(long start, int count, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = ItemSize, columns = Columns;
        long first = Header.DataOffset + start * size;
        long span = ((long)(columns - 1) * Rows + count) * size;
        using var view = _map!.CreateViewAccessor(first, span, MemoryMappedFileAccess.Read);
        var handle = view.SafeMemoryMappedViewHandle;
        byte* p = null;
        handle.AcquirePointer(ref p);
        int piece = Math.Max(1, ConvertChunkBytes / Math.Max(size, sizeof(T)));
        T[] values = ArrayPool<T>.Shared.Rent(Math.Min(piece, count));
        try
        {
            byte* basePtr = p + view.PointerOffset;
            for (int j = 0; j < columns; j++)
            {
                byte* column = basePtr + (long)j * Rows * size;
                for (int i0 = 0; i0 < count; i0 += piece)
                {
                    int n = Math.Min(piece, count - i0);
                    var chunk = values.AsSpan(0, n);
                    Convert(new ReadOnlySpan<byte>(column + (long)i0 * size, n * size), chunk);
                    for (int t = 0; t < n; t++)
                        destination[(i0 + t) * columns + j] = chunk[t];
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(values);
            handle.ReleasePointer();
        }
    }

    /// <summary>Converts stored elements (read-only memory) to T, copying through a scratch buffer when bytes must be swapped or widened.</summary>
    private void Convert<T>(ReadOnlySpan<byte> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_type.IsNative<T>())
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }
        int size = ItemSize;
        int perChunk = Math.Max(1, ConvertChunkBytes / size);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(Math.Min(perChunk, destination.Length) * size);
        try
        {
            for (int done = 0; done < destination.Length; done += perChunk)
            {
                int n = Math.Min(perChunk, destination.Length - done);
                var raw = scratch.AsSpan(0, n * size);
                source.Slice(done * size, n * size).CopyTo(raw);
                ElementConverter.Convert(raw, _type, destination.Slice(done, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Unmaps the file and closes it.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _map?.Dispose();
        _stream.Dispose();
    }
}
