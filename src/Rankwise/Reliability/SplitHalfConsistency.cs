using Rankwise.Correlation;
using Rankwise.Inference;
using Rankwise.IO;

namespace Rankwise.Reliability;

/// <summary>
/// Split-half consistency of human responses — the reliability ceiling against which a model's rank correlation
/// with the same human scores is judged (Isola, Xiao, Torralba &amp; Oliva, "What makes an image memorable?",
/// CVPR 2011 / TPAMI 2014; Khosla, Raju, Torralba &amp; Oliva, "Understanding and predicting image memorability at
/// a large scale", ICCV 2015).
/// </summary>
/// <remarks>
/// <para>Method: for each of R random splits, the S subjects are shuffled and divided into two halves of ⌊S/2⌋ and
/// ⌈S/2⌉ subjects; each item is scored in each half by the mean of that half's responses to it (for 0/1 hits, the
/// hit rate); the two vectors of item scores are correlated (Spearman by default, with average ranks for ties;
/// Pearson or Kendall tau-b on request). Items with no response in one of the halves are left out of that split and
/// counted. The R correlations are summarised by their mean, sample standard deviation and percentile interval.</para>
/// <para>Two figures are reported, labelled and never mixed: the <b>raw</b> split-half correlation r (what papers
/// quote: 0.75 for Isola et al.'s 2,222 images, 0.68 for LaMem) and the <b>Spearman–Brown corrected</b> value
/// k·r/(1 + (k − 1)·r) with k = 2 by default (the predicted reliability of the whole panel), computed split by
/// split and then summarised.</para>
/// <para>Determinism: split b is drawn from a generator seeded by (seed, b) only; splits run in parallel and the
/// result is bit-identical for any number of threads. Undefined splits (fewer than 2 shared items, or a constant
/// half) give NaN, are excluded from the summaries and counted in <see cref="SplitHalfResult.UndefinedSplits"/>.</para>
/// <para>Cost: O(R·(responses + I log I)) time and O(I) memory per thread.</para>
/// </remarks>
public static class SplitHalfConsistency
{
    /// <summary>Runs R random splits of the subjects of <paramref name="responses"/> and summarises them.</summary>
    /// <param name="responses">The per-subject responses (at least 2 subjects).</param>
    /// <param name="options">Splits, seed, method, interval level, Spearman–Brown factor; null for
    /// <see cref="SplitHalfOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the splits.</param>
    /// <returns>The raw and corrected summaries, every split, and warnings.</returns>
    /// <exception cref="RankwiseInputException">Fewer than 2 subjects.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (splits &lt; 1, a method other than
    /// Spearman/Pearson/Kendall, a level outside (0, 1), k ≤ 0).</exception>
    public static SplitHalfResult Compute(ResponseTable responses, SplitHalfOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responses);
        options ??= SplitHalfOptions.Default;
        Check(options);
        int subjects = responses.SubjectCount;
        if (subjects < 2)
            throw new RankwiseInputException(responses.Source ?? "responses", $"has {subjects} subject{(subjects == 1 ? "" : "s")}; splitting into two halves needs at least 2");
        int splits = options.Splits;
        var correlations = new double[splits];
        var used = new int[splits];
        ulong seed = options.Seed;
        CorrelationMethod method = options.Method;
        ResamplingDriver.Fill(
            correlations,
            () => new Workspace(subjects, responses.ItemCount),
            (workspace, b) =>
            {
                var rng = new ResampleRandom(seed, (ulong)b);
                Span<int> order = workspace.Order;
                for (int s = 0; s < order.Length; s++)
                    order[s] = s;
                rng.Shuffle(order);
                Span<byte> half = workspace.Half;
                int firstHalf = subjects / 2;
                for (int k = 0; k < order.Length; k++)
                    half[order[k]] = (byte)(k < firstHalf ? 0 : 1);
                double r = Score(responses, half, method, workspace, out used[b]);
                return r;
            },
            options.MaxDegreeOfParallelism, options.Progress, cancellationToken);

