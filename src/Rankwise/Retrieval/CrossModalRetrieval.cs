namespace Rankwise.Retrieval;

/// <summary>
/// Image–caption retrieval evaluation from a score matrix <c>[images, captions]</c> (or two embedding matrices), in
/// the layout and with the metrics of VSE++ / SoDeep: R@K, median rank and mean rank for image→text (caption
/// retrieval) and text→image (image retrieval), and rsum.
/// </summary>
/// <remarks>
/// <para>Layout: with c = <see cref="CrossModalOptions.CaptionsPerImage"/>, captions c·i … c·i + c − 1 belong to image i,
/// so there must be exactly c × images captions (give each image once, not once per caption).</para>
/// <para>Ranks: image→text ranks all captions by descending score and takes the best rank among the image's own c
/// captions; text→image ranks all images and takes the rank of the caption's image. Ranks are 1-based. Ties with the
/// ground truth follow <see cref="CrossModalOptions.Ties"/> (stable lower-index-first by default), so results are
/// deterministic; VSE++'s unstable <c>argsort</c> leaves them arbitrary, which only matters for exactly equal scores.</para>
/// <para>Folds: with <see cref="CrossModalOptions.Folds"/> = f, fold k holds images k·n/f … (k+1)·n/f − 1 and their
/// captions; each fold is ranked on its own and every metric (recalls, median and mean rank) is the mean over the
/// folds, as VSE++'s <c>fold5</c> evaluation does (the MS-COCO 1K protocol is <see cref="CrossModalOptions.Coco1K"/>).</para>
/// <para>Cost: O(images × captions) per fold without sorting; parallel over images. NaN scores throw. Inputs are not
/// modified.</para>
/// </remarks>
public static class CrossModalRetrieval
{
    /// <summary>Evaluates a score matrix (higher = more similar).</summary>
    /// <param name="scores"><c>[images, captions]</c> similarity scores, no NaN.</param>
    /// <param name="options">Layout, K list, folds and tie rule; null for <see cref="CrossModalOptions.Default"/>.</param>
    /// <returns>The metrics in both directions.</returns>
    /// <exception cref="RankwiseInputException">The shape does not fit the layout or folds, an option is invalid, or a score is NaN.</exception>
    public static CrossModalRetrievalResult Evaluate(Matrix<double> scores, CrossModalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        options ??= CrossModalOptions.Default;
        Validate(scores.Rows, scores.Columns, options, "scores");
        int at = scores.Data.AsSpan().IndexOfAnyExceptInRange(double.NegativeInfinity, double.PositiveInfinity);
        if (at >= 0)
            throw new RankwiseInputException("scores", $"entry [{at / scores.Columns}, {at % scores.Columns}] is NaN; scores must be numbers");
        return Run(scores.Rows, scores.Columns, (image, caption) => scores[image, caption],
            (image, c0, row) => scores.Row(image).Slice(c0, row.Length).CopyTo(row), options);
    }

