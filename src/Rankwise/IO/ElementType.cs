using System.Buffers.Binary;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Rankwise.IO;

/// <summary>The numeric family of a stored element type.</summary>
internal enum ElementKind
{
    Bool,
    Int,
    UInt,
    Float,
    BFloat16,
}

/// <summary>
/// A stored (on-disk) element type: family, size in bytes and byte order, e.g. numpy's <c>&gt;i4</c>
/// or safetensors' <c>BF16</c>. Converts chunks of raw bytes to float/double via <see cref="ElementConverter"/>.
/// </summary>
internal readonly record struct ElementType(ElementKind Kind, int Size, bool BigEndian, string Name)
{
    /// <summary>True when the raw bytes must be byte-swapped on this machine before reinterpreting them.</summary>
    public bool NeedsSwap => Size > 1 && BigEndian == BitConverter.IsLittleEndian;

    /// <summary>True when the stored bytes are already the in-memory representation of <typeparamref name="T"/>.</summary>
    public bool IsNative<T>() where T : unmanaged =>
        !NeedsSwap && Kind == ElementKind.Float &&
        ((typeof(T) == typeof(double) && Size == 8) || (typeof(T) == typeof(float) && Size == 4));
}

/// <summary>Chunk-wise conversion of raw stored elements to float/double.</summary>
internal static class ElementConverter
{
    /// <summary>
    /// Converts <c>destination.Length</c> elements stored in <paramref name="source"/> (exactly
    /// <c>destination.Length × type.Size</c> bytes; byte-swapped in place when needed, so the buffer is clobbered).
    /// </summary>
    public static void Convert<T>(Span<byte> source, ElementType type, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (source.Length != destination.Length * type.Size)
            throw new ArgumentException("source and destination lengths disagree");
        if (type.NeedsSwap)
        {
            switch (type.Size)
            {
                case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(source), MemoryMarshal.Cast<byte, ushort>(source)); break;
                case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<byte, uint>(source)); break;
                case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(source), MemoryMarshal.Cast<byte, ulong>(source)); break;
            }
        }

        switch (type.Kind, type.Size)
        {
            case (ElementKind.Bool, 1):
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = source[i] != 0 ? T.One : T.Zero;
                break;
            case (ElementKind.Int, 1): Scalar(MemoryMarshal.Cast<byte, sbyte>(source), destination); break;
            case (ElementKind.Int, 2): Scalar(MemoryMarshal.Cast<byte, short>(source), destination); break;
            case (ElementKind.Int, 4): Scalar(MemoryMarshal.Cast<byte, int>(source), destination); break;
            case (ElementKind.Int, 8): Scalar(MemoryMarshal.Cast<byte, long>(source), destination); break;
            case (ElementKind.UInt, 1): Scalar<byte, T>(source, destination); break;
            case (ElementKind.UInt, 2): Scalar(MemoryMarshal.Cast<byte, ushort>(source), destination); break;
            case (ElementKind.UInt, 4): Scalar(MemoryMarshal.Cast<byte, uint>(source), destination); break;
            case (ElementKind.UInt, 8): Scalar(MemoryMarshal.Cast<byte, ulong>(source), destination); break;
            case (ElementKind.Float, 2): Floating(MemoryMarshal.Cast<byte, Half>(source), destination); break;
            case (ElementKind.Float, 4): Floating(MemoryMarshal.Cast<byte, float>(source), destination); break;
            case (ElementKind.Float, 8): Floating(MemoryMarshal.Cast<byte, double>(source), destination); break;
            case (ElementKind.BFloat16, 2):
                {
                    // bfloat16 is the upper half of an IEEE binary32: widening is exact.
                    var bits = MemoryMarshal.Cast<byte, ushort>(source);
                    for (int i = 0; i < destination.Length; i++)
                        destination[i] = T.CreateTruncating(BitConverter.UInt32BitsToSingle((uint)bits[i] << 16));
                    break;
                }
            default:
                throw new ArgumentException($"unsupported element type {type.Name}");
        }
    }

    // Integers: scalar, correctly rounded conversion (64-bit integers may not be exactly representable).
    private static void Scalar<TFrom, T>(ReadOnlySpan<TFrom> source, Span<T> destination)
        where TFrom : unmanaged, INumberBase<TFrom>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = T.CreateTruncating(source[i]);
    }

    private static void Floating<TFrom, T>(ReadOnlySpan<TFrom> source, Span<T> destination)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TFrom) == typeof(T))
            MemoryMarshal.Cast<TFrom, T>(source).CopyTo(destination);
        else
            TensorPrimitives.ConvertTruncating(source, destination);
    }
}
