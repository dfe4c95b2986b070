using System.Numerics;

namespace Rankwise.IO;

/// <summary>How stored n-d shapes map onto <see cref="Matrix{T}"/>: 0-d → 1×1, 1-d (n) → n×1, 2-d (r, c) → r×c.</summary>
internal static class ShapeRules
{
    /// <summary>Formats a shape as <c>[a, b, c]</c>.</summary>
    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The exact number of elements (may exceed <see cref="long"/>; never overflows).</summary>
    public static BigInteger ElementCount(IReadOnlyList<long> shape)
    {
        BigInteger n = BigInteger.One;
        foreach (long d in shape)
            n *= d;
        return n;
    }

    /// <summary>
    /// The matrix shape for a stored shape whose data size has already been validated against the file.
    /// Throws for 3-D and higher arrays and for arrays too large for a .NET array.
    /// </summary>
    public static (int Rows, int Columns) ToMatrixShape(IReadOnlyList<long> shape, string source)
    {
        if (shape.Count > 2)
            throw new RankwiseInputException(source,
                $"array has {shape.Count} dimensions {Format(shape)}; only 0-, 1- and 2-D arrays are supported, reshape it to 2-D before saving (e.g. x.reshape(x.shape[0], -1))");
        BigInteger count = ElementCount(shape);
        if (count > Array.MaxLength)
            throw new RankwiseInputException(source,
                $"array of shape {Format(shape)} has {count} elements, more than the {Array.MaxLength} a single array can hold");
        return shape.Count switch
        {
            0 => (1, 1),
            1 => ((int)shape[0], 1),
            _ => ((int)shape[0], (int)shape[1]),
        };
    }
}
