using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Ranking;

/// <summary>
/// Golden data of tests/ReferenceData/softrank/softrank_reference.json, made by make_softrank_reference.py (an
/// independent numpy implementation of Blondel et al. 2020 whose Jacobians are checked by finite differences).
/// </summary>
public static class SoftRankReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ReferenceData", "softrank", "softrank_reference.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> Cases(string name) => Root.GetProperty(name).EnumerateArray();

    public static IEnumerable<JsonElement> LossCases(string name) => Root.GetProperty("losses").GetProperty(name).EnumerateArray();

    public static double[] Doubles(this JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static long[] Longs(this JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetInt64()).ToArray();

    public static bool HasArray(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array;

    public static Tensor Tensor(this JsonElement element, string name, long[] shape, ScalarType dtype = ScalarType.Float64) =>
        tensor(element.Doubles(name), shape).to_type(dtype);

    public static string Describe(this JsonElement element) =>
        string.Join(", ", element.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Array || p.Name == "shape")
            .Select(p => $"{p.Name}={p.Value}"));

    /// <summary>|actual − expected| ≤ tolerance · max(1, |expected|) entrywise (NaN only where expected is NaN).</summary>
    public static void AssertClose(double[] expected, double[] actual, double tolerance, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.True(double.IsNaN(actual[i]), $"{context}: element {i} is {actual[i]:R}, expected NaN");
                continue;
            }
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance * Math.Max(1.0, Math.Abs(expected[i])),
                $"{context}: element {i} is {actual[i]:R}, expected {expected[i]:R} (error {error:E2})");
        }
    }

    public static double[] ToDoubles(this Tensor t) => t.detach().cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
}
