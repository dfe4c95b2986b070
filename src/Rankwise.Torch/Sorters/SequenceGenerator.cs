namespace Rankwise.Torch.Sorters;

/// <summary>
/// The synthetic sequence families a learned sorter is trained and evaluated on (SoDeep, Engilberge et al., CVPR 2019,
/// section 3.2). See <see cref="SyntheticSequences"/> for the exact definitions.
/// </summary>
public enum SequenceGenerator
{
    /// <summary>Independent draws, uniform on [−1, 1).</summary>
    Uniform,

    /// <summary>Independent standard normal draws.</summary>
    Normal,

    /// <summary>Evenly spaced points spanning a random sub-range of [−1, 1], sorted (either direction) or shuffled.</summary>
    EvenlySpaced,

    /// <summary>Two of the other three families, concatenated at a random split point.</summary>
    Concatenated,
}
