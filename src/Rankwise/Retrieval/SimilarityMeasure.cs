namespace Rankwise.Retrieval;

/// <summary>How retrieval scores are computed from embedding rows (higher = more similar).</summary>
public enum SimilarityMeasure
{
    /// <summary>
    /// Cosine similarity a·b / (‖a‖‖b‖), computed as the dot product of L2-normalised rows. A zero row is left at zero
    /// and has similarity 0 to everything (scikit-learn's <c>cosine_similarity</c> convention).
    /// </summary>
    Cosine,

    /// <summary>Negative Euclidean distance −‖a − b‖ (from the differences, not the ‖a‖² + ‖b‖² − 2a·b shortcut).</summary>
    NegativeEuclidean,
}
