namespace Rankwise.Tests.Stats;

/// <summary>Random paired samples with various tie structures, for property tests.</summary>
internal static class PairedData
{
    public const int Patterns = 5;

    public static (double[] X, double[] Y) Make(Random rng, int n, int pattern)
    {
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = rng.NextDouble() * 2 - 1;
            double b = 0.6 * a + 0.8 * (rng.NextDouble() * 2 - 1);
            switch (pattern)
            {
                case 0: x[i] = a; y[i] = b; break;                                   // continuous
                case 1: x[i] = Math.Round(a, 1); y[i] = Math.Round(b, 1); break;     // ties in both
                case 2: x[i] = rng.Next(3); y[i] = rng.Next(4); break;               // heavy ties
                case 3: x[i] = a; y[i] = Math.Round(b); break;                       // ties in y only
                default: x[i] = i % 7; y[i] = -(i % 7) + (i % 2); break;             // structured
            }
        }
        return (x, y);
    }

    public static IEnumerable<int> Lengths() => Enumerable.Range(0, 41).Concat([57, 100, 257, 1000]);
}
