using System.Numerics;

namespace Rankwise.IO;

/// <summary>
/// The parsed header of a numpy <c>.npy</c> file (format versions 1.0, 2.0 and 3.0, see
/// <c>numpy.lib.format</c>).
/// </summary>
/// <param name="MajorVersion">Format major version: 1, 2 or 3.</param>
/// <param name="MinorVersion">Format minor version (0).</param>
/// <param name="Descr">The dtype string as stored, e.g. <c>&lt;f8</c>, <c>&gt;i4</c>, <c>|b1</c>.</param>
/// <param name="FortranOrder">True when the data are stored column-major.</param>
/// <param name="Shape">The array shape (empty for a 0-d array).</param>
/// <param name="ItemSize">Size of one element in bytes.</param>
/// <param name="DataOffset">Byte offset of the data block from the start of the file (or archive member).</param>
public sealed record NpyHeader(int MajorVersion, int MinorVersion, string Descr, bool FortranOrder, IReadOnlyList<long> Shape, int ItemSize, long DataOffset)
{
    /// <summary>Number of data bytes the header promises: product of <see cref="Shape"/> × <see cref="ItemSize"/> (exact, never overflows).</summary>
    public BigInteger DataBytes => ShapeRules.ElementCount(Shape) * ItemSize;

    internal ElementType Type { get; init; }
}
