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
        using var npy = OpenNpy(source);
        return Finish<T>(npy is null ? TensorConversions.ToTensor(ArrayReader.ReadMatrix<T>(source)) : ReadNpy<T>(npy), source);
    }

    /// <summary>
    /// As <see cref="ReadFinite{T}(string)"/>, in float32 when <paramref name="source"/> is a plain <c>.npy</c> file whose
    /// values float32 holds exactly (float16/32, bool, 8- and 16-bit integers: half the memory of float64), else in float64.
    /// </summary>
    public static Tensor ReadFiniteKeepingSingle(string source)
    {
        using var npy = OpenNpy(source);
        if (npy is null)
            return Finish<double>(TensorConversions.ToTensor(ArrayReader.ReadMatrix<double>(source)), source);
        char kind = npy.DType.Length > 1 ? npy.DType[1] : '?';
        bool single = kind switch { 'f' => npy.ItemSize <= 4, 'i' or 'u' => npy.ItemSize <= 2, 'b' => true, _ => false };
        return single ? Finish<float>(ReadNpy<float>(npy), source) : Finish<double>(ReadNpy<double>(npy), source);
    }

    /// <summary>Refuses non-finite values (disposing <paramref name="t"/>) and moves the tensor to the default device.</summary>
    private static Tensor Finish<T>(Tensor t, string source) where T : unmanaged, IFloatingPointIeee754<T>
    {
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

    /// <summary>Rows per span over a CPU tensor's memory (spans hold at most 2³¹ − 1 bytes; 1 GiB views).</summary>
    private static int RowsPerView(long rows, long rowBytes) => (int)Math.Clamp((1L << 30) / Math.Max(1L, rowBytes), 1, Math.Max(1, rows));

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
        int chunk = RowsPerView(rows, t.numel() / Math.Max(1L, rows) * Marshal.SizeOf<T>());
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

    /// <summary>The row source of a plain .npy <paramref name="source"/>; null for other sources, or when the file does not
    /// open as a row source (the general reader then reports the problem).</summary>
    private static NpyRowSource? OpenNpy(string source)
    {
        var selector = ArraySelector.Parse(source);
        if (selector.Name is not null || !File.Exists(selector.Path) || ArrayReader.DetectFormat(selector.Path) != ArrayFormat.Npy)
            return null;
        try
        {
            return NpyRowSource.Open(selector.Path);
        }
        catch (RankwiseInputException)
        {
            return null;
        }
    }

    /// <summary>All rows of <paramref name="npy"/> in a new CPU tensor of <typeparamref name="T"/>.</summary>
    private static Tensor ReadNpy<T>(NpyRowSource npy) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var type = typeof(T) == typeof(float) ? ScalarType.Float32 : ScalarType.Float64;
        var t = empty([npy.Rows, npy.Columns], type, device: CPU);
        try
        {
            int chunk = RowsPerView(npy.Rows, (long)npy.Columns * Marshal.SizeOf<T>());
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