    /// <summary>Evaluates image and caption embeddings scored by <paramref name="measure"/> (cosine by default, i.e.
    /// the dot product of L2-normalised embeddings as in VSE++).</summary>
    /// <param name="images"><c>[images, d]</c> image embeddings, one row per image, finite.</param>
    /// <param name="captions"><c>[captions, d]</c> caption embeddings, finite.</param>
    /// <param name="options">Layout, K list, folds and tie rule; null for <see cref="CrossModalOptions.Default"/>.</param>
    /// <param name="measure">How scores are computed from the embeddings.</param>
    /// <returns>The metrics in both directions.</returns>
    /// <exception cref="RankwiseInputException">Dimensions or counts do not fit, an option is invalid, or an entry is not finite.</exception>
    public static CrossModalRetrievalResult EvaluateEmbeddings(
        Matrix<double> images, Matrix<double> captions, CrossModalOptions? options = null,
        SimilarityMeasure measure = SimilarityMeasure.Cosine)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(captions);
        options ??= CrossModalOptions.Default;
        Validate(images.Rows, captions.Rows, options, "captions");
        var kernels = new SimilarityKernels(images, captions, measure, "images", "captions");
        return Run(images.Rows, captions.Rows, kernels.Score, (image, c0, row) =>
        {
            for (int j = 0; j < row.Length; j++)
                row[j] = kernels.Score(image, c0 + j);
        }, options);
    }

    private delegate void RowReader(int image, int captionStart, Span<double> row);

    private static void Validate(int images, int captions, CrossModalOptions options, string source)
    {
        if (options.CaptionsPerImage < 1)
            throw new RankwiseInputException("CaptionsPerImage", $"is {options.CaptionsPerImage}; at least 1 caption per image is needed");
        if (options.Folds < 1)
            throw new RankwiseInputException("Folds", $"is {options.Folds}; at least 1 fold is needed");
        if (options.RecallAt is null || options.RecallAt.Count == 0)
            throw new RankwiseInputException("RecallAt", "is empty; give at least one K");
        foreach (int k in options.RecallAt)
        {
            if (k < 1)
                throw new RankwiseInputException("RecallAt", $"contains {k}; every K must be at least 1");
        }
        if (images == 0)
            throw new RankwiseInputException(source, "has no images to evaluate");
        if ((long)images * options.CaptionsPerImage != captions)
            throw new RankwiseInputException(source, $"has {captions} captions for {images} images; with {options.CaptionsPerImage} captions per image {(long)images * options.CaptionsPerImage} are needed");
        if (images % options.Folds != 0)
            throw new RankwiseInputException("Folds", $"{images} images cannot be split into {options.Folds} equal folds");
    }

    private static CrossModalRetrievalResult Run(
        int images, int captions, Func<int, int, double> score, RowReader readRow, CrossModalOptions options)
    {
        int folds = options.Folds;
        int foldImages = images / folds;
        var results = new CrossModalRetrievalResult[folds];
        for (int f = 0; f < folds; f++)
            results[f] = RunFold(f * foldImages, foldImages, score, readRow, options);
        if (folds == 1)
            return results[0];
        return new CrossModalRetrievalResult(
            Average(results.Select(r => r.ImageToText).ToArray()),
            Average(results.Select(r => r.TextToImage).ToArray()),
            images, captions, results);
    }

    private static CrossModalRetrievalResult RunFold(
        int imageStart, int m, Func<int, int, double> score, RowReader readRow, CrossModalOptions options)
    {
        int cpi = options.CaptionsPerImage;
        int mc = m * cpi;
        int captionStart = imageStart * cpi;
        RankTieRule ties = options.Ties;

        // Score of every caption with its own image (the text->image ground truth).
        var truth = new double[mc];
        for (int j = 0; j < mc; j++)
            truth[j] = score(imageStart + j / cpi, captionStart + j);

        var imageRanks = new int[m];
        var ahead = new long[mc];
        var gate = new object();
        Parallel.For(
            0, m,
            () => (Row: new double[mc], Ahead: new long[mc]),
            (i, _, local) =>
            {
                Span<double> row = local.Row;
                readRow(imageStart + i, captionStart, row);
                imageRanks[i] = ImageToTextRank(row, i * cpi, cpi, ties);
                AccumulateTextToImage(row, i, cpi, truth, ties, local.Ahead);
                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (int j = 0; j < mc; j++)
                        ahead[j] += local.Ahead[j];
                }
            });
        var captionRanks = new int[mc];
        for (int j = 0; j < mc; j++)
            captionRanks[j] = checked((int)ahead[j] + 1);
        return new CrossModalRetrievalResult(
            Metrics(imageRanks, options.RecallAt), Metrics(captionRanks, options.RecallAt), m, mc, []);
    }

    /// <summary>1-based rank of the best of captions [g0, g0 + cpi) in <paramref name="row"/>.</summary>
    private static int ImageToTextRank(ReadOnlySpan<double> row, int g0, int cpi, RankTieRule ties)
    {
        int first = g0;
        double best = row[g0];
        for (int g = g0 + 1; g < g0 + cpi; g++)
        {
            if (row[g] > best)
            {
                best = row[g];
                first = g;
            }
        }
        int count = 0;
        for (int k = 0; k < row.Length; k++)
        {
            double s = row[k];
            if (s > best)
                count++;
            else if (s == best && (k < g0 || k >= g0 + cpi))
            {
                if (ties == RankTieRule.Pessimistic || (ties == RankTieRule.LowerIndexFirst && k < first))
                    count++;
            }
        }
        return count + 1;
    }

    /// <summary>For image i, counts for every caption j whether image i is ranked ahead of caption j's own image.</summary>
    private static void AccumulateTextToImage(
        ReadOnlySpan<double> row, int image, int cpi, ReadOnlySpan<double> truth, RankTieRule ties, Span<long> ahead)
    {
        for (int j = 0; j < row.Length; j++)
        {
            double s = row[j], t = truth[j];
            if (s > t)
            {
                ahead[j]++;
            }
            else if (s == t)
            {
                int own = j / cpi;
                if (own != image && (ties == RankTieRule.Pessimistic || (ties == RankTieRule.LowerIndexFirst && image < own)))
                    ahead[j]++;
            }
        }
    }

    private static RetrievalDirectionMetrics Metrics(int[] ranks, IReadOnlyList<int> recallAt)
    {
        var recalls = new double[recallAt.Count];
        for (int k = 0; k < recalls.Length; k++)
        {
            int hits = 0;
            foreach (int r in ranks)
            {
                if (r <= recallAt[k])
                    hits++;
            }
            recalls[k] = 100.0 * hits / ranks.Length;
        }
        var sorted = (int[])ranks.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + (double)sorted[n / 2]);
        double mean = 0;
        foreach (int r in ranks)
            mean += r;
        mean /= n;
        return new RetrievalDirectionMetrics(recallAt.ToArray(), recalls, Math.Floor(median), mean, ranks);
    }

    private static RetrievalDirectionMetrics Average(RetrievalDirectionMetrics[] folds)
    {
        int kCount = folds[0].RecallAt.Count;
        var recalls = new double[kCount];
        double median = 0, mean = 0;
        var ranks = new List<int>();
        foreach (RetrievalDirectionMetrics f in folds)
        {
            for (int k = 0; k < kCount; k++)
                recalls[k] += f.RecallPercent[k];
            median += f.MedianRank;
            mean += f.MeanRank;
            ranks.AddRange(f.Ranks);
        }
        for (int k = 0; k < kCount; k++)
            recalls[k] /= folds.Length;
        return new RetrievalDirectionMetrics(folds[0].RecallAt, recalls, median / folds.Length, mean / folds.Length, ranks.ToArray());
    }
}
