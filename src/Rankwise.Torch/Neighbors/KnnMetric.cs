namespace Rankwise.Torch.Neighbors;

/// <summary>How "near" is measured by <see cref="ExactKnn"/>.</summary>
public enum KnnMetric
{
    /// <summary>
    /// Cosine similarity s(q, b) = q·b / (‖q‖ ‖b‖), larger is nearer (sklearn's <c>metric='cosine'</c>, whose distance is
    /// 1 − s). A zero row has similarity 0 with every row, itself included (as sklearn's <c>normalize</c> leaves it zero).
    /// </summary>
    Cosine,

    /// <summary>Euclidean distance ‖q − b‖, smaller is nearer (sklearn's <c>metric='euclidean'</c>).</summary>
    Euclidean,

    /// <summary>
    /// Inner product q·b, larger is nearer (maximum inner product search; Huh et al.'s mutual k-NN on unnormalised
    /// features). Not a metric: a row need not be its own nearest neighbour.
    /// </summary>
    InnerProduct,
}

/// <summary>How <see cref="ExactKnn"/> picks the float32 candidates of each query block before exact re-ranking.</summary>
public enum CandidateSelection
{
    /// <summary>
    /// A vectorised managed threshold scan on CPU tensors (for self-queries over the symmetric half of the score
    /// matrix), <c>torch.topk</c> on full blocks of scores on every other device.
    /// </summary>
    Auto,

    /// <summary>Always <c>torch.topk</c> on the block of scores (the path used on CUDA; selectable on CPU for testing).</summary>
    TorchTopK,
}
