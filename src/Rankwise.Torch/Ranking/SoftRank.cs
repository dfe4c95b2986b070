using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

/// <summary>
/// Module form of <see cref="functional.soft_rank"/>: the soft rank of Blondel et al. (ICML 2020) along the last
/// dimension, with an exact analytic backward pass. No parameters or buffers; device-agnostic.
/// </summary>
public sealed class SoftRank : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; arguments are validated here, as in <see cref="functional.soft_rank"/>.</summary>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0 and finite. Default 1.</param>
    /// <param name="descending">False (default): rank 1 is the smallest value.</param>
    /// <exception cref="ArgumentException">Unknown regularization or invalid ε.</exception>
    public SoftRank(string regularization = "l2", double regularization_strength = 1.0, bool descending = false)
        : base(nameof(SoftRank))
    {
        SoftRankingArguments.ParseRegularization(regularization, nameof(regularization));
        SoftRankingArguments.CheckStrength(regularization_strength, nameof(regularization_strength));
        Regularization = regularization;
        RegularizationStrength = regularization_strength;
        Descending = descending;
    }

    /// <summary>"l2" or "kl".</summary>
    public string Regularization { get; }

    /// <summary>ε.</summary>
    public double RegularizationStrength { get; }

    /// <summary>Whether rank 1 is the largest value.</summary>
    public bool Descending { get; }

    /// <summary>Soft ranks of <paramref name="values"/> ([..., n], float32/float64), same shape, dtype and device.</summary>
    /// <param name="values">Values to rank.</param>
    /// <returns>Soft ranks.</returns>
    public override Tensor forward(Tensor values) =>
        functional.soft_rank(values, Regularization, RegularizationStrength, Descending);
}
