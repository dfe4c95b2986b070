using System.Text.Json;
using Rankwise.Inference;
using Rankwise.Numerics;

namespace Rankwise.Tests.Inference;

/// <summary>ndtr/ndtri and numpy-identical reductions against scipy.special / numpy values.</summary>
public class NumericHelpersTests
{
    [Fact]
    public void NdtrAndNdtriMatchScipySpecial()
    {
        foreach (JsonElement pair in InferenceReference.Special.GetProperty("ndtr").EnumerateArray())
        {
            double x = pair[0].Number(), expected = pair[1].Number();
            double actual = Normal.Cdf(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-15 * Math.Abs(expected) || actual == expected,
                $"ndtr({x}) = {actual:R}, scipy {expected:R}");
        }
        foreach (JsonElement pair in InferenceReference.Special.GetProperty("ndtri").EnumerateArray())
        {
            double p = pair[0].Number(), expected = pair[1].Number();
            double actual = Normal.Quantile(p);
            Assert.True(Math.Abs(actual - expected) <= 1e-14 * Math.Abs(expected) + 1e-300,
                $"ndtri({p}) = {actual:R}, scipy {expected:R}");
        }
        Assert.Equal(double.NegativeInfinity, Normal.Quantile(0));
        Assert.Equal(double.PositiveInfinity, Normal.Quantile(1));
        Assert.True(double.IsNaN(Normal.Quantile(1.5)));
        Assert.Equal(0.0, Normal.Cdf(double.NegativeInfinity));
    }

    [Fact]
    public void ReductionsAreBitIdenticalToNumpy()
    {
        foreach (JsonElement c in InferenceReference.Special.GetProperty("reductions").EnumerateArray())
        {
            double[] v = c.Numbers("values");
            Assert.Equal(c.Number("sum"), NumpyReductions.Sum(v));
            Assert.Equal(c.Number("mean"), NumpyReductions.Mean(v));
            if (v.Length > 1)
                Assert.Equal(c.Number("std_ddof1"), NumpyReductions.StdDdof1(v));
        }
    }

    [Fact]
    public void ResampleRandomIsUniformAndStreamsDiffer()
    {
        var counts = new int[7];
        for (ulong stream = 0; stream < 2000; stream++)
        {
            var rng = new ResampleRandom(42, stream);
            for (int i = 0; i < 7; i++)
                counts[rng.NextInt(7)]++;
        }
        // 14000 draws over 7 cells: expected 2000 each, SD ≈ 41.
        Assert.All(counts, c => Assert.InRange(c, 1800, 2200));
        var a = new ResampleRandom(1, 0);
        var b = new ResampleRandom(1, 1);
        var c2 = new ResampleRandom(2, 0);
        ulong a0 = a.NextUInt64();
        Assert.NotEqual(a0, b.NextUInt64());
        Assert.NotEqual(a0, c2.NextUInt64());
        Assert.Equal(a0, new ResampleRandom(1, 0).NextUInt64());
    }
}
