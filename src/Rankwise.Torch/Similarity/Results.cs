namespace Rankwise.Torch.Similarity;

/// <summary>Canonical correlation analysis between two centred representations.</summary>
/// <param name="Correlations">The k = min(rank(Xc), rank(Yc)) canonical correlations ρ_1 ≥ … ≥ ρ_k in [0, 1].</param>
/// <param name="RankX">Numerical rank of the centred x that was used.</param>
/// <param name="RankY">Numerical rank of the centred y that was used.</param>
/// <param name="Mean">Mean canonical correlation ρ̄ = (1/k) Σ ρ_i (NaN when k = 0).</param>
/// <param name="R2">Mean squared canonical correlation R²_CCA = (1/k) Σ ρ_i² (NaN when k = 0).</param>
public sealed record CcaResult(double[] Correlations, int RankX, int RankY, double Mean, double R2);

/// <summary>SVCCA result (Raghu et al. 2017).</summary>
/// <param name="Value">Mean canonical correlation between the kept SVD subspaces.</param>
/// <param name="KeptX">Number of singular directions kept for x.</param>
/// <param name="KeptY">Number of singular directions kept for y.</param>
/// <param name="Correlations">The min(KeptX, KeptY) canonical correlations, descending.</param>
public sealed record SvccaResult(double Value, int KeptX, int KeptY, double[] Correlations);

/// <summary>Projection-weighted CCA result (Morcos et al. 2018).</summary>
/// <param name="Value">Σ α_i ρ_i with weights α summing to 1.</param>
/// <param name="Correlations">Canonical correlations ρ_i, descending.</param>
/// <param name="Weights">Projection weights α_i (same order as <paramref name="Correlations"/>), summing to 1.</param>
/// <param name="WeightsFromX">True when the weights come from x (d_x ≤ d_y), false when from y.</param>
public sealed record PwccaResult(double Value, double[] Correlations, double[] Weights, bool WeightsFromX);

/// <summary>Generalised shape metric result (Williams et al. 2021).</summary>
/// <param name="Angular">θ = arccos(cosine), radians.</param>
/// <param name="Euclidean">min over orthogonal Q of ‖X̂Q − Ŷ‖_F = 2 sin(θ/2).</param>
/// <param name="Cosine">‖X̂ᵀŶ‖_* — the Frobenius inner product of the aligned unit-norm representations.</param>
public sealed record ShapeMetricResult(double Angular, double Euclidean, double Cosine);

/// <summary>One-to-one unit matching between two representations.</summary>
/// <param name="UnitsA">Matched units (columns) of x, ascending; length min(d_x, d_y).</param>
/// <param name="UnitsB">The unit of y matched to each entry of <paramref name="UnitsA"/>.</param>
/// <param name="Correlations">Signed correlation of each matched pair.</param>
/// <param name="Mean">Mean matched |correlation| (or mean signed correlation when matching on signed values); NaN if any matched correlation is NaN.</param>
/// <param name="Permutation">
/// Length d_x: <c>Permutation[i]</c> is the unit of y aligned to unit i of x, or −1 when unit i is unmatched (d_x &gt; d_y).
/// When d_x ≤ d_y, <c>y[:, Permutation]</c> is y reordered (and, if d_y &gt; d_x, subset) to align with x.
/// </param>
/// <param name="NaiveScore">The naive many-to-one score mean_i max_j |C_ij| on the same correlation matrix, for comparison.</param>
public sealed record UnitMatchingResult(int[] UnitsA, int[] UnitsB, double[] Correlations, double Mean, int[] Permutation, double NaiveScore);
