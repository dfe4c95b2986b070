using System.Text;
using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class EmbeddingReaderTests
{
    public static IEnumerable<object[]> EmbeddingFiles => IoTestData.Names("embeddings");

    [Theory]
    [MemberData(nameof(EmbeddingFiles))]
    public void ReadsVectorsAndVocabulary(string name)
    {
        var entry = IoTestData.Manifest.GetProperty("embeddings").GetProperty(name);
        var words = entry.GetProperty("words").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string path = IoTestData.File_("embeddings", name);
        var m = ArrayReader.ReadMatrix<double>(path);
        IoTestData.AssertEntry(entry, m, name);
        Assert.Equal(words, m.RowLabels);
        var f = ArrayReader.ReadMatrix<float>(path);
        IoTestData.AssertEntry(entry, f, name);
        Assert.Equal(words, f.RowLabels);
    }

    [Theory]
    [InlineData("w2v_text.txt", ArrayFormat.Word2VecText)]
    [InlineData("w2v_text.vec", ArrayFormat.Word2VecText)]
    [InlineData("w2v_binary.bin", ArrayFormat.Word2VecBinary)]
    [InlineData("w2v_binary_nonl.w2v", ArrayFormat.Word2VecBinary)]
    [InlineData("glove.txt", ArrayFormat.GloVe)]
    public void DetectsTheFormat(string name, ArrayFormat expected)
    {
        Assert.Equal(expected, ArrayReader.DetectFormat(IoTestData.File_("embeddings", name)));
    }

    [Fact]
    public void TextFormatsAgreeWithTheBinaryOne()
    {
        var text = EmbeddingReader.ReadWord2VecText<float>(IoTestData.File_("embeddings", "w2v_text.txt"));
        var bin = EmbeddingReader.ReadWord2VecBinary<float>(IoTestData.File_("embeddings", "w2v_binary.bin"));
        var glove = EmbeddingReader.ReadGloVe<float>(IoTestData.File_("embeddings", "glove.txt"));
        Assert.Equal(bin.Data, text.Data);
        Assert.Equal(bin.Data, glove.Data);
    }

    [Theory]
    [InlineData("3 2\na 1.5 2.5\nb 3.5 4.5\n", "truncated: the header promises 3 vectors, file has 2")]
    [InlineData("2 2\na 1 2\nb 3\n", "line 3: expected a word and 2 numbers, found 2 fields")]
    [InlineData("2 2\na 1 2\nb 3 x\n", "line 3, value 2: 'x' is not a number")]
    [InlineData("1 2\na 1 2\nb 3 4\n", "line 3: more vectors than the 1 the header promises")]
    [InlineData("1000000 300\na 1 2\n", "header claims 1000000 vectors of dimension 300")]
    [InlineData("two 2\na 1 2\n", "expected a word2vec header")]
    [InlineData("", "file is empty")]
    public void Word2VecTextProblems(string content, string expected)
    {
        using var dir = new TempDir();
        string p = dir.WriteText("e.vec", content);
        var e = Assert.Throws<RankwiseInputException>(() => EmbeddingReader.ReadWord2VecText<double>(p));
        Assert.Contains("e.vec", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("a 1 2\nb 3\n", "line 2: expected a word and 2 numbers, found 2 fields")]
    [InlineData("a 1 2\nb 3 zz\n", "line 2, value 2")]
    [InlineData("\n\n", "file is empty")]
    [InlineData("lonely\n", "expected a word followed by numbers")]
    public void GloVeProblems(string content, string expected)
    {
        using var dir = new TempDir();
        string p = dir.WriteText("g.txt", content);
        var e = Assert.Throws<RankwiseInputException>(() => EmbeddingReader.ReadGloVe<double>(p));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void GloVeWordsMayContainSpaces()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("g.txt", "a 1 2\n. . . 3 4\nb 5 6\n");
        var m = EmbeddingReader.ReadGloVe<double>(p);
        Assert.Equal(["a", ". . .", "b"], m.RowLabels);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], m.Data);
    }

    private static byte[] Binary(int count, int dim, int vectors, bool newline = true)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"{count} {dim}\n"));
        for (int i = 0; i < vectors; i++)
        {
            ms.Write(Encoding.UTF8.GetBytes($"w{i} "));
            for (int k = 0; k < dim; k++)
                ms.Write(BitConverter.GetBytes((float)(i + k * 0.5)));
            if (newline)
                ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    [Fact]
    public void Word2VecBinaryTruncatedAtEveryByteIsAnInputError()
    {
        var full = Binary(3, 4, 3);
        using var dir = new TempDir();
        Assert.Equal(3, EmbeddingReader.ReadWord2VecBinary<double>(dir.Write("ok.bin", full)).Rows);
        for (int cut = 0; cut < full.Length - 1; cut++)
        {
            string p = dir.Write("t.bin", full[..cut]);
            var e = Assert.Throws<RankwiseInputException>(() => EmbeddingReader.ReadWord2VecBinary<double>(p));
            Assert.Contains("t.bin", e.Message);
        }
    }

    [Fact]
    public void Word2VecBinaryProblems()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<RankwiseInputException>(() => EmbeddingReader.ReadWord2VecBinary<double>(dir.Write("big.bin", Binary(1_000_000_000, 300, 1))));
        Assert.Contains("header claims 1000000000 vectors of dimension 300", e.Message);
        e = Assert.Throws<RankwiseInputException>(() => EmbeddingReader.ReadWord2VecBinary<double>(dir.Write("extra.bin", Binary(2, 4, 3))));
        Assert.Contains("unexpected data after the 2 vectors", e.Message);
        e = Assert.Throws<RankwiseInputException>(() => EmbeddingReader.ReadWord2VecBinary<double>(dir.WriteText("nohdr.bin", "hello world\n")));
        Assert.Contains("expected a word2vec header", e.Message);
    }

    [Fact]
    public void Word2VecTextTruncatedAtEveryCharacterIsParsedOrRefused()
    {
        string full = File.ReadAllText(IoTestData.File_("embeddings", "w2v_text.txt"));
        using var dir = new TempDir();
        for (int cut = 0; cut < full.Length; cut++)
        {
            string p = dir.WriteText("t.txt", full[..cut]);
            try
            {
                var m = EmbeddingReader.ReadWord2VecText<double>(p);
                Assert.Equal(6, m.Rows); // only cuts inside the final line's trailing whitespace can succeed
            }
            catch (RankwiseInputException e)
            {
                Assert.Contains("t.txt", e.Message);
            }
        }
    }
}
