using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Rankwise.IO;

/// <summary>
/// Streams the raw data block of an array straight from a stream into the destination array, converting
/// the element type chunk by chunk; at most one chunk (256 KiB) is held besides the destination.
/// </summary>
internal static class ArrayDataReader
{
    private const int ChunkBytes = 1 << 18;

    /// <summary>
    /// Reads <c>rows × columns</c> elements of <paramref name="type"/> from <paramref name="stream"/> into a new
    /// row-major array. With <paramref name="fortranOrder"/> the stored order is column-major.
    /// Reads exactly the promised number of bytes, never more.
    /// </summary>
    public static T[] Read<T>(Stream stream, ElementType type, int rows, int columns, bool fortranOrder, string source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = (long)rows * columns;
        var destination = new T[count];
        long totalBytes = count * type.Size;
        bool transpose = fortranOrder && rows > 1 && columns > 1;

        if (!transpose && type.IsNative<T>())
        {
            // Same representation: read straight into the destination's bytes.
            var bytes = MemoryMarshal.AsBytes(destination.AsSpan());
            long done = 0;
            while (done < bytes.Length)
            {
                int want = (int)Math.Min(ChunkBytes, bytes.Length - done);
                int got = stream.ReadAtLeast(bytes.Slice((int)done, want), want, throwOnEndOfStream: false);
                done += got;
                if (got < want)
                    throw Truncated(source, totalBytes, done);
            }
            return destination;
        }

        int chunkElements = Math.Max(1, ChunkBytes / type.Size);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkElements * type.Size);
        T[]? converted = transpose ? ArrayPool<T>.Shared.Rent(chunkElements) : null;
        try
        {
            long k = 0;
            while (k < count)
            {
                int n = (int)Math.Min(chunkElements, count - k);
                var raw = buffer.AsSpan(0, n * type.Size);
                int got = stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
                if (got < raw.Length)
                    throw Truncated(source, totalBytes, k * type.Size + got);
                if (!transpose)
                {
                    ElementConverter.Convert(raw, type, destination.AsSpan((int)k, n));
                }
                else
                {
                    var chunk = converted.AsSpan(0, n);
                    ElementConverter.Convert(raw, type, chunk);
                    // Element k of a column-major block is (k mod rows, k div rows).
                    long i = k % rows, j = k / rows;
                    for (int t = 0; t < n; t++)
                    {
                        destination[i * columns + j] = chunk[t];
                        if (++i == rows) { i = 0; j++; }
                    }
                }
                k += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (converted is not null)
                ArrayPool<T>.Shared.Return(converted);
        }
        return destination;
    }

    private static RankwiseInputException Truncated(string source, long promised, long actual) =>
        new(source, $"truncated data: header promises {promised} bytes, file has {actual}");

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes or throws a truncation error naming <paramref name="what"/>.</summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        int got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length)
            throw new RankwiseInputException(source, $"truncated {what}: expected {buffer.Length} bytes, file has {got}");
    }
}
