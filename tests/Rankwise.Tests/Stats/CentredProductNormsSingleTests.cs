using Rankwise.Numerics;

namespace Rankwise.Tests.Stats;

/// <summary>
/// The managed single-precision kernel behind linear CKA on float32 CPU inputs, against a float64 scalar reference over
/// many shapes (tails of the 16-column panels and of the 512-row blocks), exactly on integer data, and for its NaN and
/// threading behaviour, on both instruction-set paths (AVX-512 tile and AVX2 row groups), which must agree bit for bit.
/// On machines without AVX2 + FMA the kernel must refuse to run.
/// </summary>
public sealed unsafe class CentredProductNormsSingleTests
{
    /// <summary>Float64 reference: centre in float64, then the three sums of squares of the column products.</summary>
    private static (double Cross, double SelfX, double SelfY) Reference(float[] x, float[] y, int n, int dx, int dy)
    {
        double[] cx = Centre(x, n, dx), cy = Centre(y, n, dy);
        return (SumSquaresOfProduct(cx, dx, cy, dy, n), SumSquaresOfProduct(cx, dx, cx, dx, n), SumSquaresOfProduct(cy, dy, cy, dy, n));
    }

    private static double[] Centre(float[] a, int n, int d)
    {
        var c = new double[a.Length];
        for (int j = 0; j < d; j++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++)
                mean += a[i * d + j];
            mean /= n;
            for (int i = 0; i < n; i++)
                c[i * d + j] = a[i * d + j] - mean;
        }
        return c;
    }

    private static double SumSquaresOfProduct(double[] a, int da, double[] b, int db, int n)
    {
        double total = 0;
        for (int i = 0; i < da; i++)
            for (int j = 0; j < db; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                    s += a[k * da + i] * b[k * db + j];
                total += s * s;
            }
        return total;
    }

    private static (double Cross, double SelfX, double SelfY) Run(float[] x, float[] y, int n, int dx, int dy, int threads = 0, bool avx2 = false)
    {
        CentredProductNormsSingle.ForceAvx2.Value = avx2;
        try
        {
            fixed (float* px = x)
            fixed (float* py = y)
            {
                Assert.True(CentredProductNormsSingle.TryCompute(px, py, n, dx, dy, out double c, out double sx, out double sy, threads));
                return (c, sx, sy);
            }
        }
        finally
        {
            CentredProductNormsSingle.ForceAvx2.Value = false;
        }
    }

    /// <summary>Whether the requested path runs on this machine (the AVX-512 one needs AVX-512F).</summary>
    private static bool Runs(bool avx2) => CentredProductNormsSingle.IsSupported && (avx2 || CentredProductNormsSingle.HasWideTile);

    private static float[] Gaussian(Random random, int count, double offset = 0)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u = 1 - random.NextDouble(), v = random.NextDouble();
            a[i] = (float)(offset + Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        return a;
    }

    public static TheoryData<int, int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, bool>();
        int[][] shapes =
        [
            [1, 1, 1], [2, 3, 1], [5, 16, 16], [7, 17, 15], [33, 1, 40], [100, 31, 33],
            [511, 16, 48], [512, 20, 12], [513, 8, 19], [1100, 47, 64], [1537, 65, 3],
        ];
        foreach (bool avx2 in new[] { false, true })
            foreach (var s in shapes)
                data.Add(s[0], s[1], s[2], avx2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheFloat64ReferenceOverShapes(int n, int dx, int dy, bool avx2)
    {
        var random = new Random(n * 1000 + dx * 31 + dy);
        float[] x = Gaussian(random, n * dx, offset: 3), y = Gaussian(random, n * dy, offset: -1);
        if (!CentredProductNormsSingle.IsSupported)
        {
            fixed (float* px = x)
            fixed (float* py = y)
            {
                float* ppx = px, ppy = py;
                Assert.Throws<PlatformNotSupportedException>(() => CentredProductNormsSingle.TryCompute(ppx, ppy, n, dx, dy, out _, out _, out _));
            }
            return;
        }
        if (!Runs(avx2))
            return;
        var expected = Reference(x, y, n, dx, dy);
        var actual = Run(x, y, n, dx, dy, avx2: avx2);
        // n = 1: every centred value is exactly 0.
        if (n == 1)
        {
            Assert.Equal((0.0, 0.0, 0.0), actual);
            return;
        }
        Assert.Equal(expected.Cross, actual.Cross, expected.Cross * 2e-5);
        Assert.Equal(expected.SelfX, actual.SelfX, expected.SelfX * 2e-5);
        Assert.Equal(expected.SelfY, actual.SelfY, expected.SelfY * 2e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IsExactOnSmallIntegersWithZeroColumnMeans(bool avx2)
    {
        if (!Runs(avx2))
            return;
        // Columns of ±1, ±2 values paired so every column mean is exactly 0: centring is exact, every block sum is a
        // small integer (exact in float32) and the float64 sums of squares are exact integers too.
        const int n = 1300, dx = 37, dy = 18;
        var random = new Random(5);
        float[] Build(int d)
        {
            var a = new float[n * d];
            for (int i = 0; i < n / 2; i++)
                for (int j = 0; j < d; j++)
                {
                    float v = random.Next(1, 3) * (random.Next(2) == 0 ? -1 : 1);
                    a[2 * i * d + j] = v;
                    a[(2 * i + 1) * d + j] = -v;
                }
            return a;
        }
        float[] x = Build(dx), y = Build(dy);
        var expected = Reference(x, y, n, dx, dy);
        Assert.Equal(expected, Run(x, y, n, dx, dy, avx2: avx2));
    }

    [Theory]
    [InlineData(3000, 70, 90)]
    [InlineData(1025, 16, 33)]
    [InlineData(77, 5, 200)]
    public void BothInstructionSetPathsGiveTheSameBits(int n, int dx, int dy)
    {
        if (!Runs(avx2: false))
            return;
        var random = new Random(n + dx + dy);
        float[] x = Gaussian(random, n * dx, offset: 2), y = Gaussian(random, n * dy, offset: -7);
        Assert.Equal(Run(x, y, n, dx, dy), Run(x, y, n, dx, dy, avx2: true));
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheBits()
    {
        if (!CentredProductNormsSingle.IsSupported)
            return;
        const int n = 3000, dx = 70, dy = 90;
        var random = new Random(11);
        float[] x = Gaussian(random, n * dx), y = Gaussian(random, n * dy);
        Assert.Equal(Run(x, y, n, dx, dy, threads: 1), Run(x, y, n, dx, dy, threads: 4));
    }

    [Fact]
    public void LargeCommonOffsetsAreCentredAway()
    {
        if (!CentredProductNormsSingle.IsSupported)
            return;
        const int n = 2000, d = 24;
        var random = new Random(3);
        float[] x = Gaussian(random, n * d), y = Gaussian(random, n * d);
        var plain = Run(x, y, n, d, d);
        float[] shifted = x.Select(v => v + 1000f).ToArray();
        var moved = Run(shifted, y, n, d, d);
        // x + 1000 rounds each element to float32 spacing 2⁻¹⁴ ≈ 6e-5 (relative to unit-variance data): tiny change, not
        // the loss of every digit an uncentred float32 product would suffer.
        Assert.Equal(plain.Cross, moved.Cross, plain.Cross * 1e-3);
        Assert.Equal(plain.SelfX, moved.SelfX, plain.SelfX * 1e-3);
        Assert.Equal(plain.SelfY, moved.SelfY);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteInputIsReported(float bad)
    {
        if (!CentredProductNormsSingle.IsSupported)
            return;
        const int n = 600, dx = 20, dy = 5;
        var random = new Random(1);
        float[] x = Gaussian(random, n * dx), y = Gaussian(random, n * dy);
        y[599 * dy + 4] = bad;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            Assert.False(CentredProductNormsSingle.TryCompute(px, py, n, dx, dy, out double c, out double sx, out double sy));
            Assert.True(double.IsNaN(c) && double.IsNaN(sx) && double.IsNaN(sy));
        }
    }
}
