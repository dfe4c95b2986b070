using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

#pragma warning disable CS8981 // lower-case type name on purpose: mirrors torch.nn.functional / torchsort
/// <summary>
/// Differentiable ranking and sorting operators in functional form (names and arguments mirror torchsort and
/// google-research/fast-soft-sort), plus exact average ranks. Every operator works along the last dimension of a
/// tensor of any rank (the leading dimensions form the batch), keeps the input's device and dtype, and never
/// mutates its input. The module forms are <see cref="SoftRank"/>, <see cref="SoftSort"/> and <see cref="SigmoidSorter"/>.
/// </summary>
public static class functional
#pragma warning restore CS8981
{
    /// <summary>
    /// Soft rank of Blondel, Teboul, Berthet &amp; Djolonga, "Fast Differentiable Sorting and Ranking" (ICML 2020), with
    /// the semantics of torchsort's <c>soft_rank</c> and fast-soft-sort's <c>soft_rank</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// With ρ = (n, n−1, …, 1) and θ = x/ε (ascending) or −x/ε (descending):
    /// l2: r(x) = argmin_{μ ∈ P(ρ)} ½‖μ − θ‖², the Euclidean projection of θ onto the permutahedron of ρ;
    /// kl: r(x) = exp(P_KL(θ, log ρ)), the entropic projection. The projection reduces to sorting θ in decreasing
    /// order (s = θ_σ) and one isotonic regression: v = argmin_{v₁≥…≥vₙ} ½‖v − (s − ρ)‖² (l2) or
    /// argmin ⟨e^{s−v}, 1⟩ + ⟨ρ, v⟩ (kl), solved by pool-adjacent-violators; then r_σ = s − v (l2) or e^{s − v} (kl).
    /// Time O(n log n), memory O(n) per row; the solver runs in C# (in float64, also for float32 inputs) on a CPU
    /// copy, parallel over rows, and the result is copied back to the input's device and dtype.
    /// </para>
    /// <para>
    /// Ranks are 1-based: as ε → 0 the output tends to the hard ranks (1 = smallest value when ascending,
    /// 1 = largest when descending), exactly once ε is below every gap between sorted values (l2); as ε grows all
    /// entries tend to the mean rank (n+1)/2. The l2 ranks lie in [1, n] and sum to n(n+1)/2. Tied values always share
    /// an isotonic block and get equal soft ranks; the operator is differentiable there. Golden values:
    /// soft_rank([5, 1, 2], ε=1) = [3, 1, 2]; ε=2 gives [3, 1.25, 1.75].
    /// </para>
    /// <para>
    /// Gradient: exact and analytic through a custom autograd function (not an unrolled graph); for l2 it is the
    /// incoming gradient minus its block means (times ±1/ε), for kl the block sums are softmax-weighted. It is
    /// first-order only. The output is piecewise linear (l2) / piecewise smooth (kl); at the measure-zero points where
    /// two isotonic blocks have equal values the one-sided derivative of the merged block is returned. The blocks are
    /// those of the solver itself (torchsort and fast-soft-sort re-detect them from the solution with a 1e-9 tolerance,
    /// which differs only within 1e-9 of such points).
    /// </para>
    /// <para>A row containing NaN or ±∞ (or overflowing x/ε) gives a row of NaN outputs and NaN gradients.</para>
    /// </remarks>
    /// <param name="values">Values to rank, float32 or float64, shape [..., n] on any device.</param>
    /// <param name="regularization">"l2" (quadratic; default) or "kl" (entropic).</param>
    /// <param name="regularization_strength">ε &gt; 0 and finite; smaller is closer to the hard ranks. Default 1.</param>
    /// <param name="descending">False (default): rank 1 is the smallest value. True: rank 1 is the largest.</param>
    /// <returns>Soft ranks, same shape, dtype and device as <paramref name="values"/>.</returns>
    /// <exception cref="ArgumentException">Unknown regularization, ε ≤ 0 or non-finite, a dtype other than
    /// float32/float64, or a 0-dimensional tensor.</exception>
    public static Tensor soft_rank(
        Tensor values, string regularization = "l2", double regularization_strength = 1.0, bool descending = false)
    {
        var options = Validate(values, regularization, regularization_strength, descending, SoftOperation.Rank);
        return SoftProjection.Apply(values, options);
    }

    /// <summary>
    /// Soft sort of Blondel et al. (ICML 2020), with the semantics of torchsort's <c>soft_sort</c> and the current
    /// fast-soft-sort's <c>soft_sort</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// With ρ = (n, …, 1), w = ρ/ε and sign = −1 (ascending) or +1 (descending): sort sign·x in decreasing order
    /// (s), solve the isotonic problem v = argmin_{v₁≥…≥vₙ} ½‖v − (w − s)‖² (l2) or
    /// argmin ⟨e^{w−v}, 1⟩ + ⟨e^{s}, v⟩ (kl) by pool-adjacent-violators, and return sign·(w − v). This is the
    /// projection of ρ/ε onto the permutahedron of x. As ε → 0 the output tends to the sorted values (exactly, once
    /// 1/ε exceeds every gap between them); for large ε the l2 output is evenly spaced by 1/ε around the mean of x.
    /// The l2 output always sums to Σx. Golden values: soft_sort([5, 1, 2], ε=1) =
    /// [5/3, 8/3, 11/3], ε=0.1 gives [1, 2, 5].
    /// </para>
    /// <para>
    /// Gradient: exact and analytic through a custom autograd function; output k depends only on the inputs of its
    /// block, through their mean (l2) or a softmax of the sorted values (kl). Like the hard sort, the soft sort has a
    /// kink where two inputs tie (they do not share a block); there one of the one-sided derivatives is returned.
    /// Complexity, devices, dtypes and non-finite rows as in <see cref="soft_rank"/>.
    /// </para>
    /// </remarks>
    /// <param name="values">Values to sort, float32 or float64, shape [..., n] on any device.</param>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0 and finite; smaller is closer to the hard sort. Default 1.</param>
    /// <param name="descending">False (default): increasing output. True: decreasing output.</param>
    /// <returns>Soft-sorted values, same shape, dtype and device as <paramref name="values"/>.</returns>
    /// <exception cref="ArgumentException">As for <see cref="soft_rank"/>.</exception>
    public static Tensor soft_sort(
        Tensor values, string regularization = "l2", double regularization_strength = 1.0, bool descending = false)
    {
        var options = Validate(values, regularization, regularization_strength, descending, SoftOperation.Sort);
        return SoftProjection.Apply(values, options);
    }

    /// <summary>
    /// The handcrafted differentiable sorter of SoDeep (Engilberge, Chevallier, Pérez &amp; Cord, "SoDeep: a Sorting
    /// Deep Net to Learn Ranking Loss Surrogates", CVPR 2019): each element is compared with all others through a
    /// sigmoid.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Ascending (default): rank_i = 1 + Σ_{j≠i} σ(λ(y_i − y_j)); descending: rank_i = 1 + Σ_{j≠i} σ(λ(y_j − y_i)),
    /// σ(z) = 1/(1 + e^{−z}). The ranks lie in (1, n) and tend to the hard ranks as λ → ∞ (ties get the average rank
    /// for every λ). With <paramref name="normalize"/> they are divided by n, into (1/n, 1) — SoDeep's convention, whose
    /// sorters rank in descending order.
    /// </para>
    /// <para>
    /// λ is <paramref name="steepness"/> when given; otherwise it is scale-adaptive per row, λ = c / RMS of the n(n−1)
    /// pairwise differences y_i − y_j = c / (√2 · sample std of the row), c = <paramref name="adaptive_constant"/>
    /// (6.8 as in SoDeep's <c>sorter_exact</c>, whose std additionally counts the zeros of its triangular matrix).
    /// For a constant row (or n = 1) λ = c, immaterial since all differences are 0. The adaptive λ is computed
    /// without gradient, as in SoDeep.
    /// </para>
    /// <para>
    /// O(n²) time; the comparisons are computed in chunks of rows of the n×n comparison matrix, so peak memory of
    /// both the forward and the (custom, analytic) backward pass is O(batch × chunk × n). Runs entirely with torch
    /// operations on the input's device. NaN inputs propagate.
    /// </para>
    /// </remarks>
    /// <param name="values">Values to rank, float32 or float64, shape [..., n] on any device.</param>
    /// <param name="steepness">Fixed λ &gt; 0, or null (default) for the scale-adaptive λ.</param>
    /// <param name="adaptive_constant">c &gt; 0 of the adaptive λ. Default 6.8.</param>
    /// <param name="descending">False (default): rank ≈ 1 for the smallest value. True: for the largest.</param>
    /// <param name="normalize">Divide the ranks by n. Default false.</param>
    /// <param name="chunk_size">Rows of the comparison matrix per chunk; 0 (default) picks about 4M elements per chunk.</param>
    /// <returns>Ranks, same shape, dtype and device as <paramref name="values"/>.</returns>
    /// <exception cref="ArgumentException">Non-positive or non-finite steepness or constant, negative chunk size,
    /// unsupported dtype, or a 0-dimensional tensor.</exception>
    public static Tensor sigmoid_rank(
        Tensor values, double? steepness = null, double adaptive_constant = 6.8, bool descending = false,
        bool normalize = false, long chunk_size = 0)
    {
        SoftRankingArguments.CheckFloatingValues(values, nameof(values));
        CheckSigmoidOptions(steepness, adaptive_constant, chunk_size);
        return SigmoidRanking.Apply(values, steepness, adaptive_constant, descending, normalize, chunk_size);
    }

    /// <summary>
    /// Exact 1-based ranks along the last dimension, ties receiving the average of the ranks they span
    /// (scipy.stats.rankdata(method="average") applied to each row). Not differentiable: the result never requires grad.
    /// </summary>
    /// <remarks>
    /// Computed on the input's device by one sort and two binary searches per element: rank = (#{v &lt; x} + #{v ≤ x} + 1)/2,
    /// O(n log n). A row containing NaN gets NaN ranks throughout (scipy's nan_policy="propagate").
    /// </remarks>
    /// <param name="values">Values of any real dtype, shape [..., n], at least one dimension.</param>
    /// <param name="descending">False (default): rank 1 is the smallest value. True: rank 1 is the largest.</param>
    /// <returns>Ranks with the dtype of <paramref name="values"/> when it is float32/float64, otherwise float64.</returns>
    /// <exception cref="ArgumentException">A 0-dimensional tensor.</exception>
    public static Tensor rank(Tensor values, bool descending = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.dim() == 0)
        {
            throw new ArgumentException(
                "values: expected a tensor with at least one dimension (ranked along the last) but got a scalar.", nameof(values));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var dtype = values.dtype is ScalarType.Float32 or ScalarType.Float64 ? values.dtype : ScalarType.Float64;
        var keys = values.detach().to_type(dtype);
        if (descending)
        {
            keys = keys.neg();
        }
        keys = keys.contiguous();
        var sorted = keys.sort(-1).Values.contiguous();
        var below = searchsorted(sorted, keys, out_int32: false, right: false, sorter: null);
        var atOrBelow = searchsorted(sorted, keys, out_int32: false, right: true, sorter: null);
        var ranks = (below + atOrBelow + 1).to_type(dtype) / 2.0;
        ranks = where(keys.isnan().any(-1, keepdim: true), full_like(ranks, double.NaN), ranks);
        return ranks.MoveToOuterDisposeScope();
    }

    internal static SoftProjectionOptions Validate(
        Tensor values, string regularization, double regularizationStrength, bool descending, SoftOperation operation)
    {
        SoftRankingArguments.CheckFloatingValues(values, nameof(values));
        var reg = SoftRankingArguments.ParseRegularization(regularization, nameof(regularization));
        SoftRankingArguments.CheckStrength(regularizationStrength, "regularization_strength");
        return new SoftProjectionOptions(operation, reg, regularizationStrength, descending);
    }

    internal static void CheckSigmoidOptions(double? steepness, double adaptiveConstant, long chunkSize)
    {
        if (steepness is double s && (!double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentException(
                $"steepness: expected a finite number > 0 (or null for the adaptive steepness) but got {s}.", nameof(steepness));
        }
        if (!double.IsFinite(adaptiveConstant) || adaptiveConstant <= 0)
        {
            throw new ArgumentException(
                $"adaptive_constant: expected a finite number > 0 but got {adaptiveConstant}.", "adaptive_constant");
        }
        if (chunkSize < 0)
        {
            throw new ArgumentException(
                $"chunk_size: expected 0 (automatic) or a positive number of rows but got {chunkSize}.", "chunk_size");
        }
    }
}
