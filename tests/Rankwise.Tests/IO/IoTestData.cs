using System.Numerics;
using System.Text.Json;

namespace Rankwise.Tests.IO;

/// <summary>Access to tests/ReferenceData/io (made by make_io_reference.py) and temporary files.</summary>
internal static class IoTestData
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "ReferenceData", "io");

    private static readonly Lazy<JsonDocument> ManifestDocument = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "manifest.json"))));

    public static JsonElement Manifest => ManifestDocument.Value.RootElement;

    public static string File_(string area, string name) => Path.Combine(Root, area, name);

    public static IEnumerable<object[]> Names(string area) =>
        Manifest.GetProperty(area).EnumerateObject().Select(p => new object[] { p.Name });

    /// <summary>numpy's NaN bit pattern (positive quiet NaN); .NET's double.NaN has the sign bit set.</summary>
    public static readonly double NumpyNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

    public static double Decode(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String => v.GetString() switch
        {
            "nan" => NumpyNaN,
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            var s => throw new InvalidOperationException($"bad manifest value {s}"),
        },
        _ => throw new InvalidOperationException($"bad manifest value {v}"),
    };

    public static double[] Values(JsonElement entry, string key = "values64") =>
        entry.GetProperty(key).EnumerateArray().Select(Decode).ToArray();

    public static long[] Shape(JsonElement entry) =>
        entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>The expected matrix shape for a numpy shape: 0-d → 1×1, (n) → n×1.</summary>
    public static (int Rows, int Columns) MatrixShape(long[] shape) => shape.Length switch
    {
        0 => (1, 1),
        1 => ((int)shape[0], 1),
        _ => ((int)shape[0], (int)shape[1]),
    };

    /// <summary>Exact comparison: same values, NaN matches NaN, zeros must have the same sign.</summary>
    public static void AssertExact<T>(double[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            T e = T.CreateTruncating(expected[i]);
            T a = actual[i];
            bool same = T.IsNaN(e) ? T.IsNaN(a) : e == a && T.IsNegative(e) == T.IsNegative(a);
            Assert.True(same, $"{what}[{i}]: got {a}, expected {e}");
        }
    }

    public static void AssertEntry<T>(JsonElement entry, Matrix<T> m, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (rows, columns) = MatrixShape(Shape(entry));
        Assert.Equal(rows, m.Rows);
        Assert.Equal(columns, m.Columns);
        AssertExact(Values(entry, typeof(T) == typeof(float) ? "values32" : "values64"), m.Data, what);
    }
}

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        PathName = Path.Combine(Path.GetTempPath(), "rankwise-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(PathName);
    }

    public string PathName { get; }

    public string File(string name) => Path.Combine(PathName, name);

    public string Write(string name, byte[] bytes)
    {
        string p = File(name);
        System.IO.File.WriteAllBytes(p, bytes);
        return p;
    }

    public string WriteText(string name, string text)
    {
        string p = File(name);
        System.IO.File.WriteAllText(p, text);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(PathName, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
