using CsCheck;
using Rankwise.Torch.Ranking;
using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankReference;
using F = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Tests.Ranking;

/// <summary>Gradient checks, batching, dtypes, devices, validation and invariants of soft_rank / soft_sort.</summary>
public class SoftRankBehaviourTests
{
    internal static Tensor RandomValues(long[] shape, int seed, double scale = 2.0)
    {
        var random = new Random(seed);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var data = new double[count];
        for (long i = 0; i < count; i++)
        {
            // Box–Muller normal values: continuous, so ties and block boundaries are avoided almost surely
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            data[i] = scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return tensor(data, shape);
    }

    private static Func<Tensor, Tensor> Op(string op, string reg, double eps, bool descending) => op == "soft_rank"
        ? v => F.soft_rank(v, reg, eps, descending)
        : v => F.soft_sort(v, reg, eps, descending);

    public static TheoryData<string, string, bool, double> GradCheckGrid()
    {
        var data = new TheoryData<string, string, bool, double>();
        foreach (var op in new[] { "soft_rank", "soft_sort" })
        {
            foreach (var reg in new[] { "l2", "kl" })
            {
                foreach (var descending in new[] { false, true })
                {
                    foreach (var eps in new[] { 0.3, 1.7 })
                    {
                        data.Add(op, reg, descending, eps);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GradCheckGrid))]
    public void GradientMatchesCentralDifferences(string op, string reg, bool descending, double eps)
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([2, 6], seed: 11 + (int)(eps * 10) + (descending ? 1 : 0));
        GradCheck.AssertJacobian(Op(op, reg, eps, descending), x);
    }

    [Fact]
    public void SoftRankIsDifferentiableAtTies()
    {
        using var scope = NewDisposeScope();
        // tied values share an isotonic block: the soft rank is smooth there (unlike the soft sort)
        var x = tensor(new double[] { 0.3, -1.2, 0.3, 2.5, 0.3, -0.4 }, [1, 6]);
        foreach (var reg in new[] { "l2", "kl" })
        {
            GradCheck.AssertJacobian(v => F.soft_rank(v, reg, 0.8), x);
            var ranks = F.soft_rank(x, reg, 0.8).ToDoubles();
            Assert.Equal(ranks[0], ranks[2]);
            Assert.Equal(ranks[0], ranks[4]);
        }
    }

    [Theory]
    [InlineData("soft_rank", "l2")]
    [InlineData("soft_rank", "kl")]
    [InlineData("soft_sort", "l2")]
    [InlineData("soft_sort", "kl")]
    public void BatchEqualsRowByRowForAnyRank(string op, string reg)
    {
        using var scope = NewDisposeScope();
        var f = Op(op, reg, 0.7, descending: false);
        var x = RandomValues([2, 3, 9], seed: 5).requires_grad_(true);
        var u = RandomValues([2, 3, 9], seed: 6);
        var batched = f(x);
        Assert.Equal(x.shape, batched.shape);
        batched.backward([u]);
        double[] gradBatched = x.grad!.ToDoubles(), outBatched = batched.ToDoubles();

        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                var row = x.detach()[i, j].clone().requires_grad_(true);
                var outRow = f(row);
                outRow.backward([u[i, j]]);
                int offset = (i * 3 + j) * 9;
                Assert.Equal(outBatched.AsSpan(offset, 9).ToArray(), outRow.ToDoubles());
                Assert.Equal(gradBatched.AsSpan(offset, 9).ToArray(), row.grad!.ToDoubles());
            }
        }
    }

