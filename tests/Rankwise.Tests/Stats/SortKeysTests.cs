using Rankwise.Ranking;

namespace Rankwise.Tests.Stats;

/// <summary>The order-preserving keys of doubles and their inverse.</summary>
public class SortKeysTests
{
    [Fact]
    public void KeysInvertToTheirValues()
    {
        double[] special =
        [
            0.0, double.Epsilon, -double.Epsilon, 1.0, -1.0, double.MaxValue, double.MinValue,
            double.PositiveInfinity, double.NegativeInfinity, 2.2250738585072014e-308, -2.2250738585072009e-308, Math.PI, -1e-300,
        ];
        var random = new Random(5);
        var values = special.Concat(Enumerable.Range(0, 10_000).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())))
            .Where(v => !double.IsNaN(v)).ToArray();
        foreach (var v in values)
            Assert.Equal(BitConverter.DoubleToInt64Bits(v), BitConverter.DoubleToInt64Bits(SortKeys.ToDouble(SortKeys.Of(v))));
        // −0 folds onto +0.
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.0), BitConverter.DoubleToInt64Bits(SortKeys.ToDouble(SortKeys.Of(-0.0))));
    }

    [Fact]
    public void KeyOrderIsNumericOrder()
    {
        var random = new Random(6);
        var values = Enumerable.Range(0, 5_000).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())).Where(v => !double.IsNaN(v)).ToArray();
        var byKey = values.OrderBy(SortKeys.Of).ToArray();
        var byValue = values.OrderBy(v => v).ToArray();
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(byValue[i], byKey[i]);
    }
}
