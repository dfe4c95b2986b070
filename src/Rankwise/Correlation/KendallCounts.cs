using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Rankwise.Ranking;

namespace Rankwise.Correlation;

/// <summary>
/// The pair counts behind Kendall's tau for n NaN-free pairs, computed in O(n log n):
/// a sort of x, the order-preserving keys of y in (x, y) order, and a merge-sort inversion count of
/// that sequence (the discordant pairs). Counts are 64-bit and the cubic tie sums 128-bit, so nothing
/// overflows for n up to 10⁸ and beyond (scipy 1.10 overflows int64 in <c>2·xtie·ytie</c> for
/// n ≳ 10⁵ with heavy ties).
/// </summary>
internal readonly struct KendallCounts
{
    private const int PrefetchDistance = 16;

    /// <summary>Number of pairs.</summary>
    public long N { get; init; }

    /// <summary>n(n − 1)/2.</summary>
    public long Total { get; init; }

    /// <summary>Discordant pairs (x and y ordered oppositely, no tie).</summary>
    public long Discordant { get; init; }

    /// <summary>Pairs tied in x: Σ t(t − 1)/2 over the x tie groups.</summary>
    public long XTies { get; init; }

    /// <summary>Pairs tied in y.</summary>
    public long YTies { get; init; }

    /// <summary>Pairs tied in both x and y.</summary>
    public long JointTies { get; init; }

    /// <summary>Σ t(t − 1)(t − 2) over the x tie groups.</summary>
    public Int128 X0 { get; init; }

    /// <summary>Σ t(t − 1)(2t + 5) over the x tie groups.</summary>
    public Int128 X1 { get; init; }

    /// <summary>Σ u(u − 1)(u − 2) over the y tie groups.</summary>
    public Int128 Y0 { get; init; }

    /// <summary>Σ u(u − 1)(2u + 5) over the y tie groups.</summary>
    public Int128 Y1 { get; init; }

    /// <summary>Number of distinct x values.</summary>
    public int XGroups { get; init; }

    /// <summary>Number of distinct y values.</summary>
    public int YGroups { get; init; }

    /// <summary>Concordant minus discordant pairs: Total − XTies − YTies + JointTies − 2·Discordant.</summary>
    public long ConcordantMinusDiscordant => Total - XTies - YTies + JointTies - 2 * Discordant;

    /// <summary>Counts the pairs of NaN-free <paramref name="x"/>, <paramref name="y"/> (same length).</summary>
    /// <remarks>
    /// x is sorted (<see cref="BucketArgSort"/>, stable, bucket by bucket on several threads for long
    /// inputs) and each bucket, while in cache, is turned into the order-preserving keys of the paired y
    /// values; within each x tie group the y keys are sorted (giving the lexicographic (x, y) order) and
    /// runs of equal keys are the joint ties. The discordant pairs are the inversions of that key sequence
    /// (merge sort), and the sorted sequence then yields the y tie groups as runs — y is never sorted on
    /// its own.
    /// </remarks>
    public static unsafe KendallCounts Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        using var sequence = new NativeBuffer<ulong>(n);
        bool parallel = n >= InversionCount.ParallelThreshold;
        var gate = new object();
        var xTies = new TieTotals();
        long joint = 0;
        fixed (double* py = y)
        {
            nint yAddress = (nint)py, ordered = (nint)sequence.Pointer;
            BucketArgSort.Run(x, parallel, (sorted, start) =>
            {
                var local = new TieTotals();
                long localJoint = YKeysInOrder(sorted, (double*)yAddress, (ulong*)ordered + start, ref local);
                lock (gate)
                {
                    xTies.Add(local);
                    joint += localJoint;
                }
            });
        }
        long discordant = InversionCount.CountAndSort(sequence.Span);
        var yTies = new TieTotals();
        ulong* keys = sequence.Pointer;
        int from = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i < n && keys[i] == keys[from]) continue;
            yTies.Add(i - from);
            from = i;
        }
        return new KendallCounts
        {
            N = n,
            Total = (long)n * (n - 1) / 2,
            Discordant = discordant,
            XTies = xTies.Pairs,
            YTies = yTies.Pairs,
            JointTies = joint,
            X0 = xTies.Cubic0,
            X1 = xTies.Cubic1,
            Y0 = yTies.Cubic0,
            Y1 = yTies.Cubic1,
            XGroups = xTies.Groups,
            YGroups = yTies.Groups,
        };
    }

    /// <summary>
    /// Writes the y keys of one sorted x bucket in (x, y) order to <paramref name="output"/>, adds the x tie
    /// groups to <paramref name="xTies"/> and returns the pairs tied in both x and y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe long YKeysInOrder(ReadOnlySpan<SortEntry<ulong>> sorted, double* y, ulong* output, ref TieTotals xTies)
    {
        long joint = 0;
        int m = sorted.Length, from = 0;
        for (int i = 1; i <= m; i++)
        {
            if (Sse.IsSupported && i + PrefetchDistance < m) Sse.Prefetch0(y + sorted[i + PrefetchDistance].Index);
            if (i < m && sorted[i].Key == sorted[from].Key) continue;
            int t = i - from;
            if (t == 1)
            {
                output[from] = SortKeys.Of(y[sorted[from].Index]);
            }
            else
            {
                var group = new Span<ulong>(output + from, t);
                for (int k = 0; k < t; k++) group[k] = SortKeys.Of(y[sorted[from + k].Index]);
                group.Sort();
                long run = 1;
                for (int k = 1; k < t; k++)
                {
                    if (group[k] == group[k - 1])
                    {
                        run++;
                        continue;
                    }
                    joint += run * (run - 1) / 2;
                    run = 1;
                }
                joint += run * (run - 1) / 2;
            }
            xTies.Add(t);
            from = i;
        }
        return joint;
    }

    /// <summary>Tie statistics of a set of tie groups.</summary>
    private struct TieTotals
    {
        /// <summary>Σ t(t − 1)/2.</summary>
        public long Pairs;

        /// <summary>Σ t(t − 1)(t − 2).</summary>
        public Int128 Cubic0;

        /// <summary>Σ t(t − 1)(2t + 5).</summary>
        public Int128 Cubic1;

        /// <summary>The number of groups (distinct values).</summary>
        public int Groups;

        public void Add(int size)
        {
            Groups++;
            if (size < 2) return;
            long t = size;
            Pairs += t * (t - 1) / 2;
            Cubic0 += (Int128)(t * (t - 1)) * (t - 2);
            Cubic1 += (Int128)(t * (t - 1)) * (2 * t + 5);
        }

        public void Add(in TieTotals other)
        {
            Pairs += other.Pairs;
            Cubic0 += other.Cubic0;
            Cubic1 += other.Cubic1;
            Groups += other.Groups;
        }
    }
}