        double k = options.SpearmanBrownFactor;
        var perSplit = new SplitHalfSplit[splits];
        for (int b = 0; b < splits; b++)
        {
            double r = correlations[b];
            perSplit[b] = new SplitHalfSplit(b, subjects / 2, subjects - subjects / 2, used[b], responses.ItemCount - used[b], r, Correct(r, k));
        }
        var warnings = new List<string>();
        int undefined = correlations.Count(double.IsNaN);
        if (undefined > 0)
            warnings.Add($"{undefined} of {splits} splits have an undefined correlation (fewer than 2 items scored in both halves, or a half with constant scores); they are excluded from the summaries");
        if (subjects < 4)
            warnings.Add($"only {subjects} subjects: each half is too small for a stable estimate");
        int neverShared = CountItemsBelowTwoSubjects(responses);
        if (neverShared > 0)
            warnings.Add($"{neverShared} of {responses.ItemCount} items have responses from fewer than 2 subjects and are left out of every split");

        int[] leftOut = perSplit.Select(p => p.ItemsLeftOut).ToArray();
        return new SplitHalfResult(
            Correlate.Name(method), seed, subjects, responses.ItemCount, responses.ResponseCount,
            Summarise(perSplit.Select(p => p.Correlation), options.ConfidenceLevel),
            Summarise(perSplit.Select(p => p.Corrected), options.ConfidenceLevel),
            k, leftOut.Min(), leftOut.Average(), leftOut.Max(), undefined, perSplit, warnings);
    }

    /// <summary>
    /// The split-half correlation for one given split (e.g. odd vs even subjects, or a split from another tool):
    /// subject s is in the first half when <paramref name="inFirstHalf"/>[s] is true.
    /// </summary>
    /// <param name="responses">The per-subject responses.</param>
    /// <param name="inFirstHalf">One flag per subject.</param>
    /// <param name="method">Spearman (default), Pearson or Kendall (tau-b).</param>
    /// <param name="spearmanBrownFactor">The factor k of the corrected value; default 2.</param>
    /// <returns>The split (index 0), with the number of items used and left out.</returns>
    /// <exception cref="ArgumentException">The flags do not match the subjects.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An unsupported method or k ≤ 0.</exception>
    public static SplitHalfSplit ScoreSplit(ResponseTable responses, ReadOnlySpan<bool> inFirstHalf,
        CorrelationMethod method = CorrelationMethod.Spearman, double spearmanBrownFactor = 2)
    {
        ArgumentNullException.ThrowIfNull(responses);
        Check(new SplitHalfOptions { Method = method, SpearmanBrownFactor = spearmanBrownFactor });
        if (inFirstHalf.Length != responses.SubjectCount)
            throw new ArgumentException($"{inFirstHalf.Length} flags for {responses.SubjectCount} subjects", nameof(inFirstHalf));
        var workspace = new Workspace(responses.SubjectCount, responses.ItemCount);
        int first = 0;
        for (int s = 0; s < inFirstHalf.Length; s++)
        {
            workspace.Half[s] = (byte)(inFirstHalf[s] ? 0 : 1);
            if (inFirstHalf[s])
                first++;
        }
        double r = Score(responses, workspace.Half, method, workspace, out int used);
        return new SplitHalfSplit(0, first, responses.SubjectCount - first, used, responses.ItemCount - used, r, Correct(r, spearmanBrownFactor));
    }

    private static double Score(ResponseTable responses, ReadOnlySpan<byte> half, CorrelationMethod method, Workspace w, out int used)
    {
        Array.Clear(w.Sum0);
        Array.Clear(w.Sum1);
        Array.Clear(w.Count0);
        Array.Clear(w.Count1);
        ReadOnlySpan<int> offsets = responses.SubjectOffsets;
        ReadOnlySpan<int> items = responses.ItemIndices;
        ReadOnlySpan<double> values = responses.Values;
        for (int s = 0; s < half.Length; s++)
        {
            double[] sums = half[s] == 0 ? w.Sum0 : w.Sum1;
            int[] counts = half[s] == 0 ? w.Count0 : w.Count1;
            for (int r = offsets[s]; r < offsets[s + 1]; r++)
            {
                int item = items[r];
                sums[item] += values[r];
                counts[item]++;
            }
        }
        int n = 0;
        for (int i = 0; i < w.Sum0.Length; i++)
        {
            if (w.Count0[i] == 0 || w.Count1[i] == 0)
                continue;
            w.A[n] = w.Sum0[i] / w.Count0[i];
            w.B[n] = w.Sum1[i] / w.Count1[i];
            n++;
        }
        used = n;
        if (n < 2)
            return double.NaN;
        ReadOnlySpan<double> a = w.A.AsSpan(0, n), b = w.B.AsSpan(0, n);
        return method switch
        {
            CorrelationMethod.Pearson => PearsonCorrelation.Compute(a, b).Statistic,
            CorrelationMethod.Kendall => KendallTau.Compute(a, b).Statistic,
            _ => SpearmanCorrelation.Compute(a, b).Statistic,
        };
    }

    private static double Correct(double r, double k) => double.IsNaN(r) ? double.NaN : SpearmanBrown.Predict(r, k);

    private static SplitHalfSummary Summarise(IEnumerable<double> values, double level)
    {
        double[] defined = values.Where(v => !double.IsNaN(v)).ToArray();
        if (defined.Length == 0)
            return new SplitHalfSummary(double.NaN, double.NaN, new ConfidenceInterval("percentile", level, double.NaN, double.NaN));
        double[] sorted = (double[])defined.Clone();
        Array.Sort(sorted);
        double alpha = (1 - level) / 2;
        var interval = new ConfidenceInterval("percentile", level,
            Bootstrap.Percentile(sorted, false, alpha * 100), Bootstrap.Percentile(sorted, false, (1 - alpha) * 100));
        return new SplitHalfSummary(NumpyReductions.Mean(defined), NumpyReductions.StdDdof1(defined), interval);
    }

    private static int CountItemsBelowTwoSubjects(ResponseTable responses)
    {
        var lastSubject = new int[responses.ItemCount];
        var distinct = new int[responses.ItemCount];
        Array.Fill(lastSubject, -1);
        ReadOnlySpan<int> offsets = responses.SubjectOffsets;
        ReadOnlySpan<int> items = responses.ItemIndices;
        for (int s = 0; s < responses.SubjectCount; s++)
        {
            for (int r = offsets[s]; r < offsets[s + 1]; r++)
            {
                int item = items[r];
                if (lastSubject[item] != s)
                {
                    distinct[item]++;
                    lastSubject[item] = s;
                }
            }
        }
        return distinct.Count(d => d < 2);
    }

    private static void Check(SplitHalfOptions options)
    {
        if (options.Splits < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Splits, "SplitHalfOptions.Splits must be at least 1");
        if (options.Method is not (CorrelationMethod.Spearman or CorrelationMethod.Pearson or CorrelationMethod.Kendall))
            throw new ArgumentOutOfRangeException(nameof(options), options.Method, "split-half consistency uses Spearman, Pearson or Kendall (tau-b)");
        if (!(options.ConfidenceLevel > 0 && options.ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.ConfidenceLevel, "SplitHalfOptions.ConfidenceLevel must be in (0, 1)");
        if (!(options.SpearmanBrownFactor > 0) || double.IsPositiveInfinity(options.SpearmanBrownFactor))
            throw new ArgumentOutOfRangeException(nameof(options), options.SpearmanBrownFactor, "SplitHalfOptions.SpearmanBrownFactor must be positive and finite");
        ResamplingDriver.CheckParallelism(options.MaxDegreeOfParallelism, nameof(options));
    }

    /// <summary>Per-thread buffers.</summary>
    private sealed class Workspace(int subjects, int items)
    {
        public readonly int[] Order = new int[subjects];
        public readonly byte[] Half = new byte[subjects];
        public readonly double[] Sum0 = new double[items];
        public readonly double[] Sum1 = new double[items];
        public readonly int[] Count0 = new int[items];
        public readonly int[] Count1 = new int[items];
        public readonly double[] A = new double[items];
        public readonly double[] B = new double[items];
    }
}
