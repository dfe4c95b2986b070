using Rankwise.Correlation;
using Rankwise.Numerics;

namespace Rankwise.Comparison;

/// <summary>
/// Tests and intervals for the difference between two dependent, overlapping correlations: r_jk and r_jh measured on
/// the same n items and sharing variable j, with r_kh the correlation of the other two. The typical use is judging two
/// models against the same ground truth: j = the human scores, k = model A's predictions, h = model B's predictions.
/// </summary>
/// <remarks>
/// <para>Formulas (Diedenhofen &amp; Musch 2015, cocor; |R| = 1 − r_jk² − r_jh² − r_kh² + 2·r_jk·r_jh·r_kh, Z = atanh r):</para>
/// <list type="bullet">
/// <item><b>Williams</b> (1959; Steiger 1980 eq. 7, R <c>psych::r.test</c>):
/// t = (r_jk − r_jh)·√((n − 1)(1 + r_kh) / (2·(n − 1)/(n − 3)·|R| + r̄²(1 − r_kh)³)), r̄ = (r_jk + r_jh)/2, df = n − 3.</item>
/// <item><b>Steiger</b> (1980 eq. 14): z = (Z_jk − Z_jh)·√(n − 3) / √(2 − 2c),
/// c = (r_kh(1 − 2r̄²) − ½r̄²(1 − 2r̄² − r_kh²)) / (1 − r̄²)², r̄ = (r_jk + r_jh)/2.</item>
/// <item><b>Hittner</b> et al. (2003): as Steiger with r̄ = tanh((Z_jk + Z_jh)/2).</item>
/// <item><b>Zou</b> (2007): with Fisher intervals (l_i, u_i) = tanh(Z_i ∓ z_{α/2}/√(n − 3)) and
/// c = ((r_kh − ½r_jk·r_jh)(1 − r_jk² − r_jh² − r_kh²) + r_kh³) / ((1 − r_jk²)(1 − r_jh²)):
/// L = d − √((r_jk − l₁)² + (u₂ − r_jh)² − 2c(r_jk − l₁)(u₂ − r_jh)),
/// U = d + √((u₁ − r_jk)² + (r_jh − l₂)² − 2c(u₁ − r_jk)(r_jh − l₂)), d = r_jk − r_jh.</item>
/// </list>
/// <para>P-values: <see cref="Alternative.Greater"/> is r_jk &gt; r_jh (upper tail), <see cref="Alternative.Less"/>
/// the lower tail, two-sided 2·P(|T| ≥ |t|) (psych's <c>twotailed = TRUE</c>). Zou's interval is two-sided at the
/// given level (as cocor) or, for a one-sided alternative, the one-sided bound at that level with the other end at
/// the range limit (−2 or 2).</para>
/// <para>Validation: correlations must lie in [−1, 1] and form a positive semi-definite matrix (|R| ≥ −1e−12),
/// n ≥ 4. NaN correlations give NaN results. |r| = 1 makes Fisher's Z infinite and the z tests degenerate (±∞ or NaN).</para>
/// </remarks>
public static class DependentCorrelation
{
    /// <summary>Williams' t test of r_jk = r_jh (df = n − 3); matches R's <c>psych::r.test(n, r12 = r_jk, r13 = r_jh, r23 = r_kh)</c>.</summary>
    /// <param name="rJk">Correlation of j and k.</param>
    /// <param name="rJh">Correlation of j and h.</param>
    /// <param name="rKh">Correlation of k and h.</param>
    /// <param name="n">Number of items, at least 4.</param>
    /// <param name="alternative">The alternative hypothesis; greater means r_jk &gt; r_jh.</param>
    /// <returns>t, its p-value and df.</returns>
    /// <exception cref="RankwiseInputException">Invalid correlations or n.</exception>
    public static CorrelationComparisonResult Williams(double rJk, double rJh, double rKh, long n, Alternative alternative = Alternative.TwoSided)
    {
        Check(rJk, rJh, rKh, n);
        double determinant = 1 - rJk * rJk - rKh * rKh - rJh * rJh + 2 * rJk * rKh * rJh;
        double mean = (rJk + rJh) / 2;
        double cube = (1 - rKh) * (1 - rKh) * (1 - rKh);
        double t = (rJk - rJh) * Math.Sqrt((n - 1) * (1 + rKh) / (2.0 * (n - 1) / (n - 3) * determinant + mean * mean * cube));
        double df = n - 3;
        double p = StudentT.PValue(df, t, alternative);
        return new CorrelationComparisonResult("williams", t, p, alternative, n, rJk, rJh, rKh, DegreesOfFreedom: df);
    }

