namespace Rankwise.Tests.Inference;

/// <summary>The statistics of the reference script, written plainly in C#.</summary>
internal static class TestStatistics
{
    public static double Mean(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x)
            s += v;
        return s / x.Length;
    }

    public static double Median(ReadOnlySpan<double> x)
    {
        double[] s = x.ToArray();
        Array.Sort(s);
        int n = s.Length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double mx = Mean(x), my = Mean(y);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    public static double DiffMeans(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => Mean(x) - Mean(y);

    public static double MeanDiff(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
            s += x[i] - y[i];
        return s / x.Length;
    }

    /// <summary>Σ_g n_g (mean_g − grand mean)².</summary>
    public static double BetweenGroups(double[][] groups)
    {
        double total = 0;
        int count = 0;
        foreach (double[] g in groups)
        {
            foreach (double v in g)
                total += v;
            count += g.Length;
        }
        double grand = total / count;
        double s = 0;
        foreach (double[] g in groups)
        {
            double d = Mean(g) - grand;
            s += g.Length * d * d;
        }
        return s;
    }

    public static Func<ReadOnlySpan<double>, double> OneSample(string name) => name switch
    {
        "mean" => x => Mean(x),
        "median" => x => Median(x),
        _ => throw new ArgumentException($"no one-sample statistic {name}"),
    };

    public static Func<ReadOnlySpan<double>, ReadOnlySpan<double>, double> TwoSample(string name) => name switch
    {
        "pearson" => (x, y) => Pearson(x, y),
        "diff_means" => (x, y) => DiffMeans(x, y),
        "mean_diff" => (x, y) => MeanDiff(x, y),
        _ => throw new ArgumentException($"no two-sample statistic {name}"),
    };
}
