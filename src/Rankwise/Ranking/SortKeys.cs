using System.Runtime.CompilerServices;

namespace Rankwise.Ranking;

/// <summary>
/// Maps floating-point values to unsigned integers whose unsigned order is the numeric order
/// (−∞ &lt; … &lt; −0 = +0 &lt; … &lt; +∞), so that sorting and tie detection can work on integer keys.
/// −0 is folded onto +0 (they compare equal, as in numpy's sort). NaN must be removed beforehand.
/// </summary>
internal static class SortKeys
{
    /// <summary>The order-preserving key of a non-NaN double (branch-free; −0 + 0 = +0 folds the zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Of(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value + 0.0);
        return (ulong)(bits ^ ((bits >> 63) | long.MinValue));
    }

    /// <summary>
    /// The double whose key is <paramref name="key"/> (the inverse of <see cref="Of(double)"/>; −0 comes back as +0), so
    /// a consumer of sorted keys needs no access to the original array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ToDouble(ulong key)
    {
        long k = (long)key;
        // Keys of non-negative values have the top bit set (bits ^ sign bit); those of negative values are ~bits.
        return BitConverter.Int64BitsToDouble(k < 0 ? k ^ long.MinValue : ~k);
    }

    /// <summary>The order-preserving key of a non-NaN float (branch-free; −0 + 0 = +0 folds the zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Of(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value + 0.0f);
        return (uint)(bits ^ ((bits >> 31) | int.MinValue));
    }
}
