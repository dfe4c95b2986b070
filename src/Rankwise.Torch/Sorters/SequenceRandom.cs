namespace Rankwise.Torch.Sorters;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna) seeded from (seed, stream) through SplitMix64: every (seed, stream) pair is an
/// independent, reproducible stream, so a training batch is a function of (seed, step) alone and a resumed run
/// draws exactly the batches an uninterrupted run would have drawn.
/// </summary>
internal struct SequenceRandom
{
    private ulong s0, s1, s2, s3;

    public SequenceRandom(ulong seed, ulong stream)
    {
        ulong x = Mix(seed ^ 0x243F6A8885A308D3UL) ^ Mix(stream + 0x13198A2E03707344UL);
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
        if ((s0 | s1 | s2 | s3) == 0)
        {
            s0 = 1;
        }
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

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, bound) (Lemire's multiply-and-reject, unbiased).</summary>
    public int NextInt(int bound)
    {
        ulong b = (ulong)bound;
        ulong high = Math.BigMul(NextUInt64(), b, out ulong low);
        if (low < b)
        {
            ulong threshold = (0UL - b) % b;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), b, out low);
            }
        }
        return (int)high;
    }

    /// <summary>Standard normal by the Box–Muller transform (one value per call).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
