using TorchSharp;
using static TorchSharp.torch;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Losses;

#pragma warning disable CS8981 // lower-case type name on purpose: mirrors torch.nn.functional
/// <summary>
/// Rank-based training losses in functional form: SoDeep's surrogates (Engilberge et al., CVPR 2019) for Spearman
/// correlation, mean average precision and recall, and torchsort's soft Spearman correlation, over any
/// differentiable ranker — <see cref="RankOps.soft_rank"/> (default), <see cref="RankOps.sigmoid_rank"/>, or a learned
/// sorter passed as <c>Func&lt;Tensor, Tensor&gt;</c>. Reductions follow TorchSharp's <see cref="nn.Reduction"/>
/// (None, Mean, Sum) as its built-in losses do. Inputs are never mutated; results stay on the inputs' device.
/// The module forms are <see cref="SpearmanLoss"/>, <see cref="SoftSpearmanLoss"/>, <see cref="MapRankingLoss"/> and
/// <see cref="RecallLoss"/>.
/// </summary>
public static class functional
#pragma warning restore CS8981
{
    /// <summary>
    /// SoDeep's Spearman surrogate: per row, ‖f(input) − rk(target)‖² = Σ_i (f(input)_i − rk(target)_i)², f a
    /// differentiable ranker and rk the exact ranks of the target.
    /// </summary>
    /// <remarks>
    /// rk(target) are the 1-based average ranks of <see cref="RankOps.rank"/> (ties get the mean of the ranks they
    /// span; scipy.stats.rankdata "average"), in the direction <paramref name="descending"/>, divided by n when
    /// <paramref name="normalize"/>; they carry no gradient. The ranker must return ranks on the same scale and in the
    /// same direction, with the input's shape. Without ties, Spearman's ρ = 1 − 6‖rk(x) − rk(y)‖²/(n(n²−1)), so with
    /// exact ranks minimising this loss maximises ρ (SoDeep, eq. for L_SPR).
    /// </remarks>
    /// <param name="input">Predictions [..., n] (float32/float64).</param>
    /// <param name="target">Targets, same shape, any real dtype.</param>
    /// <param name="ranker">Differentiable ranker applied to <paramref name="input"/> along the last dimension.</param>
    /// <param name="descending">Direction of the target ranks (must match the ranker). Default false: 1 = smallest.</param>
    /// <param name="normalize">Divide the target ranks by n (for rankers with outputs in (0, 1]). Default false.</param>
    /// <param name="reduction">None: per-row losses [...]; Mean (default): their mean; Sum: their sum.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Shapes differ, a 0-dimensional input, or the ranker changes the shape.</exception>
    public static Tensor spearman_loss(
        Tensor input, Tensor target, Func<Tensor, Tensor> ranker, bool descending = false, bool normalize = false,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        CheckPair(input, target);
        using var scope = NewDisposeScope();
        var predicted = ranker(input);
        CheckRankerShape(predicted, input);
        var exact = RankOps.rank(target, descending).to(predicted.dtype, predicted.device);
        if (normalize)
        {
            exact = exact / target.shape[^1];
        }
        var perRow = (predicted - exact).square().sum(-1);
        return Reduce(perRow, reduction).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="spearman_loss(Tensor, Tensor, Func{Tensor, Tensor}, bool, bool, nn.Reduction)"/> with the soft rank
    /// of Blondel et al. as the ranker (ascending ranks on the 1..n scale).
    /// </summary>
    /// <param name="input">Predictions [..., n] (float32/float64).</param>
    /// <param name="target">Targets, same shape.</param>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="reduction">None, Mean (default) or Sum over rows.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">As for the ranker overload, or invalid soft-rank arguments.</exception>
    public static Tensor spearman_loss(
        Tensor input, Tensor target, string regularization = "l2", double regularization_strength = 1.0,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        var ranker = SoftRanker(regularization, regularization_strength, descending: false);
        return spearman_loss(input, target, ranker, descending: false, normalize: false, reduction);
    }

    /// <summary>
    /// Soft Spearman correlation per row (torchsort's README <c>spearmanr</c>): ρ = ⟨a, b⟩ / (‖a‖‖b‖) with a, b the
    /// centred soft ranks of <paramref name="input"/> and <paramref name="target"/>.
    /// </summary>
    /// <remarks>
    /// Both are ranked by <see cref="RankOps.soft_rank"/> with the given regularization (ascending), unless
    /// <paramref name="exact_target_ranks"/>, in which case the target gets exact average ranks. A constant row
    /// (zero centred ranks) gives NaN, as scipy.stats.spearmanr does. Golden value (torchsort README):
    /// input [1, 2, 3, 4, 5], target [5, 6, 7, 8, 7], l2, ε = 1 → 0.8321 (= 3/√13).
    /// </remarks>
    /// <param name="input">Predictions [..., n] (float32/float64).</param>
    /// <param name="target">Targets, same shape.</param>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="exact_target_ranks">Rank the target exactly (average ranks) instead of softly. Default false.</param>
    /// <returns>Per-row correlations, shape [...].</returns>
    /// <exception cref="ArgumentException">Shapes differ, unsupported dtype or invalid soft-rank arguments.</exception>
    public static Tensor soft_spearmanr(
        Tensor input, Tensor target, string regularization = "l2", double regularization_strength = 1.0,
        bool exact_target_ranks = false)
    {
        CheckPair(input, target);
        using var scope = NewDisposeScope();
        var a = RankOps.soft_rank(input, regularization, regularization_strength);
        var b = exact_target_ranks
            ? RankOps.rank(target).to(a.dtype, a.device)
            : RankOps.soft_rank(target.to_type(input.dtype), regularization, regularization_strength);
        a = a - a.mean([-1], keepdim: true);
        b = b - b.mean([-1], keepdim: true);
        var rho = (a * b).sum(-1) / (a.norm(-1) * b.norm(-1));
        return rho.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Soft Spearman loss: 1 − <see cref="soft_spearmanr"/>(input, target), reduced over rows.
    /// </summary>
    /// <param name="input">Predictions [..., n] (float32/float64).</param>
    /// <param name="target">Targets, same shape.</param>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="exact_target_ranks">Rank the target exactly instead of softly. Default false.</param>
    /// <param name="reduction">None: per-row 1 − ρ; Mean (default); Sum.</param>
    /// <returns>The loss, in [0, 2].</returns>
    /// <exception cref="ArgumentException">As for <see cref="soft_spearmanr"/>.</exception>
    public static Tensor soft_spearman_loss(
        Tensor input, Tensor target, string regularization = "l2", double regularization_strength = 1.0,
        bool exact_target_ranks = false, nn.Reduction reduction = nn.Reduction.Mean)
    {
        using var scope = NewDisposeScope();
        var rho = soft_spearmanr(input, target, regularization, regularization_strength, exact_target_ranks);
        return Reduce(1 - rho, reduction).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean-average-precision surrogate over classes (SoDeep's L_mAP made an AP): per class c with positives
    /// P = {i : labels[i, c] &gt; 0}, AP_c = (1/|P|) Σ_{i∈P} r⁺_i / r_i, and the loss of the class is 1 − AP_c.
    /// </summary>
    /// <remarks>
    /// <para>
    /// r_i is the soft rank of scores[i, c] among all n scores of the class and r⁺_i its soft rank among the scores of
    /// the positives only, both in descending score order (rank 1 = highest score). With hard ranks r⁺_i / r_i is the
    /// precision at the position of positive i, so AP_c is the exact average precision; soft ranks make it
    /// differentiable. Classes are processed together: one soft rank of all columns, and one per group of classes with
    /// the same number of positives.
    /// </para>
    /// <para>
    /// Classes without positives have no AP: their entry of the None reduction is 0 and they are left out of Mean
    /// (the mean over the classes with positives, i.e. 1 − mAP) and Sum. If no class has positives, Mean returns 0.
    /// </para>
    /// </remarks>
    /// <param name="scores">Scores [n, C] (samples × classes), float32/float64.</param>
    /// <param name="labels">Relevance [n, C] of any dtype; entries &gt; 0 (true for bool) are positives.</param>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="reduction">None: per-class losses [C]; Mean (default): 1 − mAP; Sum.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Not 2-D, shapes differ, or invalid soft-rank arguments.</exception>
    public static Tensor map_ranking_loss(
        Tensor scores, Tensor labels, string regularization = "l2", double regularization_strength = 1.0,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        var ranker = SoftRanker(regularization, regularization_strength, descending: true);
        return map_ranking_loss(scores, labels, ranker, reduction);
    }

    /// <summary>
    /// <see cref="map_ranking_loss(Tensor, Tensor, string, double, nn.Reduction)"/> with any differentiable ranker.
    /// </summary>
    /// <param name="scores">Scores [n, C] (samples × classes), float32/float64.</param>
    /// <param name="labels">Relevance [n, C]; entries &gt; 0 are positives.</param>
    /// <param name="ranker">Returns descending ranks on the 1..k scale (1 = highest) along the last dimension of a
    /// [rows, k] tensor; it is called on [C, n] and on [m, |P|] tensors.</param>
    /// <param name="reduction">None: per-class losses [C]; Mean (default): 1 − mAP; Sum.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Not 2-D, shapes differ, or the ranker changes the shape.</exception>
    public static Tensor map_ranking_loss(
        Tensor scores, Tensor labels, Func<Tensor, Tensor> ranker, nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        CheckPair(scores, labels);
        if (scores.dim() != 2)
        {
            throw new ArgumentException(
                $"scores: expected a 2-D [samples, classes] tensor but got {scores.dim()} dimensions.", nameof(scores));
        }
        using var scope = NewDisposeScope();
        long n = scores.shape[0], classes = scores.shape[1];
        var byClass = scores.t();                       // [C, n]
        var ranksAll = ranker(byClass);
        CheckRankerShape(ranksAll, byClass);

        // Positive indices per class, grouped by their count, on the CPU (labels carry no gradient).
        bool[] positive = labels.detach().gt(0).t().contiguous().cpu().data<bool>().ToArray();
        var groups = new SortedDictionary<int, List<int>>();
        for (int c = 0; c < classes; c++)
        {
            int count = 0;
            for (long i = 0; i < n; i++)
            {
                count += positive[c * n + i] ? 1 : 0;
            }
            if (count > 0)
            {
                if (!groups.TryGetValue(count, out var members))
                {
                    groups[count] = members = [];
                }
                members.Add(c);
            }
        }

        var perClass = zeros(classes, dtype: ranksAll.dtype, device: ranksAll.device);
        int classesWithPositives = 0;
        foreach (var (count, members) in groups)
        {
            classesWithPositives += members.Count;
            var index = new long[members.Count * count];
            for (int m = 0; m < members.Count; m++)
            {
                int c = members[m], k = 0;
                for (long i = 0; i < n; i++)
                {
                    if (positive[c * n + i])
                    {
                        index[m * count + k++] = i;
                    }
                }
            }
            var rows = tensor(members.Select(c => (long)c).ToArray(), device: scores.device);
            var cols = tensor(index, [members.Count, count], device: scores.device);
            var positiveScores = byClass.index_select(0, rows).gather(1, cols);
            var ranksAmongPositives = ranker(positiveScores);
            CheckRankerShape(ranksAmongPositives, positiveScores);
            var ranksAmongAll = ranksAll.index_select(0, rows).gather(1, cols);
            var averagePrecision = (ranksAmongPositives / ranksAmongAll).mean([1]);
            perClass = perClass.index_copy(0, rows, 1 - averagePrecision);
        }

        Tensor result = reduction switch
        {
            nn.Reduction.None => perClass,
            nn.Reduction.Sum => perClass.sum(),
            _ => perClass.sum() / Math.Max(1, classesWithPositives),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// SoDeep's recall surrogate: for a score matrix (queries × items) with one positive item p per query,
    /// loss_q = max(0, α + f(Y[q])_p − min_{c≠p} f(Y[q])_c), f the soft rank of the row in descending score order
    /// (rank 1 = best), i.e. the hinge against the hardest (best-ranked) negative.
    /// </summary>
    /// <remarks>
    /// The loss is zero once the positive is ranked at least α positions ahead of every negative; the margin is in
    /// rank units (SoDeep uses 1/n with ranks normalised by n, i.e. one position). With
    /// <paramref name="both_directions"/> (square matrices, positives on the diagonal, e.g. image–caption retrieval)
    /// the same loss is also computed on the columns (scoresᵀ), as SoDeep does for both retrieval directions.
    /// </remarks>
    /// <param name="scores">Scores [Q, I], float32/float64, I ≥ 2.</param>
    /// <param name="positives">Positive item per query (integer [Q], values in [0, I)), or null for the diagonal (requires Q ≤ I).</param>
    /// <param name="margin">α in rank units. Default 1.</param>
    /// <param name="both_directions">Also the column direction; requires a square matrix and null positives. Default false.</param>
    /// <param name="regularization">"l2" (default) or "kl".</param>
    /// <param name="regularization_strength">ε &gt; 0. Default 1.</param>
    /// <param name="reduction">None: per-query losses [Q] ([2, Q] rows then columns with both directions);
    /// Mean (default): mean of those entries (SoDeep's sum of the two directions is twice this); Sum.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Invalid shapes, positives or margin, or invalid soft-rank arguments.</exception>
    public static Tensor recall_loss(
        Tensor scores, Tensor? positives = null, double margin = 1.0, bool both_directions = false,
        string regularization = "l2", double regularization_strength = 1.0, nn.Reduction reduction = nn.Reduction.Mean)
    {
        var ranker = SoftRanker(regularization, regularization_strength, descending: true);
        return recall_loss(scores, ranker, positives, margin, both_directions, reduction);
    }

    /// <summary>
    /// <see cref="recall_loss(Tensor, Tensor?, double, bool, string, double, nn.Reduction)"/> with any differentiable ranker.
    /// </summary>
    /// <param name="scores">Scores [Q, I], float32/float64, I ≥ 2.</param>
    /// <param name="ranker">Returns descending ranks (1 = highest score) along the last dimension, same shape.</param>
    /// <param name="positives">Positive item per query, or null for the diagonal.</param>
    /// <param name="margin">α in the ranker's units. Default 1.</param>
    /// <param name="both_directions">Also the column direction (square matrix, null positives). Default false.</param>
    /// <param name="reduction">None, Mean (default) or Sum, as in the soft-rank overload.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Invalid shapes, positives or margin, or the ranker changes the shape.</exception>
    public static Tensor recall_loss(
        Tensor scores, Func<Tensor, Tensor> ranker, Tensor? positives = null, double margin = 1.0,
        bool both_directions = false, nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(ranker);
        if (scores.dim() != 2)
        {
            throw new ArgumentException(
                $"scores: expected a 2-D [queries, items] tensor but got {scores.dim()} dimensions.", nameof(scores));
        }
        if (!double.IsFinite(margin))
        {
            throw new ArgumentException($"margin: expected a finite number but got {margin}.", nameof(margin));
        }
        long queries = scores.shape[0], items = scores.shape[1];
        if (items < 2)
        {
            throw new ArgumentException(
                $"scores: every query needs a negative item, but there are only {items} items.", nameof(scores));
        }
        if (both_directions && (queries != items || positives is not null))
        {
            throw new ArgumentException(
                "both_directions: needs a square score matrix with the positives on the diagonal (positives = null), " +
                $"but got a {queries}×{items} matrix{(positives is null ? "" : " and explicit positives")}.",
                nameof(both_directions));
        }
        using var scope = NewDisposeScope();
        Tensor index;
        if (positives is null)
        {
            if (queries > items)
            {
                throw new ArgumentException(
                    $"positives: null means the diagonal, which needs queries ≤ items, but got {queries} queries and {items} items.",
                    nameof(positives));
            }
            index = arange(queries, dtype: ScalarType.Int64, device: scores.device);
        }
        else
        {
            if (positives.dim() != 1 || positives.shape[0] != queries || positives.is_floating_point() || positives.is_complex())
            {
                throw new ArgumentException(
                    $"positives: expected an integer tensor of shape [{queries}] but got {positives.dtype} [{string.Join(", ", positives.shape)}].",
                    nameof(positives));
            }
            if (queries > 0)
            {
                long low = positives.min().item<long>(), high = positives.max().item<long>();
                if (low < 0 || high >= items)
                {
                    throw new ArgumentException(
                        $"positives: indices must lie in [0, {items}) but range over [{low}, {high}].", nameof(positives));
                }
            }
            index = positives.to(ScalarType.Int64, scores.device);
        }
        var rows = HardestNegativeHinge(scores, index, ranker, margin);
        var perQuery = both_directions
            ? stack([rows, HardestNegativeHinge(scores.t(), index, ranker, margin)])
            : rows;
        return Reduce(perQuery, reduction).MoveToOuterDisposeScope();
    }

    private static Tensor HardestNegativeHinge(Tensor scores, Tensor positives, Func<Tensor, Tensor> ranker, double margin)
    {
        var ranks = ranker(scores);
        CheckRankerShape(ranks, scores);
        var column = positives.unsqueeze(1);
        var positiveRank = ranks.gather(1, column).squeeze(1);
        var isPositive = arange(ranks.shape[1], dtype: ScalarType.Int64, device: ranks.device).unsqueeze(0).eq(column);
        var hardestNegative = ranks.masked_fill(isPositive, double.PositiveInfinity).min(1).values;
        return (positiveRank - hardestNegative + margin).clamp_min(0);
    }

    internal static Func<Tensor, Tensor> SoftRanker(string regularization, double regularizationStrength, bool descending)
    {
        // Validate now, so that a module or call with bad arguments fails before any work.
        Rankwise.Torch.Ranking.SoftRankingArguments.ParseRegularization(regularization, "regularization");
        Rankwise.Torch.Ranking.SoftRankingArguments.CheckStrength(regularizationStrength, "regularization_strength");
        return values => RankOps.soft_rank(values, regularization, regularizationStrength, descending);
    }

    internal static Tensor Reduce(Tensor perItem, nn.Reduction reduction) => reduction switch
    {
        nn.Reduction.None => perItem,
        nn.Reduction.Sum => perItem.sum(),
        nn.Reduction.Mean => perItem.mean(),
        _ => throw new ArgumentException($"reduction: unknown value {reduction}.", nameof(reduction)),
    };

    private static void CheckPair(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (input.dim() == 0)
        {
            throw new ArgumentException(
                "input: expected a tensor with at least one dimension (ranked along the last) but got a scalar.", nameof(input));
        }
        if (!input.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException(
                $"target: shape [{string.Join(", ", target.shape)}] differs from the input's [{string.Join(", ", input.shape)}].",
                nameof(target));
        }
    }

    private static void CheckRankerShape(Tensor ranks, Tensor values)
    {
        if (!ranks.shape.SequenceEqual(values.shape))
        {
            throw new ArgumentException(
                $"ranker: returned shape [{string.Join(", ", ranks.shape)}] for an input of shape [{string.Join(", ", values.shape)}]; it must keep the shape.",
                "ranker");
        }
    }
}
