using Rankwise.IO;

namespace Rankwise.Torch.Tests.Streaming;

/// <summary>A temporary directory for .npy files, deleted on dispose.</summary>
internal sealed class NpyDir : IDisposable
{
    public NpyDir() => Directory.CreateDirectory(PathName);

    public string PathName { get; } = Path.Combine(Path.GetTempPath(), "rankwise-stream-" + Guid.NewGuid().ToString("N"));

    public string Write<T>(string name, Matrix<T> m) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        string p = Path.Combine(PathName, name);
        NpyWriter.Write(p, m);
        return p;
    }

    public string File(string name) => Path.Combine(PathName, name);

    public void Dispose()
    {
        try { Directory.Delete(PathName, recursive: true); } catch (IOException) { }
    }
}

internal static class StreamingTestData
{
    /// <summary>Gaussian-ish matrix (sum of uniforms), deterministic.</summary>
    public static Matrix<double> Random(int rows, int cols, int seed, double offset = 0, double scale = 1)
    {
        var rng = new Random(seed);
        var m = new Matrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
            m.Data[i] = offset + scale * (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5);
        return m;
    }

    /// <summary>Small integers: many exact ties and duplicate rows.</summary>
    public static Matrix<double> Integers(int rows, int cols, int seed, int range = 3)
    {
        var rng = new Random(seed);
        var m = new Matrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
            m.Data[i] = rng.Next(-range, range + 1);
        return m;
    }

    /// <summary>y = x·W + noise, so CKA is well away from 0 and 1.</summary>
    public static Matrix<double> Related(Matrix<double> x, int cols, int seed, double noise = 0.5)
    {
        var rng = new Random(seed);
        var w = Random(x.Columns, cols, seed + 1);
        var y = new Matrix<double>(x.Rows, cols);
        for (int i = 0; i < x.Rows; i++)
            for (int j = 0; j < cols; j++)
            {
                double s = 0;
                for (int t = 0; t < x.Columns; t++)
                    s += x[i, t] * w[t, j];
                y[i, j] = s + noise * (rng.NextDouble() - 0.5);
            }
        return y;
    }

    public static Matrix<float> ToFloat(Matrix<double> m) =>
        new(m.Rows, m.Columns, m.Data.Select(v => (float)v).ToArray());

    public static void AssertRelative(double expected, double actual, double tolerance, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
            return;
        }
        double err = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(err <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (relative error {err:E2})");
    }
}
