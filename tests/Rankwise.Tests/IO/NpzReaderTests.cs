using System.Buffers.Binary;
using System.IO.Compression;
using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class NpzReaderTests
{
    [Theory]
    [InlineData("stored.npz")]
    [InlineData("deflated.npz")]
    public void ReadsEveryMemberStoredAndDeflated(string file)
    {
        var entry = IoTestData.Manifest.GetProperty("npz").GetProperty(file);
        string path = IoTestData.File_("npz", file);
        var members = entry.GetProperty("members").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(members, NpzReader.ListMembers(path));
        foreach (var member in members)
        {
            IoTestData.AssertEntry(entry.GetProperty(member), NpzReader.Read<double>(path, member), $"{file}:{member}");
            IoTestData.AssertEntry(entry.GetProperty(member), NpzReader.Read<float>(path, member + ".npy"), $"{file}:{member}.npy");
        }
    }

    [Fact]
    public void SingleMemberArchiveNeedsNoSelector()
    {
        var entry = IoTestData.Manifest.GetProperty("npz").GetProperty("single.npz");
        IoTestData.AssertEntry(entry.GetProperty("arr_0"), NpzReader.Read<double>(IoTestData.File_("npz", "single.npz")), "single");
    }

    [Fact]
    public void SeveralMembersWithoutSelectorListsTheNames()
    {
        var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(IoTestData.File_("npz", "stored.npz")));
        Assert.Contains("stored.npz", e.Message);
        Assert.Contains("3 arrays (weights, scalar, arr_0)", e.Message);
        Assert.Contains("stored.npz:name", e.Message);
    }

    [Fact]
    public void UnknownMemberListsTheNames()
    {
        var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(IoTestData.File_("npz", "deflated.npz"), "bias"));
        Assert.Contains("no array named 'bias'", e.Message);
        Assert.Contains("weights, scalar, arr_0", e.Message);
    }

    internal static byte[] Zip(params (string Name, byte[] Data, CompressionLevel Level)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data, level) in entries)
            {
                var e = zip.CreateEntry(name, level);
                using var s = e.Open();
                s.Write(data);
            }
        }
        return ms.ToArray();
    }

    private static byte[] SmallNpy() =>
        NpyReaderTests.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", NpyReaderTests.Doubles(1, 2, 3, 4));

    /// <summary>Overwrites the uncompressed-size fields of the (only) entry in both the local and central headers.</summary>
    private static void PatchUncompressedSize(byte[] zip, uint size)
    {
        for (int i = 0; i + 30 < zip.Length; i++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (sig == 0x04034b50)
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
            else if (sig == 0x02014b50)
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
        }
    }

    [Fact]
    public void MemberHeaderClaimingMoreThanTheEntryHoldsIsRefused()
    {
        var npy = NpyReaderTests.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }", NpyReaderTests.Doubles(1, 2));
        using var dir = new TempDir();
        foreach (var level in new[] { CompressionLevel.NoCompression, CompressionLevel.Optimal })
        {
            string p = dir.Write("lie.npz", Zip(("x.npy", npy, level)));
            var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(p));
            Assert.Contains("lie.npz:x", e.Message);
            Assert.Contains("header claims 8000 bytes of data", e.Message);
        }
    }

    [Fact]
    public void EntryDeclaringFewerBytesThanTheHeaderPromisesIsRefused()
    {
        var zip = Zip(("x.npy", SmallNpy(), CompressionLevel.Optimal));
        PatchUncompressedSize(zip, (uint)SmallNpy().Length - 8);
        using var dir = new TempDir();
        string p = dir.Write("short.npz", zip);
        var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(p, "x"));
        Assert.Contains("short.npz", e.Message);
    }

    [Fact]
    public void EntryDeclaringAnImpossibleExpansionIsRefusedBeforeReading()
    {
        var zip = Zip(("x.npy", SmallNpy(), CompressionLevel.Optimal));
        PatchUncompressedSize(zip, 0xFFFF0000);
        using var dir = new TempDir();
        string p = dir.Write("bomb.npz", zip);
        var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(p));
        Assert.Contains("bomb.npz", e.Message);
        Assert.Contains("more than deflate can produce", e.Message);
    }

    [Fact]
    public void HighlyCompressibleMemberWithHonestHeaderStillReadsOnlyWhatItPromises()
    {
        // 2 MB of zeros deflates to a few KB; the header is honest, so it reads fine and exactly.
        int n = 262_144;
        var npy = NpyReaderTests.Npy($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({n},), }}", new byte[n * 8]);
        using var dir = new TempDir();
        string p = dir.Write("zeros.npz", Zip(("z.npy", npy, CompressionLevel.SmallestSize)));
        var m = NpzReader.Read<float>(p, "z");
        Assert.Equal(n, m.Rows);
        Assert.All(m.Data, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("../evil.npy")]
    [InlineData("a/../../evil.npy")]
    [InlineData("/abs.npy")]
    [InlineData("..\\evil.npy")]
    [InlineData("C:evil.npy")]
    public void PathTraversalEntryNamesAreRefused(string name)
    {
        using var dir = new TempDir();
        string p = dir.Write("trav.npz", Zip((name, SmallNpy(), CompressionLevel.NoCompression), ("ok.npy", SmallNpy(), CompressionLevel.NoCompression)));
        var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(p, "ok"));
        Assert.Contains("trav.npz", e.Message);
        Assert.Contains("unsafe", e.Message);
        Assert.Throws<RankwiseInputException>(() => NpzReader.ListMembers(p));
    }

    [Fact]
    public void NestedNamesWithoutTraversalAreFine()
    {
        using var dir = new TempDir();
        string p = dir.Write("nested.npz", Zip(("group/w.npy", SmallNpy(), CompressionLevel.Optimal)));
        Assert.Equal(["group/w"], NpzReader.ListMembers(p));
        Assert.Equal([1.0, 2, 3, 4], NpzReader.Read<double>(p, "group/w").Data);
    }

    [Fact]
    public void NotAZipIsRefused()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("text.npz", "this is not a zip archive at all");
        var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(p));
        Assert.StartsWith(p + ": not a valid .npz (zip) archive", e.Message);
    }

    [Fact]
    public void EmptyArchiveIsRefused()
    {
        using var dir = new TempDir();
        string p = dir.Write("empty.npz", Zip());
        var e = Assert.Throws<RankwiseInputException>(() => NpzReader.Read<double>(p));
        Assert.Contains("no arrays", e.Message);
    }

    [Fact]
    public void CorruptDeflateDataIsAnInputError()
    {
        var zip = Zip(("x.npy", NpyReaderTests.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (512,), }",
            NpyReaderTests.Doubles(Enumerable.Range(0, 512).Select(i => Math.Sin(i)).ToArray())), CompressionLevel.Optimal));
        // Damage the middle of the compressed stream.
        for (int i = 60; i < 200; i++)
            zip[i] ^= 0x5A;
        using var dir = new TempDir();
        string p = dir.Write("corrupt.npz", zip);
        try
        {
            NpzReader.Read<double>(p);
        }
        catch (RankwiseInputException e)
        {
            Assert.Contains("corrupt.npz", e.Message);
        }
    }
}
