using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Losses;

/// <summary>
/// Module form of <see cref="functional.soft_spearman_loss"/>: 1 − ρ per row, ρ the correlation of the centred soft
/// ranks of input and target (torchsort's differentiable Spearman).
/// </summary>
public sealed class SoftSpearmanLoss : Loss<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss; arguments are validated here.</summary>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="exact_target_ranks">Rank the target exactly (average ranks) instead of softly. Default false.</param>
    /// <param name="reduction">None (per row), Mean (default) or Sum.</param>
    /// <exception cref="ArgumentException">Unknown regularization or invalid ε.</exception>
    public SoftSpearmanLoss(
        string regularization = "l2", double regularization_strength = 1.0, bool exact_target_ranks = false,
        nn.Reduction reduction = nn.Reduction.Mean)
        : base(reduction)
    {
        functional.SoftRanker(regularization, regularization_strength, descending: false);
        Regularization = regularization;
        RegularizationStrength = regularization_strength;
        ExactTargetRanks = exact_target_ranks;
    }

    /// <summary>"l2" or "kl".</summary>
    public string Regularization { get; }

    /// <summary>ε.</summary>
    public double RegularizationStrength { get; }

    /// <summary>Whether the target is ranked exactly.</summary>
    public bool ExactTargetRanks { get; }

    /// <summary>The loss of <paramref name="input"/> ([..., n]) against <paramref name="target"/> (same shape).</summary>
    /// <param name="input">Predictions.</param>
    /// <param name="target">Targets.</param>
    /// <returns>The reduced loss.</returns>
    public override Tensor forward(Tensor input, Tensor target) =>
        functional.soft_spearman_loss(input, target, Regularization, RegularizationStrength, ExactTargetRanks, reduction);
}
