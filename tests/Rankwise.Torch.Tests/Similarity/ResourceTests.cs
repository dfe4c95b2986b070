using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>Every measure releases all the native tensors it creates (TorchSharp dispose-scope statistics).</summary>
public class ResourceTests
{
    [Fact]
    public void MeasuresLeaveNoLiveTensorsBehind()
    {
        using var g = new Generator(41);
        using var x = SimilarityTestData.Randn(40, 6, g);
        using var y = SimilarityTestData.Randn(40, 9, g);
        using var x32 = x.to_type(ScalarType.Float32);
        // Warm up (lazy initialisation inside TorchSharp must not count as a leak).
        foreach (var m in MeasureCatalog.All) m.Compute(x, y);

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        foreach (var m in MeasureCatalog.All)
        {
            m.Compute(x, y);
            m.Compute(x32, y);
        }
        new Cca().ComputeDetailed(x, y);
        new Svcca().ComputeDetailed(x, y);
        new Pwcca().ComputeDetailed(x, y);
        new ShapeMetric(0.5).ComputeDetailed(x, y);
        var acc = new MinibatchCka();
        acc.Update(x, y);
        acc.Update(x32, y);
        F.minibatch_cka([(x, y), (x, y)]);
        F.cross_correlation(x, y, UnitCorrelation.Spearman).Dispose();
        F.rdm(x).Dispose();
        using (var rdmX = F.rdm(x, RdmMetric.Euclidean))
        using (var rdmY = F.rdm(y, RdmMetric.Euclidean))
            F.compare_rdms(rdmX, rdmY, RdmComparison.KendallTauB);
        using (var withNaN = x.clone())
        using (var nan = tensor(double.NaN))
        {
            withNaN[0, 0] = nan;
            foreach (var m in MeasureCatalog.All) m.Compute(withNaN, y);
        }
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(before, after);
    }

    [Fact]
    public void ReturnedTensorsSurviveTheCallersScopeRules()
    {
        using var g = new Generator(42);
        using var x = SimilarityTestData.Randn(12, 3, g);
        Tensor kept;
        using (var scope = NewDisposeScope())
        {
            var c = F.cross_correlation(x, x);
            kept = c.MoveToOuterDisposeScope();
        }
        using (kept)
            Assert.Equal(1.0, kept[0, 0].item<double>(), 1e-15);
    }
}