    [Theory]
    [InlineData("soft_rank", "kl", ScalarType.Float64)]
    [InlineData("soft_sort", "l2", ScalarType.Float32)]
    public void LargeBatchesSplitOverThreadsMatchRowByRow(string op, string reg, ScalarType dtype)
    {
        // 1200 × 64 values: above the kernel's threshold (65,536), so rows are processed in parallel chunks
        using var scope = NewDisposeScope();
        var f = Op(op, reg, 0.9, descending: true);
        var x = RandomValues([1200, 64], seed: 7).to_type(dtype).requires_grad_(true);
        var u = RandomValues([1200, 64], seed: 8).to_type(dtype);
        var batched = f(x);
        batched.backward([u]);
        double[] outBatched = batched.ToDoubles(), gradBatched = x.grad!.ToDoubles();
        for (int i = 0; i < 1200; i += 29)
        {
            using var inner = NewDisposeScope();
            var row = x.detach()[i].clone().requires_grad_(true);
            var outRow = f(row);
            outRow.backward([u[i]]);
            Assert.Equal(outBatched.AsSpan(i * 64, 64).ToArray(), outRow.ToDoubles());
            Assert.Equal(gradBatched.AsSpan(i * 64, 64).ToArray(), row.grad!.ToDoubles());
        }
    }

    [Theory]
    [InlineData("soft_rank", "l2")]
    [InlineData("soft_rank", "kl")]
    [InlineData("soft_sort", "l2")]
    [InlineData("soft_sort", "kl")]
    public void Float32IsCloseToFloat64(string op, string reg)
    {
        using var scope = NewDisposeScope();
        var f = Op(op, reg, 0.5, descending: true);
        var x64 = RandomValues([4, 50], seed: 21).requires_grad_(true);
        var x32 = x64.detach().to_type(ScalarType.Float32).requires_grad_(true);
        var u = RandomValues([4, 50], seed: 22);
        var y64 = f(x64);
        var y32 = f(x32);
        Assert.Equal(ScalarType.Float32, y32.dtype);
        AssertClose(y64.ToDoubles(), y32.ToDoubles(), 1e-5, "float32 forward");
        y64.backward([u]);
        y32.backward([u.to_type(ScalarType.Float32)]);
        Assert.Equal(ScalarType.Float32, x32.grad!.dtype);
        AssertClose(x64.grad!.ToDoubles(), x32.grad!.ToDoubles(), 1e-4, "float32 gradient");
    }

    [Theory]
    [InlineData("soft_rank", "l2", false)]
    [InlineData("soft_rank", "kl", true)]
    [InlineData("soft_sort", "l2", true)]
    [InlineData("soft_sort", "kl", false)]
    public void Float32InputsAreSolvedInFloat64(string op, string reg, bool descending)
    {
        // float32 rows are widened and solved in float64 (with packed float keys for the sort): the float32 result
        // is the float64 result of the same values, rounded once
        using var scope = NewDisposeScope();
        var f = Op(op, reg, 0.8, descending);
        var x32 = RandomValues([5, 33], seed: 23).to_type(ScalarType.Float32).requires_grad_(true);
        var x64 = x32.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var u = RandomValues([5, 33], seed: 24).to_type(ScalarType.Float32);
        var y32 = f(x32);
        var y64 = f(x64);
        Assert.Equal(y64.to_type(ScalarType.Float32).ToDoubles(), y32.ToDoubles());
        y32.backward([u]);
        y64.backward([u.to_type(ScalarType.Float64)]);
        Assert.Equal(x64.grad!.to_type(ScalarType.Float32).ToDoubles(), x32.grad!.ToDoubles());
    }

