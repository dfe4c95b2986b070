using System.Text.Json;
using Rankwise.Retrieval;

namespace Rankwise.Tests.Retrieval;

/// <summary>Loads ReferenceData/retrieval/retrieval_reference.json (made by make_retrieval_reference.py, sklearn 1.2.1 / numpy 1.24).</summary>
internal static class RetrievalReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "ReferenceData", "retrieval", "retrieval_reference.json");
        using var stream = File.OpenRead(path);
        return JsonDocument.Parse(stream).RootElement.Clone();
    });

    public static JsonElement[] Section(string name) => Root.Value.GetProperty(name).EnumerateArray().ToArray();

    public static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();

    public static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(Number).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static Matrix<double> Matrix(JsonElement e)
    {
        double[][] rows = e.EnumerateArray().Select(Numbers).ToArray();
        int columns = rows.Length == 0 ? 0 : rows[0].Length;
        return new Matrix<double>(rows.Length, columns, rows.SelectMany(r => r).ToArray());
    }

    public static ItemLabels Labels(JsonElement e) =>
        ItemLabels.FromMulti(e.EnumerateArray().Select(l => (IReadOnlyCollection<int>)Ints(l)).ToArray());

    public static readonly AveragePrecisionMethod[] Methods =
        [AveragePrecisionMethod.NonInterpolated, AveragePrecisionMethod.Voc2010, AveragePrecisionMethod.Voc2007ElevenPoint];

    public static void Close(double expected, double actual, double tolerance, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
            return;
        }
        double error = Math.Abs(expected - actual);
        Assert.True(error <= tolerance * Math.Max(1.0, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R} (error {error:G3})");
    }
}
