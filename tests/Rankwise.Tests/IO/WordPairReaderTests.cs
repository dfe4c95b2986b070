using Rankwise.IO;
using Rankwise.Retrieval;

namespace Rankwise.Tests.IO;

/// <summary>Word-similarity benchmark layouts and malformed benchmark files.</summary>
public class WordPairReaderTests
{
    private static string Write(Rankwise.Tests.Cli.TempDir dir, string contents) => dir.File("b.txt", contents);

    [Fact]
    public void DetectsTheDistributedLayouts()
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        var tab = WordPairReader.Read(Write(dir, "# WordSim-353\nWord 1\tWord 2\tHuman (mean)\nlove\tsex\t6.77\ntiger\tcat\t7.35\n"));
        Assert.Equal(WordPairFormat.Tab, tab.Format);
        Assert.Equal([new WordPair("love", "sex", 6.77, 3), new WordPair("tiger", "cat", 7.35, 4)], tab.Pairs);

        var simlex = WordPairReader.Read(Write(dir, "word1\tword2\tPOS\tSimLex999\tconc(w1)\nold\tnew\tA\t1.58\t2.72\nsmart\tintelligent\tA\t9.2\t1.75\n"));
        Assert.Equal(WordPairFormat.SimLex, simlex.Format);
        Assert.Equal(9.2, simlex.Pairs[1].Score);

        var simverb = WordPairReader.Read(Write(dir, "take\tremove\tV\t6.81\tSYNONYMS\nwalk\trun\tV\t4.5\tCOHYPONYMS\n"));
        Assert.Equal(WordPairFormat.SimVerb, simverb.Format);
        Assert.Equal(("walk", "run", 4.5), (simverb.Pairs[1].First, simverb.Pairs[1].Second, simverb.Pairs[1].Score));

        var men = WordPairReader.Read(Write(dir, "sun-n sunlight-n 50.000000\nbright-j dark-j 12.000000\n"));
        Assert.Equal(WordPairFormat.Men, men.Format);
        Assert.True(men.StrippedPosSuffixes);
        Assert.Equal(("bright", "dark"), (men.Pairs[1].First, men.Pairs[1].Second));
        var kept = WordPairReader.Read(Write(dir, "sun-n sunlight-n 50\n"), keepPosSuffixes: true);
        Assert.Equal("sun-n", kept.Pairs[0].First);
        var natural = WordPairReader.Read(Write(dir, "sun sunlight-n 50\nup-to-date old 3\n"));
        Assert.False(natural.StrippedPosSuffixes);
        Assert.Equal("sunlight-n", natural.Pairs[0].Second);

        var plain = WordPairReader.Read(Write(dir, "a\tb\t1\n\nc\td\t2\n"));
        Assert.Equal(WordPairFormat.Tab, plain.Format);
        Assert.Equal(3, plain.Pairs[1].Line);
    }

    [Theory]
    [InlineData("", WordPairFormat.Auto, "b.txt: no word pairs (the file is empty or only has comments)")]
    [InlineData("# only\n", WordPairFormat.Auto, "b.txt: no word pairs (the file is empty or only has comments)")]
    [InlineData("a\tb\t1\nc\td\n", WordPairFormat.Auto, "b.txt: line 2: 2 fields, expected at least 3 (w1<TAB>w2<TAB>score)")]
    [InlineData("a\tb\t1\nc\td\tlots\n", WordPairFormat.Auto, "b.txt: line 2: score 'lots' is not a number (w1<TAB>w2<TAB>score)")]
    [InlineData("a b c d\n", WordPairFormat.Auto, "b.txt: line 1: cannot tell the benchmark layout from 'a b c d'; expected w1<TAB>w2<TAB>score, SimLex-999's header, SimVerb-3500's w1 w2 POS score relation, or MEN's w1 w2 score")]
    [InlineData("word1\tword2\tPOS\tscore\nold\tnew\tA\t1\n", WordPairFormat.SimLex, "b.txt: line 1: the header has no 'SimLex999' column (SimLex-999 layout)")]
    [InlineData("old\tnew\tA\t1\n", WordPairFormat.SimLex, "b.txt: line 1: SimLex-999 files start with a header naming word1, word2 and SimLex999")]
    [InlineData("take\tremove\tV\n", WordPairFormat.SimVerb, "b.txt: line 1: 3 fields, expected at least 4 (SimVerb-3500 layout: w1 w2 POS score relation)")]
    [InlineData("sun moon inf\n", WordPairFormat.Men, "b.txt: line 1: score 'inf' is not a number (MEN layout: w1 w2 score)")]
    [InlineData("Word 1\tWord 2\tHuman\n", WordPairFormat.Auto, "b.txt: no word pairs after the header")]
    public void MalformedBenchmarksGiveOneLineErrors(string contents, WordPairFormat format, string message)
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        string path = Write(dir, contents);
        var e = Assert.Throws<RankwiseInputException>(() => WordPairReader.Read(path, format));
        Assert.Equal(message, e.Message.Replace(path, "b.txt"));
    }
}

/// <summary>Label files for label-based retrieval.</summary>
public class LabelReaderTests
{
    [Fact]
    public void TextVectorAndIndicatorLabels()
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        var (labels, names) = LabelReader.Read(dir.File("l.txt", "# classes\ncat, dog\ndog\n\nbird cat\n"));
        Assert.Equal(4, labels.Count);
        Assert.Equal(["cat", "dog", "bird"], names);
        Assert.Equal([0, 1], labels.Of(0).ToArray());
        Assert.Empty(labels.Of(2).ToArray());
        Assert.Equal([0, 2], labels.Of(3).ToArray());

        string csv = dir.File("l.csv", "item,label\na,3\nb,1\nc,3\n");
        var (single, ids) = LabelReader.Read(csv + ":label");
        Assert.Equal([3], single.Of(0).ToArray());
        Assert.Equal(["1", "3"], ids);

        string npy = dir.File("l.npy");
        ArrayWriter.WriteMatrix(npy, new Matrix<double>(2, 3, [1, 0, 1, 0, 1, 0]));
        var (multi, columns) = LabelReader.Read(npy);
        Assert.Equal([0, 2], multi.Of(0).ToArray());
        Assert.Equal(3, columns.Count);
    }

    [Fact]
    public void MalformedLabels()
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        string fractional = dir.File("f.npy");
        NpyWriter.Write(fractional, new double[] { 1, 2.5 });
        Assert.Contains("item 1: label 2.5 is not an integer class id", Assert.Throws<RankwiseInputException>(() => LabelReader.Read(fractional)).Message);
        string indicators = dir.File("i.npy");
        ArrayWriter.WriteMatrix(indicators, new Matrix<double>(2, 2, [1, 0, 2, 0]));
        Assert.Contains("read as a multi-hot indicator matrix [2, 2]", Assert.Throws<RankwiseInputException>(() => LabelReader.Read(indicators)).Message);
        Assert.Contains("no labels", Assert.Throws<RankwiseInputException>(() => LabelReader.Read(dir.File("e.txt", "# nothing\n"))).Message);
        Assert.Contains("file not found", Assert.Throws<RankwiseInputException>(() => LabelReader.Read(dir.File("missing.txt"))).Message);
    }
}
