using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rankwise.Inference;

/// <summary>
/// Eight <see cref="ResampleRandom"/> streams (seed, first) … (seed, first + 7) advanced in lockstep in one 512-bit
/// vector each step: lane j yields exactly the numbers <c>new ResampleRandom(seed, first + j)</c> would, as long as no
/// draw needs Lemire's rejection step (probability bound/2⁶⁴ per draw). A lane that would need it is reported, and the
/// caller redraws that stream with the scalar generator, so the results never differ from the scalar ones.
/// </summary>
internal struct ResampleRandomLanes
{
    /// <summary>Streams advanced together.</summary>
    public const int Count = 8;

    private Vector512<ulong> _s0, _s1, _s2, _s3;

    /// <summary>Whether the lockstep generator runs in hardware here (AVX-512 F and DQ); otherwise use the scalar one.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <summary>The streams (seed, first) … (seed, first + 7).</summary>
    public ResampleRandomLanes(ulong seed, ulong first)
    {
        Span<ulong> s0 = stackalloc ulong[Count], s1 = stackalloc ulong[Count], s2 = stackalloc ulong[Count], s3 = stackalloc ulong[Count];
        for (int lane = 0; lane < Count; lane++)
            (s0[lane], s1[lane], s2[lane], s3[lane]) = new ResampleRandom(seed, first + (ulong)lane).State;
        _s0 = Vector512.Create<ulong>(s0);
        _s1 = Vector512.Create<ulong>(s1);
        _s2 = Vector512.Create<ulong>(s2);
        _s3 = Vector512.Create<ulong>(s3);
    }

    /// <summary>
    /// The next uniform integer in [0, <paramref name="bound"/>) of every lane (<see cref="ResampleRandom.NextInt"/>),
    /// and in <paramref name="suspect"/> the lanes (bit j) whose draw fell in the rejection zone: their value is not the
    /// scalar generator's, and their stream must be redrawn.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<ulong> NextInts(Vector512<ulong> bound, ref uint suspect)
    {
        // xoshiro256**: result = rotl(s1·5, 7)·9.
        var x = _s1 + Vector512.ShiftLeft(_s1, 2);
        x = Avx512F.RotateLeft(x, 7);
        var r = x + Vector512.ShiftLeft(x, 3);
        var t = Vector512.ShiftLeft(_s1, 17);
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = Avx512F.RotateLeft(_s3, 45);

        // Lemire: r·bound = high·2⁶⁴ + low, with bound < 2³¹ split as r = rh·2³² + rl.
        var p1 = Avx512F.Multiply(r.AsUInt32(), bound.AsUInt32());
        var p2 = Avx512F.Multiply(Vector512.ShiftRightLogical(r, 32).AsUInt32(), bound.AsUInt32());
        var low = Vector512.ShiftLeft(p2, 32) + p1;
        var high = Vector512.ShiftRightLogical(p2 + Vector512.ShiftRightLogical(p1, 32), 32);
        suspect |= (uint)Vector512.ExtractMostSignificantBits(Vector512.LessThan(low, bound));
        return high;
    }
}
