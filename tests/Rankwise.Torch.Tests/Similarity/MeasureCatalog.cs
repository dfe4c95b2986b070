using Rankwise.Torch.Similarity;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>One configured instance of every measure class, for tests that sweep all of them.</summary>
public static class MeasureCatalog
{
    public static IReadOnlyList<IRepresentationMeasure> All { get; } =
    [
        new LinearCka(),
        new LinearCka(LinearCkaForm.Gram),
        new LinearCka(debiased: true),
        new RbfCka(),
        new RbfCka(debiased: true),
        new RbfCka(sigma: 2.0),
        new Cca(),
        new Cca(CcaStatistic.R2),
        new Cca(epsilon: 0.1),
        new Svcca(),
        new Svcca(dimensions: 3),
        new Pwcca(),
        new ShapeMetric(),
        new ShapeMetric(0.5, ShapeMetricScore.Euclidean),
        new ShapeMetric(0.0),
        new Rsa(),
        new Rsa(RdmMetric.Euclidean, RdmComparison.KendallTauB),
        new Rsa(RdmMetric.Cosine, RdmComparison.Pearson),
        new MeanMaxCorrelation(),
        new MeanMaxCorrelation(UnitCorrelation.Spearman),
        new UnitMatching(SubsetDpAssignment.Solve),
        new UnitMatching(SubsetDpAssignment.Solve, UnitCorrelation.Spearman),
    ];

    public static IEnumerable<object[]> Indices => Enumerable.Range(0, All.Count).Select(i => new object[] { i });
}
