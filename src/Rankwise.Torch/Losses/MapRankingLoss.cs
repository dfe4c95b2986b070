using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Losses;

/// <summary>
/// Module form of <see cref="functional.map_ranking_loss(Tensor, Tensor, string, double, nn.Reduction)"/>: 1 − mAP
/// over classes, AP_c = (1/|P|) Σ_{i∈P} r⁺_i / r_i with soft ranks in descending score order among all samples (r)
/// and among the positives (r⁺). Inputs: scores [n, C] and labels [n, C] (entries &gt; 0 are positives).
/// </summary>
public sealed class MapRankingLoss : Loss<Tensor, Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> ranker;

    /// <summary>mAP loss with the soft rank of Blondel et al. (descending).</summary>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="reduction">None (per class), Mean (default: 1 − mAP over classes with positives) or Sum.</param>
    /// <exception cref="ArgumentException">Unknown regularization or invalid ε.</exception>
    public MapRankingLoss(
        string regularization = "l2", double regularization_strength = 1.0, nn.Reduction reduction = nn.Reduction.Mean)
        : this(functional.SoftRanker(regularization, regularization_strength, descending: true), reduction)
    {
    }

    /// <summary>mAP loss with any ranker returning descending ranks (1 = highest score) on the 1..k scale.</summary>
    /// <param name="ranker">Differentiable ranker along the last dimension; must keep the shape.</param>
    /// <param name="reduction">None (per class), Mean (default) or Sum.</param>
    public MapRankingLoss(Func<Tensor, Tensor> ranker, nn.Reduction reduction = nn.Reduction.Mean)
        : base(reduction)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        this.ranker = ranker;
    }

    /// <summary>The loss of <paramref name="scores"/> [n, C] given <paramref name="labels"/> [n, C].</summary>
    /// <param name="scores">Scores (samples × classes).</param>
    /// <param name="labels">Relevance; entries &gt; 0 are positives.</param>
    /// <returns>The reduced loss.</returns>
    public override Tensor forward(Tensor scores, Tensor labels) =>
        functional.map_ranking_loss(scores, labels, ranker, reduction);
}
