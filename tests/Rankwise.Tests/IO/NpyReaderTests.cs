using System.Buffers.Binary;
using System.Text;
using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class NpyReaderTests
{
    public static IEnumerable<object[]> NpyFiles => IoTestData.Names("npy");

    [Theory]
    [MemberData(nameof(NpyFiles))]
    public void ReadsEveryDtypeOrderAndEndianAsDouble(string name)
    {
        var entry = IoTestData.Manifest.GetProperty("npy").GetProperty(name);
        var m = NpyReader.Read<double>(IoTestData.File_("npy", name));
        IoTestData.AssertEntry(entry, m, name);
    }

    [Theory]
    [MemberData(nameof(NpyFiles))]
    public void ReadsEveryDtypeOrderAndEndianAsFloat(string name)
    {
        var entry = IoTestData.Manifest.GetProperty("npy").GetProperty(name);
        var m = NpyReader.Read<float>(IoTestData.File_("npy", name));
        IoTestData.AssertEntry(entry, m, name);
    }

    [Theory]
    [MemberData(nameof(NpyFiles))]
    public void HeaderMatchesManifest(string name)
    {
        var entry = IoTestData.Manifest.GetProperty("npy").GetProperty(name);
        var header = NpyReader.ReadHeader(IoTestData.File_("npy", name));
        Assert.Equal(IoTestData.Shape(entry), header.Shape);
        if (entry.TryGetProperty("descr", out var descr))
            Assert.Equal(descr.GetString(), header.Descr);
        if (entry.TryGetProperty("fortran_order", out var fortran))
            Assert.Equal(fortran.GetBoolean(), header.FortranOrder);
        Assert.Equal(0, header.DataOffset % 64);
    }

    [Fact]
    public void VersionTwoAndThreeHeaders()
    {
        Assert.Equal(2, NpyReader.ReadHeader(IoTestData.File_("npy", "f8_v2_C.npy")).MajorVersion);
        Assert.Equal(3, NpyReader.ReadHeader(IoTestData.File_("npy", "f8_v3_F.npy")).MajorVersion);
    }

    [Fact]
    public void ThreeDimensionalArrayAsksForReshape()
    {
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<double>(IoTestData.File_("npy", "f4_3d.npy")));
        Assert.Contains("f4_3d.npy", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
        Assert.Contains("reshape", e.Message);
    }

    [Theory]
    [InlineData("object.npy", "object arrays")]
    [InlineData("c16.npy", "complex")]
    [InlineData("U5.npy", "string")]
    public void UnsupportedDtypesAreRefusedClearly(string name, string expected)
    {
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<double>(IoTestData.File_("npy", name)));
        Assert.Contains(name, e.Message);
        Assert.Contains(expected, e.Message);
    }

    /// <summary>Builds a version-1.0 .npy file with an arbitrary header text and data.</summary>
    internal static byte[] Npy(string header, byte[] data, int major = 1)
    {
        var h = Encoding.Latin1.GetBytes(header);
        int prefix = major == 1 ? 10 : 12;
        var bytes = new byte[prefix + h.Length + data.Length];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = (byte)major;
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)h.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)h.Length);
        h.CopyTo(bytes, prefix);
        data.CopyTo(bytes, prefix + h.Length);
        return bytes;
    }

    internal static byte[] Doubles(params double[] values)
    {
        var b = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(i * 8), values[i]);
        return b;
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n")]
    [InlineData("{'descr':'<f8','fortran_order':False,'shape':(2,3)}")]
    [InlineData("  {  \"descr\" : \"<f8\" ,\n 'shape' : ( 2 , 3 , ) , 'fortran_order' : False , }   \n")]
    [InlineData("{'shape': (2L, 3L), 'fortran_order': False, 'descr': '<f8'}")]
    public void HeaderDictParsingIsTolerant(string header)
    {
        using var dir = new TempDir();
        string p = dir.Write("a.npy", Npy(header, Doubles(1, 2, 3, 4, 5, 6)));
        var m = NpyReader.Read<double>(p);
        Assert.Equal(2, m.Rows);
        Assert.Equal(3, m.Columns);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], m.Data);
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'extra': 1}", "unexpected key 'extra'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False}", "missing key 'shape'")]
    [InlineData("{'descr': '<f8', 'shape': (6,)}", "missing key 'fortran_order'")]
    [InlineData("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}", "duplicate key")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", "not a tuple")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': [6]}", "must be a tuple")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (-6,)}", "non-negative")]
    [InlineData("{'descr': '<f8', 'fortran_order': 0, 'shape': (6,)}", "True or False")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6,)} junk", "after the closing")]
    [InlineData("{'descr': <f8, 'fortran_order': False, 'shape': (6,)}", "quoted string")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6,)", "expected ',' or '}'")]
    [InlineData("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (6,)}", "structured")]
    [InlineData("{'descr': '<f8', 'fortran_order': Falsey, 'shape': (6,)}", "True or False")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (6,)}", "complex")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (6,)}", "object arrays")]
    [InlineData("{'descr': '<f16', 'fortran_order': False, 'shape': (6,)}", "unsupported dtype")]
    [InlineData("{'descr': '|f8', 'fortran_order': False, 'shape': (6,)}", "unsupported dtype")]
    [InlineData("{'descr': 'f8', 'fortran_order': False, 'shape': (6,)}", "unsupported dtype")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", "too large")]
    public void HeaderDictRejectsAnythingElse(string header, string expected)
    {
        using var dir = new TempDir();
        string p = dir.Write("bad.npy", Npy(header, Doubles(1, 2, 3, 4, 5, 6)));
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<double>(p));
        Assert.Contains("bad.npy", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void HugeClaimedShapeFailsFastBeforeAllocating()
    {
        using var dir = new TempDir();
        string p = dir.Write("huge.npy", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", Doubles(1, 2)));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<float>(p));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("header claims 4000000000000 bytes of data", e.Message);
        Assert.Contains("file has 16", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
        Assert.True(sw.ElapsedMilliseconds < 5000);
    }

    [Fact]
    public void OverflowingShapeProductIsReportedNotWrapped()
    {
        using var dir = new TempDir();
        string p = dir.Write("ovf.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", Doubles(1)));
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<double>(p));
        Assert.Contains("header claims 633825300114114700748351602688 bytes", e.Message);
    }

    [Fact]
    public void ElementCountAboveArrayLimitIsRefused()
    {
        // A header that is consistent with a (sparse) file length but too large for one .NET array.
        using var dir = new TempDir();
        string p = dir.File("big.npy");
        var header = Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3000000000,), }", []);
        using (var f = File.Create(p))
        {
            f.Write(header);
            f.SetLength(header.Length + 3000000000L);
        }
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<float>(p));
        Assert.Contains("more than the", e.Message);
    }

    [Fact]
    public void TrailingBytesAfterTheDataAreIgnoredLikeNumpy()
    {
        using var dir = new TempDir();
        string p = dir.Write("t.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", Doubles(1, 2, 3)));
        Assert.Equal([1.0, 2.0], NpyReader.Read<double>(p).Data);
    }

    [Fact]
    public void ReadsFromANonSeekableStreamWithoutLength()
    {
        var bytes = File.ReadAllBytes(IoTestData.File_("npy", "i8_F_be.npy"));
        using var s = new NonSeekableStream(bytes);
        var m = NpyReader.Read<double>(s, "stream");
        IoTestData.AssertEntry(IoTestData.Manifest.GetProperty("npy").GetProperty("i8_F_be.npy"), m, "stream");
    }

    [Fact]
    public void TruncatedStreamWithoutLengthIsATruncationError()
    {
        var bytes = File.ReadAllBytes(IoTestData.File_("npy", "f8_C_le.npy"));
        using var s = new NonSeekableStream(bytes[..^5]);
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<double>(s, "piped.npy"));
        Assert.Equal("piped.npy: truncated data: header promises 96 bytes, file has 91", e.Message);
    }

    [Fact]
    public void LargeFortranArrayIsTransposedAcrossChunks()
    {
        // 700 × 50 float64 = 280 000 bytes: more than one 256 KiB chunk, so the scatter must carry (i, j) across chunks.
        int rows = 700, cols = 50;
        var data = new double[rows * cols];
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
                data[j * rows + i] = i * 1000 + j; // column-major storage
        var header = $"{{'descr': '<f8', 'fortran_order': True, 'shape': ({rows}, {cols}), }}";
        using var dir = new TempDir();
        string p = dir.Write("f.npy", Npy(header, Doubles(data)));
        var m = NpyReader.Read<float>(p);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                Assert.Equal(i * 1000 + j, m[i, j]);
    }

    [Fact]
    public void LargeNativeArrayReadsAcrossChunks()
    {
        int n = 100_000;
        var data = Enumerable.Range(0, n).Select(i => i * 0.5).ToArray();
        using var dir = new TempDir();
        string p = dir.Write("v.npy", Npy($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({n},), }}", Doubles(data)));
        Assert.Equal(data, NpyReader.Read<double>(p).Data);
        var f = NpyReader.Read<float>(p).Data;
        Assert.Equal(data.Select(x => (float)x).ToArray(), f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadingAllocatesOnlyTheDestinationPlusOneChunk(bool fortran)
    {
        // 2 000 000 float32 = 8 MB on disk; read as float32 the result is 8 MB, as float64 16 MB.
        int rows = 1000, cols = 2000;
        var raw = new byte[rows * cols * 4];
        using var dir = new TempDir();
        string p = dir.Write("big.npy", Npy($"{{'descr': '<f4', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': ({rows}, {cols}), }}", raw));
        NpyReader.Read<float>(p); // warm up pools and code paths
        long before = GC.GetAllocatedBytesForCurrentThread();
        var f = NpyReader.Read<float>(p);
        long allocatedFloat = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var d = NpyReader.Read<double>(p);
        long allocatedDouble = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(rows * cols, f.Data.Length);
        Assert.Equal(rows * cols, d.Data.Length);
        Assert.True(allocatedFloat < raw.Length + (1 << 20), $"float32: allocated {allocatedFloat} bytes for {raw.Length} bytes of data");
        Assert.True(allocatedDouble < 2L * raw.Length + (1 << 20), $"float64: allocated {allocatedDouble} bytes for {2L * raw.Length} bytes of result");
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var e = Assert.Throws<RankwiseInputException>(() => NpyReader.Read<double>("/no/such/dir/x.npy"));
        Assert.Equal("/no/such/dir/x.npy: file not found", e.Message);
    }
}

/// <summary>A read-only stream that cannot seek and has no length, returning data in small pieces.</summary>
internal sealed class NonSeekableStream(byte[] data) : Stream
{
    private int _pos;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, 7), data.Length - _pos);
        Array.Copy(data, _pos, buffer, offset, n);
        _pos += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