    [Fact]
    public void KeepsDeviceDtypeAndShape()
    {
        using var scope = NewDisposeScope();
        var device = TorchInfo.DefaultDevice;
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var x = RandomValues([2, 2, 5], seed: 3).to(dtype, device).requires_grad_(true);
            foreach (var y in new[] { F.soft_rank(x), F.soft_sort(x, "kl"), F.sigmoid_rank(x) })
            {
                Assert.Equal(x.device.ToString(), y.device.ToString());
                Assert.Equal(dtype, y.dtype);
                Assert.Equal(x.shape, y.shape);
                Assert.True(y.requires_grad);
            }
            F.soft_rank(x).sum().backward();
            Assert.Equal(x.device.ToString(), x.grad!.device.ToString());
            Assert.Equal(dtype, x.grad!.dtype);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void InvalidRegularizationStrengthThrows(double eps)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 });
        foreach (var call in new Action[]
        {
            () => F.soft_rank(x, regularization_strength: eps),
            () => F.soft_sort(x, "kl", eps),
            () => new SoftRank(regularization_strength: eps),
            () => new SoftSort(regularization_strength: eps),
        })
        {
            var error = Assert.Throws<ArgumentException>(call);
            Assert.Contains("regularization_strength", error.Message);
            Assert.Contains("> 0", error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Fact]
    public void InvalidArgumentsThrowClearMessages()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 });
        Assert.Contains("\"l2\" or \"kl\"", Assert.Throws<ArgumentException>(() => F.soft_rank(x, "L2")).Message);
        Assert.Contains("\"l2\" or \"kl\"", Assert.Throws<ArgumentException>(() => new SoftSort("entropy")).Message);
        Assert.Contains("float32 or float64", Assert.Throws<ArgumentException>(() => F.soft_rank(tensor(new long[] { 1, 2 }))).Message);
        Assert.Contains("float32 or float64", Assert.Throws<ArgumentException>(() => F.soft_sort(tensor(new float[] { 1, 2 }).to_type(ScalarType.Float16))).Message);
        Assert.Contains("scalar", Assert.Throws<ArgumentException>(() => F.soft_rank(tensor(3.0))).Message);
    }

    [Theory]
    [InlineData("soft_rank", "l2")]
    [InlineData("soft_rank", "kl")]
    [InlineData("soft_sort", "l2")]
    [InlineData("soft_sort", "kl")]
    public void NonFiniteRowsGiveNaNOnlyInThatRow(string op, string reg)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 3, 2, 0, 1, double.NaN, 2, 0, 4, 1, double.PositiveInfinity, 2 }, [3, 4], requires_grad: true);
        var y = Op(op, reg, 1.0, false)(x);
        double[] values = y.ToDoubles();
        Assert.All(values.Take(4), v => Assert.True(double.IsFinite(v)));
        Assert.All(values.Skip(4), v => Assert.True(double.IsNaN(v)));
        y.sum().backward();
        double[] grad = x.grad!.ToDoubles();
        Assert.All(grad.Take(4), v => Assert.True(double.IsFinite(v)));
        Assert.All(grad.Skip(4), v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void OverflowingScaledValuesAreTreatedAsNonFinite()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1e308, 1, 2 });
        Assert.All(F.soft_rank(x, regularization_strength: 1e-10).ToDoubles(), v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void InputIsNotMutatedAndNoGradPathMatches()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([3, 8], seed: 8);
        var copy = x.clone();
        var withGrad = F.soft_rank(x.requires_grad_(true), "kl", 0.4);
        Assert.True(withGrad.requires_grad);
        Tensor withoutGrad;
        using (no_grad())
        {
            withoutGrad = F.soft_rank(x, "kl", 0.4);
        }
        Assert.False(withoutGrad.requires_grad);
        Assert.Equal(withGrad.ToDoubles(), withoutGrad.ToDoubles());
        Assert.Equal(copy.ToDoubles(), x.ToDoubles());
        var plain = F.soft_sort(copy);
        Assert.False(plain.requires_grad);
    }

    [Fact]
    public void ModulesMatchFunctionalForms()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([2, 7], seed: 9);
        using var rank = new SoftRank("kl", 0.3, descending: true);
        using var sort = new SoftSort("l2", 2.0);
        Assert.Equal(F.soft_rank(x, "kl", 0.3, true).ToDoubles(), rank.call(x).ToDoubles());
        Assert.Equal(F.soft_sort(x, "l2", 2.0).ToDoubles(), sort.call(x).ToDoubles());
        Assert.Equal(("kl", 0.3, true), (rank.Regularization, rank.RegularizationStrength, rank.Descending));
        Assert.Empty(rank.parameters());
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("kl")]
    public void DescendingIsTheAscendingOperatorOfTheNegatedValues(string reg)
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([3, 11], seed: 12);
        Assert.Equal(F.soft_rank(-x, reg, 0.6).ToDoubles(), F.soft_rank(x, reg, 0.6, descending: true).ToDoubles());
        Assert.Equal((-F.soft_sort(-x, reg, 0.6)).ToDoubles(), F.soft_sort(x, reg, 0.6, descending: true).ToDoubles());
    }

    [Fact]
    public void EmptyAndSingletonRows()
    {
        using var scope = NewDisposeScope();
        var empty = zeros([3, 0], dtype: ScalarType.Float64, requires_grad: true);
        var ranks = F.soft_rank(empty);
        Assert.Equal(new long[] { 3, 0 }, ranks.shape);
        ranks.sum().backward();
        Assert.Equal(new long[] { 3, 0 }, empty.grad!.shape);

        var single = tensor(new double[] { 4.5, -2 }, [2, 1]);
        foreach (var reg in new[] { "l2", "kl" })
        {
            Assert.Equal(new double[] { 1, 1 }, F.soft_rank(single, reg).ToDoubles());
            AssertClose([4.5, -2], F.soft_sort(single, reg).ToDoubles(), 1e-15, "singleton sort " + reg);
        }
    }

    [Fact]
    public void LongRowsWithSmallEpsilonGiveHardRanks()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([1, 4900], seed: 13);
        double[] values = x.ToDoubles();
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var expected = new double[values.Length];
        for (int r = 0; r < order.Length; r++)
        {
            expected[order[r]] = r + 1;
        }
        // soft rank is exact once ε < every gap between sorted values (here the smallest gap is well above 1e-9);
        // soft sort is exact once 1/ε > every gap (here all gaps are below 10)
        AssertClose(expected, F.soft_rank(x, regularization_strength: 1e-9).ToDoubles(), 1e-6, "hard limit");
        var sorted = values.OrderBy(v => v).ToArray();
        AssertClose(sorted, F.soft_sort(x, regularization_strength: 0.1).ToDoubles(), 1e-10, "hard sort limit");
    }

    [Fact]
    public void L2SoftRanksLieInThePermutahedronAndSoftSortKeepsTheSum()
    {
        // Sum invariants of the projections: Σ r = n(n+1)/2 and Σ soft_sort(x) = Σ x (l2); ranks within [1, n].
        Gen.Double[-50, 50].Array[1, 40].Select(Gen.Double[0.01, 20]).Sample((values, eps) =>
        {
            using var scope = NewDisposeScope();
            int n = values.Length;
            var x = tensor(values);
            double[] ranks = F.soft_rank(x, regularization_strength: eps).ToDoubles();
            double[] sorted = F.soft_sort(x, regularization_strength: eps).ToDoubles();
            Assert.Equal(n * (n + 1) / 2.0, ranks.Sum(), 1e-9 * n * n);
            Assert.All(ranks, r => Assert.InRange(r, 1 - 1e-9, n + 1e-9));
            Assert.Equal(values.Sum(), sorted.Sum(), 1e-9 * Math.Max(1, values.Sum(Math.Abs)));
            for (int k = 1; k < n; k++)
            {
                Assert.True(sorted[k] >= sorted[k - 1] - 1e-12, "soft sort output must increase");
            }
        }, iter: 200);
    }

    [Fact]
    public void NonContiguousInputsAreRankedAlongTheirLastDimension()
    {
        using var scope = NewDisposeScope();
        var x = RandomValues([6, 4], seed: 14);
        var transposed = x.t();
        Assert.False(transposed.is_contiguous());
        Assert.Equal(F.soft_rank(transposed.contiguous(), "kl").ToDoubles(), F.soft_rank(transposed, "kl").ToDoubles());
    }

    [Fact]
    public void RepeatedBackwardAndManyIterationsAreStable()
    {
        var x = RandomValues([4, 16], seed: 15).requires_grad_(true);
        double[]? first = null;
        for (int iteration = 0; iteration < 300; iteration++)
        {
            using var scope = NewDisposeScope();
            x.grad?.zero_();
            var loss = F.soft_rank(x, iteration % 2 == 0 ? "l2" : "kl", 0.5).square().sum()
                       + F.soft_sort(x, "kl", 0.5).sum();
            loss.backward(retain_graph: true);
            if (iteration < 2)
            {
                continue;
            }
            double[] grad = x.grad!.ToDoubles();
            if (iteration % 2 == 0)
            {
                first ??= grad;
                Assert.Equal(first, grad);
            }
            if (iteration % 100 == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
    }
}
