using static TorchSharp.torch;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// Seeded synthetic training and evaluation data for learned sorters, as in SoDeep (Engilberge, Chevallier, Pérez &amp;
/// Cord, CVPR 2019): sequences of length n from a mixture of generators, with their exact ranks as targets.
/// </summary>
/// <remarks>
/// <para>The generators (<see cref="SequenceGenerator"/>), for a sequence of length m:</para>
/// <list type="bullet">
/// <item><description><b>uniform</b>: m independent draws from U[−1, 1).</description></item>
/// <item><description><b>normal</b>: m independent draws from N(0, 1) (Box–Muller).</description></item>
/// <item><description><b>evenly-spaced</b>: a, b ~ U[−1, 1) independently, lo = min(a, b), hi = max(a, b), points
/// lo + (hi − lo)·k/(m − 1) for k = 0…m−1 (a single point lo when m = 1); with probability ½ shuffled uniformly
/// (Fisher–Yates), otherwise kept sorted, ascending or descending with probability ¼ each.</description></item>
/// <item><description><b>concatenated</b>: a split s uniform in {1, …, m−1}; the first s values from one of
/// uniform/normal/evenly-spaced and the other m − s from another (each picked uniformly and independently, so both
/// halves may come from the same family). For m = 1 a single uniform draw.</description></item>
/// </list>
/// <para>
/// Values are drawn in float64 from xoshiro256** streams keyed by (<c>seed</c>, <c>stream</c>), so a call is
/// reproducible on any machine and different streams are independent; the trainer uses stream = step for its
/// batches and reserved streams for validation. Targets are exact average ranks divided by n (ascending: the
/// smallest value gets 1/n, the largest 1), i.e. normalised to (0, 1] as SoDeep's sorters output them (SoDeep ranks
/// in descending order; rank −x for that).
/// </para>
/// </remarks>
public static class SyntheticSequences
{
    /// <summary>All generators, in declaration order.</summary>
    public static IReadOnlyList<SequenceGenerator> Generators { get; } =
        [SequenceGenerator.Uniform, SequenceGenerator.Normal, SequenceGenerator.EvenlySpaced, SequenceGenerator.Concatenated];

    /// <summary>The generator's name as used in JSON and on the command line: uniform, normal, evenly-spaced, concatenated.</summary>
    /// <param name="generator">The generator.</param>
    /// <returns>Its kebab-case name.</returns>
    public static string Name(SequenceGenerator generator) => generator switch
    {
        SequenceGenerator.Uniform => "uniform",
        SequenceGenerator.Normal => "normal",
        SequenceGenerator.EvenlySpaced => "evenly-spaced",
        SequenceGenerator.Concatenated => "concatenated",
        _ => throw new ArgumentOutOfRangeException(nameof(generator), generator, "unknown sequence generator"),
    };

    /// <summary>Draws <paramref name="count"/> sequences of length <paramref name="length"/> from one generator.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="count">Number of sequences (rows), ≥ 0.</param>
    /// <param name="length">Sequence length n ≥ 1.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="stream">Independent stream index under the seed. Default 0.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="device">Device of the result; null for the CPU.</param>
    /// <returns>Values [count, length].</returns>
    /// <exception cref="ArgumentException">Negative count, length &lt; 1, or a non-floating dtype.</exception>
    public static Tensor Sample(
        SequenceGenerator generator, int count, int length, ulong seed, ulong stream = 0,
        ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        Name(generator);
        CheckShape(count, length, dtype);
        var rng = new SequenceRandom(seed, stream);
        var data = new double[(long)count * length];
        for (int r = 0; r < count; r++)
        {
            Fill(generator, data.AsSpan(r * length, length), ref rng);
        }
        return ToTensor(data, count, length, dtype, device);
    }

