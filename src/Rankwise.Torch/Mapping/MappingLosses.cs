using static TorchSharp.torch;

namespace Rankwise.Torch.Mapping;

/// <summary>
/// The three mapping losses of Collell &amp; Moens (2018, supplementary §1 and §3.1): each takes predictions f(X) [B, d]
/// and targets Y [B, d] (rows paired) and returns a scalar averaged over the B rows of the batch. Differentiable with
/// respect to the predictions (autograd); any floating dtype and device.
/// </summary>
public static class MappingLosses
{
    /// <summary>Norm floor of the cosine: a row is divided by max(‖row‖, 1e-12), so a zero row has cosine 0 with everything.</summary>
    public const double CosineEpsilon = 1e-12;

    /// <summary>MSE loss (1/B) Σᵢ ½‖f(xᵢ) − yᵢ‖².</summary>
    /// <param name="prediction">f(X) [B, d].</param>
    /// <param name="target">Y [B, d].</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor Mse(Tensor prediction, Tensor target)
    {
        Check(prediction, target);
        return (prediction - target).square().sum(1).mean().mul(0.5);
    }

    /// <summary>Cosine loss (1/B) Σᵢ (1 − cos(f(xᵢ), yᵢ)).</summary>
    /// <param name="prediction">f(X) [B, d].</param>
    /// <param name="target">Y [B, d].</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor Cosine(Tensor prediction, Tensor target)
    {
        Check(prediction, target);
        var p = Normalize(prediction);
        var t = Normalize(target);
        return (p * t).sum(1).neg().add(1.0).mean();
    }

    /// <summary>
    /// Max-margin (ranking hinge) loss (1/B) Σᵢ Σ_{j≠i} max(0, γ − cos(f(xᵢ), yᵢ) + cos(f(xᵢ), yⱼ)): every other target
    /// of the batch is a negative for item i. A batch of one row has no negatives and a loss of 0.
    /// </summary>
    /// <param name="prediction">f(X) [B, d].</param>
    /// <param name="target">Y [B, d].</param>
    /// <param name="margin">γ &gt; 0 (the supplementary searches {1, 2.5, 5, 7.5, 10}).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The margin is not positive and finite.</exception>
    public static Tensor MaxMargin(Tensor prediction, Tensor target, double margin)
    {
        Check(prediction, target);
        if (!(margin > 0 && double.IsFinite(margin)))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "max-margin loss: the margin must be positive and finite");
        long b = prediction.shape[0];
        var cos = Normalize(prediction).matmul(Normalize(target).t());           // [B, B]: cos(f(x_i), y_j)
        var positive = cos.diagonal().unsqueeze(1);                              // [B, 1]: cos(f(x_i), y_i)
        var hinge = (cos - positive).add(margin).relu();
        var offDiagonal = ones(b, b, dtype: hinge.dtype, device: hinge.device) - eye(b, dtype: hinge.dtype, device: hinge.device);
        return (hinge * offDiagonal).sum(1).mean();
    }

    /// <summary>The loss chosen by <paramref name="kind"/>.</summary>
    /// <param name="kind">Which loss.</param>
    /// <param name="prediction">f(X) [B, d].</param>
    /// <param name="target">Y [B, d].</param>
    /// <param name="margin">γ of the max-margin loss (ignored by the others).</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor Compute(MappingLossKind kind, Tensor prediction, Tensor target, double margin) => kind switch
    {
        MappingLossKind.Mse => Mse(prediction, target),
        MappingLossKind.Cosine => Cosine(prediction, target),
        MappingLossKind.MaxMargin => MaxMargin(prediction, target, margin),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown mapping loss"),
    };

    private static Tensor Normalize(Tensor rows) => rows / rows.norm(1, keepdim: true).clamp_min(CosineEpsilon);

    private static void Check(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.ndim != 2 || target.ndim != 2 || prediction.shape[0] != target.shape[0] || prediction.shape[1] != target.shape[1])
            throw new ArgumentException($"mapping loss: prediction and target must both be [B, d] with the same shape, got [{string.Join(", ", prediction.shape)}] and [{string.Join(", ", target.shape)}]", nameof(target));
        if (prediction.shape[0] == 0)
            throw new ArgumentException("mapping loss: the batch is empty", nameof(prediction));
    }
}
