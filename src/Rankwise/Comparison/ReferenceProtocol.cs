using System.Globalization;
using Rankwise.Inference;

namespace Rankwise.Comparison;

/// <summary>
/// The result of the reference protocol for comparing two methods by their runs.
/// </summary>
/// <param name="RunsA">Number of runs of method A (k).</param>
/// <param name="RunsB">Number of runs of method B (m).</param>
/// <param name="WithinA">Mean similarity over the k(k−1)/2 pairs of A runs.</param>
/// <param name="WithinB">Mean similarity over the m(m−1)/2 pairs of B runs.</param>
/// <param name="Within">Mean similarity over all within-method pairs (A–A and B–B pooled).</param>
/// <param name="Between">Mean similarity over the k·m pairs of one A run and one B run.</param>
/// <param name="Statistic">The test statistic: <c>Within − Between</c> for a similarity, <c>Between − Within</c> for a distance,
/// so a positive value always means "the methods differ more than runs of one method do".</param>
/// <param name="Test">The permutation test of the run labels.</param>
/// <param name="MinimumAttainablePValue">The smallest p-value this design can produce (exact test: 1 / number of distinct
/// labelings — half of C(k+m, k) when k = m, since swapping the labels leaves the statistic unchanged — doubled for
/// two-sided); when it exceeds the significance level the design cannot detect any difference.</param>
/// <param name="Verdict">One sentence saying what the numbers mean.</param>
public sealed record ReferenceProtocolResult(
    int RunsA, int RunsB, double WithinA, double WithinB, double Within, double Between, double Statistic,
    PermutationTestResult Test, double MinimumAttainablePValue, string Verdict);

