using Rankwise.Torch.Comparison;
using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>
/// A cancelled comparison stops: before any measure, and inside the long condensed computations (RSA, RBF CKA build
/// n(n−1)/2 values in row blocks) rather than after them.
/// </summary>
public class CancellationTests
{
    [Fact]
    public void ACancelledTokenStopsBeforeAnyMeasure()
    {
        using var g = new Generator(1);
        using var x = SimilarityTestData.Randn(50, 4, g);
        using var y = SimilarityTestData.Randn(50, 3, g);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var pair = new PairComparison(x, y, cancellationToken: cts.Token);
        Assert.Throws<OperationCanceledException>(() => pair.Compute("cka-linear"));
        Assert.Throws<OperationCanceledException>(() => RunComparison.Compare([x, x], [y, y], "cka-linear", cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("cka-rbf")]
    public void CancellationReachesTheRowBlocksOfCondensedMeasures(string measure)
    {
        // n = 3,000: several row blocks per representation. The token is cancelled when the second block starts, so a
        // computation that ran to its end would mean the blocks never looked at the token.
        using var g = new Generator(2);
        using var x = SimilarityTestData.Randn(3000, 8, g);
        using var y = SimilarityTestData.Randn(3000, 8, g);
        Assert.True(CondensedProducts.BlockRows(3000) < 3000 / 2);
        using var cts = new CancellationTokenSource();
        using var pair = new PairComparison(x, y, cancellationToken: cts.Token);
        var blocksStarted = new List<int>();
        CondensedProducts.BlockStarting.Value = r0 =>
        {
            blocksStarted.Add(r0);
            if (blocksStarted.Count == 2)
                cts.Cancel();
        };
        try
        {
            Assert.Throws<OperationCanceledException>(() => pair.Compute(measure));
        }
        finally
        {
            CondensedProducts.BlockStarting.Value = null;
        }
        Assert.Equal(2, blocksStarted.Count);   // stopped at the block after the cancellation, not after all of them
    }

    [Fact]
    public void WithoutCancellationTheCondensedMeasuresRunEveryBlock()
    {
        using var g = new Generator(3);
        using var x = SimilarityTestData.Randn(3000, 8, g);
        using var y = SimilarityTestData.Randn(3000, 8, g);
        using var pair = new PairComparison(x, y);
        int blocks = 0;
        CondensedProducts.BlockStarting.Value = _ => blocks++;
        try
        {
            Assert.True(double.IsFinite(pair.Compute("rsa").Value));
        }
        finally
        {
            CondensedProducts.BlockStarting.Value = null;
        }
        int perRepresentation = (3000 - 1 + CondensedProducts.BlockRows(3000) - 1) / CondensedProducts.BlockRows(3000);
        Assert.Equal(2 * perRepresentation, blocks);
    }
}
