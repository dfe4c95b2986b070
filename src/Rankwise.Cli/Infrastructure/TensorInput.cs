using System.Numerics;
using System.Runtime.InteropServices;
using Rankwise.IO;
using Rankwise.Torch;
using static TorchSharp.torch;

namespace Rankwise.Cli.Infrastructure;

/// <summary>Reads representation files into tensors, refusing non-finite values.</summary>
internal static class TensorInput
{
    /// <summary>
    /// A float32 [n, d] tensor from <paramref name="source"/> (any array selector). With <paramref name="rows"/>, the
    /// file must have that many rows (the same items as <paramref name="other"/>); NaN or ±∞ is an input error.
    /// </summary>
    public static Tensor ReadFinite(string source, int? rows = null, string? other = null)
    {
        var t = ReadFinite<float>(source);
        if (rows is int n && t.shape[0] != n)
        {
            long got = t.shape[0];
            t.Dispose();
            throw new RankwiseInputException(source, $"has {got} rows but {other} has {n}; rows must be the same items");
        }
        return t;
    }

    /// <summary>
    /// The array in <paramref name="source"/> as a new [rows, columns] tensor of <typeparamref name="T"/> (float32 or
    /// float64) on <see cref="TorchInfo.DefaultDevice"/>; NaN or ±∞ is an input error. A plain <c>.npy</c> file is read
    /// straight into the tensor's memory (one copy from the memory-mapped file, converting the stored type); other formats
    /// go through <see cref="ArrayReader"/>.
    /// </summary>
    public static Tensor ReadFinite<T>(string source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = ReadNpy<T>(source) ?? TensorConversions.ToTensor(ArrayReader.ReadMatrix<T>(source));
        if (!AllFinite<T>(t))
        {
            t.Dispose();
            throw new RankwiseInputException(source, "contains NaN or infinite values");
        }
        var device = TorchInfo.DefaultDevice;
        if (t.device.type == device.type)
            return t;
        var moved = t.to(device);
        t.Dispose();
        return moved;
    }

    /// <summary>Whether every element of <paramref name="t"/> is finite (a CPU tensor is scanned in place: x·0 is 0 for
    /// finite x and NaN for NaN or ±∞).</summary>
    private static bool AllFinite<T>(Tensor t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (t.device.type != TorchSharp.DeviceType.CPU || !t.is_contiguous())
        {
            using var flags = t.isfinite();
            using var all = flags.all();
            return all.item<bool>();
        }
        long rows = t.shape[0];
        long rowBytes = Math.Max(1L, t.numel() / Math.Max(1L, rows) * Marshal.SizeOf<T>());
        int chunk = (int)Math.Clamp((1L << 30) / rowBytes, 1, Math.Max(1, rows));
        for (long r0 = 0; r0 < rows; r0 += chunk)
        {
            using var view = t.narrow(0, r0, Math.Min(chunk, rows - r0));
            ReadOnlySpan<T> values = MemoryMarshal.Cast<byte, T>(view.bytes);
            var acc = Vector<T>.Zero;
            int i = 0;
            for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
                acc += new Vector<T>(values.Slice(i, Vector<T>.Count)) * Vector<T>.Zero;
            if (!Vector.EqualsAll(acc, Vector<T>.Zero))
                return false;
            for (; i < values.Length; i++)
                if (!T.IsFinite(values[i]))
                    return false;
        }
        return true;
    }

    /// <summary>A plain .npy file read into a new CPU tensor; null for other sources, or when the file does not open as a
    /// row source (the general reader then reports the problem).</summary>
    private static Tensor? ReadNpy<T>(string source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var selector = ArraySelector.Parse(source);
        if (selector.Name is not null || !File.Exists(selector.Path) || ArrayReader.DetectFormat(selector.Path) != ArrayFormat.Npy)
            return null;
        NpyRowSource npy;
        try
        {
            npy = NpyRowSource.Open(selector.Path);
        }
        catch (RankwiseInputException)
        {
            return null;
        }
        using (npy)
        {
            var type = typeof(T) == typeof(float) ? ScalarType.Float32 : ScalarType.Float64;
            var t = empty([npy.Rows, npy.Columns], type, device: CPU);
            try
            {
                long rowBytes = Math.Max(1L, (long)npy.Columns * Marshal.SizeOf<T>());
                int chunk = (int)Math.Clamp((1L << 30) / rowBytes, 1, Math.Max(1, npy.Rows));
                for (long r0 = 0; r0 < npy.Rows; r0 += chunk)
                {
                    int count = (int)Math.Min(chunk, npy.Rows - r0);
                    using var view = t.narrow(0, r0, count);
                    npy.ReadRows(r0, count, MemoryMarshal.Cast<byte, T>(view.bytes));
                }
                return t;
            }
            catch
            {
                t.Dispose();
                throw;
            }
        }
    }
}
