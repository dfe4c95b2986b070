using System.Globalization;
using System.Text.Json;

namespace Rankwise.Tests.Comparison;

/// <summary>
/// Loads ReferenceData/comparison: comparison_reference.json (make_comparison_reference.py, scipy 1.10.1) and
/// dependent_psych.csv (make_dependent_reference.R, psych 2.2.9).
/// </summary>
internal static class ComparisonReference
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "ReferenceData", "comparison");

    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var stream = File.OpenRead(Path.Combine(Dir, "comparison_reference.json"));
        return JsonDocument.Parse(stream).RootElement.Clone();
    });

    public static JsonElement Get(string name) => Root.Value.GetProperty(name);

    public static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();

    public static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(Number).ToArray();

    /// <summary>Rows of dependent_psych.csv as name → value maps.</summary>
    public static IReadOnlyList<Dictionary<string, double>> PsychRows()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Dir, "dependent_psych.csv"));
        string[] header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            string[] cells = l.Split(',');
            return header.Zip(cells).ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture));
        }).ToArray();
    }

    /// <summary>Relative closeness (absolute below 1e-300); NaN matches NaN.</summary>
    public static void Close(double expected, double actual, double relative, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
            return;
        }
        double error = Math.Abs(expected - actual);
        Assert.True(error <= relative * Math.Abs(expected) || error < 1e-300, $"{what}: expected {expected:R}, got {actual:R} (relative error {error / Math.Abs(expected):G3})");
    }
}
