using Rankwise.Assignment;
using Rankwise.Torch.Similarity;
using static TorchSharp.torch;

namespace Rankwise.Torch.Comparison;

/// <summary>Options shared by the named measures of <see cref="MeasureCatalog"/>.</summary>
/// <param name="Alpha">Shape-metric α ∈ [0, 1] (1 = Procrustes, 0 = CCA-like); default 1.</param>
/// <param name="RbfThreshold">RBF CKA bandwidth as a fraction of the median pairwise distance; default 0.5 (Kornblith et al.).</param>
/// <param name="UnitCorrelation">Unit correlation for the matching measures; default Pearson.</param>
/// <param name="RdmMetric">RSA dissimilarity; default correlation distance.</param>
/// <param name="RdmComparison">RSA comparison of RDMs; default Spearman.</param>
/// <param name="CkaPrecision">Products of <c>cka-linear</c> for two float32 inputs: <see cref="CkaPrecision.Auto"/>
/// (default; float32 block products summed in float64) or <see cref="CkaPrecision.Float64"/>.</param>
public sealed record MeasureSettings(
    double Alpha = 1.0,
    double RbfThreshold = 0.5,
    UnitCorrelation UnitCorrelation = UnitCorrelation.Pearson,
    RdmMetric RdmMetric = RdmMetric.Correlation,
    RdmComparison RdmComparison = RdmComparison.Spearman,
    CkaPrecision CkaPrecision = CkaPrecision.Auto)
{
    /// <summary>The defaults.</summary>
    public static MeasureSettings Default { get; } = new();
}

/// <summary>A named measure's value and, where the measure has one, its detail record.</summary>
/// <param name="Name">The catalog name (e.g. <c>cka-linear</c>).</param>
/// <param name="Value">The value (NaN when undefined).</param>
/// <param name="IsDistance">True when lower means more alike.</param>
/// <param name="Detail">Detail record: <see cref="CcaResult"/>, <see cref="SvccaResult"/>, <see cref="PwccaResult"/>,
/// <see cref="ShapeMetricResult"/> or <see cref="UnitMatchingResult"/>; null otherwise.</param>
public sealed record MeasureValue(string Name, double Value, bool IsDistance, object? Detail = null);

/// <summary>
/// The representation-comparison measures by their command-line names, so the CLI and the reference protocol can
/// select them by name: <c>cka-linear</c>, <c>cka-rbf</c>, <c>cka-debiased</c>, <c>cca-mean</c>, <c>r2cca</c>,
/// <c>svcca</c>, <c>pwcca</c>, <c>procrustes</c>, <c>shape</c>, <c>rsa</c>, <c>match-hungarian</c>, <c>match-max</c>.
/// </summary>
public static class MeasureCatalog
{
    /// <summary>Every measure name, in the order <c>all</c> expands to.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["cka-linear", "cka-rbf", "cka-debiased", "cca-mean", "r2cca", "svcca", "pwcca", "procrustes", "shape", "rsa", "match-hungarian", "match-max"];

    /// <summary>Parses a comma-separated list of names (or <c>all</c>); duplicates are removed, order kept.</summary>
    /// <exception cref="ArgumentException">An unknown name (the message suggests the closest known one).</exception>
    public static IReadOnlyList<string> Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var result = new List<string>();
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.ToLowerInvariant();
            if (name == "all")
            {
                result.AddRange(Names);
                continue;
            }
            if (!Names.Contains(name))
                throw new ArgumentException($"unknown measure '{raw}' (did you mean '{Closest(name)}'? known: {string.Join(", ", Names)}, all)");
            result.Add(name);
        }
        if (result.Count == 0)
            throw new ArgumentException("no measure given");
        return result.Distinct().ToList();
    }

    /// <summary>The measure object for <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name or invalid settings.</exception>
    public static IRepresentationMeasure Create(string name, MeasureSettings? settings = null)
    {
        settings ??= MeasureSettings.Default;
        return name switch
        {
            "cka-linear" => new LinearCka(precision: settings.CkaPrecision),
            "cka-rbf" => new RbfCka(settings.RbfThreshold),
            "cka-debiased" => new LinearCka(debiased: true),
            "cca-mean" => new Cca(CcaStatistic.Mean),
            "r2cca" => new Cca(CcaStatistic.R2),
            "svcca" => new Svcca(),
            "pwcca" => new Pwcca(),
            "procrustes" => new ShapeMetric(1.0, ShapeMetricScore.Angular),
            "shape" => new ShapeMetric(settings.Alpha, ShapeMetricScore.Angular),
            "rsa" => new Rsa(settings.RdmMetric, settings.RdmComparison),
            "match-hungarian" => new UnitMatching(Solve, settings.UnitCorrelation),
            "match-max" => new MeanMaxCorrelation(settings.UnitCorrelation),
            _ => throw new ArgumentException($"unknown measure '{name}' (did you mean '{Closest(name)}'?)"),
        };
    }

    /// <summary>Computes one named measure, with its detail record where it has one.</summary>
    /// <param name="name">A name from <see cref="Names"/>.</param>
    /// <param name="x">First representation [n, d_x].</param>
    /// <param name="y">Second representation [n, d_y] on the same device.</param>
    /// <param name="settings">Measure options.</param>
    /// <remarks>To compute several measures of one pair, use a <see cref="PairComparison"/>: it shares the
    /// decompositions the measures have in common.</remarks>
    public static MeasureValue Compute(string name, Tensor x, Tensor y, MeasureSettings? settings = null)
    {
        using var pair = new PairComparison(x, y, settings);
        return pair.Compute(name);
    }

    /// <summary>The core library's linear assignment solver in the delegate form <see cref="UnitMatching"/> takes.</summary>
    public static (int[] rows, int[] cols) Solve(double[,] scores, bool maximize)
    {
        var result = LinearAssignment.Solve(scores, maximize);
        return (result.Rows, result.Columns);
    }

    private static string Closest(string name) => NameSuggestions.Closest(name, Names) ?? Names[0];
}
