namespace Rankwise.Reliability;

/// <summary>
/// The Spearman–Brown prophecy formula (Spearman 1910; Brown 1910): the reliability of a measurement made k times as
/// long (k times as many raters, trials or items of the same quality), ρ* = k·ρ / (1 + (k − 1)·ρ). The split-half
/// correction is k = 2: the correlation r between two halves (e.g. two random halves of the participants of a
/// memorability experiment) becomes the reliability 2r / (1 + r) of the full set.
/// </summary>
/// <remarks>
/// Reliabilities are in [−1, 1]; the factor k must be positive and finite and may be fractional (k &lt; 1 predicts a shortened measurement). NaN inputs give
/// NaN. At ρ = 1 the prediction is 1 for every k.
/// </remarks>
public static class SpearmanBrown
{
    /// <summary>Predicted reliability k·r / (1 + (k − 1)·r) of a measurement lengthened by the factor <paramref name="k"/>.</summary>
    /// <param name="reliability">The reliability r of the current measurement, in [−1, 1].</param>
    /// <param name="k">The lengthening factor, &gt; 0 (2 for the split-half correction).</param>
    /// <returns>The predicted reliability (±∞ where 1 + (k − 1)·r = 0, which needs a negative r).</returns>
    /// <exception cref="RankwiseInputException">r is outside [−1, 1] or k ≤ 0.</exception>
    public static double Predict(double reliability, double k)
    {
        Check(reliability, nameof(reliability));
        CheckFactor(k, nameof(k));
        return k * reliability / (1 + (k - 1) * reliability);
    }

    /// <summary>The split-half correction 2r / (1 + r): reliability of the whole from the correlation of its two halves.</summary>
    /// <param name="halfCorrelation">The correlation r between the two halves, in [−1, 1].</param>
    /// <returns>The full-length reliability.</returns>
    /// <exception cref="RankwiseInputException">r is outside [−1, 1].</exception>
    public static double SplitHalf(double halfCorrelation) => Predict(halfCorrelation, 2);

    /// <summary>
    /// The inverse prophecy: the reliability r of the original measurement from the reliability ρ* of the
    /// <paramref name="k"/>-fold one, r = ρ* / (k − (k − 1)·ρ*), so that <c>Predict(Original(ρ*, k), k) = ρ*</c>.
    /// With k = 2 this turns a (corrected) full-set reliability back into the half correlation.
    /// </summary>
    /// <param name="predicted">The reliability ρ* of the lengthened measurement, in [−1, 1].</param>
    /// <param name="k">The lengthening factor that produced it, &gt; 0.</param>
    /// <returns>The reliability of the original measurement.</returns>
    /// <exception cref="RankwiseInputException">ρ* is outside [−1, 1] or k ≤ 0.</exception>
    public static double Original(double predicted, double k)
    {
        Check(predicted, nameof(predicted));
        CheckFactor(k, nameof(k));
        return predicted / (k - (k - 1) * predicted);
    }

    /// <summary>
    /// The lengthening factor needed to raise reliability r to <paramref name="target"/>:
    /// k = ρ*(1 − r) / (r(1 − ρ*)) (e.g. how many more participants a memorability study needs).
    /// </summary>
    /// <param name="reliability">The current reliability r, in (0, 1).</param>
    /// <param name="target">The desired reliability ρ*, in (0, 1).</param>
    /// <returns>k &gt; 0; below 1 when the target is lower than the current reliability.</returns>
    /// <exception cref="RankwiseInputException">r or ρ* is outside (0, 1).</exception>
    public static double RequiredFactor(double reliability, double target)
    {
        if (!(reliability > 0 && reliability < 1))
            throw new RankwiseInputException(nameof(reliability), $"is {reliability}; it must be in (0, 1) to solve for the lengthening factor");
        if (!(target > 0 && target < 1))
            throw new RankwiseInputException(nameof(target), $"is {target}; it must be in (0, 1)");
        return target * (1 - reliability) / (reliability * (1 - target));
    }

    private static void Check(double r, string name)
    {
        if (r < -1 || r > 1)
            throw new RankwiseInputException(name, $"is {r}; a reliability must be in [-1, 1]");
    }

    private static void CheckFactor(double k, string name)
    {
        if (double.IsNaN(k))
            return;
        if (!(k > 0) || double.IsPositiveInfinity(k))
            throw new RankwiseInputException(name, $"is {k}; the lengthening factor must be positive and finite");
    }
}
