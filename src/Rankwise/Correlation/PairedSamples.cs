using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// Paired samples (x, y) after validation and the NaN policy — the one place where lengths are
/// checked and incomplete pairs are handled for every correlation method:
/// <see cref="NanPolicy.Omit"/> drops each pair with a NaN in x or y, <see cref="NanPolicy.Propagate"/>
/// flags the input (the method then returns NaN), <see cref="NanPolicy.Raise"/> throws
/// <see cref="RankwiseInputException"/>("x" or "y", "contains NaN at index i").
/// </summary>
internal readonly ref struct PairedSamples
{
    private PairedSamples(ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool containsNaN)
    {
        X = x;
        Y = y;
        ContainsNaN = containsNaN;
    }

    /// <summary>The x values of the pairs in use.</summary>
    public ReadOnlySpan<double> X { get; }

    /// <summary>The y values of the pairs in use.</summary>
    public ReadOnlySpan<double> Y { get; }

    /// <summary>True when NaN is present under <see cref="NanPolicy.Propagate"/>; the result must be NaN.</summary>
    public bool ContainsNaN { get; }

    /// <summary>Number of pairs in use.</summary>
    public int Length => X.Length;

    /// <summary>Validates lengths and applies <paramref name="nanPolicy"/>.</summary>
    /// <exception cref="ArgumentException">x and y differ in length.</exception>
    /// <exception cref="RankwiseInputException">NaN under <see cref="NanPolicy.Raise"/>.</exception>
    public static PairedSamples Prepare(ReadOnlySpan<double> x, ReadOnlySpan<double> y, NanPolicy nanPolicy)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"x and y must have the same length (x has {x.Length} values, y has {y.Length})");
        int firstX = FirstNaN(x);
        int firstY = FirstNaN(y);
        if (firstX < 0 && firstY < 0)
            return new PairedSamples(x, y, false);
        switch (nanPolicy)
        {
            case NanPolicy.Raise:
                throw firstX >= 0
                    ? new RankwiseInputException("x", $"contains NaN at index {firstX}")
                    : new RankwiseInputException("y", $"contains NaN at index {firstY}");
            case NanPolicy.Propagate:
                return new PairedSamples(x, y, true);
            default:
                var keptX = new List<double>(x.Length);
                var keptY = new List<double>(y.Length);
                for (int i = 0; i < x.Length; i++)
                {
                    if (double.IsNaN(x[i]) || double.IsNaN(y[i])) continue;
                    keptX.Add(x[i]);
                    keptY.Add(y[i]);
                }
                return new PairedSamples(keptX.ToArray(), keptY.ToArray(), false);
        }
    }

    /// <summary>Widens single-precision input to double (all computations accumulate in double).</summary>
    public static double[] Widen(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = values[i];
        return result;
    }

    /// <summary>True when every value equals the first (an empty span counts as constant).</summary>
    public static bool IsConstant(ReadOnlySpan<double> values)
    {
        for (int i = 1; i < values.Length; i++)
            if (values[i] != values[0]) return false;
        return true;
    }

    private static int FirstNaN(ReadOnlySpan<double> values) => NaNSearch.IndexOfNaN(values);
}
