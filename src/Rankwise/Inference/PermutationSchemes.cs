namespace Rankwise.Inference;

/// <summary>
/// How the index vector passed to a permutation statistic is formed: the identity (observed data), the r-th
/// permutation of the exact enumeration in scipy's order, or a random permutation.
/// </summary>
internal abstract class PermutationScheme
{
    public abstract PermutationType Type { get; }

    /// <summary>Length of the index vector.</summary>
    public abstract int Length { get; }

    /// <summary>Number of distinct permutations; +∞ when above 2⁶².</summary>
    public abstract double DistinctCount { get; }

    /// <summary>Length of the per-worker scratch buffer needed by <see cref="WriteExact"/>.</summary>
    public abstract int ScratchLength { get; }

    public abstract void WriteIdentity(Span<int> destination);

    public abstract void WriteExact(long rank, Span<int> destination, Span<int> scratch);

    public abstract void WriteRandom(ref ResampleRandom random, Span<int> destination);

    private const double Saturation = 4611686018427387904.0; // 2^62

    /// <summary>n! as a double, +∞ beyond 2⁶².</summary>
    protected static double Factorial(int n)
    {
        double f = 1;
        for (int i = 2; i <= n; i++)
        {
            f *= i;
            if (f > Saturation)
                return double.PositiveInfinity;
        }
        return f;
    }

    /// <summary>n! for n ≤ 20.</summary>
    protected static long FactorialExact(int n)
    {
        long f = 1;
        for (int i = 2; i <= n; i++)
            f *= i;
        return f;
    }

    /// <summary>x^k for a non-negative x, +∞ beyond 2⁶².</summary>
    protected static double SaturatingPower(double x, int k)
    {
        double p = 1;
        for (int i = 0; i < k; i++)
        {
            p *= x;
            if (p > Saturation)
                return double.PositiveInfinity;
        }
        return p;
    }

    /// <summary>C(p, q) exactly as a double, +∞ beyond 2⁶².</summary>
    protected static double SaturatingBinomial(int p, int q)
    {
        q = Math.Min(q, p - q);
        Int128 r = 1;
        for (int i = 1; i <= q; i++)
        {
            r = r * (p - q + i) / i;
            if (r > (Int128)Saturation)
                return double.PositiveInfinity;
        }
        return (double)r;
    }

    /// <summary>C(p, q) for values known to fit comfortably in a long.</summary>
    protected static long Binomial(long p, long q)
    {
        if (q < 0 || q > p)
            return 0;
        q = Math.Min(q, p - q);
        long r = 1;
        for (long i = 1; i <= q; i++)
            r = r * (p - q + i) / i;
        return r;
    }

    /// <summary>Writes the permutation of 0..n−1 with lexicographic rank <paramref name="rank"/> (itertools.permutations order).</summary>
    protected static void UnrankPermutation(long rank, Span<int> destination, Span<int> available)
    {
        int n = destination.Length;
        for (int i = 0; i < n; i++)
            available[i] = i;
        int left = n;
        for (int position = 0; position < n; position++)
        {
            long f = FactorialExact(n - 1 - position);
            int d = (int)(rank / f);
            rank %= f;
            destination[position] = available[d];
            for (int i = d; i < left - 1; i++)
                available[i] = available[i + 1];
            left--;
        }
    }
}

/// <summary>
/// 'pairings': m permuted samples of n observations; the index vector holds m permutations of 0..n−1 back to back.
/// Exact order: itertools.product of itertools.permutations, the last sample varying fastest (scipy's order).
/// </summary>
internal sealed class PairingsScheme : PermutationScheme
{
    private readonly int _n;
    private readonly int _samples;

    public PairingsScheme(int n, int samples)
    {
        _n = n;
        _samples = samples;
        DistinctCount = SaturatingPower(Factorial(n), samples);
    }

    public override PermutationType Type => PermutationType.Pairings;

    public override int Length => _n * _samples;

    public override double DistinctCount { get; }

    public override int ScratchLength => _n;

    public override void WriteIdentity(Span<int> destination)
    {
        for (int s = 0; s < _samples; s++)
        {
            for (int i = 0; i < _n; i++)
                destination[s * _n + i] = i;
        }
    }

    public override void WriteExact(long rank, Span<int> destination, Span<int> scratch)
    {
        long perSample = FactorialExact(_n);
        for (int s = _samples - 1; s >= 0; s--)
        {
            UnrankPermutation(rank % perSample, destination.Slice(s * _n, _n), scratch);
            rank /= perSample;
        }
    }

    public override void WriteRandom(ref ResampleRandom random, Span<int> destination)
    {
        WriteIdentity(destination);
        for (int s = 0; s < _samples; s++)
            random.Shuffle(destination.Slice(s * _n, _n));
    }
}

/// <summary>
/// 'samples': m paired samples of n observations. The index vector has m·n entries; entry j·n + i is the original
/// sample whose observation i goes to new sample j. With one sample (m = 1) it has n entries, 1 meaning "sign flipped".
/// Exact order: itertools.product over observations (the last varying fastest) of permutations of the samples.
/// </summary>
internal sealed class SamplesScheme : PermutationScheme
{
    private readonly int _n;
    private readonly int _samples;

