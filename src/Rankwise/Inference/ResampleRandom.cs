namespace Rankwise.Inference;

/// <summary>
/// A small, fast pseudo-random generator (xoshiro256** by Blackman and Vigna) whose state is derived
/// deterministically from a user seed and a stream index (the resample number). Every resample owns
/// its own stream, so the resamples do not depend on how work is split across threads.
/// </summary>
internal struct ResampleRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates the generator for stream <paramref name="stream"/> of seed <paramref name="seed"/>.</summary>
    public ResampleRandom(ulong seed, ulong stream)
    {
        // Hash (seed, stream) to a 64-bit starting point, then expand with SplitMix64.
        ulong x = Mix(seed ^ 0x6A09E667F3BCC909UL) ^ Mix(stream + 0xBB67AE8584CAA73BUL);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
            _s0 = 1;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    /// <summary>The four state words (for <see cref="ResampleRandomLanes"/>, which advances eight streams in lockstep).</summary>
    internal readonly (ulong S0, ulong S1, ulong S2, ulong S3) State => (_s0, _s1, _s2, _s3);

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) (Lemire's unbiased multiply-and-reject method).</summary>
    public int NextInt(int bound)
    {
        ulong b = (ulong)bound;
        ulong high = Math.BigMul(NextUInt64(), b, out ulong low);
        if (low < b)
        {
            ulong threshold = (0UL - b) % b;
            while (low < threshold)
                high = Math.BigMul(NextUInt64(), b, out low);
        }
        return (int)high;
    }

    /// <summary>A uniform random bit.</summary>
    public int NextBit() => (int)(NextUInt64() >> 63);

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