    /// <summary>Steiger's (1980) z test of r_jk = r_jh with the pooled r̄ = (r_jk + r_jh)/2.</summary>
    /// <param name="rJk">Correlation of j and k.</param>
    /// <param name="rJh">Correlation of j and h.</param>
    /// <param name="rKh">Correlation of k and h.</param>
    /// <param name="n">Number of items, at least 4.</param>
    /// <param name="alternative">The alternative hypothesis; greater means r_jk &gt; r_jh.</param>
    /// <returns>z and its p-value.</returns>
    /// <exception cref="RankwiseInputException">Invalid correlations or n.</exception>
    public static CorrelationComparisonResult Steiger(double rJk, double rJh, double rKh, long n, Alternative alternative = Alternative.TwoSided)
    {
        Check(rJk, rJh, rKh, n);
        return PooledZ("steiger", (rJk + rJh) / 2, rJk, rJh, rKh, n, alternative);
    }

    /// <summary>Hittner, May &amp; Silver's (2003) z test of r_jk = r_jh with r̄ = tanh((atanh r_jk + atanh r_jh)/2).</summary>
    /// <param name="rJk">Correlation of j and k.</param>
    /// <param name="rJh">Correlation of j and h.</param>
    /// <param name="rKh">Correlation of k and h.</param>
    /// <param name="n">Number of items, at least 4.</param>
    /// <param name="alternative">The alternative hypothesis; greater means r_jk &gt; r_jh.</param>
    /// <returns>z and its p-value.</returns>
    /// <exception cref="RankwiseInputException">Invalid correlations or n.</exception>
    public static CorrelationComparisonResult Hittner(double rJk, double rJh, double rKh, long n, Alternative alternative = Alternative.TwoSided)
    {
        Check(rJk, rJh, rKh, n);
        double pooled = Math.Tanh((Math.Atanh(rJk) + Math.Atanh(rJh)) / 2);
        return PooledZ("hittner", pooled, rJk, rJh, rKh, n, alternative);
    }

