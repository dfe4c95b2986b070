using Rankwise.IO;
using Rankwise.Torch;
using static TorchSharp.torch;

namespace Rankwise.Cli.Infrastructure;

/// <summary>Reads a representation [n, d] for the Torch layer, with the checks every command makes.</summary>
internal static class TensorInput
{
    /// <summary>
    /// A float32 [n, d] tensor from <paramref name="source"/> (any array selector). With <paramref name="rows"/>, the
    /// file must have that many rows (the same items as <paramref name="other"/>); NaN or ±∞ is an input error.
    /// </summary>
    public static Tensor ReadFinite(string source, int? rows = null, string? other = null)
    {
        var matrix = ArrayReader.ReadMatrix<float>(source);
        if (rows is int n && matrix.Rows != n)
            throw new RankwiseInputException(source, $"has {matrix.Rows} rows but {other} has {n}; rows must be the same items");
        foreach (var value in matrix.Data)
            if (!float.IsFinite(value))
                throw new RankwiseInputException(source, "contains NaN or infinite values");
        return TensorConversions.ToTensor(matrix);
    }
}