    public SamplesScheme(int n, int samples)
    {
        _n = n;
        _samples = samples;
        DistinctCount = samples == 1 ? SaturatingPower(2, n) : SaturatingPower(Factorial(samples), n);
    }

    public override PermutationType Type => PermutationType.Samples;

    public override int Length => _samples == 1 ? _n : _n * _samples;

    public override double DistinctCount { get; }

    public override int ScratchLength => 2 * Math.Max(_samples, 2);

    public override void WriteIdentity(Span<int> destination)
    {
        if (_samples == 1)
        {
            destination[.._n].Clear();
            return;
        }
        for (int j = 0; j < _samples; j++)
            destination.Slice(j * _n, _n).Fill(j);
    }

    public override void WriteExact(long rank, Span<int> destination, Span<int> scratch)
    {
        if (_samples == 1)
        {
            for (int i = _n - 1; i >= 0; i--)
            {
                destination[i] = (int)(rank & 1);
                rank >>= 1;
            }
            return;
        }
        int m = _samples;
        long perObservation = FactorialExact(m);
        Span<int> permutation = scratch[..m];
        Span<int> available = scratch.Slice(m, m);
        for (int i = _n - 1; i >= 0; i--)
        {
            UnrankPermutation(rank % perObservation, permutation, available);
            rank /= perObservation;
            for (int j = 0; j < m; j++)
                destination[j * _n + i] = permutation[j];
        }
    }

    public override void WriteRandom(ref ResampleRandom random, Span<int> destination)
    {
        if (_samples == 1)
        {
            for (int i = 0; i < _n; i++)
                destination[i] = random.NextBit();
            return;
        }
        int m = _samples;
        Span<int> permutation = stackalloc int[m];
        for (int i = 0; i < _n; i++)
        {
            for (int j = 0; j < m; j++)
                permutation[j] = j;
            random.Shuffle(permutation);
            for (int j = 0; j < m; j++)
                destination[j * _n + i] = permutation[j];
        }
    }
}

/// <summary>
/// 'independent': k samples of sizes n_g pooled into N observations; the index vector is a permutation of 0..N−1,
/// its first n_0 entries forming the new sample 0, and so on. Exact order: scipy's — the combinations of the first
/// sample in lexicographic order, then recursively of the next sample among the remaining observations; the indices
/// of each sample are ascending.
/// </summary>
internal sealed class IndependentScheme : PermutationScheme
{
    private readonly int[] _sizes;
    private readonly int _total;

    public IndependentScheme(int[] sizes)
    {
        _sizes = sizes;
        _total = sizes.Sum();
        double count = 1;
        int remaining = _total;
        foreach (int size in sizes)
        {
            count *= SaturatingBinomial(remaining, size);
            remaining -= size;
        }
        DistinctCount = count > 4611686018427387904.0 ? double.PositiveInfinity : count;
    }

    public override PermutationType Type => PermutationType.Independent;

    public override int Length => _total;

    public override double DistinctCount { get; }

    public override int ScratchLength => _total + _sizes.Length;

    public override void WriteIdentity(Span<int> destination)
    {
        for (int i = 0; i < _total; i++)
            destination[i] = i;
    }

    public override void WriteExact(long rank, Span<int> destination, Span<int> scratch)
    {
        int k = _sizes.Length;
        Span<int> remaining = scratch[.._total];
        Span<int> digits = scratch.Slice(_total, k);

        // Mixed-radix digits, sample 0 most significant; radix of sample g is C(remaining before g, n_g).
        int before = _total;
        Span<long> radices = stackalloc long[k];
        for (int g = 0; g < k; g++)
        {
            radices[g] = Binomial(before, _sizes[g]);
            before -= _sizes[g];
        }
        for (int g = k - 1; g >= 0; g--)
        {
            digits[g] = (int)(rank % radices[g]);
            rank /= radices[g];
        }

        for (int i = 0; i < _total; i++)
            remaining[i] = i;
        int left = _total;
        int offset = 0;
        for (int g = 0; g < k; g++)
        {
            int size = _sizes[g];
            Span<int> chosen = destination.Slice(offset, size);
            long d = digits[g];
            // Lexicographic unranking of a size-subset of the 'left' remaining positions.
            int start = 0;
            for (int slot = 0; slot < size; slot++)
            {
                int slotsAfter = size - slot - 1;
                int c = start;
                long p = left - 1 - c;
                long count = Binomial(p, slotsAfter);
                while (d >= count)
                {
                    d -= count;
                    count = p == 0 ? 0 : count * (p - slotsAfter) / p;
                    p--;
                    c++;
                }
                chosen[slot] = c;
                start = c + 1;
            }
            // Map positions to observation ids and drop them from 'remaining' (both stay ascending).
            int write = 0, next = 0;
            for (int read = 0; read < left; read++)
            {
                if (next < size && chosen[next] == read)
                {
                    chosen[next] = remaining[read];
                    next++;
                }
                else
                {
                    remaining[write++] = remaining[read];
                }
            }
            left = write;
            offset += size;
        }
    }

    public override void WriteRandom(ref ResampleRandom random, Span<int> destination)
    {
        WriteIdentity(destination);
        random.Shuffle(destination[.._total]);
    }
}