    /// <summary>Zou's (2007) confidence interval for r_jk − r_jh.</summary>
    /// <param name="rJk">Correlation of j and k.</param>
    /// <param name="rJh">Correlation of j and h.</param>
    /// <param name="rKh">Correlation of k and h.</param>
    /// <param name="n">Number of items, at least 4.</param>
    /// <param name="alternative">Two-sided interval, or a one-sided bound (greater: lower bound, less: upper bound).</param>
    /// <param name="confidenceLevel">Confidence level in (0, 1), default 0.95.</param>
    /// <returns>The interval (method <c>zou2007</c>), with NaN statistic and p-value.</returns>
    /// <exception cref="RankwiseInputException">Invalid correlations, n or level.</exception>
    public static CorrelationComparisonResult Zou(
        double rJk, double rJh, double rKh, long n, Alternative alternative = Alternative.TwoSided, double confidenceLevel = 0.95)
    {
        Check(rJk, rJh, rKh, n);
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
            throw new RankwiseInputException(nameof(confidenceLevel), $"is {confidenceLevel}; it must be in (0, 1)");
        double alpha = 1 - confidenceLevel;
        double quantile = -Normal.Quantile(alternative == Alternative.TwoSided ? alpha / 2 : alpha);
        double x = quantile * Math.Sqrt(1.0 / (n - 3));
        double c = ((rKh - 0.5 * rJk * rJh) * (1 - rJk * rJk - rJh * rJh - rKh * rKh) + rKh * rKh * rKh)
                   / ((1 - rJk * rJk) * (1 - rJh * rJh));
        double zJk = Math.Atanh(rJk), zJh = Math.Atanh(rJh);
        double l1 = Math.Tanh(zJk - x), u1 = Math.Tanh(zJk + x);
        double l2 = Math.Tanh(zJh - x), u2 = Math.Tanh(zJh + x);
        double d = rJk - rJh;
        double low = d - Math.Sqrt((rJk - l1) * (rJk - l1) + (u2 - rJh) * (u2 - rJh) - 2 * c * (rJk - l1) * (u2 - rJh));
        double high = d + Math.Sqrt((u1 - rJk) * (u1 - rJk) + (rJh - l2) * (rJh - l2) - 2 * c * (u1 - rJk) * (rJh - l2));
        switch (alternative)
        {
            case Alternative.Greater:
                high = 2;
                break;
            case Alternative.Less:
                low = -2;
                break;
            case Alternative.TwoSided:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(alternative), alternative, "unknown alternative");
        }
        var interval = new ConfidenceInterval("zou2007", confidenceLevel, low, high);
        return new CorrelationComparisonResult("zou", double.NaN, double.NaN, alternative, n, rJk, rJh, rKh, ConfidenceInterval: interval);
    }

    /// <summary>Runs <paramref name="method"/> on given correlations.</summary>
    /// <param name="method">The test or interval.</param>
    /// <param name="rJk">Correlation of j and k.</param>
    /// <param name="rJh">Correlation of j and h.</param>
    /// <param name="rKh">Correlation of k and h.</param>
    /// <param name="n">Number of items, at least 4.</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <param name="confidenceLevel">Confidence level of Zou's interval (ignored by the tests).</param>
    /// <returns>The comparison result.</returns>
    /// <exception cref="RankwiseInputException">Invalid correlations, n or level.</exception>
    public static CorrelationComparisonResult Test(
        DependentCorrelationMethod method, double rJk, double rJh, double rKh, long n,
        Alternative alternative = Alternative.TwoSided, double confidenceLevel = 0.95) => method switch
    {
        DependentCorrelationMethod.Williams => Williams(rJk, rJh, rKh, n, alternative),
        DependentCorrelationMethod.Steiger => Steiger(rJk, rJh, rKh, n, alternative),
        DependentCorrelationMethod.Hittner => Hittner(rJk, rJh, rKh, n, alternative),
        DependentCorrelationMethod.Zou => Zou(rJk, rJh, rKh, n, alternative, confidenceLevel),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown method"),
    };

    /// <summary>
    /// Compares how well two sets of predictions correlate with the same target: r_jk = corr(target, a),
    /// r_jh = corr(target, b), r_kh = corr(a, b), n = number of items; then runs <paramref name="method"/>.
    /// Greater means model a correlates more strongly with the target.
    /// </summary>
    /// <param name="target">The ground truth (j), e.g. human memorability scores.</param>
    /// <param name="a">Model A's predictions (k), same length.</param>
    /// <param name="b">Model B's predictions (h), same length.</param>
    /// <param name="method">The test or interval.</param>
    /// <param name="correlation">Pearson (default) or Spearman.</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <param name="confidenceLevel">Confidence level of Zou's interval.</param>
    /// <param name="nanPolicy">Propagate (NaN result), Omit (drop items with a NaN in any of the three) or Raise.</param>
    /// <returns>The comparison result.</returns>
    /// <exception cref="RankwiseInputException">Lengths differ, fewer than 4 items, a NaN under Raise, or the
    /// correlations are undefined (constant input).</exception>
    public static CorrelationComparisonResult Compare(
        ReadOnlySpan<double> target, ReadOnlySpan<double> a, ReadOnlySpan<double> b,
        DependentCorrelationMethod method, ComparedCorrelation correlation = ComparedCorrelation.Pearson,
        Alternative alternative = Alternative.TwoSided, double confidenceLevel = 0.95, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        if (a.Length != target.Length)
            throw new RankwiseInputException("a", $"has {a.Length} values but target has {target.Length}");
        if (b.Length != target.Length)
            throw new RankwiseInputException("b", $"has {b.Length} values but target has {target.Length}");
        double[] j = target.ToArray(), k = a.ToArray(), h = b.ToArray();
        bool anyNaN = false;
        for (int i = 0; i < j.Length; i++)
        {
            if (double.IsNaN(j[i]) || double.IsNaN(k[i]) || double.IsNaN(h[i]))
            {
                if (nanPolicy == NanPolicy.Raise)
                    throw new RankwiseInputException("target/a/b", $"NaN at index {i}");
                anyNaN = true;
            }
        }
        if (anyNaN && nanPolicy == NanPolicy.Omit)
        {
            var keep = Enumerable.Range(0, j.Length).Where(i => !double.IsNaN(j[i]) && !double.IsNaN(k[i]) && !double.IsNaN(h[i])).ToArray();
            j = keep.Select(i => j[i]).ToArray();
            k = keep.Select(i => k[i]).ToArray();
            h = keep.Select(i => h[i]).ToArray();
            anyNaN = false;
        }
        long n = j.Length;
        if (n < 4)
            throw new RankwiseInputException("target", $"has {n} usable items; comparing dependent correlations needs at least 4");
        if (anyNaN)
            return Test(method, double.NaN, double.NaN, double.NaN, n, alternative, confidenceLevel);
        Func<double[], double[], double> corr = correlation switch
        {
            ComparedCorrelation.Pearson => static (x, y) => PearsonCorrelation.Compute(x, y).Statistic,
            ComparedCorrelation.Spearman => static (x, y) => SpearmanCorrelation.Compute(x, y).Statistic,
            _ => throw new ArgumentOutOfRangeException(nameof(correlation), correlation, "unknown correlation"),
        };
        double rJk = corr(j, k), rJh = corr(j, h), rKh = corr(k, h);
        if (double.IsNaN(rJk) || double.IsNaN(rJh) || double.IsNaN(rKh))
            throw new RankwiseInputException("target/a/b", "a variable is constant, so its correlations are undefined");
        return Test(method, rJk, rJh, rKh, n, alternative, confidenceLevel);
    }

    private static CorrelationComparisonResult PooledZ(
        string name, double pooled, double rJk, double rJh, double rKh, long n, Alternative alternative)
    {
        double p2 = pooled * pooled;
        double covariance = (rKh * (1 - 2 * p2) - 0.5 * p2 * (1 - 2 * p2 - rKh * rKh)) / ((1 - p2) * (1 - p2));
        double z = Math.Sqrt(n - 3.0) * (Math.Atanh(rJk) - Math.Atanh(rJh)) / Math.Sqrt(2 - 2 * covariance);
        double p = Normal.PValue(z, alternative);
        return new CorrelationComparisonResult(name, z, p, alternative, n, rJk, rJh, rKh);
    }

    private static void Check(double rJk, double rJh, double rKh, long n)
    {
        CheckR(rJk, "rJk");
        CheckR(rJh, "rJh");
        CheckR(rKh, "rKh");
        if (n < 4)
            throw new RankwiseInputException("n", $"is {n}; comparing dependent correlations needs at least 4 items");
        double determinant = 1 - rJk * rJk - rJh * rJh - rKh * rKh + 2 * rJk * rJh * rKh;
        if (determinant < -1e-12)
            throw new RankwiseInputException("rJk/rJh/rKh",
                $"({rJk}, {rJh}, {rKh}) cannot all be correlations of the same data: their correlation matrix has determinant {determinant:G6} < 0");
    }

    private static void CheckR(double r, string name)
    {
        if (r < -1 || r > 1)
            throw new RankwiseInputException(name, $"is {r}; a correlation must be in [-1, 1]");
    }
}
