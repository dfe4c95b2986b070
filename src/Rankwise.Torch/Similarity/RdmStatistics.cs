using System.Numerics;
using System.Runtime.CompilerServices;
using Rankwise.Ranking;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Managed float64 comparisons of condensed RDMs (length m = n(n−1)/2). Kept internal: the core library's public
/// correlation routines are the user-facing API; these are small, exact helpers for RSA.
/// </summary>
internal static class RdmStatistics
{
    /// <summary>Default relative tolerance under which dissimilarities are treated as tied by the rank-based comparisons.</summary>
    internal const double DefaultTieTolerance = 1e-13;

    /// <summary>Compares two condensed RDMs. The arrays are the caller's scratch: Spearman overwrites them with ranks.</summary>
    internal static double Compare(double[] a, double[] b, RdmComparison comparison, double tieTolerance = DefaultTieTolerance)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"RDM comparison: the RDMs have different lengths ({a.Length} and {b.Length}); they must come from the same number of stimuli", nameof(b));
        if (a.Length < 2 || HasNaN(a) || HasNaN(b))
            return double.NaN;
        if (comparison == RdmComparison.Spearman)
        {
            // One sort per RDM gives both the tie snapping and the mid-ranks, written over the RDM (the arrays belong to
            // this comparison); the two RDMs are ranked concurrently.
            Parallel.Invoke(() => SnappedMidRanksInPlace(a, tieTolerance), () => SnappedMidRanksInPlace(b, tieTolerance));
            return Pearson(a, b);
        }
        if (comparison is RdmComparison.KendallTauA or RdmComparison.KendallTauB && tieTolerance > 0)
        {
            a = SnapTies(a, tieTolerance);
            b = SnapTies(b, tieTolerance);
        }
        return comparison switch
        {
            RdmComparison.Spearman => Pearson(MidRanks(a), MidRanks(b)),
            RdmComparison.Pearson => Pearson(a, b),
            RdmComparison.KendallTauA => Kendall(a, b, tauB: false),
            RdmComparison.KendallTauB => Kendall(a, b, tauB: true),
            RdmComparison.Cosine => Cosine(a, b),
            _ => throw new ArgumentOutOfRangeException(nameof(comparison), comparison, "unknown RdmComparison"),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool HasNaN(double[] v)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= v.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var x = new Vector<double>(v, i);
                if (!Vector.EqualsAll(x, x)) return true;
            }
        }
        for (; i < v.Length; i++)
            if (double.IsNaN(v[i])) return true;
        return false;
    }

    /// <summary>max |v_i| of NaN-free values (0 for an empty array).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double MaxAbs(double[] v)
    {
        int i = 0;
        double scale = 0;
        if (Vector.IsHardwareAccelerated && v.Length >= Vector<double>.Count)
        {
            var max = Vector<double>.Zero;
            for (; i <= v.Length - Vector<double>.Count; i += Vector<double>.Count)
                max = Vector.Max(max, Vector.Abs(new Vector<double>(v, i)));
            for (int lane = 0; lane < Vector<double>.Count; lane++)
                scale = Math.Max(scale, max[lane]);
        }
        for (; i < v.Length; i++)
            scale = Math.Max(scale, Math.Abs(v[i]));
        return scale;
    }

    /// <summary>
    /// Makes values that differ by at most <paramref name="relativeTolerance"/> · max|v| exactly equal: in ascending order,
    /// each value joins the current group if it is within the tolerance of the group's first (smallest) value, and takes
    /// that value; otherwise it starts a new group. Dissimilarities that are equal in exact arithmetic but were rounded
    /// differently (e.g. correlation distances of integer-valued data) thereby become ties again.
    /// </summary>
    internal static double[] SnapTies(double[] v, double relativeTolerance)
    {
        double scale = 0;
        foreach (var e in v) scale = Math.Max(scale, Math.Abs(e));
        double tol = relativeTolerance * scale;
        var keys = (double[])v.Clone();
        var order = new int[v.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(keys, order);
        var snapped = new double[v.Length];
        double anchor = double.NaN;
        for (int k = 0; k < keys.Length; k++)
        {
            if (k == 0 || keys[k] - anchor > tol)
                anchor = keys[k];
            snapped[order[k]] = anchor;
        }
        return snapped;
    }

    /// <summary>
    /// Pearson's r with the two-pass mean (the mean of v, then the mean of the residuals) and Neumaier-compensated sums of
    /// the centred products, in one pass after the means and without temporary arrays (the RDMs hold tens of millions of
    /// values).
    /// </summary>
    internal static double Pearson(double[] a, double[] b)
    {
        var (ma, ma2) = TwoPassMean(a);
        var (mb, mb2) = TwoPassMean(b);
        double sab = 0, cab = 0, saa = 0, caa = 0, sbb = 0, cbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = (a[i] - ma) - ma2, y = (b[i] - mb) - mb2;
            Accumulate(ref sab, ref cab, x * y);
            Accumulate(ref saa, ref caa, x * x);
            Accumulate(ref sbb, ref cbb, y * y);
        }
        double r = (sab + cab) / Math.Sqrt((saa + caa) * (sbb + cbb));
        return double.IsNaN(r) ? r : Math.Clamp(r, -1.0, 1.0);
    }

    /// <summary>The mean of v and the mean of the residuals v − mean (both Neumaier-compensated).</summary>
    private static (double Mean, double Residual) TwoPassMean(double[] v)
    {
        double mean = Rankwise.Numerics.CompensatedSum.Of(v) / v.Length;
        double s = 0, c = 0;
        foreach (var e in v)
            Accumulate(ref s, ref c, e - mean);
        return (mean, (s + c) / v.Length);
    }

    /// <summary>One Neumaier step: adds <paramref name="e"/> to the running sum <paramref name="s"/> with compensation <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref double s, ref double c, double e)
    {
        double t = s + e;
        c += Math.Abs(s) >= Math.Abs(e) ? (s - t) + e : (e - t) + s;
        s = t;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0, c = 0;
        for (int i = 0; i < a.Length; i++)
            Accumulate(ref s, ref c, a[i] * b[i]);
        return s + c;
    }

    internal static double Cosine(double[] a, double[] b)
    {
        double r = Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b));
        return double.IsNaN(r) ? r : Math.Clamp(r, -1.0, 1.0);
    }

    /// <summary>
    /// <see cref="MidRanks"/> of <see cref="SnapTies"/>(v, relativeTolerance) from a single sort: in ascending order a
    /// value joins the current group while it is within the tolerance of the group's smallest value (the snapping
    /// rule), and every group gets the mean of the ranks it spans.
    /// </summary>
    internal static double[] SnappedMidRanks(double[] v, double relativeTolerance) =>
        SnappedMidRanksInPlace((double[])v.Clone(), relativeTolerance);

    /// <summary><see cref="SnappedMidRanks"/> written over <paramref name="v"/> (returned): the RDMs are large, and their
    /// values are not needed once sorted.</summary>
    internal static double[] SnappedMidRanksInPlace(double[] v, double relativeTolerance)
    {
        int m = v.Length;
        double tol = relativeTolerance * MaxAbs(v);
        if (m >= BucketArgSort.MinimumLength)
        {
            // Large RDMs: the core's radix sample sort, buckets in ascending order on this thread. The sort reads v only
            // before the first bucket arrives, so the ranks can overwrite it; values come from the sort keys.
            var ranker = new SnappedRanker(v, tol);
            // A one-shot buffer on ordinary pages: faulting in fresh huge pages cost more than they saved here (measured on
            // the 2-core benchmark machine, n = 10,000: about 0.8 s less CPU for the two RDMs).
            using var buffer = new NativeBuffer<SortEntry<ulong>>(m, adviseHugePages: false);
            BucketArgSort.Run(v, ReadOnlySpan<int>.Empty, buffer, parallel: false, ranker.Visit);
            ranker.Finish(m);
            return v;
        }
        var keys = (double[])v.Clone();
        var order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Array.Sort(keys, order);
        int s0 = 0;
        while (s0 < m)
        {
            int end = s0 + 1;
            while (end < m && keys[end] - keys[s0] <= tol) end++;
            double rank = 0.5 * (s0 + 1 + end);
            for (int i = s0; i < end; i++) v[order[i]] = rank;
            s0 = end;
        }
        return v;
    }

    /// <summary>
    /// Consumes the buckets of the sorted keys in ascending order and gives every snapped group the mean of the ranks it
    /// spans. A group may span buckets, so its members wait in <c>pending</c> until a value beyond the tolerance (or the
    /// end) closes it.
    /// </summary>
    private sealed class SnappedRanker(double[] ranks, double tolerance)
    {
        private const int PrefetchDistance = 24;

        private int[] pending = new int[16];
        private int count;
        private double anchor = double.NaN;
        private int groupStart;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe void Visit(ReadOnlySpan<SortEntry<ulong>> sorted, int start)
        {
            // Locals in the loop: the state lives in fields only between buckets.
            int[] members = pending;
            int size = count, first = groupStart;
            double low = anchor, tol = tolerance;
            double[] r = ranks;
            fixed (double* target = r)
            for (int k = 0; k < sorted.Length; k++)
            {
                // The rank writes go to random places of a large array: fetch each line a few elements ahead.
                if (System.Runtime.Intrinsics.X86.Sse.IsSupported && k + PrefetchDistance < sorted.Length)
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(target + sorted[k + PrefetchDistance].Index);
                double value = SortKeys.ToDouble(sorted[k].Key);
                if (size > 0 && value - low > tol)
                {
                    int end = start + k;
                    double rank = 0.5 * (first + 1 + end);
                    for (int p = 0; p < size; p++) r[members[p]] = rank;
                    size = 0;
                    first = end;
                }
                if (size == 0)
                    low = value;
                if (size == members.Length)
                    Array.Resize(ref members, 2 * size);
                members[size++] = sorted[k].Index;
            }
            pending = members;
            count = size;
            groupStart = first;
            anchor = low;
        }

        public void Finish(int m)
        {
            double rank = 0.5 * (groupStart + 1 + m);
            for (int p = 0; p < count; p++) ranks[pending[p]] = rank;
            count = 0;
            groupStart = m;
        }
    }

    /// <summary>Ranks 1..m with ties given the mean of the ranks they span (scipy.stats.rankdata 'average').</summary>
    internal static double[] MidRanks(double[] v)
    {
        int m = v.Length;
        var keys = (double[])v.Clone();
        var order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Array.Sort(keys, order);
        var ranks = new double[m];
        int start = 0;
        while (start < m)
        {
            int end = start + 1;
            while (end < m && keys[end] == keys[start]) end++;
            double rank = 0.5 * (start + 1 + end);
            for (int i = start; i < end; i++) ranks[order[i]] = rank;
            start = end;
        }
        return ranks;
    }

    /// <summary>
    /// Kendall τ in O(m log m) (Knight 1966): sort by (a, b), count pairs tied in a (n₁) and in both (n₃), then count
    /// the exchanges a stable merge sort needs to order b (discordant pairs D) and the pairs tied in b (n₂).
    /// C − D = n₀ − n₁ − n₂ + n₃ − 2D with n₀ = m(m−1)/2. τ_a = (C − D)/n₀, τ_b = (C − D)/√((n₀−n₁)(n₀−n₂)).
    /// </summary>
    internal static double Kendall(double[] a, double[] b, bool tauB)
    {
        int m = a.Length;
        // Order by a (primitive introsort), then sort b inside each run of tied a: bb is b in (a, b) order.
        var aSorted = (double[])a.Clone();
        var order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Array.Sort(aSorted, order);
        var bb = new double[m];
        for (int i = 0; i < m; i++) bb[i] = b[order[i]];
        long n1 = 0, n3 = 0;
        for (int start = 0; start < m;)
        {
            int end = start + 1;
            while (end < m && aSorted[end] == aSorted[start]) end++;
            long t = end - start;
            if (t > 1)
            {
                n1 += t * (t - 1) / 2;
                Array.Sort(bb, start, end - start);
                n3 += TiedPairs(bb, start, end);
            }
            start = end;
        }
        long swaps = MergeSortCountingInversions(bb, new double[m], 0, m);
        long n2 = TiedPairs(bb, 0, m);
        long n0 = (long)m * (m - 1) / 2;
        double cMinusD = (double)(n0 - n1 - n2 + n3) - 2.0 * swaps;
        if (!tauB)
            return cMinusD / n0;
        return cMinusD / Math.Sqrt((double)(n0 - n1) * (n0 - n2));
    }

    /// <summary>Σ t(t−1)/2 over runs of equal values in the sorted segment v[lo..hi).</summary>
    private static long TiedPairs(double[] v, int lo, int hi)
    {
        long pairs = 0;
        for (int start = lo; start < hi;)
        {
            int end = start + 1;
            while (end < hi && v[end] == v[start]) end++;
            long t = end - start;
            pairs += t * (t - 1) / 2;
            start = end;
        }
        return pairs;
    }

    /// <summary>Sorts v[lo..hi) ascending (stable) and returns the number of strictly inverted pairs.</summary>
    private static long MergeSortCountingInversions(double[] v, double[] buffer, int lo, int hi)
    {
        if (hi - lo < 2)
            return 0;
        int mid = lo + (hi - lo) / 2;
        long count = MergeSortCountingInversions(v, buffer, lo, mid) + MergeSortCountingInversions(v, buffer, mid, hi);
        int i = lo, j = mid, k = lo;
        while (i < mid && j < hi)
        {
            if (v[j] < v[i])
            {
                count += mid - i;
                buffer[k++] = v[j++];
            }
            else
            {
                buffer[k++] = v[i++];
            }
        }
        while (i < mid) buffer[k++] = v[i++];
        while (j < hi) buffer[k++] = v[j++];
        Array.Copy(buffer, lo, v, lo, hi - lo);
        return count;
    }
}
