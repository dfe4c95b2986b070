using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests;

/// <summary>
/// Finite-difference check of autograd Jacobians (float64): each input element is perturbed by ±h and the central
/// difference of every output element is compared with the Jacobian assembled from backward passes (one per output
/// element), entrywise |analytic − numeric| ≤ atol + rtol·|numeric|. Functions that are only piecewise smooth (soft
/// rank, soft sort) must be evaluated away from their kinks.
/// </summary>
public static class GradCheck
{
    public static void AssertJacobian(
        Func<Tensor, Tensor> function, Tensor input, double h = 1e-6, double rtol = 1e-6, double atol = 1e-8)
    {
        var (analytic, numeric) = Jacobians(function, input, h);
        int outputs = analytic.GetLength(0), inputs = analytic.GetLength(1);
        double worst = 0;
        string where = "";
        for (int i = 0; i < outputs; i++)
        {
            for (int j = 0; j < inputs; j++)
            {
                double excess = Math.Abs(analytic[i, j] - numeric[i, j]) - (atol + rtol * Math.Abs(numeric[i, j]));
                if (double.IsNaN(excess) || excess > worst)
                {
                    worst = double.IsNaN(excess) ? double.PositiveInfinity : excess;
                    where = $"d out[{i}] / d in[{j}]: autograd {analytic[i, j]:R}, finite differences {numeric[i, j]:R}";
                }
            }
        }
        Assert.True(worst <= 0, "gradient check failed at " + where);
    }

    /// <summary>Autograd and central-difference Jacobians, [outputs, inputs] (flattened row-major).</summary>
    public static (double[,] Analytic, double[,] Numeric) Jacobians(Func<Tensor, Tensor> function, Tensor input, double h = 1e-6)
    {
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float64, input.dtype);
        var x = input.detach().clone().requires_grad_(true);
        var output = function(x);
        int outputs = (int)output.numel(), inputs = (int)x.numel();
        var analytic = new double[outputs, inputs];
        for (int i = 0; i < outputs; i++)
        {
            using var inner = NewDisposeScope();
            var seed = zeros(outputs, dtype: ScalarType.Float64, device: output.device);
            seed[i] = 1.0;
            var grads = torch.autograd.grad([output], [x], [seed.reshape(output.shape)], retain_graph: true);
            double[] row = grads[0].cpu().data<double>().ToArray();
            for (int j = 0; j < inputs; j++)
            {
                analytic[i, j] = row[j];
            }
        }

        var numeric = new double[outputs, inputs];
        double[] baseValues = x.detach().cpu().data<double>().ToArray();
        using (no_grad())
        {
            for (int j = 0; j < inputs; j++)
            {
                using var inner = NewDisposeScope();
                double[] plus = (double[])baseValues.Clone(), minus = (double[])baseValues.Clone();
                plus[j] += h;
                minus[j] -= h;
                var fPlus = function(tensor(plus, x.shape, device: x.device)).cpu().data<double>().ToArray();
                var fMinus = function(tensor(minus, x.shape, device: x.device)).cpu().data<double>().ToArray();
                for (int i = 0; i < outputs; i++)
                {
                    numeric[i, j] = (fPlus[i] - fMinus[i]) / (2 * h);
                }
            }
        }
        return (analytic, numeric);
    }
}
