using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rankwise.Ranking;

/// <summary>Vectorised search for the first NaN (a value that does not equal itself).</summary>
internal static class NaNSearch
{
    /// <summary>The index of the first NaN in <paramref name="values"/>, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfNaN(ReadOnlySpan<double> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 4 * Vector256<double>.Count)
        {
            ref double start = ref MemoryMarshal.GetReference(values);
            int blockEnd = values.Length - 4 * Vector256<double>.Count;
            for (; i <= blockEnd; i += 4 * Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                var b = Vector256.LoadUnsafe(ref start, (nuint)(i + Vector256<double>.Count));
                var c = Vector256.LoadUnsafe(ref start, (nuint)(i + 2 * Vector256<double>.Count));
                var d = Vector256.LoadUnsafe(ref start, (nuint)(i + 3 * Vector256<double>.Count));
                var ordered = Vector256.Equals(a, a) & Vector256.Equals(b, b) & Vector256.Equals(c, c) & Vector256.Equals(d, d);
                if (ordered != Vector256<double>.AllBitsSet) break; // a NaN in this block: find it below
            }
        }
        for (; i < values.Length; i++)
            if (double.IsNaN(values[i])) return i;
        return -1;
    }

    /// <inheritdoc cref="IndexOfNaN(ReadOnlySpan{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfNaN(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 4 * Vector256<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            int blockEnd = values.Length - 4 * Vector256<float>.Count;
            for (; i <= blockEnd; i += 4 * Vector256<float>.Count)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                var b = Vector256.LoadUnsafe(ref start, (nuint)(i + Vector256<float>.Count));
                var c = Vector256.LoadUnsafe(ref start, (nuint)(i + 2 * Vector256<float>.Count));
                var d = Vector256.LoadUnsafe(ref start, (nuint)(i + 3 * Vector256<float>.Count));
                var ordered = Vector256.Equals(a, a) & Vector256.Equals(b, b) & Vector256.Equals(c, c) & Vector256.Equals(d, d);
                if (ordered != Vector256<float>.AllBitsSet) break;
            }
        }
        for (; i < values.Length; i++)
            if (float.IsNaN(values[i])) return i;
        return -1;
    }
}
