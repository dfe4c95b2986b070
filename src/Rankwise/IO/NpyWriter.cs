using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Rankwise.IO;

/// <summary>
/// Writes numpy <c>.npy</c> files: format 1.0, little endian, C order, dtype <c>&lt;f8</c> for <see cref="double"/>
/// and <c>&lt;f4</c> for <see cref="float"/>, with the header laid out byte for byte as numpy 1.24's
/// <c>np.save</c> writes it (keys sorted, growth padding of the first axis, total header a multiple of 64 bytes).
/// File output is atomic (<see cref="AtomicFile"/>). Row labels and column names are not stored.
/// </summary>
public static class NpyWriter
{
    private const int GrowthAxisMaxDigits = 21;
    private const int ArrayAlign = 64;

    /// <summary>Writes a matrix as a 2-d array of shape (rows, columns).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The destination file.</param>
    /// <param name="matrix">The matrix.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write<T>(string path, Matrix<T> matrix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        AtomicFile.Write(path, s => Write(s, matrix));
    }

    /// <summary>Writes a vector as a 1-d array of shape (n,).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The destination file.</param>
    /// <param name="vector">The values.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write<T>(string path, T[] vector) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(vector);
        AtomicFile.Write(path, s => Write<T>(s, vector.AsSpan()));
    }

    /// <summary>Writes a matrix as a 2-d <c>.npy</c> array to a stream.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="stream">The destination stream.</param>
    /// <param name="matrix">The matrix.</param>
    public static void Write<T>(Stream stream, Matrix<T> matrix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(matrix);
        stream.Write(Header<T>([matrix.Rows, matrix.Columns]));
        WriteData<T>(stream, matrix.Data);
    }

    /// <summary>Writes a vector as a 1-d <c>.npy</c> array to a stream.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="stream">The destination stream.</param>
    /// <param name="vector">The values.</param>
    public static void Write<T>(Stream stream, ReadOnlySpan<T> vector) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Header<T>([vector.Length]));
        WriteData(stream, vector);
    }

    /// <summary>The complete preamble + header for a C-order little-endian float array of the given shape.</summary>
    internal static byte[] Header<T>(long[] shape) where T : unmanaged
    {
        string descr = typeof(T) == typeof(double) ? "<f8" : typeof(T) == typeof(float) ? "<f4"
            : throw new NotSupportedException($"element type {typeof(T).Name} is not supported");
        var inv = CultureInfo.InvariantCulture;
        string shapeRepr = shape.Length == 1
            ? $"({shape[0].ToString(inv)},)"
            : "(" + string.Join(", ", shape.Select(d => d.ToString(inv))) + ")";
        var header = new StringBuilder();
        header.Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': ").Append(shapeRepr).Append(", }");
        if (shape.Length > 0)
            header.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(inv).Length);
        int headerLength = header.Length + 1; // + final newline
        int padding = ArrayAlign - (10 + headerLength) % ArrayAlign;
        header.Append(' ', padding).Append('\n');
        var bytes = new byte[10 + header.Length];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), checked((ushort)header.Length));
        Encoding.Latin1.GetBytes(header.ToString(), bytes.AsSpan(10));
        return bytes;
    }

    private static void WriteData<T>(Stream stream, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data));
            return;
        }
        var buffer = new byte[1 << 16];
        int size = Marshal.SizeOf<T>();
        var bytes = MemoryMarshal.AsBytes(data);
        for (int offset = 0; offset < bytes.Length; offset += buffer.Length)
        {
            var chunk = buffer.AsSpan(0, Math.Min(buffer.Length, bytes.Length - offset));
            bytes.Slice(offset, chunk.Length).CopyTo(chunk);
            if (size == 8)
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(chunk), MemoryMarshal.Cast<byte, ulong>(chunk));
            else
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(chunk), MemoryMarshal.Cast<byte, uint>(chunk));
            stream.Write(chunk);
        }
    }
}
