using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Losses;

/// <summary>
/// Module form of <see cref="functional.spearman_loss(Tensor, Tensor, Func{Tensor, Tensor}, bool, bool, nn.Reduction)"/>:
/// SoDeep's Spearman surrogate ‖f(input) − rk(target)‖² per row, f any differentiable ranker (soft rank by default,
/// the sigmoid sorter, or a learned sorter) and rk the exact average ranks of the target.
/// </summary>
public sealed class SpearmanLoss : Loss<Tensor, Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> ranker;

    /// <summary>Spearman loss with any ranker.</summary>
    /// <param name="ranker">Differentiable ranker along the last dimension; must keep the shape.</param>
    /// <param name="descending">Direction of the target ranks, which must be the ranker's. Default false.</param>
    /// <param name="normalize">Divide the target ranks by n (rankers with outputs in (0, 1]). Default false.</param>
    /// <param name="reduction">None (per row), Mean (default) or Sum.</param>
    public SpearmanLoss(
        Func<Tensor, Tensor> ranker, bool descending = false, bool normalize = false,
        nn.Reduction reduction = nn.Reduction.Mean)
        : base(reduction)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        this.ranker = ranker;
        Descending = descending;
        Normalize = normalize;
    }

    /// <summary>Spearman loss with the soft rank of Blondel et al. (ascending, 1..n scale) as the ranker.</summary>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="reduction">None (per row), Mean (default) or Sum.</param>
    /// <exception cref="ArgumentException">Unknown regularization or invalid ε.</exception>
    public SpearmanLoss(
        string regularization = "l2", double regularization_strength = 1.0, nn.Reduction reduction = nn.Reduction.Mean)
        : this(functional.SoftRanker(regularization, regularization_strength, descending: false), false, false, reduction)
    {
    }

    /// <summary>Direction of the target ranks.</summary>
    public bool Descending { get; }

    /// <summary>Whether the target ranks are divided by n.</summary>
    public bool Normalize { get; }

    /// <summary>The loss of <paramref name="input"/> ([..., n]) against <paramref name="target"/> (same shape).</summary>
    /// <param name="input">Predictions.</param>
    /// <param name="target">Targets.</param>
    /// <returns>The reduced loss.</returns>
    public override Tensor forward(Tensor input, Tensor target) =>
        functional.spearman_loss(input, target, ranker, Descending, Normalize, reduction);
}
