using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rankwise.Tests.Stats;

/// <summary>
/// Golden data from tests/ReferenceData/stats/make_stats_reference.py (scipy 1.10.1, numpy 1.24.2,
/// mpmath for the special functions). NaN and infinities are stored as strings.
/// </summary>
public sealed class StatsReference
{
    public required Meta Meta { get; init; }
    public required List<RankCase> Rankdata { get; init; }
    public required List<PairedCase> Cases { get; init; }
    public required List<MatrixCase> Matrices { get; init; }
    public required List<SpecialCase> Special { get; init; }

    private static readonly Lazy<StatsReference> Cached = new(Load);

    public static StatsReference Instance => Cached.Value;

    private static StatsReference Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "ReferenceData", "stats", "stats_reference.json");
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString,
        };
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<StatsReference>(stream, options)
               ?? throw new InvalidDataException($"{path}: empty reference file");
    }

    public static Alternative ParseAlternative(string s) => s switch
    {
        "two-sided" => Alternative.TwoSided,
        "less" => Alternative.Less,
        "greater" => Alternative.Greater,
        _ => throw new InvalidDataException($"unknown alternative {s}"),
    };

    public static NanPolicy ParseNanPolicy(string s) => s switch
    {
        "propagate" => NanPolicy.Propagate,
        "omit" => NanPolicy.Omit,
        "raise" => NanPolicy.Raise,
        _ => throw new InvalidDataException($"unknown nan policy {s}"),
    };
}

public sealed class Meta
{
    public required string Scipy { get; init; }
    public required string Numpy { get; init; }
    public required string Command { get; init; }
}

public sealed class RankCase
{
    public required string Name { get; init; }
    public required double[] Values { get; init; }
    public required string Ties { get; init; }
    public required string NanPolicy { get; init; }
    public required double[] Expected { get; init; }
}

public sealed class PairedCase
{
    public required string Name { get; init; }
    public required string Method { get; init; }
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    public required string Alternative { get; init; }
    public required string NanPolicy { get; init; }
    public Dictionary<string, JsonElement> Options { get; init; } = [];
    public string? Scipy { get; init; }
    public required double Statistic { get; init; }
    public required double Pvalue { get; init; }
    public CiCase? Ci { get; init; }

    public override string ToString() => $"{Name} [{Method}, {Alternative}, {NanPolicy}, n={X.Length}]";
}

public sealed class CiCase
{
    public required double Level { get; init; }
    public required double Low { get; init; }
    public required double High { get; init; }
}

public sealed class MatrixCase
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required double[][] A { get; init; }
    public double[][]? B { get; init; }
    public required double[][] Expected { get; init; }
}

public sealed class SpecialCase
{
    public required string Function { get; init; }
    public double Df { get; init; }
    public double T { get; init; }
    public double N { get; init; }
    public double R { get; init; }
    public double Z { get; init; }
    [JsonPropertyName("scipy")] public required double ScipyValue { get; init; }
    public required double Mpmath { get; init; }
}
