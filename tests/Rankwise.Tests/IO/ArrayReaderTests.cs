using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class ArrayReaderTests
{
    [Fact]
    public void SelectorSplitsAtTheLastColon()
    {
        Assert.Equal(new ArraySelector("a.npz", "arr_0"), ArraySelector.Parse("a.npz:arr_0"));
        Assert.Equal(new ArraySelector("dir:x/a.npz", "w"), ArraySelector.Parse("dir:x/a.npz:w"));
        Assert.Equal(new ArraySelector("plain.npy", null), ArraySelector.Parse("plain.npy"));
        Assert.Equal(new ArraySelector("/data/x:y/z.npy", null), ArraySelector.Parse("/data/x:y/z.npy"));
        Assert.Equal(new ArraySelector(@"C:\data\x.npy", null), ArraySelector.Parse(@"C:\data\x.npy"));
        Assert.Throws<RankwiseInputException>(() => ArraySelector.Parse("x.npz:"));
        Assert.Throws<RankwiseInputException>(() => ArraySelector.Parse(""));
    }

    [Fact]
    public void ExistingFileWithAColonIsNotSplit()
    {
        using var dir = new TempDir();
        string p = dir.File("odd:name.npy");
        NpyWriter.Write(p, new[] { 1.0, 2.0 });
        Assert.Equal(new ArraySelector(p, null), ArraySelector.Parse(p));
        Assert.Equal([1.0, 2.0], ArrayReader.ReadVector<double>(p));
    }

    [Fact]
    public void DispatchesByExtension()
    {
        string npz = IoTestData.File_("npz", "deflated.npz");
        Assert.Equal([10.0, -20, 30, -40], ArrayReader.ReadVector<double>(npz + ":weights"));
        Assert.Equal([2.5f], ArrayReader.ReadVector<float>(npz + ":scalar.npy"));
        string st = IoTestData.File_("safetensors", "all_dtypes.safetensors");
        Assert.Equal([0.5, -1.5, 2.25, 8.0], ArrayReader.ReadVector<double>(st + ":vector"));
        Assert.Equal([-3.75], ArrayReader.ReadVector<double>(st + ":scalar"));
        Assert.Equal([1.0, -2, 0.5, 1e10, -7.25], ArrayReader.ReadVector<double>(IoTestData.File_("npy", "f8_1d.npy")));
        Assert.Equal(ArrayFormat.Tsv, ArrayReader.DetectFormat(IoTestData.File_("csv", "tabs.tsv")));
        Assert.Equal(ArrayFormat.Csv, ArrayReader.DetectFormat(IoTestData.File_("csv", "tabs.txt")));
        Assert.Equal(ArrayFormat.Csv, ArrayReader.DetectFormat(IoTestData.File_("csv", "savetxt.txt")));
    }

    [Fact]
    public void UnknownExtensionFallsBackToMagicBytes()
    {
        using var dir = new TempDir();
        string npy = dir.Write("scores.data", File.ReadAllBytes(IoTestData.File_("npy", "f8_1d.npy")));
        Assert.Equal(ArrayFormat.Npy, ArrayReader.DetectFormat(npy));
        string npz = dir.Write("arch.pack", File.ReadAllBytes(IoTestData.File_("npz", "single.npz")));
        Assert.Equal(3, ArrayReader.ReadMatrix<double>(npz).Rows);
        string other = dir.WriteText("x.xyz", "hello");
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(other));
        Assert.Contains("cannot tell the format", e.Message);
    }

    [Fact]
    public void ExplicitFormatOverridesTheExtension()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("data.dat", "a\tb\n1\t2\n");
        Assert.Equal([1.0, 2.0], ArrayReader.ReadMatrix<double>(p, ArrayFormat.Tsv).Data);
        string g = dir.WriteText("vectors.csv", "cat 1 2\ndog 3 4\n");
        Assert.Equal(["cat", "dog"], ArrayReader.ReadMatrix<double>(g, ArrayFormat.GloVe).RowLabels);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        foreach (var s in new[] { "/nope/x.npy", "/nope/x.npz:a", "/nope/x.csv:col", "/nope/x.txt", "/nope/x.vec", "/nope/x.safetensors" })
        {
            var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(s));
            Assert.EndsWith(": file not found", e.Message);
            Assert.Equal(ArraySelector.Parse(s).Path, e.Source);
        }
    }

    [Fact]
    public void DirectoryIsNotAFile()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("d.npy"));
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(dir.File("d.npy")));
        Assert.Contains("is a directory", e.Message);
    }

    [Fact]
    public void NameOnASingleArrayFormatIsRefused()
    {
        string p = IoTestData.File_("npy", "f8_1d.npy");
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(p + ":x"));
        Assert.Contains("holds a single array; remove ':x'", e.Message);
    }

    [Fact]
    public void VectorAcceptsOneRowOrOneColumn()
    {
        Assert.Equal(5, ArrayReader.ReadVector<double>(IoTestData.File_("npy", "f8_1d.npy")).Length);
        Assert.Single(ArrayReader.ReadVector<double>(IoTestData.File_("npy", "f8_0d.npy")));
        using var dir = new TempDir();
        string row = dir.File("row.npy");
        NpyWriter.Write(row, new Matrix<double>(1, 3, [1, 2, 3]));
        Assert.Equal([1.0, 2, 3], ArrayReader.ReadVector<double>(row));
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadVector<double>(IoTestData.File_("npy", "f8_C_le.npy")));
        Assert.Contains("expected a vector, got shape [3, 4]", e.Message);
    }
}
