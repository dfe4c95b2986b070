using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Losses;

/// <summary>
/// Module form of <see cref="functional.recall_loss(Tensor, Tensor?, double, bool, string, double, nn.Reduction)"/>:
/// SoDeep's recall surrogate max(0, α + f(Y[q])_p − min_{c≠p} f(Y[q])_c) per query, f the soft rank in descending
/// score order. <see cref="forward(Tensor, Tensor)"/> takes the positive item of each query;
/// <see cref="forward(Tensor)"/> uses the diagonal (and, with <see cref="BothDirections"/>, also the columns).
/// </summary>
public sealed class RecallLoss : Loss<Tensor, Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> ranker;

    /// <summary>Recall loss with the soft rank of Blondel et al. (descending).</summary>
    /// <param name="margin">α in rank units. Default 1.</param>
    /// <param name="both_directions">Also the column direction of a square matrix (diagonal positives). Default false.</param>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="reduction">None (per query), Mean (default) or Sum.</param>
    /// <exception cref="ArgumentException">Non-finite margin, unknown regularization or invalid ε.</exception>
    public RecallLoss(
        double margin = 1.0, bool both_directions = false, string regularization = "l2",
        double regularization_strength = 1.0, nn.Reduction reduction = nn.Reduction.Mean)
        : this(functional.SoftRanker(regularization, regularization_strength, descending: true), margin, both_directions, reduction)
    {
    }

    /// <summary>Recall loss with any ranker returning descending ranks (1 = highest score).</summary>
    /// <param name="ranker">Differentiable ranker along the last dimension; must keep the shape.</param>
    /// <param name="margin">α in the ranker's units. Default 1.</param>
    /// <param name="both_directions">Also the column direction of a square matrix (diagonal positives). Default false.</param>
    /// <param name="reduction">None (per query), Mean (default) or Sum.</param>
    /// <exception cref="ArgumentException">Non-finite margin.</exception>
    public RecallLoss(
        Func<Tensor, Tensor> ranker, double margin = 1.0, bool both_directions = false,
        nn.Reduction reduction = nn.Reduction.Mean)
        : base(reduction)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        if (!double.IsFinite(margin))
        {
            throw new ArgumentException($"margin: expected a finite number but got {margin}.", nameof(margin));
        }
        this.ranker = ranker;
        Margin = margin;
        BothDirections = both_directions;
    }

    /// <summary>α.</summary>
    public double Margin { get; }

    /// <summary>Whether <see cref="forward(Tensor)"/> also scores the columns.</summary>
    public bool BothDirections { get; }

    /// <summary>The loss of <paramref name="scores"/> [Q, I] with explicit positives (one item per query); rows only.</summary>
    /// <param name="scores">Scores (queries × items).</param>
    /// <param name="positives">Integer [Q]: the positive item of each query.</param>
    /// <returns>The reduced loss.</returns>
    public override Tensor forward(Tensor scores, Tensor positives) =>
        functional.recall_loss(scores, ranker, positives, Margin, both_directions: false, reduction);

    /// <summary>The loss of <paramref name="scores"/> with the positives on the diagonal (both directions if configured).</summary>
    /// <param name="scores">Scores (queries × items); square when <see cref="BothDirections"/>.</param>
    /// <returns>The reduced loss.</returns>
    public Tensor forward(Tensor scores) =>
        functional.recall_loss(scores, ranker, null, Margin, BothDirections, reduction);
}
