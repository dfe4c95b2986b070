using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

/// <summary>
/// Module form of <see cref="functional.soft_sort"/>: the soft sort of Blondel et al. (ICML 2020) along the last
/// dimension, with an exact analytic backward pass. No parameters or buffers; device-agnostic.
/// </summary>
public sealed class SoftSort : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; arguments are validated here, as in <see cref="functional.soft_sort"/>.</summary>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0 and finite. Default 1.</param>
    /// <param name="descending">False (default): increasing output.</param>
    /// <exception cref="ArgumentException">Unknown regularization or invalid ε.</exception>
    public SoftSort(string regularization = "l2", double regularization_strength = 1.0, bool descending = false)
        : base(nameof(SoftSort))
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

    /// <summary>Whether the output decreases.</summary>
    public bool Descending { get; }

    /// <summary>Soft-sorted <paramref name="values"/> ([..., n], float32/float64), same shape, dtype and device.</summary>
    /// <param name="values">Values to sort.</param>
    /// <returns>Soft-sorted values.</returns>
    public override Tensor forward(Tensor values) =>
        functional.soft_sort(values, Regularization, RegularizationStrength, Descending);
}
