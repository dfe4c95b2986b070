using System.Numerics;
using System.Runtime.InteropServices;

namespace Rankwise.Numerics;

/// <summary>
/// Accurate means and centred second moments of paired data: blocks of 256 elements are
/// accumulated in SIMD lanes and the block results are combined with Neumaier's compensated
/// summation, so the rounding error does not grow with n. The centred sums use the corrected
/// two-pass algorithm (Chan, Golub &amp; LeVeque 1983): Σ(x − x̄)² − [Σ(x − x̄)]²/n.
/// </summary>
internal static class CenteredSums
{
    private const int Block = 256;

    /// <summary>The mean of <paramref name="x"/> (NaN for an empty span).</summary>
    internal static double Mean(ReadOnlySpan<double> x)
    {
        if (x.IsEmpty) return double.NaN;
        var sum = new CompensatedSum();
        for (int start = 0; start < x.Length; start += Block)
        {
            ReadOnlySpan<double> chunk = x.Slice(start, Math.Min(Block, x.Length - start));
            sum.Add(BlockSum(chunk));
        }
        return sum.Value / x.Length;
    }

    /// <summary>
    /// Σ(x − mx)², Σ(y − my)² and Σ(x − mx)(y − my), with the two-pass correction for the rounding
    /// of the means.
    /// </summary>
    internal static void Compute(ReadOnlySpan<double> x, double mx, ReadOnlySpan<double> y, double my,
        out double sxx, out double syy, out double sxy)
    {
        int n = x.Length;
        CompensatedSum dxSum = default, dySum = default, xx = default, yy = default, xy = default;
        for (int start = 0; start < n; start += Block)
        {
            int length = Math.Min(Block, n - start);
            BlockMoments(x.Slice(start, length), mx, y.Slice(start, length), my,
                out double bdx, out double bdy, out double bxx, out double byy, out double bxy);
            dxSum.Add(bdx);
            dySum.Add(bdy);
            xx.Add(bxx);
            yy.Add(byy);
            xy.Add(bxy);
        }
        double dx = dxSum.Value, dy = dySum.Value;
        sxx = xx.Value - dx * dx / n;
        syy = yy.Value - dy * dy / n;
        sxy = xy.Value - dx * dy / n;
    }

    private static double BlockSum(ReadOnlySpan<double> x)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            ReadOnlySpan<Vector<double>> v = MemoryMarshal.Cast<double, Vector<double>>(x);
            for (int k = 0; k < v.Length; k++) acc += v[k];
            s = Vector.Sum(acc);
            i = v.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    private static void BlockMoments(ReadOnlySpan<double> x, double mx, ReadOnlySpan<double> y, double my,
        out double sdx, out double sdy, out double sxx, out double syy, out double sxy)
    {
        int i = 0;
        sdx = sdy = sxx = syy = sxy = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vmx = new Vector<double>(mx);
            var vmy = new Vector<double>(my);
            Vector<double> adx = default, ady = default, axx = default, ayy = default, axy = default;
            ReadOnlySpan<Vector<double>> vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            ReadOnlySpan<Vector<double>> vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int k = 0; k < vx.Length; k++)
            {
                Vector<double> dx = vx[k] - vmx;
                Vector<double> dy = vy[k] - vmy;
                adx += dx;
                ady += dy;
                axx += dx * dx;
                ayy += dy * dy;
                axy += dx * dy;
            }
            sdx = Vector.Sum(adx);
            sdy = Vector.Sum(ady);
            sxx = Vector.Sum(axx);
            syy = Vector.Sum(ayy);
            sxy = Vector.Sum(axy);
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++)
        {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sdx += dx;
            sdy += dy;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
    }
}

/// <summary>Neumaier's compensated (Kahan–Babuška) summation.</summary>
internal struct CompensatedSum
{
    private double _sum;
    private double _compensation;

    /// <summary>Adds a term.</summary>
    public void Add(double value)
    {
        double t = _sum + value;
        if (Math.Abs(_sum) >= Math.Abs(value))
            _compensation += (_sum - t) + value;
        else
            _compensation += (value - t) + _sum;
        _sum = t;
    }

    /// <summary>The compensated total.</summary>
    public readonly double Value => _sum + _compensation;

    /// <summary>The compensated sum of <paramref name="values"/>, added in order.</summary>
    public static double Of(ReadOnlySpan<double> values)
    {
        var sum = new CompensatedSum();
        foreach (double v in values)
            sum.Add(v);
        return sum.Value;
    }
}
