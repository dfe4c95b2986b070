using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// A measure that compares two representations of the same n stimuli: x [n, d_x] and y [n, d_y]
/// (rows are stimuli in the same order in both; the widths may differ).
/// Implementations are immutable option holders and safe to share between threads.
/// </summary>
public interface IRepresentationMeasure
{
    /// <summary>Short identifier including non-default options, e.g. <c>linear_cka</c> or <c>rbf_cka(threshold=0.5)</c>.</summary>
    string Name { get; }

    /// <summary>True for distances (0 = identical up to the measure's invariances), false for similarities (higher = more similar).</summary>
    bool IsDistance { get; }

    /// <summary>Compares <paramref name="x"/> [n, d_x] with <paramref name="y"/> [n, d_y] (same device, float32 or float64).</summary>
    /// <returns>The measure's value; NaN when it is undefined (see the implementing class).</returns>
    double Compute(Tensor x, Tensor y);
}
