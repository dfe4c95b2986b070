namespace Rankwise.Torch.Ranking;

/// <summary>The regulariser of the permutahedron projection (Blondel et al. 2020, section 3).</summary>
internal enum SoftRegularization
{
    /// <summary>Quadratic regularisation Q(μ) = ½‖μ‖²: Euclidean projection, piecewise-linear output.</summary>
    L2,

    /// <summary>Entropic regularisation E(μ) = ⟨μ, log μ − 1⟩: KL projection, piecewise-smooth output.</summary>
    Kl,
}

/// <summary>Argument checks shared by the soft ranking operations; every message is one line naming the argument.</summary>
internal static class SoftRankingArguments
{
    public static SoftRegularization ParseRegularization(string regularization, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(regularization, parameterName);
        return regularization switch
        {
            "l2" => SoftRegularization.L2,
            "kl" => SoftRegularization.Kl,
            _ => throw new ArgumentException(
                $"{parameterName}: expected \"l2\" or \"kl\" but got \"{regularization}\".", parameterName),
        };
    }

    public static void CheckStrength(double regularizationStrength, string parameterName)
    {
        if (!double.IsFinite(regularizationStrength) || regularizationStrength <= 0)
        {
            throw new ArgumentException(
                $"{parameterName}: the regularization strength must be a finite number > 0 but got {regularizationStrength}.",
                parameterName);
        }
    }

    public static void CheckFloatingValues(TorchSharp.torch.Tensor values, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(values, parameterName);
        if (values.dtype != TorchSharp.torch.ScalarType.Float32 && values.dtype != TorchSharp.torch.ScalarType.Float64)
        {
            throw new ArgumentException(
                $"{parameterName}: dtype {values.dtype} is not supported; use float32 or float64.", parameterName);
        }
        if (values.dim() == 0)
        {
            throw new ArgumentException(
                $"{parameterName}: expected a tensor with at least one dimension (ranked along the last) but got a scalar.",
                parameterName);
        }
        if (values.shape[^1] > int.MaxValue)
        {
            throw new ArgumentException(
                $"{parameterName}: the last dimension has {values.shape[^1]} elements; at most {int.MaxValue} are supported.",
                parameterName);
        }
    }
}
