namespace Rankwise.Numerics;

/// <summary>
/// The regularized incomplete beta function I_x(a, b) and its complement 1 − I_x(a, b), each
/// with full relative accuracy in its own tail. The caller passes both x and y = 1 − x so that a
/// y computed without cancellation (for example t²/(ν + t²) in the Student t distribution) is used
/// as given, as in cdflib's <c>bratio</c> which scipy uses for <c>stdtr</c>.
/// </summary>
/// <remarks>
/// The prefactor x^a y^b / B(a, b) is evaluated with Stirling's series where a shape parameter is
/// ≥ 8, cancelling the large terms analytically (as in DiDonato &amp; Morris, "Algorithm 708:
/// Significant digit computation of the incomplete beta function ratios", ACM TOMS 18, 1992);
/// the remaining factor is the classical continued fraction (Abramowitz &amp; Stegun 26.5.8)
/// evaluated by the modified Lentz method on the side of the mean where it converges quickly.
/// <para>
/// Why not Math.NET Numerics 5.0.0's <c>SpecialFunctions.BetaRegularized</c> (behind its
/// <c>Distributions.Beta.CDF</c> and <c>StudentT.CDF</c>)? Measured against the scipy 1.10 goldens in
/// <c>tests/ReferenceData/stats/stats_reference.json</c> at the tests' tolerance (1e-12 relative or 1e-14
/// absolute), it misses 2 of 138 Spearman p-values (worst 1.8e-12 relative: n = 150, ρ = 0.1243, one-sided,
/// 0.06476898226782718 against scipy's 0.0647689822677082; also n = 250, ρ = 0.1003, 1.1e-12), 57 of 169
/// Student t CDF reference values (worst 8.8e-9 relative at ν = 10⁶, t = −0.001, because it forms 1 − x
/// itself) and 39 of 130 Pearson tail values even when handed the small tail directly (worst 5.0e-12 at
/// n = 101, r = 0.999; through <c>1 − Beta.CDF</c> the tail 5.8e-22 at n = 17, r = 0.999 comes out as 0).
/// Its prefactor is exp(lnΓ(a + b) − lnΓ(a) − lnΓ(b) + a ln x + b ln(1 − x)) with Lanczos log-gammas, whose
/// large cancelling terms cost digits as the shape parameters grow; this class cancels them analytically and
/// takes y = 1 − x from the caller. (Its 105 Pearson golden p-values alone would pass: worst 3.0e-13.)
/// Math.NET stays in use where it meets the bar: erfc, the normal distribution and its inverse.
/// </para>
/// </remarks>
internal static class IncompleteBeta
{
    private const double Epsilon = 1e-16;
    private const double Tiny = 1e-300;

    /// <summary>
    /// Computes <paramref name="lower"/> = I_x(a, b) and <paramref name="upper"/> = 1 − I_x(a, b).
    /// </summary>
    /// <param name="a">First shape parameter, &gt; 0.</param>
    /// <param name="b">Second shape parameter, &gt; 0.</param>
    /// <param name="x">Argument in [0, 1].</param>
    /// <param name="y">1 − x, computed by the caller as accurately as it can.</param>
    /// <param name="lower">I_x(a, b).</param>
    /// <param name="upper">1 − I_x(a, b).</param>
    internal static void Evaluate(double a, double b, double x, double y, out double lower, out double upper)
    {
        if (double.IsNaN(a) || double.IsNaN(b) || double.IsNaN(x) || !(a > 0) || !(b > 0) || x < 0 || x > 1)
        {
            lower = upper = double.NaN;
            return;
        }
        if (double.IsNaN(y)) y = 1 - x;
        // The degenerate ends are decided by the argument that carries the information: x = 1 in double
        // precision may still come with a y = 1 − x as small as 1e−16 (e.g. Student t with |t| ≈ 1e−8),
        // and then I_x(a, b) = 1 − I_y(b, a) is not 1.
        if (x == 0)
        {
            lower = 0;
            upper = 1;
            return;
        }
        if (y == 0)
        {
            lower = 1;
            upper = 0;
            return;
        }

        bool lowerSide = x * (a + b + 2) < a + 1;
        if (lowerSide && b <= 1 && a >= LargeShape && y < 0.3 && TryLargeShapeExpansion(a, b, x, y, out double value))
        {
            lower = value;
            upper = 1 - lower;
        }
        else if (!lowerSide && a <= 1 && b >= LargeShape && x < 0.3 && TryLargeShapeExpansion(b, a, y, x, out value))
        {
            upper = value;
            lower = 1 - upper;
        }
        else if (lowerSide)
        {
            lower = PowerPrefix(a, b, x, y) * ContinuedFraction(a, b, x) / a;
            upper = 1 - lower;
        }
        else
        {
            upper = PowerPrefix(a, b, x, y) * ContinuedFraction(b, a, y) / b;
            lower = 1 - upper;
        }
        lower = Math.Clamp(lower, 0, 1);
        upper = Math.Clamp(upper, 0, 1);
    }

