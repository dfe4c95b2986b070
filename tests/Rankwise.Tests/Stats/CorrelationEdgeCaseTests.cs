using Rankwise.Correlation;

namespace Rankwise.Tests.Stats;

/// <summary>n = 0…3, constant input, NaN policies, argument checks and overloads, for every method.</summary>
public class CorrelationEdgeCaseTests
{
    public static TheoryData<CorrelationMethod> AllMethods()
    {
        var data = new TheoryData<CorrelationMethod>();
        foreach (var m in Enum.GetValues<CorrelationMethod>()) data.Add(m);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void TooFewPairsGiveNaNWithWarning(CorrelationMethod method)
    {
        foreach (int n in new[] { 0, 1 })
        {
            double[] x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
            var r = Correlate.Compute(method, x, x);
            Assert.True(double.IsNaN(r.Statistic) && double.IsNaN(r.PValue), $"{method} n={n}");
            Assert.Equal(n, r.N);
            Assert.Contains("at least 2", r.Warnings.Single());
            Assert.Equal(Correlate.Name(method), r.Method);
        }
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void ConstantInputGivesNaNWithWarning(CorrelationMethod method)
    {
        double[] c = [2, 2, 2, 2, 2];
        double[] v = [1, 5, 2, 4, 3];
        var rx = Correlate.Compute(method, c, v);
        Assert.True(double.IsNaN(rx.Statistic) && double.IsNaN(rx.PValue));
        Assert.Equal("x is constant; the correlation is undefined", rx.Warnings.Single());
        var ry = Correlate.Compute(method, v, c);
        Assert.Equal("y is constant; the correlation is undefined", ry.Warnings.Single());
        var both = Correlate.Compute(method, c, c);
        Assert.Equal("x and y are constant; the correlation is undefined", both.Warnings.Single());
        // constant after omitting incomplete pairs
        var omitted = Correlate.Compute(method, [2, 2, 2, 9.0], [1, 2, 3, double.NaN], nanPolicy: NanPolicy.Omit);
        Assert.True(double.IsNaN(omitted.Statistic));
        Assert.Equal(3, omitted.N);
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void NanPolicies(CorrelationMethod method)
    {
        double[] x = [1, 2, double.NaN, 4, 5, 6, 7];
        double[] y = [2, 1, 4, 3, 7, double.NaN, 6];
        var propagated = Correlate.Compute(method, x, y);
        Assert.True(double.IsNaN(propagated.Statistic) && double.IsNaN(propagated.PValue));
        Assert.Contains("NaN", propagated.Warnings.Single());

        var omitted = Correlate.Compute(method, x, y, nanPolicy: NanPolicy.Omit);
        var complete = Correlate.Compute(method, [1, 2, 4, 5, 7.0], [2, 1, 3, 7, 6.0]);
        Assert.Equal(5, omitted.N);
        Assert.Equal(complete.Statistic, omitted.Statistic);
        Assert.Equal(complete.PValue, omitted.PValue);

        var ex = Assert.Throws<RankwiseInputException>(() => Correlate.Compute(method, x, y, nanPolicy: NanPolicy.Raise));
        Assert.Equal("x: contains NaN at index 2", ex.Message);
        var ey = Assert.Throws<RankwiseInputException>(() => Correlate.Compute(method, y.Take(5).ToArray(), x.Take(5).ToArray(), nanPolicy: NanPolicy.Raise));
        Assert.Equal("y: contains NaN at index 2", ey.Message);
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void MismatchedLengthsThrow(CorrelationMethod method)
    {
        var e = Assert.Throws<ArgumentException>(() => Correlate.Compute(method, [1.0, 2, 3], [1.0, 2]));
        Assert.Equal("x and y must have the same length (x has 3 values, y has 2)", e.Message);
    }

    [Fact]
    public void FloatOverloadsAccumulateInDouble()
    {
        var rng = new Random(2);
        float[] x = Enumerable.Range(0, 300).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] y = x.Select(v => v + (float)rng.NextDouble()).ToArray();
        double[] xd = x.Select(v => (double)v).ToArray(), yd = y.Select(v => (double)v).ToArray();
        Assert.Equal(PearsonCorrelation.Compute(xd, yd, confidenceLevel: 0.9), PearsonCorrelation.Compute(x, y, confidenceLevel: 0.9), new ResultComparer());
        Assert.Equal(SpearmanCorrelation.Compute(xd, yd), SpearmanCorrelation.Compute(x, y), new ResultComparer());
        Assert.Equal(KendallTau.Compute(xd, yd, KendallVariant.C), KendallTau.Compute(x, y, KendallVariant.C), new ResultComparer());
        Assert.Equal(WeightedTau.Compute(xd, yd, false, false), WeightedTau.Compute(x, y, false, false), new ResultComparer());
        Assert.Equal(SomersD.Compute(xd, yd, Alternative.Greater), SomersD.Compute(x, y, Alternative.Greater), new ResultComparer());
    }

    private sealed class ResultComparer : IEqualityComparer<CorrelationResult>
    {
        public bool Equals(CorrelationResult? a, CorrelationResult? b) =>
            a!.Method == b!.Method && a.N == b.N && a.Statistic.Equals(b.Statistic) && a.PValue.Equals(b.PValue)
            && a.Alternative == b.Alternative && Equals(a.ConfidenceInterval, b.ConfidenceInterval);

        public int GetHashCode(CorrelationResult r) => r.Statistic.GetHashCode();
    }

    [Fact]
    public void PearsonSmallSamples()
    {
        var two = PearsonCorrelation.Compute([1.0, 2], [5.0, 3], confidenceLevel: 0.95);
        Assert.Equal(-1.0, two.Statistic);
        Assert.Equal(1.0, two.PValue);
        Assert.Equal(new ConfidenceInterval("fisher", 0.95, -1, 1), two.ConfidenceInterval);
        var three = PearsonCorrelation.Compute([1.0, 2, 3], [1.0, 3, 2], Alternative.Greater);
        Assert.Equal(0.5, three.Statistic, 15);
        // n = 3: R ~ Beta(½, ½) on [−1, 1] (arcsine): P(R ≥ ½) = 1/2 − asin(½)/π = 1/3.
        Assert.Equal(1.0 / 3, three.PValue, 14);
        Assert.Throws<ArgumentOutOfRangeException>(() => PearsonCorrelation.Compute([1.0, 2, 3], [1.0, 3, 2], confidenceLevel: 1.0));
    }

    [Fact]
    public void PearsonIsAccurateForOffsetData()
    {
        // Large offset, small spread (exactly representable): one-pass formulas lose all digits here.
        double[] x = Enumerable.Range(0, 1000).Select(i => 1e9 + i * 0.25).ToArray();
        double[] y = Enumerable.Range(0, 1000).Select(i => -5e8 + ((i * 7919) % 1000) * 0.5).ToArray();
        double[] xs = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();
        double[] ys = Enumerable.Range(0, 1000).Select(i => (double)((i * 7919) % 1000)).ToArray();
        double expected = PearsonCorrelation.Compute(xs, ys).Statistic;
        Assert.Equal(expected, PearsonCorrelation.Compute(x, y).Statistic, 15);
        // Values whose squares overflow double.
        double[] huge = [-5e200, 5e200, 3e200, -3e200];
        double[] other = [1.0, 2, 4, 3];
        Assert.Equal(PearsonCorrelation.Compute([-5.0, 5, 3, -3], other).Statistic, PearsonCorrelation.Compute(huge, other).Statistic, 14);
    }

    [Fact]
    public void InfinitiesAreValuesForRankMethodsButUndefinedForPearson()
    {
        double[] x = [1, double.PositiveInfinity, 3, double.NegativeInfinity, 2];
        double[] y = [1, 5, 3, -1, 2];
        var pearson = PearsonCorrelation.Compute(x, y);
        Assert.True(double.IsNaN(pearson.Statistic));
        Assert.Contains("infinite", pearson.Warnings.Single());
        Assert.Equal(1.0, SpearmanCorrelation.Compute(x, y).Statistic, 15);
        Assert.Equal(1.0, KendallTau.Compute(x, y).Statistic, 15);
    }

    [Fact]
    public void PearsonNearlyConstantWarning()
    {
        double[] x = [1e10, 1e10 + 1e-4, 1e10 - 1e-4, 1e10];
        var r = PearsonCorrelation.Compute(x, [1.0, 2, 3, 4]);
        Assert.Contains("x is nearly constant; the computed correlation may be inaccurate", r.Warnings);
    }

    [Fact]
    public void SpearmanPerfectMonotoneAndSmallN()
    {
        var two = SpearmanCorrelation.Compute([1.0, 2], [1.0, 2]);
        Assert.True(double.IsNaN(two.PValue)); // dof = 0, as scipy
        var three = SpearmanCorrelation.Compute([1.0, 2, 3], [1.0, 4, 9], Alternative.Less);
        Assert.Equal(1.0, three.Statistic);
        Assert.Equal(1.0, three.PValue);
        Assert.Equal(0.0, SpearmanCorrelation.Compute([1.0, 2, 3], [1.0, 4, 9]).PValue);
    }

    [Fact]
    public void DispatcherNamesRoundTrip()
    {
        foreach (var m in Enum.GetValues<CorrelationMethod>())
        {
            Assert.True(Correlate.TryParse(Correlate.Name(m).ToUpperInvariant(), out var parsed));
            Assert.Equal(m, parsed);
        }
        Assert.False(Correlate.TryParse("kendal", out _));
        Assert.Equal(["pearson", "spearman", "kendall", "kendall-c", "weighted-tau", "somers-d"],
            Enum.GetValues<CorrelationMethod>().Select(Correlate.Name));
    }
}
