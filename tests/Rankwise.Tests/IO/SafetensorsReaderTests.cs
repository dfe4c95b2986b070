using System.Buffers.Binary;
using System.Text;
using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class SafetensorsReaderTests
{
    private static string AllDtypes => IoTestData.File_("safetensors", "all_dtypes.safetensors");

    public static IEnumerable<object[]> TensorNames =>
        IoTestData.Manifest.GetProperty("safetensors").GetProperty("all_dtypes.safetensors").GetProperty("tensors")
            .EnumerateObject().Select(p => new object[] { p.Name });

    [Theory]
    [MemberData(nameof(TensorNames))]
    public void ReadsEveryDtype(string tensor)
    {
        var entry = IoTestData.Manifest.GetProperty("safetensors").GetProperty("all_dtypes.safetensors").GetProperty("tensors").GetProperty(tensor);
        IoTestData.AssertEntry(entry, SafetensorsReader.Read<double>(AllDtypes, tensor), tensor);
        IoTestData.AssertEntry(entry, SafetensorsReader.Read<float>(AllDtypes, tensor), tensor);
    }

    [Fact]
    public void HeaderListsTensorsAndMetadata()
    {
        var header = SafetensorsReader.ReadHeader(AllDtypes);
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Equal("rankwise reference", header.Metadata["note"]);
        Assert.Contains(header.Tensors, t => t.Name == "bf16" && t.DType == "BF16" && t.Shape.SequenceEqual([3L, 3]));
        Assert.Equal(0, header.DataOffset % 8);
    }

    [Fact]
    public void SingleTensorFileNeedsNoSelector()
    {
        var entry = IoTestData.Manifest.GetProperty("safetensors").GetProperty("single.safetensors").GetProperty("tensors").GetProperty("weight");
        IoTestData.AssertEntry(entry, SafetensorsReader.Read<double>(IoTestData.File_("safetensors", "single.safetensors")), "weight");
    }

    [Fact]
    public void SeveralTensorsWithoutSelectorListsTheNames()
    {
        var e = Assert.Throws<RankwiseInputException>(() => SafetensorsReader.Read<double>(AllDtypes));
        Assert.Contains("all_dtypes.safetensors", e.Message);
        Assert.Contains("bool, u8, i8", e.Message);
        Assert.DoesNotContain("__metadata__", e.Message);
    }

    [Fact]
    public void UnknownTensorIsNamed()
    {
        var e = Assert.Throws<RankwiseInputException>(() => SafetensorsReader.Read<double>(AllDtypes, "nope"));
        Assert.Contains("no tensor named 'nope'", e.Message);
    }

    /// <summary>Builds a safetensors file from a raw JSON header and data block.</summary>
    internal static byte[] Build(string json, byte[] data, ulong? claimedLength = null)
    {
        var h = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    private static byte[] Floats(int n) => new byte[4 * n];

    [Theory]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,28]}}", "outside the 24-byte data block")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[4,24]}}", "span 20 bytes, but shape [2, 3] of F32 needs 24")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[24,0]}}", "reversed")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[-1,24]}}", "non-negative")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0]}}", "[begin, end]")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,24]}}", "non-negative integers")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3.5],\"data_offsets\":[0,24]}}", "non-negative integers")]
    [InlineData("{\"x\":{\"dtype\":\"C64\",\"shape\":[3],\"data_offsets\":[0,24]}}", "unsupported safetensors dtype 'C64'")]
    [InlineData("{\"x\":{\"shape\":[6],\"data_offsets\":[0,24]}}", "'dtype'")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,24]}}", "'shape'")]
    [InlineData("{\"x\":[1,2]}", "expected an object")]
    [InlineData("[1,2,3]", "must be an object")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]},\"x\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}}", "duplicate")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}", "bad JSON header")]
    [InlineData("{\"x\" {}}", "bad JSON header")]
    [InlineData("{\"__metadata__\":[1],\"x\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}}", "__metadata__")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", "3 dimensions")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[99999999999999,99999999999999],\"data_offsets\":[0,24]}}", "needs 39999999999999200000000000004")]
    public void MalformedHeadersAreRefused(string json, string expected)
    {
        using var dir = new TempDir();
        string p = dir.Write("bad.safetensors", Build(json, Floats(6)));
        var e = Assert.Throws<RankwiseInputException>(() => SafetensorsReader.Read<double>(p, "x"));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void HeaderLengthBeyondTheFileIsRefusedBeforeAllocating()
    {
        using var dir = new TempDir();
        string p = dir.Write("huge.safetensors", Build("{}", [], claimedLength: 10_000_000_000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<RankwiseInputException>(() => SafetensorsReader.Read<double>(p));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("header length 10000000000 exceeds the file", e.Message);
    }

    [Fact]
    public void TooShortFileIsRefused()
    {
        using var dir = new TempDir();
        string p = dir.Write("short.safetensors", [1, 2, 3]);
        var e = Assert.Throws<RankwiseInputException>(() => SafetensorsReader.Read<double>(p));
        Assert.Contains("shorter than the 8-byte header length", e.Message);
    }

    [Fact]
    public void ZeroElementTensorReadsAsEmpty()
    {
        using var dir = new TempDir();
        string p = dir.Write("e.safetensors", Build("{\"x\":{\"dtype\":\"F64\",\"shape\":[0,4],\"data_offsets\":[0,0]}}", []));
        var m = SafetensorsReader.Read<double>(p);
        Assert.Equal(0, m.Rows);
        Assert.Equal(4, m.Columns);
    }
}