    /// <summary>
    /// Draws <paramref name="count"/> sequences from the mixture: each row's generator is picked uniformly among the four.
    /// </summary>
    /// <param name="count">Number of sequences (rows), ≥ 0.</param>
    /// <param name="length">Sequence length n ≥ 1.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="stream">Independent stream index under the seed. Default 0.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="device">Device of the result; null for the CPU.</param>
    /// <returns>Values [count, length] and the generator of each row.</returns>
    /// <exception cref="ArgumentException">Negative count, length &lt; 1, or a non-floating dtype.</exception>
    public static (Tensor Values, SequenceGenerator[] Generators) SampleMixture(
        int count, int length, ulong seed, ulong stream = 0, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        CheckShape(count, length, dtype);
        var rng = new SequenceRandom(seed, stream);
        var data = new double[(long)count * length];
        var kinds = new SequenceGenerator[count];
        for (int r = 0; r < count; r++)
        {
            kinds[r] = (SequenceGenerator)rng.NextInt(4);
            Fill(kinds[r], data.AsSpan(r * length, length), ref rng);
        }
        return (ToTensor(data, count, length, dtype, device), kinds);
    }

    /// <summary>
    /// Exact targets: average ranks along the last dimension divided by n, ascending (the smallest value gets 1/n),
    /// in (0, 1]. Same dtype (float32/float64) and device as <paramref name="values"/>; never requires grad.
    /// </summary>
    /// <param name="values">Values [..., n].</param>
    /// <returns>Normalised ranks.</returns>
    public static Tensor TargetRanks(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = NewDisposeScope();
        var ranks = RankOps.rank(values);
        return ranks.div_(values.shape[^1]).MoveToOuterDisposeScope();
    }

    private static void CheckShape(int count, int length, ScalarType dtype)
    {
        if (count < 0)
        {
            throw new ArgumentException($"count: expected a number of sequences ≥ 0 but got {count}.", nameof(count));
        }
        if (length < 1)
        {
            throw new ArgumentException($"length: expected a sequence length ≥ 1 but got {length}.", nameof(length));
        }
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype: expected Float32 or Float64 but got {dtype}.", nameof(dtype));
        }
    }

    private static Tensor ToTensor(double[] data, int count, int length, ScalarType dtype, Device? device)
    {
        using var scope = NewDisposeScope();
        Tensor t = dtype == ScalarType.Float64
            ? tensor(data, [count, length])
            : tensor(Array.ConvertAll(data, v => (float)v), [count, length]);
        if (device is not null && device.type != TorchSharp.DeviceType.CPU)
        {
            t = t.to(device);
        }
        return t.MoveToOuterDisposeScope();
    }

    private static void Fill(SequenceGenerator generator, Span<double> row, ref SequenceRandom rng)
    {
        switch (generator)
        {
            case SequenceGenerator.Uniform:
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] = rng.NextUniform(-1, 1);
                }
                break;
            case SequenceGenerator.Normal:
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] = rng.NextNormal();
                }
                break;
            case SequenceGenerator.EvenlySpaced:
                FillEvenlySpaced(row, ref rng);
                break;
            default:
                if (row.Length == 1)
                {
                    row[0] = rng.NextUniform(-1, 1);
                    break;
                }
                int split = 1 + rng.NextInt(row.Length - 1);
                var first = (SequenceGenerator)rng.NextInt(3);
                var second = (SequenceGenerator)rng.NextInt(3);
                Fill(first, row[..split], ref rng);
                Fill(second, row[split..], ref rng);
                break;
        }
    }

    private static void FillEvenlySpaced(Span<double> row, ref SequenceRandom rng)
    {
        double a = rng.NextUniform(-1, 1), b = rng.NextUniform(-1, 1);
        double lo = Math.Min(a, b), hi = Math.Max(a, b);
        int m = row.Length;
        for (int k = 0; k < m; k++)
        {
            row[k] = m == 1 ? lo : lo + (hi - lo) * k / (m - 1);
        }
        int order = rng.NextInt(4); // 0, 1: shuffled; 2: ascending; 3: descending
        if (order < 2)
        {
            for (int i = m - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (row[i], row[j]) = (row[j], row[i]);
            }
        }
        else if (order == 3)
        {
            row.Reverse();
        }
    }
}
