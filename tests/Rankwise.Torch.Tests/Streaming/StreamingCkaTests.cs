using Rankwise.IO;
using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;
using S = Rankwise.Torch.Tests.Streaming.StreamingTestData;

namespace Rankwise.Torch.Tests.Streaming;

/// <summary>
/// Streamed exact linear CKA against the in-memory <see cref="LinearCka"/> on the same rows: 1e−12 relative in float64,
/// for block sizes that do not divide n, blocks of one row, blocks larger than n, float32 and float64 files, feature-
/// and Gram-form reference values, and data around 1e8.
/// </summary>
public class StreamingCkaTests
{
    private static (double Linear, double Debiased) InMemory(string fx, string fy)
    {
        using var scope = NewDisposeScope();
        var x = TensorConversions.ToTensor(NpyReader.Read<double>(fx), CPU);
        var y = TensorConversions.ToTensor(NpyReader.Read<double>(fy), CPU);
        double debiased = x.shape[0] >= 4 ? new LinearCka(debiased: true).Compute(x, y) : double.NaN;
        return (new LinearCka().Compute(x, y), debiased);
    }

    private static StreamingCkaResult Streamed(string fx, string fy, int? blockRows, MemoryBudget? budget = null)
    {
        using var x = NpyRowSource.Open(fx);
        using var y = NpyRowSource.Open(fy);
        return StreamingCka.Compute(x, y, new StreamingOptions { BlockRows = blockRows, Budget = budget });
    }

    public static IEnumerable<object[]> Cases() =>
        from c in new (int N, int Dx, int Dy, double Offset)[] { (50, 6, 4, 0), (12, 20, 15, 0), (37, 3, 9, 1e8), (5, 2, 2, 0), (4, 1, 1, 0), (3, 2, 3, 0) }
        from f32 in new[] { false, true }
        where !(f32 && c.Offset != 0)    // float32 cannot hold 1e8 + noise
        select new object[] { c.N, c.Dx, c.Dy, c.Offset, f32 };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsInMemoryCkaForEveryBlockSize(int n, int dx, int dy, double offset, bool float32)
    {
        using var dir = new NpyDir();
        var xm = S.Random(n, dx, n + dx, offset);
        var ym = S.Related(xm, dy, n + dy);
        if (offset != 0)
            for (int i = 0; i < ym.Data.Length; i++) ym.Data[i] += offset;
        string fx = float32 ? dir.Write("x.npy", S.ToFloat(xm)) : dir.Write("x.npy", xm);
        string fy = float32 ? dir.Write("y.npy", S.ToFloat(ym)) : dir.Write("y.npy", ym);
        var (linear, debiased) = InMemory(fx, fy);
        if (n >= 12)
            Assert.True(linear is > 0.05 and < 0.9999, $"test data should give an informative CKA, got {linear}");
        foreach (int? b in new int?[] { 1, 2, 3, 7, n - 1, n, n + 5, null })
        {
            if (b < 1) continue;
            var r = Streamed(fx, fy, b);
            Assert.Equal(n, r.N);
            Assert.True(r.FiniteX && r.FiniteY);
            S.AssertRelative(linear, r.Linear, 1e-12, $"linear CKA, block {b}");
            S.AssertRelative(debiased, r.Debiased, 1e-12, $"debiased CKA, block {b}");
            if (b is int fixedRows)
                Assert.Equal(Math.Min(fixedRows, n), r.Plan.BlockRows);
        }
    }

    [Fact]
    public void TinyBudgetForcesManyBlocksWithTheSameValue()
    {
        using var dir = new NpyDir();
        var xm = S.Random(300, 8, 1);
        var ym = S.Related(xm, 5, 2);
        string fx = dir.Write("x.npy", S.ToFloat(xm)), fy = dir.Write("y.npy", ym);
        var (linear, debiased) = InMemory(fx, fy);
        long need = StreamingCka.EstimatePeakBytes(17, 8, 5, 4, 8);
        var budget = new MemoryBudget(need);
        var r = Streamed(fx, fy, null, budget);
        Assert.Equal(17, r.Plan.BlockRows);                       // the largest block whose estimate fits
        Assert.Equal(18, r.Plan.Blocks);
        Assert.True(r.Plan.EstimatedPeakBytes <= budget.Bytes);
        S.AssertRelative(linear, r.Linear, 1e-12, "linear");
        S.AssertRelative(debiased, r.Debiased, 1e-12, "debiased");

        var e = Assert.Throws<MemoryBudgetException>(() => Streamed(fx, fy, null, new MemoryBudget(1000)));
        Assert.Contains("needs at least", e.Message);
        Assert.Contains("memory budget of 1000 B", e.Message);
    }

