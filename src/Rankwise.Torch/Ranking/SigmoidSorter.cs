using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

/// <summary>
/// Module form of <see cref="functional.sigmoid_rank"/>: SoDeep's handcrafted sorter (Engilberge et al., CVPR 2019),
/// rank_i = 1 + Σ_{j≠i} σ(λ(y_i − y_j)) along the last dimension, λ fixed or scale-adaptive, computed in chunks.
/// No parameters or buffers; device-agnostic.
/// </summary>
public sealed class SigmoidSorter : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; arguments are validated here, as in <see cref="functional.sigmoid_rank"/>.</summary>
    /// <param name="steepness">Fixed λ &gt; 0, or null (default) for λ = c / RMS of the pairwise differences per row.</param>
    /// <param name="adaptive_constant">c of the adaptive λ. Default 6.8 (SoDeep).</param>
    /// <param name="descending">False (default): rank ≈ 1 for the smallest value.</param>
    /// <param name="normalize">Divide the ranks by n. Default false.</param>
    /// <param name="chunk_size">Rows of the comparison matrix per chunk; 0 (default) is automatic.</param>
    /// <exception cref="ArgumentException">Invalid steepness, constant or chunk size.</exception>
    public SigmoidSorter(
        double? steepness = null, double adaptive_constant = 6.8, bool descending = false, bool normalize = false,
        long chunk_size = 0)
        : base(nameof(SigmoidSorter))
    {
        functional.CheckSigmoidOptions(steepness, adaptive_constant, chunk_size);
        Steepness = steepness;
        AdaptiveConstant = adaptive_constant;
        Descending = descending;
        Normalize = normalize;
        ChunkSize = chunk_size;
    }

    /// <summary>Fixed λ, or null for the adaptive one.</summary>
    public double? Steepness { get; }

    /// <summary>c of the adaptive λ.</summary>
    public double AdaptiveConstant { get; }

    /// <summary>Whether rank ≈ 1 is the largest value.</summary>
    public bool Descending { get; }

    /// <summary>Whether ranks are divided by n.</summary>
    public bool Normalize { get; }

    /// <summary>Rows of the comparison matrix per chunk (0 = automatic).</summary>
    public long ChunkSize { get; }

    /// <summary>Sigmoid ranks of <paramref name="values"/> ([..., n], float32/float64), same shape, dtype and device.</summary>
    /// <param name="values">Values to rank.</param>
    /// <returns>Ranks.</returns>
    public override Tensor forward(Tensor values) =>
        functional.sigmoid_rank(values, Steepness, AdaptiveConstant, Descending, Normalize, ChunkSize);
}
