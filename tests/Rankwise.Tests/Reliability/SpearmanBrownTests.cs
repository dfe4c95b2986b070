using Rankwise.Reliability;

namespace Rankwise.Tests.Reliability;

public class SpearmanBrownTests
{
    [Theory]
    [InlineData(0.75, 0.857142857)]
    [InlineData(0.68, 0.809523810)]
    public void SplitHalfGolden(double half, double full)
    {
        Assert.Equal(full, SpearmanBrown.SplitHalf(half), 9);
        Assert.Equal(full, SpearmanBrown.Predict(half, 2), 9);
        Assert.Equal(2 * half / (1 + half), SpearmanBrown.SplitHalf(half), 15);
    }

    [Fact]
    public void PredictFormula()
    {
        Assert.Equal(5 * 0.3 / (1 + 4 * 0.3), SpearmanBrown.Predict(0.3, 5), 15);
        Assert.Equal(0.3, SpearmanBrown.Predict(0.3, 1), 15);
        Assert.Equal(1, SpearmanBrown.Predict(1, 7.5));
        Assert.Equal(0, SpearmanBrown.Predict(0, 3));
        // Shortening: k = 0.5 undoes k = 2.
        Assert.Equal(0.6, SpearmanBrown.Predict(SpearmanBrown.Predict(0.6, 2), 0.5), 14);
    }

    [Fact]
    public void InverseFunctions()
    {
        var random = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            double r = random.NextDouble() * 0.98 + 0.01;
            double k = random.NextDouble() * 10 + 0.1;
            double predicted = SpearmanBrown.Predict(r, k);
            Assert.Equal(r, SpearmanBrown.Original(predicted, k), 12);
            Assert.Equal(k, SpearmanBrown.RequiredFactor(r, predicted), 9);
        }
        Assert.Equal(0.75, SpearmanBrown.Original(6.0 / 7, 2), 14);
    }

    [Fact]
    public void InvalidInputThrows()
    {
        Assert.Throws<RankwiseInputException>(() => SpearmanBrown.Predict(1.5, 2));
        Assert.Throws<RankwiseInputException>(() => SpearmanBrown.Predict(0.5, 0));
        Assert.Throws<RankwiseInputException>(() => SpearmanBrown.Predict(0.5, double.PositiveInfinity));
        Assert.Throws<RankwiseInputException>(() => SpearmanBrown.Original(-1.2, 2));
        Assert.Throws<RankwiseInputException>(() => SpearmanBrown.RequiredFactor(0, 0.8));
        Assert.Throws<RankwiseInputException>(() => SpearmanBrown.RequiredFactor(0.5, 1));
        Assert.True(double.IsNaN(SpearmanBrown.Predict(double.NaN, 2)));
        Assert.True(double.IsNaN(SpearmanBrown.Predict(0.5, double.NaN)));
    }
}
