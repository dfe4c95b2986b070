using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch;

/// <summary>Copies between the managed <see cref="Matrix{T}"/> and TorchSharp tensors.</summary>
public static class TensorConversions
{
    /// <summary>
    /// A new tensor [rows, columns] holding a copy of <paramref name="matrix"/> (float32 for <c>Matrix&lt;float&gt;</c>,
    /// float64 for <c>Matrix&lt;double&gt;</c>). Later changes to the matrix do not affect the tensor. Labels are not carried.
    /// </summary>
    /// <param name="matrix">The source matrix.</param>
    /// <param name="device">Target device; null for <see cref="TorchInfo.DefaultDevice"/> (CUDA when available, else CPU).</param>
    /// <exception cref="NotSupportedException">T is neither float nor double.</exception>
    public static Tensor ToTensor<T>(Matrix<T> matrix, Device? device = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        device ??= TorchInfo.DefaultDevice;
        long[] shape = [matrix.Rows, matrix.Columns];
        if (typeof(T) == typeof(double))
            return tensor((double[])(object)matrix.Data, shape, device: device);
        if (typeof(T) == typeof(float))
            return tensor((float[])(object)matrix.Data, shape, device: device);
        throw new NotSupportedException($"ToTensor: Matrix<{typeof(T).Name}> is not supported; use float or double");
    }

    /// <summary>
    /// A new <see cref="Matrix{T}"/> with a copy of a 2-D tensor's values (converted to T's precision and copied to the host;
    /// a 1-D tensor becomes one column). The tensor is not modified or disposed.
    /// </summary>
    /// <param name="source">A 1-D or 2-D real tensor on any device.</param>
    /// <param name="rowLabels">Optional row labels for the result.</param>
    /// <param name="columnNames">Optional column names for the result.</param>
    /// <exception cref="ArgumentException">The tensor has more than 2 dimensions or is complex.</exception>
    /// <exception cref="NotSupportedException">T is neither float nor double.</exception>
    public static Matrix<T> ToMatrix<T>(Tensor source, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnNames = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.ndim is < 1 or > 2)
            throw new ArgumentException($"ToMatrix: the tensor must be 1-D or 2-D, got shape [{string.Join(", ", source.shape)}]", nameof(source));
        if (source.is_complex())
            throw new ArgumentException($"ToMatrix: complex tensors ({source.dtype}) cannot be converted to a real matrix", nameof(source));
        ScalarType dtype = typeof(T) == typeof(double) ? ScalarType.Float64
            : typeof(T) == typeof(float) ? ScalarType.Float32
            : throw new NotSupportedException($"ToMatrix: Matrix<{typeof(T).Name}> is not supported; use float or double");
        int rows = checked((int)source.shape[0]);
        int columns = source.ndim == 2 ? checked((int)source.shape[1]) : 1;
        using var scope = NewDisposeScope();
        var host = source.detach().to_type(dtype).cpu().contiguous();
        T[] data = host.numel() == 0 ? [] : host.data<T>().ToArray();
        return new Matrix<T>(rows, columns, data, rowLabels, columnNames);
    }
}
