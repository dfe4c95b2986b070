using Rankwise.Correlation;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Retrieval;

namespace Rankwise.Comparison;

/// <summary>What <see cref="WordSimilarity"/> does with a benchmark word missing from the vocabulary.</summary>
public enum OovPolicy
{
    /// <summary>Leave out every pair with a missing word (default; the count is reported).</summary>
    Skip,

    /// <summary>Give a missing word the mean of all vectors.</summary>
    Mean,

    /// <summary>Give a missing word the zero vector (cosine similarity 0 with everything).</summary>
    Zero,
}

/// <summary>Options for <see cref="WordSimilarity.Evaluate"/>.</summary>
public sealed record WordSimilarityOptions
{
    /// <summary>The default options: cosine, OOV pairs skipped, case kept, 9,999-resample BCa interval at 95 %.</summary>
    public static WordSimilarityOptions Default { get; } = new();

    /// <summary>Similarity of two word vectors: cosine (default) or negative Euclidean distance.</summary>
    public SimilarityMeasure Similarity { get; init; } = SimilarityMeasure.Cosine;

    /// <summary>Out-of-vocabulary policy; default <see cref="OovPolicy.Skip"/>.</summary>
    public OovPolicy Oov { get; init; } = OovPolicy.Skip;

    /// <summary>Fold the case of benchmark words and vocabulary (invariant lower case; of several vocabulary words
    /// that fold to the same string the first in file order is used). Default false.</summary>
    public bool Lowercase { get; init; }

    /// <summary>The bootstrap of Spearman's ρ over word pairs (resamples, level, method, seed); default 9,999 BCa at 95 %.</summary>
    public BootstrapOptions Bootstrap { get; init; } = BootstrapOptions.Default;
}

/// <summary>The result of one benchmark.</summary>
/// <param name="Benchmark">The benchmark's source (file).</param>
/// <param name="Pairs">Pairs in the benchmark.</param>
/// <param name="PairsUsed">Pairs correlated.</param>
/// <param name="OovPairs">Pairs with at least one word missing from the vocabulary.</param>
/// <param name="OovWords">Distinct benchmark words missing from the vocabulary.</param>
/// <param name="Spearman">Spearman's ρ between human scores and similarities, its p-value and bootstrap interval over pairs.</param>
/// <param name="Pearson">Pearson's r, its p-value and Fisher interval.</param>
public sealed record WordSimilarityResult(string Benchmark, int Pairs, int PairsUsed, int OovPairs, int OovWords, CorrelationResult Spearman, CorrelationResult Pearson);