    /// <summary>
    /// I_x(a, b) for large a and b ≤ 1 with x close to 1, where the continued fraction converges slowly
    /// and loses accuracy: the asymptotic expansion in incomplete gamma functions of DiDonato &amp; Morris
    /// (1992, §5; "BGRAT"), with ν = a + (b − 1)/2 and z = −ν ln x:
    /// I_x(a, b) ≈ Γ(a + b)/(Γ(a) ν^b) · [Q(b, z) + r Σₙ dₙ Jₙ], r = e^{−z} z^b/Γ(b).
    /// Returns false when the expansion does not apply (underflow or no convergence in 30 terms).
    /// </summary>
    private static bool TryLargeShapeExpansion(double a, double b, double x, double y, out double result)
    {
        result = double.NaN;
        double bm1 = b - 1;
        double nu = a + 0.5 * bm1;
        double lnx = y > 0.375 ? Math.Log(x) : LogGamma.Log1p(-y);
        double z = -nu * lnx;
        if (b * z == 0) return false;
        double r = Math.Exp(b * Math.Log(z) - z) / LogGamma.Gamma(b);
        // Γ(a + b)/(Γ(a) ν^b) by Stirling's series (a ≥ 15): the large terms cancel analytically.
        double c = a + b;
        double logRatio = (a - 0.5) * LogGamma.Log1p(b / a) - b + b * LogGamma.Log1p((0.5 * b + 0.5) / nu)
                          + LogGamma.StirlingRemainder(c) - LogGamma.StirlingRemainder(a);
        double scale = Math.Exp(logRatio);
        if (r == 0) return false;
        double q = IncompleteGamma.UpperRegularized(b, z);
        double v = 0.25 / (nu * nu);
        double t2 = 0.25 * lnx * lnx;
        Span<double> cs = stackalloc double[31];
        Span<double> ds = stackalloc double[31];
        double j = q / r;
        double sum = j;
        double t = 1, cn = 1, n2 = 0;
        for (int n = 1; n <= 30; n++)
        {
            double bp2n = b + n2;
            j = (bp2n * (bp2n + 1) * j + (z + bp2n + 1) * t) * v;
            n2 += 2;
            t *= t2;
            cn /= n2 * (n2 + 1);
            cs[n] = cn;
            double s = 0;
            double coefficient = b - n;
            for (int i = 1; i < n; i++)
            {
                s += coefficient * cs[i] * ds[n - i];
                coefficient += b;
            }
            ds[n] = bm1 * cn + s / n;
            double dj = ds[n] * j;
            sum += dj;
            if (sum <= 0) return false;
            if (Math.Abs(dj) <= Epsilon * sum)
            {
                result = scale * r * sum;
                return true;
            }
        }
        return false;
    }

    private const double LargeShape = 15;

    /// <summary>x^a y^b / B(a, b), accurate to a few ulps times the magnitude of its logarithm.</summary>
    internal static double PowerPrefix(double a, double b, double x, double y)
    {
        double c = a + b;
        if (a >= 8 && b >= 8)
        {
            // ln P = −[a·rlog1(−λ/a) + b·rlog1(λ/b)] + ½ ln(ab / 2πc) + δ(c) − δ(a) − δ(b),  λ = a y − b x.
            double lambda = a * y - b * x;
            double e = MinusScaledRlog1(a, -lambda / a, x * c / a) + MinusScaledRlog1(b, lambda / b, y * c / b);
            double delta = LogGamma.StirlingRemainder(c) - LogGamma.StirlingRemainder(a) - LogGamma.StirlingRemainder(b);
            return Math.Sqrt(a / c * (b / (2 * Math.PI))) * Math.Exp(e + delta);
        }
        if (a >= 8 || b >= 8)
        {
            // One large parameter (call it p, with argument u) and one small (q, argument v):
            // ln P = −c v + q ln(c v) − p·rlog1(−λ/p) − ½ ln(c/p) + δ(c) − δ(p) − ln Γ(q),  λ = p v − q u.
            double p, q, u, v;
            if (a >= 8) { p = a; q = b; u = x; v = y; }
            else { p = b; q = a; u = y; v = x; }
            double lambda = p * v - q * u;
            double cv = c * v;
            double e = -cv + q * Math.Log(cv) + MinusScaledRlog1(p, -lambda / p, u * c / p)
                       + LogGamma.StirlingRemainder(c) - LogGamma.StirlingRemainder(p);
            return Math.Exp(e) / Math.Sqrt(c / p) / LogGamma.Gamma(q);
        }
        // Both small: direct powers and gamma values.
        double ratio = LogGamma.Gamma(c) / (LogGamma.Gamma(a) * LogGamma.Gamma(b));
        double direct = Math.Pow(x, a) * Math.Pow(y, b) * ratio;
        if (direct >= 1e-280 && !double.IsInfinity(direct)) return direct;
        return Math.Exp(a * Math.Log(x) + b * Math.Log(y) + Math.Log(ratio));
    }

    /// <summary>
    /// −p·rlog1(e) = p·ln(1 + e) − p·e, where <paramref name="onePlusE"/> is 1 + e formed without
    /// cancellation by the caller (it matters when e is close to −1).
    /// </summary>
    private static double MinusScaledRlog1(double p, double e, double onePlusE) =>
        Math.Abs(e) <= 0.5 ? -p * LogGamma.Rlog1(e) : p * (Math.Log(onePlusE) - e);

    /// <summary>
    /// The continued fraction K with I_x(a, b) = prefix · K / a, convergent for x &lt; (a + 1)/(a + b + 2).
    /// </summary>
    private static double ContinuedFraction(double a, double b, double x)
    {
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        if (Math.Abs(d) < Tiny) d = Tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m < 1_000_000; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < Epsilon) break;
        }
        return h;
    }
}
