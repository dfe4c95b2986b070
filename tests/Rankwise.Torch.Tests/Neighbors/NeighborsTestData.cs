using System.Text.Json;
using Rankwise.Torch.Neighbors;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Neighbors;

/// <summary>Access to tests/ReferenceData/neighbors/neighbors_reference.json (made by make_neighbors_reference.py).</summary>
public static class NeighborsTestData
{
    /// <summary>
    /// The neighbour test classes share one xunit collection (run one at a time): CPU searches set libtorch's
    /// process-wide thread count to 1 while they run, and some tests read or vary it.
    /// </summary>
    public const string Collection = "Neighbors (libtorch thread count)";

    private static readonly Lazy<JsonDocument> _doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ReferenceData", "neighbors", "neighbors_reference.json"))));

    public static JsonElement Root => _doc.Value.RootElement;

    public static IEnumerable<JsonElement> Section(string name) => Root.GetProperty(name).EnumerateArray();

    public static JsonElement Case(string section, string name) =>
        Section(section).Single(c => c.GetProperty("name").GetString() == name);

    public static IEnumerable<object[]> Names(string section) =>
        Section(section).Select(c => new object[] { c.GetProperty("name").GetString()! });

    /// <summary>A number, or NaN when stored as the string "NaN".</summary>
    public static double Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.String && e.GetString() == "NaN" ? double.NaN : e.GetDouble();

    public static double[] Vector(JsonElement e) => e.EnumerateArray().Select(Number).ToArray();

    public static int[] IntVector(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static double[][] Rows(JsonElement e) => e.EnumerateArray().Select(Vector).ToArray();

    public static int[] FlatInts(JsonElement e) => e.EnumerateArray().SelectMany(IntVector).ToArray();

    public static double[] FlatDoubles(JsonElement e) => e.EnumerateArray().SelectMany(Vector).ToArray();

    /// <summary>Tensor [rows, cols] of the given dtype from JSON rows (values are exact in that dtype when generated in it).</summary>
    public static Tensor Matrix(JsonElement e, ScalarType dtype = ScalarType.Float64)
    {
        var rows = Rows(e);
        var flat = rows.SelectMany(r => r).ToArray();
        return tensor(flat, [rows.Length, rows[0].Length], dtype: ScalarType.Float64).to_type(dtype);
    }

    public static KnnMetric Metric(string name) => name switch
    {
        "cosine" => KnnMetric.Cosine,
        "euclidean" => KnnMetric.Euclidean,
        "inner_product" => KnnMetric.InnerProduct,
        _ => throw new ArgumentException(name),
    };

    /// <summary>Standard normal data [n, d] (float64) from a seeded generator.</summary>
    public static Tensor Randn(long n, long d, ulong seed)
    {
        using var g = new Generator(seed);
        return randn([n, d], dtype: ScalarType.Float64, generator: g);
    }

    /// <summary>Every combination of block size and candidate selection used by the invariance tests.</summary>
    public static IEnumerable<KnnOptions> OptionGrid(params int[] blocks)
    {
        foreach (int b in blocks)
            foreach (var sel in new[] { CandidateSelection.Auto, CandidateSelection.TorchTopK })
                yield return new KnnOptions { BlockRows = b, Selection = sel, ChunkColumns = b < 100 ? 3 * b + 5 : null };
    }
}
