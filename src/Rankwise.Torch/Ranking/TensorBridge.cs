using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

/// <summary>
/// Moves float32/float64 tensor data to and from managed <see cref="double"/> arrays through the CPU, for the
/// solvers that run in C#. The device and dtype of the caller's tensors are never assumed.
/// </summary>
internal static class TensorBridge
{
    /// <summary>Row-major copy of <paramref name="tensor"/> (float32 or float64, any device), widened to double.</summary>
    public static double[] ToDoubleArray(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach();
        if (cpu.device_type != DeviceType.CPU)
        {
            cpu = cpu.cpu();
        }
        cpu = cpu.contiguous();
        var result = GC.AllocateUninitializedArray<double>(checked((int)cpu.numel()));
        if (cpu.dtype == ScalarType.Float64)
        {
            MemoryMarshal.Cast<byte, double>(cpu.bytes).CopyTo(result);
        }
        else if (cpu.dtype == ScalarType.Float32)
        {
            ReadOnlySpan<float> source = MemoryMarshal.Cast<byte, float>(cpu.bytes);
            for (int i = 0; i < source.Length; i++)
            {
                result[i] = source[i];
            }
        }
        else
        {
            throw new ArgumentException($"tensor: dtype {cpu.dtype} is not supported; use float32 or float64.");
        }
        return result;
    }

    /// <summary>A new tensor of <paramref name="shape"/>, <paramref name="dtype"/> on <paramref name="device"/> holding <paramref name="data"/>.</summary>
    public static Tensor FromDoubleArray(double[] data, long[] shape, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var cpu = empty(shape, dtype, CPU);
        if (dtype == ScalarType.Float64)
        {
            data.AsSpan().CopyTo(MemoryMarshal.Cast<byte, double>(cpu.bytes));
        }
        else if (dtype == ScalarType.Float32)
        {
            Span<float> target = MemoryMarshal.Cast<byte, float>(cpu.bytes);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = (float)data[i];
            }
        }
        else
        {
            throw new ArgumentException($"dtype: {dtype} is not supported; use float32 or float64.");
        }
        var result = device.type == DeviceType.CPU ? cpu : cpu.to(device);
        return result.MoveToOuterDisposeScope();
    }
}
