using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankReference;
using F = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Tests.Ranking;

/// <summary>
/// Forward values, JVPs and VJPs of soft_rank / soft_sort against the numpy reference, to 1e-12 (float64): random
/// batches, n ∈ {1, 2, 3, 6, 17, 40}, l2 and kl, ε ∈ {0.1, 0.5, 1, 4}, both directions, with and without ties.
/// The VJP is one backward pass with the reference cotangent; the JVP uses the Jacobian assembled from one backward
/// pass per output position (all rows at once).
/// </summary>
public class SoftRankReferenceTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var op in new[] { "soft_rank", "soft_sort" })
        {
            int count = SoftRankReference.Cases(op).Count();
            for (int i = 0; i < count; i++)
            {
                data.Add(op, i);
            }
        }
        return data;
    }

    [Fact]
    public void ReferenceCoversTheGrid()
    {
        foreach (var op in new[] { "soft_rank", "soft_sort" })
        {
            var cases = SoftRankReference.Cases(op).ToList();
            Assert.Equal(96, cases.Count);
            Assert.Contains(cases, c => c.GetProperty("regularization").GetString() == "kl" && c.GetProperty("descending").GetBoolean());
            Assert.Contains(cases, c => c.GetProperty("ties").GetBoolean());
            Assert.Contains(cases, c => c.Longs("shape")[0] == 3 && c.Longs("shape")[1] == 17);
        }
        Assert.Contains(SoftRankReference.Cases("soft_rank"), c => c.GetProperty("ties").GetBoolean() && c.HasArray("vjp"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNumpyReference(string op, int index)
    {
        using var scope = NewDisposeScope();
        var c = SoftRankReference.Cases(op).ElementAt(index);
        string context = $"{op}[{index}] {c.Describe()}";
        long[] shape = c.Longs("shape");
        string reg = c.GetProperty("regularization").GetString()!;
        double eps = c.GetProperty("regularization_strength").GetDouble();
        bool descending = c.GetProperty("descending").GetBoolean();
        Func<Tensor, Tensor> f = op == "soft_rank"
            ? v => F.soft_rank(v, reg, eps, descending)
            : v => F.soft_sort(v, reg, eps, descending);

        var x = c.Tensor("values", shape).requires_grad_(true);
        var output = f(x);
        AssertClose(c.Doubles("output"), output.ToDoubles(), Tolerance, context + " forward");
        if (!c.HasArray("vjp"))
        {
            return;
        }

        output.backward([c.Tensor("cotangent", shape)], retain_graph: true);
        AssertClose(c.Doubles("vjp"), x.grad!.ToDoubles(), Tolerance, context + " vjp");

        long batch = shape[0], n = shape[1];
        var jacobian = new double[batch, n, n]; // [b, output i, input j]
        for (long i = 0; i < n; i++)
        {
            using var inner = NewDisposeScope();
            var seed = zeros(shape, dtype: ScalarType.Float64);
            seed[TensorIndex.Colon, TensorIndex.Single(i)] = 1.0;
            var row = torch.autograd.grad([output], [x], [seed], retain_graph: true)[0].ToDoubles();
            for (long b = 0; b < batch; b++)
            {
                for (long j = 0; j < n; j++)
                {
                    jacobian[b, i, j] = row[b * n + j];
                }
            }
        }
        double[] tangent = c.Doubles("tangent");
        var jvp = new double[batch * n];
        for (long b = 0; b < batch; b++)
        {
            for (long i = 0; i < n; i++)
            {
                double sum = 0;
                for (long j = 0; j < n; j++)
                {
                    sum += jacobian[b, i, j] * tangent[b * n + j];
                }
                jvp[b * n + i] = sum;
            }
        }
        AssertClose(c.Doubles("jvp"), jvp, Tolerance, context + " jvp");
    }
}
