using System.Runtime.Intrinsics;
using Rankwise.Inference;

namespace Rankwise.Tests.Inference;

public class ResampleRandomLanesTests
{
    [Theory]
    [InlineData(0UL, 0UL, 1)]
    [InlineData(7UL, 16UL, 2)]
    [InlineData(123456789UL, 9984UL, 100_000)]
    [InlineData(ulong.MaxValue, 3UL, int.MaxValue)]
    public void EveryLaneDrawsWhatTheScalarStreamDraws(ulong seed, ulong first, int bound)
    {
        if (!ResampleRandomLanes.IsSupported)
            return;   // the engine uses the scalar generator on this machine; nothing to compare
        var lanes = new ResampleRandomLanes(seed, first);
        var scalar = Enumerable.Range(0, ResampleRandomLanes.Count).Select(j => new ResampleRandom(seed, first + (ulong)j)).ToArray();
        var vectorBound = Vector512.Create((ulong)bound);
        uint suspect = 0;
        for (int step = 0; step < 5000; step++)
        {
            var drawn = lanes.NextInts(vectorBound, ref suspect);
            for (int j = 0; j < ResampleRandomLanes.Count; j++)
                Assert.Equal((ulong)scalar[j].NextInt(bound), drawn[j]);
        }
        // Lemire's rejection zone has probability bound / 2^64 per draw: never reached in these draws.
        Assert.Equal(0u, suspect);
    }
}
