namespace Rankwise.Retrieval;

/// <summary>Options of <see cref="CrossModalRetrieval"/>.</summary>
public sealed record CrossModalOptions
{
    /// <summary>The defaults: 5 captions per image, R@1/5/10, one fold, stable tie rule.</summary>
    public static CrossModalOptions Default { get; } = new();

    /// <summary>The MS-COCO 1K protocol: the 5K test images are split into 5 folds of 1000 images / 5000 captions
    /// and the metrics are averaged over the folds (VSE++ <c>fold5=True</c>).</summary>
    public static CrossModalOptions Coco1K { get; } = new() { Folds = 5 };

    /// <summary>Captions per image (default 5): captions <c>c·i … c·i + c − 1</c> belong to image i.</summary>
    public int CaptionsPerImage { get; init; } = 5;

    /// <summary>The K of the recalls R@K, each ≥ 1 (default 1, 5, 10).</summary>
    public IReadOnlyList<int> RecallAt { get; init; } = [1, 5, 10];

    /// <summary>Number of equal folds the images (and their captions) are split into, evaluated separately and
    /// averaged (default 1 = the whole set). The image count must be divisible by it.</summary>
    public int Folds { get; init; } = 1;

    /// <summary>How ties with the ground truth are ranked (default <see cref="RankTieRule.LowerIndexFirst"/>).</summary>
    public RankTieRule Ties { get; init; } = RankTieRule.LowerIndexFirst;
}