/// <summary>
/// Word-similarity evaluation of an embedding: for every rated word pair of a benchmark (SimLex-999, SimVerb-3500,
/// MEN, WordSim-353, …), the similarity of the two word vectors, correlated with the human ratings — Spearman's ρ
/// with a bootstrap interval over pairs (the figure such tables report, e.g. Collell &amp; Moens 2018, Experiment 2)
/// and Pearson's r.
/// </summary>
/// <remarks>
/// Cosine similarity is a·b/√(‖a‖²‖b‖²), exactly 1 for identical vectors and 0 when either vector is zero;
/// Euclidean similarity is −‖a − b‖. Duplicate
/// vocabulary words: the first occurrence is used. Correlations follow scipy.stats (spearmanr, pearsonr); a
/// benchmark with fewer than 2 usable pairs gives NaN. Inputs are not modified.
/// </remarks>
public static class WordSimilarity
{
    /// <summary>Evaluates <paramref name="vectors"/> (one row per word, words as row labels) on <paramref name="benchmark"/>.</summary>
    /// <param name="vectors">The embedding; <see cref="Matrix{T}.RowLabels"/> must hold the vocabulary.</param>
    /// <param name="benchmark">The rated pairs.</param>
    /// <param name="options">Similarity, OOV policy, case folding, bootstrap; null for <see cref="WordSimilarityOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the bootstrap.</param>
    /// <returns>The correlations and the OOV bookkeeping.</returns>
    /// <exception cref="RankwiseInputException">The matrix has no vocabulary, or a vector entry is not finite.</exception>
    public static WordSimilarityResult Evaluate(Matrix<double> vectors, WordPairSet benchmark, WordSimilarityOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(benchmark);
        options ??= WordSimilarityOptions.Default;
        var index = Vocabulary(vectors, options.Lowercase);
        int bad = vectors.Data.AsSpan().IndexOfAnyExceptInRange(double.MinValue, double.MaxValue);
        if (bad >= 0)
            throw new RankwiseInputException("vectors", $"entry [{bad / Math.Max(1, vectors.Columns)}, {bad % Math.Max(1, vectors.Columns)}] is not a finite number");
        int d = vectors.Columns;
        double[]? mean = null;
        if (options.Oov == OovPolicy.Mean)
        {
            mean = new double[d];
            for (int i = 0; i < vectors.Rows; i++)
            {
                var row = vectors.Row(i);
                for (int j = 0; j < d; j++)
                    mean[j] += row[j];
            }
            for (int j = 0; j < d; j++)
                mean[j] /= Math.Max(1, vectors.Rows);
        }
        var zero = new double[d];
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var gold = new List<double>();
        var predicted = new List<double>();
        int oovPairs = 0;
        foreach (WordPair pair in benchmark.Pairs)
        {
            string w1 = options.Lowercase ? pair.First.ToLowerInvariant() : pair.First;
            string w2 = options.Lowercase ? pair.Second.ToLowerInvariant() : pair.Second;
            bool has1 = index.TryGetValue(w1, out int i1), has2 = index.TryGetValue(w2, out int i2);
            if (!has1)
                missing.Add(w1);
            if (!has2)
                missing.Add(w2);
            if (!has1 || !has2)
            {
                oovPairs++;
                if (options.Oov == OovPolicy.Skip)
                    continue;
            }
            ReadOnlySpan<double> a = has1 ? vectors.Row(i1) : (mean ?? zero);
            ReadOnlySpan<double> b = has2 ? vectors.Row(i2) : (mean ?? zero);
            predicted.Add(Similarity(a, b, options.Similarity));
            gold.Add(pair.Score);
        }
        double[] x = [.. gold], y = [.. predicted];
        var spearman = CorrelationBootstrap.Compute(CorrelationMethod.Spearman, x, y, Alternative.TwoSided, NanPolicy.Propagate, options.Bootstrap, cancellationToken);
        var pearson = PearsonCorrelation.Compute(x, y, confidenceLevel: options.Bootstrap.ConfidenceLevel);
        return new WordSimilarityResult(benchmark.Source, benchmark.Pairs.Count, x.Length, oovPairs, missing.Count, spearman, pearson);
    }

    /// <summary>The similarity of two vectors: cosine (0 when either is zero) or −‖a − b‖.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector, same length.</param>
    /// <param name="measure">The measure.</param>
    /// <returns>The similarity (higher = more similar).</returns>
    public static double Similarity(ReadOnlySpan<double> a, ReadOnlySpan<double> b, SimilarityMeasure measure)
    {
        if (measure == SimilarityMeasure.NegativeEuclidean)
        {
            double s = 0;
            for (int j = 0; j < a.Length; j++)
            {
                double diff = a[j] - b[j];
                s += diff * diff;
            }
            return -Math.Sqrt(s);
        }
        double dot = 0, na = 0, nb = 0;
        for (int j = 0; j < a.Length; j++)
        {
            dot += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
        }
        if (na == 0 || nb == 0)
            return 0;
        // √(‖a‖²‖b‖²) makes the similarity of a vector with itself exactly 1 (√(x²) = x in binary floating point),
        // so identical vectors tie exactly; the separate roots cover products that overflow or underflow.
        double product = na * nb;
        double norm = double.IsFinite(product) && product > 0 ? Math.Sqrt(product) : Math.Sqrt(na) * Math.Sqrt(nb);
        return Math.Clamp(dot / norm, -1.0, 1.0);
    }

    private static Dictionary<string, int> Vocabulary(Matrix<double> vectors, bool lowercase)
    {
        if (vectors.RowLabels is null)
            throw new RankwiseInputException("vectors", "have no vocabulary (row labels); read a word2vec/GloVe file or give the words of an array file");
        var index = new Dictionary<string, int>(vectors.Rows, StringComparer.Ordinal);
        for (int i = 0; i < vectors.Rows; i++)
            index.TryAdd(lowercase ? vectors.RowLabels[i].ToLowerInvariant() : vectors.RowLabels[i], i);
        return index;
    }
}
