using Rankwise.Torch.Losses;
using Rankwise.Torch.Tests.Ranking;
using TorchSharp;
using static TorchSharp.torch;
using static Rankwise.Torch.Tests.Ranking.SoftRankReference;
using F = Rankwise.Torch.Losses.functional;

namespace Rankwise.Torch.Tests.Losses;

/// <summary>Loss values against the numpy reference (make_softrank_reference.py), l2 and kl, to 1e-12 (float64).</summary>
public class LossReferenceTests
{
    private const double Tolerance = 1e-12;

    private static (string Reg, double Eps) Regularization(System.Text.Json.JsonElement c) =>
        (c.GetProperty("regularization").GetString()!, c.GetProperty("regularization_strength").GetDouble());

    [Fact]
    public void SpearmanLossPerRowAndReductions()
    {
        var cases = SoftRankReference.LossCases("spearman").ToList();
        Assert.Equal(4, cases.Count);
        foreach (var c in cases)
        {
            using var scope = NewDisposeScope();
            var (reg, eps) = Regularization(c);
            long[] shape = c.Longs("shape");
            var pred = c.Tensor("pred", shape);
            var target = c.Tensor("target", shape);
            double[] expected = c.Doubles("per_row");
            AssertClose(expected, F.spearman_loss(pred, target, reg, eps, nn.Reduction.None).ToDoubles(), Tolerance, "spearman " + c.Describe());
            Assert.Equal(expected.Average(), F.spearman_loss(pred, target, reg, eps).item<double>(), 11);
            Assert.Equal(expected.Sum(), F.spearman_loss(pred, target, reg, eps, nn.Reduction.Sum).item<double>(), 11);
            using var module = new SpearmanLoss(reg, eps, nn.Reduction.None);
            AssertClose(expected, module.call(pred, target).ToDoubles(), Tolerance, "SpearmanLoss module");
        }
    }

    [Fact]
    public void SoftSpearmanCorrelationAndLoss()
    {
        var cases = SoftRankReference.LossCases("soft_spearman").ToList();
        Assert.Equal(8, cases.Count);
        foreach (var c in cases)
        {
            using var scope = NewDisposeScope();
            var (reg, eps) = Regularization(c);
            bool exact = c.GetProperty("exact_target_ranks").GetBoolean();
            long[] shape = c.Longs("shape");
            var pred = c.Tensor("pred", shape);
            var target = c.Tensor("target", shape);
            double[] rho = c.Doubles("rho");
            AssertClose(rho, F.soft_spearmanr(pred, target, reg, eps, exact).ToDoubles(), Tolerance, "soft_spearmanr " + c.Describe());
            AssertClose(rho.Select(r => 1 - r).ToArray(),
                F.soft_spearman_loss(pred, target, reg, eps, exact, nn.Reduction.None).ToDoubles(), Tolerance, "soft_spearman_loss");
            using var module = new SoftSpearmanLoss(reg, eps, exact);
            Assert.Equal(rho.Average(r => 1 - r), module.call(pred, target).item<double>(), 12);
        }
    }

    [Fact]
    public void MapRankingLossPerClassAndMean()
    {
        var cases = SoftRankReference.LossCases("map").ToList();
        Assert.Equal(4, cases.Count);
        foreach (var c in cases)
        {
            using var scope = NewDisposeScope();
            var (reg, eps) = Regularization(c);
            long[] shape = c.Longs("shape");
            var scores = c.Tensor("scores", shape);
            var labels = c.Tensor("labels", shape);
            double[] perClass = c.Doubles("per_class");
            AssertClose(perClass, F.map_ranking_loss(scores, labels, reg, eps, nn.Reduction.None).ToDoubles(), Tolerance, "map " + c.Describe());
            // class 2 has no positives: left out of the mean
            Assert.Equal(0.0, perClass[2]);
            double[] labelValues = c.Doubles("labels");
            int classes = (int)shape[1];
            int withPositives = Enumerable.Range(0, classes).Count(k => Enumerable.Range(0, (int)shape[0]).Any(i => labelValues[i * classes + k] > 0));
            double expectedMean = perClass.Sum() / withPositives;
            Assert.Equal(expectedMean, F.map_ranking_loss(scores, labels, reg, eps).item<double>(), 12);
            Assert.Equal(perClass.Sum(), F.map_ranking_loss(scores, labels, reg, eps, nn.Reduction.Sum).item<double>(), 12);
            using var module = new MapRankingLoss(reg, eps);
            Assert.Equal(expectedMean, module.call(scores, labels.gt(0)).item<double>(), 12);
        }
    }

    [Fact]
    public void RecallLossRowsColumnsAndRectangular()
    {
        var cases = SoftRankReference.LossCases("recall").ToList();
        Assert.Equal(4, cases.Count);
        foreach (var c in cases)
        {
            using var scope = NewDisposeScope();
            var (reg, eps) = Regularization(c);
            double margin = c.GetProperty("margin").GetDouble();
            var square = c.Tensor("square", c.Longs("square_shape"));
            double[] rows = c.Doubles("square_rows"), columns = c.Doubles("square_columns");
            AssertClose(rows, F.recall_loss(square, null, margin, false, reg, eps, nn.Reduction.None).ToDoubles(), Tolerance, "rows " + c.Describe());
            AssertClose(rows.Concat(columns).ToArray(),
                F.recall_loss(square, null, margin, true, reg, eps, nn.Reduction.None).ToDoubles(), Tolerance, "both directions");
            Assert.Equal(rows.Concat(columns).Average(), F.recall_loss(square, null, margin, true, reg, eps).item<double>(), 12);

            var rect = c.Tensor("rect", c.Longs("rect_shape"));
            var positives = tensor(c.Longs("rect_positives"));
            AssertClose(c.Doubles("rect_rows"), F.recall_loss(rect, positives, margin, false, reg, eps, nn.Reduction.None).ToDoubles(), Tolerance, "rectangular");

            using var module = new RecallLoss(margin, both_directions: true, reg, eps, nn.Reduction.Sum);
            Assert.Equal(rows.Sum() + columns.Sum(), module.forward(square).item<double>(), 12);
            Assert.Equal(c.Doubles("rect_rows").Sum(), module.call(rect, positives).item<double>(), 12);
        }
    }
}
