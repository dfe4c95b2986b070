namespace Rankwise.Torch.Tests;

/// <summary>
/// Tests that seed libtorch's process-wide generator (<c>torch.manual_seed</c>, directly or through a trainer) and then
/// assert exact, run-to-run identical numbers. xunit runs other test classes in parallel, and any of them drawing from
/// the same global generator (<c>torch.randn</c> without a generator, dropout) would interleave with the seeded
/// sequence; this collection runs on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchRandom
{
    /// <summary>The collection name.</summary>
    public const string Name = "global torch random";
}
