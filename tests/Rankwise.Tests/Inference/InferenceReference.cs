using System.Text.Json;
using Rankwise.Inference;

namespace Rankwise.Tests.Inference;

/// <summary>Loads ReferenceData/inference/inference_reference.json (made by make_inference_reference.py, scipy 1.10.1).</summary>
internal static class InferenceReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "ReferenceData", "inference", "inference_reference.json");
        using var stream = File.OpenRead(path);
        return JsonDocument.Parse(stream).RootElement.Clone();
    });

    public static JsonElement Bootstrap(string name) => Find("bootstrap", name);

    public static JsonElement Permutation(string name) => Find("permutation", name);

    public static IEnumerable<JsonElement> All(string section) => Root.Value.GetProperty(section).EnumerateArray();

    public static JsonElement Special => Root.Value.GetProperty("special");

    private static JsonElement Find(string section, string name)
    {
        foreach (JsonElement e in Root.Value.GetProperty(section).EnumerateArray())
        {
            if (e.GetProperty("name").GetString() == name)
                return e;
        }
        throw new KeyNotFoundException($"{section} case {name} not in the reference file");
    }

    public static double Number(this JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => throw new FormatException($"not a number: {s}"),
        },
        _ => throw new FormatException($"not a number: {e}"),
    };

    public static double Number(this JsonElement e, string property) => e.GetProperty(property).Number();

    public static double[] Numbers(this JsonElement e) => e.EnumerateArray().Select(Number).ToArray();

    public static double[] Numbers(this JsonElement e, string property) => e.GetProperty(property).Numbers();

    public static double[][] Samples(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(Numbers).ToArray();

    public static Alternative ParseAlternative(string? s) => s switch
    {
        "two-sided" => Alternative.TwoSided,
        "less" => Alternative.Less,
        "greater" => Alternative.Greater,
        _ => throw new FormatException($"unknown alternative {s}"),
    };

    public static BootstrapMethod ParseMethod(string? s) => s switch
    {
        "percentile" => BootstrapMethod.Percentile,
        "basic" => BootstrapMethod.Basic,
        "bca" => BootstrapMethod.BCa,
        _ => throw new FormatException($"unknown method {s}"),
    };

    /// <summary>Equal to a relative/absolute tolerance; NaN equals NaN; infinities must match exactly.</summary>
    public static void Close(double expected, double actual, double tolerance, string what)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Assert.True(expected.Equals(actual), $"{what}: expected {expected}, got {actual}");
            return;
        }
        double error = Math.Abs(expected - actual);
        Assert.True(error <= tolerance * Math.Max(1.0, Math.Abs(expected)),
            $"{what}: expected {expected:R}, got {actual:R} (error {error:E2})");
    }
}
