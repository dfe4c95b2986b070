using System.Buffers;

namespace Rankwise.Retrieval;

/// <summary>
/// Pooled working memory for average precision of queries with up to <see cref="Capacity"/> items: builds the
/// precision–recall curve and summarises it with <see cref="AveragePrecisionCore.Summarise"/>. One per thread; dispose
/// to return the buffers.
/// </summary>
internal sealed class AveragePrecisionWorkspace : IDisposable
{
    private readonly double[] _scores;
    private readonly bool[] _relevant;
    private readonly double[] _thresholds;
    private readonly int[] _relevantAt;
    private readonly int[] _histogram;
    private readonly int[] _pointTp;
    private readonly int[] _pointCount;

    public AveragePrecisionWorkspace(int capacity)
    {
        Capacity = capacity;
        int n = capacity + 1;
        _scores = ArrayPool<double>.Shared.Rent(n);
        _relevant = ArrayPool<bool>.Shared.Rent(n);
        _thresholds = ArrayPool<double>.Shared.Rent(n);
        _relevantAt = ArrayPool<int>.Shared.Rent(n);
        _histogram = ArrayPool<int>.Shared.Rent(n);
        _pointTp = ArrayPool<int>.Shared.Rent(n);
        _pointCount = ArrayPool<int>.Shared.Rent(n);
    }

    /// <summary>The largest number of items per query.</summary>
    public int Capacity { get; }

    /// <summary>A buffer the caller may fill with a query's scores before calling <see cref="FromScores"/>.</summary>
    public Span<double> Scores => _scores.AsSpan(0, Capacity);

    /// <summary>A buffer the caller may fill with a query's relevance flags.</summary>
    public Span<bool> Relevant => _relevant.AsSpan(0, Capacity);

    /// <summary>
    /// AP of one query (inputs not modified; they may be <see cref="Scores"/> and <see cref="Relevant"/>); NaN when no
    /// item is relevant. Scores must not contain NaN (checked by the callers).
    /// </summary>
    /// <remarks>
    /// Only the curve points at the distinct scores of relevant items are built: a point reached by adding only
    /// non-relevant items keeps the recall of the point before it with a lower precision, so it changes none of the
    /// three summaries (nor scikit-learn's sum). The point for threshold u has tp = #relevant with score ≥ u and
    /// k = tp + #non-relevant with score ≥ u (ties with u included, the way scikit-learn groups tied scores). Sorting
    /// the R relevant scores and placing every non-relevant score by binary search costs O(R log R + N log R)
    /// instead of sorting all N scores.
    /// </remarks>
    public double FromScores(ReadOnlySpan<double> scores, ReadOnlySpan<bool> relevant, AveragePrecisionMethod method)
    {
        Span<double> u = _thresholds;
        int r = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (relevant[i])
                u[r++] = scores[i];
        }
        if (r == 0)
            return double.NaN;
        u = u[..r];
        u.Sort();
        // Distinct thresholds, ascending, with the number of relevant items at each.
        Span<int> relevantAt = _relevantAt;
        int m = 0;
        for (int i = 0; i < r; i++)
        {
            if (m > 0 && u[i] == u[m - 1])
            {
                relevantAt[m - 1]++;
                continue;
            }
            u[m] = u[i];
            relevantAt[m] = 1;
            m++;
        }
        u = u[..m];
        // histogram[p] = number of non-relevant scores v with u[p-1] <= v < u[p] (p = m: v >= the highest threshold).
        Span<int> histogram = _histogram.AsSpan(0, m + 1);
        histogram.Clear();
        for (int i = 0; i < scores.Length; i++)
        {
            if (!relevant[i])
                histogram[UpperBound(u, scores[i])]++;
        }
        // Points from the highest threshold down: point k is threshold u[m - 1 - k].
        Span<int> pointTp = _pointTp, pointCount = _pointCount;
        int tp = 0, negatives = 0;
        for (int k = 0; k < m; k++)
        {
            int j = m - 1 - k;
            tp += relevantAt[j];
            negatives += histogram[j + 1];
            pointTp[k] = tp;
            pointCount[k] = tp + negatives;
        }
        return AveragePrecisionCore.Summarise(pointTp[..m], pointCount[..m], r, method);
    }

    /// <summary>AP of a relevance list in ranked order, every position its own point; <paramref name="totalRelevant"/>
    /// is the recall denominator (NaN when 0).</summary>
    public double FromRanked(ReadOnlySpan<bool> ranked, int totalRelevant, AveragePrecisionMethod method)
    {
        if (totalRelevant == 0)
            return double.NaN;
        int tp = 0;
        for (int i = 0; i < ranked.Length; i++)
        {
            if (ranked[i])
                tp++;
            _pointTp[i] = tp;
            _pointCount[i] = i + 1;
        }
        return AveragePrecisionCore.Summarise(_pointTp.AsSpan(0, ranked.Length), _pointCount.AsSpan(0, ranked.Length), totalRelevant, method);
    }

    /// <summary>Index of the first element of the ascending <paramref name="sorted"/> greater than <paramref name="value"/>.</summary>
    private static int UpperBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    public void Dispose()
    {
        ArrayPool<double>.Shared.Return(_scores);
        ArrayPool<bool>.Shared.Return(_relevant);
        ArrayPool<double>.Shared.Return(_thresholds);
        ArrayPool<int>.Shared.Return(_relevantAt);
        ArrayPool<int>.Shared.Return(_histogram);
        ArrayPool<int>.Shared.Return(_pointTp);
        ArrayPool<int>.Shared.Return(_pointCount);
    }
}