    [Fact]
    public void ConstantNonFiniteAndTooFewRows()
    {
        using var dir = new NpyDir();
        var xm = S.Random(20, 3, 3);
        var constant = new Matrix<double>(20, 2);
        for (int i = 0; i < constant.Data.Length; i++) constant.Data[i] = 0.1 * (i % 2 + 1);   // every row equal
        string fx = dir.Write("x.npy", xm), fc = dir.Write("c.npy", constant);
        var (linear, debiased) = InMemory(fx, fc);
        Assert.True(double.IsNaN(linear) && double.IsNaN(debiased));
        var r = Streamed(fx, fc, 3);
        Assert.True(double.IsNaN(r.Linear) && double.IsNaN(r.Debiased));

        // One constant column among varying ones: the same value as in memory.
        var partly = S.Random(20, 3, 4);
        for (int i = 0; i < 20; i++) partly[i, 1] = 0.1;
        string fp = dir.Write("p.npy", partly);
        var (pl, pd) = InMemory(fx, fp);
        var rp = Streamed(fx, fp, 6);
        S.AssertRelative(pl, rp.Linear, 1e-12, "partly constant, linear");
        S.AssertRelative(pd, rp.Debiased, 1e-12, "partly constant, debiased");

        var withNaN = S.Random(20, 3, 5);
        withNaN[13, 2] = double.NaN;
        var withInf = S.Random(20, 3, 6);
        withInf[0, 0] = double.PositiveInfinity;
        foreach (var (bad, name) in new[] { (withNaN, "nan.npy"), (withInf, "inf.npy") })
        {
            string fb = dir.Write(name, bad);
            var rb = Streamed(fx, fb, 4);
            Assert.True(rb.FiniteX);
            Assert.False(rb.FiniteY);
            Assert.True(double.IsNaN(rb.Linear) && double.IsNaN(rb.Debiased));
        }

        // n = 3: biased is defined, debiased is NaN (in memory it is an error).
        string f3 = dir.Write("x3.npy", S.Random(3, 2, 7)), g3 = dir.Write("y3.npy", S.Random(3, 2, 8));
        var r3 = Streamed(f3, g3, 2);
        S.AssertRelative(InMemory(f3, g3).Linear, r3.Linear, 1e-12, "n = 3");
        Assert.True(double.IsNaN(r3.Debiased));

        string f1 = dir.Write("x1.npy", S.Random(1, 2, 9));
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => Streamed(f1, f1, null)).Message);
        Assert.Contains("same stimuli", Assert.Throws<ArgumentException>(() => Streamed(fx, f3, null)).Message);
    }

    [Fact]
    public void AccumulatorMergeAndAutomaticShift()
    {
        using var scope = NewDisposeScope();
        var xm = S.Random(64, 5, 10, offset: 1000);
        var ym = S.Related(xm, 3, 11);
        var x = TensorConversions.ToTensor(xm, CPU);
        var y = TensorConversions.ToTensor(ym, CPU);
        var copy = x.clone();
        double linear = new LinearCka().Compute(x, y), debiased = new LinearCka(debiased: true).Compute(x, y);

        // Automatic shift (first block's means), one accumulator over uneven blocks.
        using var one = new LinearCkaAccumulator(5, 3);
        foreach (var (s, c) in new[] { (0, 10), (10, 1), (11, 40), (51, 13) })
            one.Update(x.narrow(0, s, c), y.narrow(0, s, c));
        Assert.True(x.eq(copy).all().item<bool>());           // inputs are not modified
        Assert.Equal(64, one.RowCount);
        Assert.NotNull(one.ShiftX);
        S.AssertRelative(linear, one.Linear, 1e-12, "auto shift, linear");
        S.AssertRelative(debiased, one.Debiased, 1e-12, "auto shift, debiased");

        // Two workers with the same explicit shift, merged.
        // Shifts near the column means (rounded): far-off shifts would cancel in the analytic centring (documented).
        double[] sx = [1000, 1000, 1000, 1000, 1000];
        double[] sy = Enumerable.Range(0, 3).Select(j => Math.Round(Enumerable.Range(0, 64).Average(i => ym[i, j]))).ToArray();
        using var left = new LinearCkaAccumulator(5, 3, sx, sy);
        using var right = new LinearCkaAccumulator(5, 3, sx, sy);
        left.Update(x.narrow(0, 0, 30), y.narrow(0, 0, 30));
        right.Update(x.narrow(0, 30, 34), y.narrow(0, 30, 34));
        left.Merge(right);
        Assert.Equal(64, left.RowCount);
        S.AssertRelative(linear, left.Linear, 1e-12, "merged, linear");
        S.AssertRelative(debiased, left.Values().Debiased, 1e-12, "merged, debiased");

        using var other = new LinearCkaAccumulator(5, 3);
        other.Update(x.narrow(0, 0, 8), y.narrow(0, 0, 8));
        Assert.Throws<ArgumentException>(() => left.Merge(other));             // different shifts
        Assert.Throws<ArgumentException>(() => one.Update(y, y));               // wrong width
        Assert.Throws<ArgumentException>(() => new LinearCkaAccumulator(2, 2, [1.0], null));
        using var empty = new LinearCkaAccumulator(2, 2);
        Assert.True(double.IsNaN(empty.Linear) && double.IsNaN(empty.Debiased));
    }

    [Fact]
    public void MinibatchStreamsTheSameBatchesAsMinibatchCka()
    {
        using var dir = new NpyDir();
        var xm = S.Random(103, 6, 12);
        var ym = S.Related(xm, 4, 13);
        string fx = dir.Write("x.npy", xm), fy = dir.Write("y.npy", ym);
        using var scope = NewDisposeScope();
        var x = TensorConversions.ToTensor(xm, CPU);
        var y = TensorConversions.ToTensor(ym, CPU);
        using var sx = NpyRowSource.Open(fx);
        using var sy = NpyRowSource.Open(fy);

        var reference = new MinibatchCka();
        for (int s = 0; s + 4 <= 103; s += 25)
            reference.Update(x.narrow(0, s, Math.Min(25, 103 - s)), y.narrow(0, s, Math.Min(25, 103 - s)));
        var streamed = StreamingCka.Minibatch(sx, sy, 25);
        Assert.Equal(reference.BatchCount, streamed.BatchCount);
        Assert.Equal(100, streamed.RowCount);                      // the last batch of 3 rows is skipped
        S.AssertRelative(reference.Value, streamed.Value, 1e-12, "minibatch");

        // One batch holding all rows is debiased CKA of the full data; smaller batches differ by design.
        S.AssertRelative(new LinearCka(debiased: true).Compute(x, y), StreamingCka.Minibatch(sx, sy, 500).Value, 1e-12, "single batch");
        Assert.NotEqual(StreamingCka.Compute(sx, sy).Debiased, streamed.Value, 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamingCka.Minibatch(sx, sy, 3));
    }

    [Fact]
    public void ReportsProgressAndHonoursCancellation()
    {
        using var dir = new NpyDir();
        var xm = S.Random(40, 3, 14);
        string fx = dir.Write("x.npy", xm);
        using var sx = NpyRowSource.Open(fx);
        var seen = new List<double>();
        StreamingCka.Compute(sx, sx, new StreamingOptions { BlockRows = 7, Progress = new SyncProgress(seen.Add) });
        Assert.Equal(12, seen.Count);                                  // 6 blocks, two passes
        Assert.Equal(1.0, seen[^1]);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First < p.Second));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => StreamingCka.Compute(sx, sx, new StreamingOptions { BlockRows = 7 }, cts.Token));
    }

    internal sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
