namespace Rankwise.Retrieval;

/// <summary>
/// How average precision (AP) summarises a precision–recall curve. All three variants use the same curve: one point per
/// distinct score value (a group of tied scores enters the ranking together, as in scikit-learn), or one point per
/// position for a relevance list given in ranked order.
/// </summary>
public enum AveragePrecisionMethod
{
    /// <summary>
    /// PASCAL VOC 2007 11-point interpolated AP: the mean over the recall levels t = 0, 0.1, …, 1 of the largest
    /// precision at any point with recall ≥ t (0 when no point reaches t). Recall is compared with the tenths exactly
    /// (as the rational tp·10 ≥ t·10·R), so a recall of exactly 0.3 counts for t = 0.3; implementations that build the
    /// levels with <c>np.arange(0, 1.1, 0.1)</c> miss that point because 0.3 + ε is stored for t.
    /// </summary>
    Voc2007ElevenPoint,

    /// <summary>
    /// PASCAL VOC 2010+ AP: the area under the interpolated (monotone) precision envelope
    /// p̂(r) = max over points with recall ≥ r of their precision, i.e. Σₖ (rₖ − rₖ₋₁)·p̂(rₖ).
    /// </summary>
    Voc2010,

    /// <summary>
    /// Non-interpolated AP, Σₖ (rₖ − rₖ₋₁)·pₖ, identical to scikit-learn's <c>average_precision_score</c>
    /// (thresholds at the distinct score values). For a ranked list without ties this is (1/R)·Σ_{relevant k} P@k.
    /// </summary>
    NonInterpolated,
}