/// <summary>
/// The reference protocol for "are representations of method A and method B different?" (seed 002: train several runs
/// per method, e.g. seeds or frameworks, and test whether the similarity between methods differs from the similarity
/// between runs of the same method, instead of reading meaning into one similarity value).
/// </summary>
/// <remarks>
/// <para>Input: the symmetric (k+m) × (k+m) matrix S of pairwise similarities (or distances) between runs, A runs first.
/// Within = mean of S over pairs of distinct runs with the same label; Between = mean over pairs with different labels.
/// H0: the labels are exchangeable (between = within). The null distribution permutes the k+m run labels keeping the
/// group sizes (scipy's <c>permutation_type='independent'</c>); it is exact, enumerating all C(k+m, k) labelings, when
/// that number is at most <see cref="PermutationOptions.Resamples"/>. Diagonal entries are never used.</para>
/// <para>Each group needs at least 2 runs. With 2 + 2 runs there are only 3 distinct labelings, so the smallest two-sided
/// p-value is 2/3; 4 + 4 runs still cannot reach 0.05 two-sided (2/35), 5 + 5 can (2/126): the result reports <see cref="ReferenceProtocolResult.MinimumAttainablePValue"/> and says so in the verdict.</para>
/// </remarks>
public static class ReferenceProtocol
{
    /// <summary>Runs the protocol on a precomputed similarity (or distance) matrix.</summary>
    /// <param name="matrix">Row-major (k+m) × (k+m) symmetric matrix; entries (i, j), i ≠ j, must be finite.</param>
    /// <param name="runsA">k, the number of A runs (the first k rows), at least 2.</param>
    /// <param name="isDistance">True when larger values mean less alike (Procrustes, shape distances).</param>
    /// <param name="options">Permutation options (alternative default two-sided; 9,999 random labelings when not exact).</param>
    /// <param name="significanceLevel">The level used in the verdict sentence; default 0.05.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <exception cref="ArgumentException">Bad shape, asymmetric or non-finite off-diagonal entries, fewer than 2 runs in a group.</exception>
    public static ReferenceProtocolResult Test(Matrix<double> matrix, int runsA, bool isDistance = false,
        PermutationOptions? options = null, double significanceLevel = 0.05, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int total = matrix.Rows;
        if (matrix.Columns != total)
            throw new ArgumentException($"the run similarity matrix must be square, got [{matrix.Rows}, {matrix.Columns}]", nameof(matrix));
        int runsB = total - runsA;
        if (runsA < 2 || runsB < 2)
            throw new ArgumentException($"the reference protocol needs at least 2 runs of each method (got {runsA} and {runsB})", nameof(runsA));
        for (int i = 0; i < total; i++)
            for (int j = i + 1; j < total; j++)
            {
                double a = matrix[i, j], b = matrix[j, i];
                if (!double.IsFinite(a) || !double.IsFinite(b))
                    throw new ArgumentException($"similarity between runs {i} and {j} is not finite ({a})", nameof(matrix));
                if (Math.Abs(a - b) > 1e-9 * Math.Max(1, Math.Abs(a)))
                    throw new ArgumentException($"the run similarity matrix is not symmetric at ({i}, {j}): {a} vs {b}", nameof(matrix));
            }

        options ??= PermutationOptions.Default;
        double sign = isDistance ? -1 : 1;
        double[] s = matrix.Data;

        double Statistic(ReadOnlySpan<int> permutation)
        {
            // permutation[0..k) are the runs labelled A, the rest B.
            Span<bool> isA = total <= 256 ? stackalloc bool[total] : new bool[total];
            for (int i = 0; i < runsA; i++) isA[permutation[i]] = true;
            double within = 0, between = 0;
            long nWithin = 0, nBetween = 0;
            for (int i = 0; i < total; i++)
                for (int j = i + 1; j < total; j++)
                {
                    if (isA[i] == isA[j]) { within += s[i * total + j]; nWithin++; }
                    else { between += s[i * total + j]; nBetween++; }
                }
            return sign * (within / nWithin - between / nBetween);
        }

        var test = PermutationTest.Independent([runsA, runsB], Statistic, options, cancellationToken);

        double Mean(int from, int to, int from2, int to2, bool sameGroup)
        {
            double sum = 0;
            long count = 0;
            for (int i = from; i < to; i++)
                for (int j = sameGroup ? i + 1 : from2; j < to2; j++)
                {
                    sum += s[i * total + j];
                    count++;
                }
            return sum / count;
        }

        double withinA = Mean(0, runsA, 0, runsA, true);
        double withinB = Mean(runsA, total, runsA, total, true);
        double pairsA = runsA * (runsA - 1) / 2.0, pairsB = runsB * (runsB - 1) / 2.0;
        double within = (withinA * pairsA + withinB * pairsB) / (pairsA + pairsB);
        double between = Mean(0, runsA, runsA, total, false);

        double labelings = Labelings(runsA, runsB);
        // The statistic is symmetric under swapping the two labels, so with k = m every labeling shares its value
        // with its complement: at most half as many distinct values, and the observed value is reached at least twice.
        double distinct = runsA == runsB ? labelings / 2 : labelings;
        double sides = options.Alternative == Alternative.TwoSided ? 2 : 1;
        double minP = test.Exact
            ? Math.Min(1, sides / distinct)
            : Math.Min(1, sides / (options.Resamples + 1.0));
        string verdict = Verdict(within, between, test, minP, significanceLevel, isDistance, labelings);
        return new ReferenceProtocolResult(runsA, runsB, withinA, withinB, within, between, test.Statistic, test, minP, verdict);
    }

    private static double Labelings(int k, int m)
    {
        double c = 1;
        for (int i = 1; i <= k; i++)
            c = c * (m + i) / i;
        return Math.Round(c);
    }

    private static string Verdict(double within, double between, PermutationTestResult test, double minP, double level,
        bool isDistance, double labelings)
    {
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        string P(double v) => v.ToString(v < 0.001 ? "0.#e+0" : "0.####", CultureInfo.InvariantCulture);
        string kind = isDistance ? "distance" : "similarity";
        string how = test.Exact ? $"exact permutation test over {labelings:0} labelings" : $"permutation test, {test.Resamples} random labelings";
        if (minP > level)
            return $"Between-method {kind} {F(between)} vs within-method {F(within)} (p = {P(test.PValue)}, {how}); this design " +
                   $"cannot reach p < {P(level)} (smallest attainable p = {P(minP)}): add runs per method to test the difference.";
        if (test.PValue < level)
        {
            bool differ = test.Statistic > 0;
            return differ
                ? $"The methods differ: between-method {kind} {F(between)} is {(isDistance ? "larger" : "lower")} than within-method {F(within)} beyond run-to-run variation (p = {P(test.PValue)}, {how})."
                : $"Runs of one method differ more from each other ({F(within)}) than from runs of the other method ({F(between)}) (p = {P(test.PValue)}, {how}); check the runs.";
        }
        return $"No evidence that the methods differ: between-method {kind} {F(between)} vs within-method {F(within)} is within run-to-run variation (p = {P(test.PValue)}, {how}).";
    }
}
