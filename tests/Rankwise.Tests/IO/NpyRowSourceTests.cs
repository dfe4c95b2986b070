using System.Buffers.Binary;
using System.Text;
using Rankwise.IO;

namespace Rankwise.Tests.IO;

/// <summary>
/// <see cref="NpyRowSource"/> against <see cref="NpyReader"/> (itself tested against numpy's files): every dtype,
/// byte order and layout, every row range of small arrays; header lies and truncation.
/// </summary>
public class NpyRowSourceTests
{
    /// <summary>Writes a .npy file with a hand-made header (version 1.0), like numpy.lib.format.write_array.</summary>
    internal static string WriteRaw(TempDir dir, string name, string descr, bool fortran, string shape, byte[] data, int major = 1)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        using var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        if (major == 1)
        {
            var len = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            ms.Write(len);
        }
        else
        {
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
            ms.Write(len);
        }
        ms.Write(Encoding.Latin1.GetBytes(header));
        ms.Write(data);
        return dir.Write(name, ms.ToArray());
    }

    /// <summary>Encodes values (integers where the dtype is integral) in a numpy dtype, element order as given.</summary>
    internal static byte[] Encode(string descr, double[] values)
    {
        bool big = descr[0] == '>';
        char kind = descr[1];
        int size = int.Parse(descr[2..]);
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            var s = bytes.AsSpan(i * size, size);
            double v = values[i];
            switch (kind, size)
            {
                case ('f', 8): if (big) BinaryPrimitives.WriteDoubleBigEndian(s, v); else BinaryPrimitives.WriteDoubleLittleEndian(s, v); break;
                case ('f', 4): if (big) BinaryPrimitives.WriteSingleBigEndian(s, (float)v); else BinaryPrimitives.WriteSingleLittleEndian(s, (float)v); break;
                case ('f', 2): if (big) BinaryPrimitives.WriteHalfBigEndian(s, (Half)v); else BinaryPrimitives.WriteHalfLittleEndian(s, (Half)v); break;
                case ('i', 2): if (big) BinaryPrimitives.WriteInt16BigEndian(s, (short)v); else BinaryPrimitives.WriteInt16LittleEndian(s, (short)v); break;
                case ('i', 4): if (big) BinaryPrimitives.WriteInt32BigEndian(s, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(s, (int)v); break;
                case ('i', 8): if (big) BinaryPrimitives.WriteInt64BigEndian(s, (long)v); else BinaryPrimitives.WriteInt64LittleEndian(s, (long)v); break;
                case ('u', 1): s[0] = (byte)v; break;
                case ('b', 1): s[0] = v != 0 ? (byte)1 : (byte)0; break;
                default: throw new ArgumentException(descr);
            }
        }
        return bytes;
    }

    private static double[] Values(int count, bool integral, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => integral ? rng.Next(-100, 100) : Math.Round(rng.NextDouble() * 8 - 4, 3)).ToArray();
    }

    public static IEnumerable<object[]> Layouts() =>
        from descr in new[] { "<f8", "<f4", ">f8", ">f4", "<f2", "<i2", ">i4", "<i8", "|u1", "|b1" }
        from fortran in new[] { false, true }
        select new object[] { descr, fortran };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryRowRangeMatchesTheInMemoryReader(string descr, bool fortran)
    {
        using var dir = new TempDir();
        int rows = 7, cols = 5;
        bool integral = descr[1] is 'i' or 'u' or 'b';
        var values = Values(rows * cols, integral, descr.GetHashCode() & 0xFFFF);
        if (descr[1] == 'u') values = values.Select(Math.Abs).ToArray();
        // Stored order: row-major, or column-major for Fortran order.
        var stored = fortran
            ? Enumerable.Range(0, rows * cols).Select(t => values[(t % rows) * cols + t / rows]).ToArray()
            : values;
        string path = WriteRaw(dir, "a.npy", descr, fortran, $"({rows}, {cols})", Encode(descr, stored));
        var expected64 = NpyReader.Read<double>(path);
        var expected32 = NpyReader.Read<float>(path);
        using var source = NpyRowSource.Open(path);
        Assert.Equal(rows, source.Rows);
        Assert.Equal(cols, source.Columns);
        Assert.Equal(descr, source.DType);
        Assert.Equal(fortran, source.IsColumnMajor);
        Assert.Equal(descr == "<f8" && BitConverter.IsLittleEndian, source.IsNativeFloat64);
        Assert.Equal(descr == "<f4" && BitConverter.IsLittleEndian, source.IsNativeFloat32);
        for (int start = 0; start <= rows; start++)
            for (int count = 0; start + count <= rows; count++)
            {
                var d64 = new double[count * cols + 3];
                d64.AsSpan().Fill(-999);
                source.ReadRows(start, count, d64.AsSpan());
                Assert.Equal(expected64.Data.AsSpan(start * cols, count * cols).ToArray(), d64[..(count * cols)]);
                Assert.All(d64[(count * cols)..], v => Assert.Equal(-999, v));   // nothing written past the rows
                var d32 = new float[count * cols];
                source.ReadRows(start, count, d32.AsSpan());
                Assert.Equal(expected32.Data.AsSpan(start * cols, count * cols).ToArray(), d32);
            }
    }

    [Fact]
    public void OneAndZeroDimensionalArraysAndVersion2Headers()
    {
        using var dir = new TempDir();
        string vector = WriteRaw(dir, "v.npy", "<f8", false, "(4,)", Encode("<f8", [1, 2, 3, 4]), major: 2);
        using (var s = NpyRowSource.Open(vector))
        {
            Assert.Equal((4L, 1), (s.Rows, s.Columns));
            var d = new double[2];
            s.ReadRows(2, 2, d.AsSpan());
            Assert.Equal([3.0, 4.0], d);
        }
        string scalar = WriteRaw(dir, "s.npy", "<i4", false, "()", Encode("<i4", [7]));
        using (var s = NpyRowSource.Open(scalar))
        {
            Assert.Equal((1L, 1), (s.Rows, s.Columns));
            var d = new float[1];
            s.ReadRows(0, 1, d.AsSpan());
            Assert.Equal(7f, d[0]);
        }
        string empty = WriteRaw(dir, "e.npy", "<f4", false, "(0, 3)", []);
        using (var s = NpyRowSource.Open(empty))
        {
            Assert.Equal((0L, 3), (s.Rows, s.Columns));
            s.ReadRows(0, 0, Span<double>.Empty);
        }
    }

    [Fact]
    public void LargeReadsSpanSeveralViews()
    {
        // More than one 64 MiB view is not needed to exercise the chunk loop: a float16 file converts in 256 KiB chunks.
        using var dir = new TempDir();
        int rows = 700, cols = 300;
        var values = Values(rows * cols, integral: false, 5);
        string path = WriteRaw(dir, "h.npy", "<f2", false, $"({rows}, {cols})", Encode("<f2", values));
        var expected = NpyReader.Read<double>(path);
        using var source = NpyRowSource.Open(path);
        var d = new double[rows * cols];
        source.ReadRows(0, rows, d.AsSpan());
        Assert.Equal(expected.Data, d);
    }

    [Fact]
    public void HeaderThatLiesAboutItsSizeIsRefusedBeforeMapping()
    {
        using var dir = new TempDir();
        // Claims 10^12 elements (8 TB) with 16 bytes of data: refused from the header, nothing allocated.
        string huge = WriteRaw(dir, "huge.npy", "<f8", false, "(1000000, 1000000)", new byte[16]);
        var e = Assert.Throws<RankwiseInputException>(() => NpyRowSource.Open(huge));
        Assert.Contains("header claims 8000000000000 bytes", e.Message);
        Assert.Contains("file has 16", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        // One row short.
        string truncated = WriteRaw(dir, "short.npy", "<f4", false, "(3, 2)", new byte[20]);
        Assert.Contains("header claims 24 bytes", Assert.Throws<RankwiseInputException>(() => NpyRowSource.Open(truncated)).Message);

        // Truncated inside the header.
        string cut = dir.Write("cut.npy", File.ReadAllBytes(truncated)[..40]);
        Assert.Contains("bad header length", Assert.Throws<RankwiseInputException>(() => NpyRowSource.Open(cut)).Message);

        string threeD = WriteRaw(dir, "3d.npy", "<f4", false, "(2, 2, 2)", new byte[32]);
        Assert.Contains("3 dimensions", Assert.Throws<RankwiseInputException>(() => NpyRowSource.Open(threeD)).Message);

        string objects = WriteRaw(dir, "o.npy", "|O", false, "(2,)", new byte[16]);
        Assert.Contains("object arrays", Assert.Throws<RankwiseInputException>(() => NpyRowSource.Open(objects)).Message);

        string notNpy = dir.Write("x.npy", Encoding.ASCII.GetBytes("hello, world, this is not numpy"));
        Assert.Contains("bad magic", Assert.Throws<RankwiseInputException>(() => NpyRowSource.Open(notNpy)).Message);

        Assert.Contains("file not found", Assert.Throws<RankwiseInputException>(() => NpyRowSource.Open(dir.File("missing.npy"))).Message);
    }

    [Fact]
    public void FileShortenedAfterOpeningIsReportedNotFaulted()
    {
        using var dir = new TempDir();
        string path = WriteRaw(dir, "a.npy", "<f8", false, "(4, 2)", Encode("<f8", [1, 2, 3, 4, 5, 6, 7, 8]));
        using var source = NpyRowSource.Open(path);
        var d = new double[2];
        source.ReadRows(3, 1, d.AsSpan());
        Assert.Equal([7.0, 8.0], d);
        using (var w = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            w.SetLength(w.Length - 8);
        var e = Assert.Throws<RankwiseInputException>(() => source.ReadRows(0, 1, d.AsSpan()));
        Assert.Contains("file shrank while being read", e.Message);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        using var dir = new TempDir();
        string path = WriteRaw(dir, "a.npy", "<f8", false, "(4, 2)", Encode("<f8", [1, 2, 3, 4, 5, 6, 7, 8]));
        var source = NpyRowSource.Open(path);
        var d = new double[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadRows(3, 2, d.AsSpan()));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadRows(-1, 1, d.AsSpan()));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadRows(0, -1, d.AsSpan()));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadRows(0, 4, d.AsSpan(0, 7)));
        source.Dispose();
        source.Dispose();
        Assert.Throws<ObjectDisposedException>(() => source.ReadRows(0, 1, d.AsSpan()));
        File.Delete(path);   // the mapping and the handle are released
    }

    [Fact]
    public void ConcurrentReadsAgree()
    {
        using var dir = new TempDir();
        int rows = 200, cols = 9;
        var values = Values(rows * cols, integral: false, 11);
        string path = WriteRaw(dir, "c.npy", ">f8", true, $"({rows}, {cols})", Encode(">f8",
            Enumerable.Range(0, rows * cols).Select(t => values[(t % rows) * cols + t / rows]).ToArray()));
        using var source = NpyRowSource.Open(path);
        Parallel.For(0, rows, r =>
        {
            var d = new double[cols];
            source.ReadRows(r, 1, d.AsSpan());
            Assert.Equal(values.AsSpan(r * cols, cols).ToArray(), d);
        });
    }
}
