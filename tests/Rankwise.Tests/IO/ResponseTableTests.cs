using System.Text.Json;
using Rankwise.IO;
using Rankwise.Tests.Cli;
using Rankwise.Tests.Reliability;

namespace Rankwise.Tests.IO;

/// <summary>Reading per-subject responses in long and wide layouts, and one-line errors for malformed files.</summary>
public class ResponseTableTests
{
    [Theory]
    [InlineData("long", "responses_long.csv")]
    [InlineData("wide", "responses_wide.csv")]
    public void ReadsTheReferenceFiles(string layout, string file)
    {
        var table = ResponseTable.Read(Path.Combine(SplitHalfConsistencyTests.Dir, file));
        JsonElement reference = SplitHalfConsistencyTests.Get(layout);
        Assert.Equal(reference.GetProperty("items").EnumerateArray().Select(e => e.GetString()), table.Items);
        Assert.Equal(reference.GetProperty("responses").GetInt32(), table.ResponseCount);
        Assert.Equal(reference.GetProperty("missing").GetInt64(), table.MissingCount);
        double[] expected = reference.GetProperty("item_means").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble()).ToArray();
        double[] actual = table.ItemMeans();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 14);
    }

    [Fact]
    public void LongLayoutWithAliasesTsvAndExplicitColumns()
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        string tsv = dir.File("r.tsv", "Participant\tImage\tRating\textra\np1\ta\t3\tx\np1\tb\t4\tx\np2\ta\tNA\tx\np2\tb\t5\tx\n");
        var table = ResponseTable.Read(tsv);
        Assert.Equal(["p1", "p2"], table.Subjects);
        Assert.Equal(["a", "b"], table.Items);
        Assert.Equal(3, table.ResponseCount);
        Assert.Equal(1, table.MissingCount);
        Assert.Equal([3, 4.5], table.ItemMeans());
        table.GetSubject(1, out var items, out var values);
        Assert.Equal([1], items.ToArray());
        Assert.Equal([5.0], values.ToArray());

        string custom = dir.File("c.csv", "who,what,y,z\np1,a,1,9\np2,a,0,9\n");
        var explicitColumns = ResponseTable.Read(custom, new ResponseTableOptions { SubjectColumn = "who", ItemColumn = "what", ResponseColumn = "z" });
        Assert.Equal([9.0], explicitColumns.ItemMeans());

        // Three columns without a header: long only when asked.
        string bare = dir.File("bare.csv", "1,10,1\n2,10,0\n1,11,1\n");
        var e = Assert.Throws<RankwiseInputException>(() => ResponseTable.Read(bare));
        Assert.Contains("--layout long or --layout wide", e.Message);
        var asLong = ResponseTable.Read(bare, new ResponseTableOptions { Layout = ResponseLayout.Long });
        Assert.Equal(["10", "11"], asLong.Items);
        var asWide = ResponseTable.Read(bare, new ResponseTableOptions { Layout = ResponseLayout.Wide });
        Assert.Equal(3, asWide.ItemCount);
    }

    [Fact]
    public void WideLayoutFromTextAndNpy()
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        string unlabelled = dir.File("w.csv", "i1,i2,i3\n1,,0\n0,1,NaN\n");
        var table = ResponseTable.Read(unlabelled);
        Assert.Equal(["i1", "i2", "i3"], table.Items);
        Assert.Equal(["0", "1"], table.Subjects);
        Assert.Equal(4, table.ResponseCount);
        Assert.Equal(2, table.MissingCount);

        string npy = dir.File("w.npy");
        ArrayWriter.WriteMatrix(npy, new Matrix<double>(2, 3, [1, double.NaN, 0, 0, 1, 1]));
        var fromNpy = ResponseTable.Read(npy);
        Assert.Equal(5, fromNpy.ResponseCount);
        Assert.Equal([0.5, 1, 0.5], fromNpy.ItemMeans());
        var e = Assert.Throws<RankwiseInputException>(() => ResponseTable.Read(npy, new ResponseTableOptions { Layout = ResponseLayout.Long }));
        Assert.Contains("long layout", e.Message);
    }

    [Theory]
    [InlineData("subject,item,hit\ns1,a,1\ns1,b,yes\n", "bad.csv: line 3, column 'hit' (index 2): 'yes' is not a number")]
    [InlineData("subject,item,hit\ns1,a,1\n,b,1\n", "bad.csv: line 3, column 'subject' (index 0): the subject is empty")]
    [InlineData("subject,item,hit\ns1,a,inf\n", "bad.csv: line 2, column 'hit' (index 2): the response is inf; responses must be finite")]
    [InlineData("subject,item,hit\ns1,a,1\ns1,b\n", "bad.csv: line 3 has 2 fields, expected 3 (as in the header)")]
    [InlineData("", "bad.csv: file is empty (no rows)")]
    [InlineData("subject,a,b\np1,1,0\np1,0,1\n", "bad.csv: subject 'p1' has more than one row; a wide file has one row per subject")]
    [InlineData("subject,a,b\np1,1,0\np2,0,x\n", "bad.csv: line 3, column 'b' (index 2): 'x' is not a number; is this a long file (subject,item,response)? use --layout long")]
    public void MalformedFilesGiveOneLineErrors(string contents, string message)
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        string path = dir.File("bad.csv", contents);
        var e = Assert.Throws<RankwiseInputException>(() => ResponseTable.Read(path));
        Assert.Equal(message, e.Message.Replace(path, "bad.csv"));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingColumnsAndFiles()
    {
        using var dir = new Rankwise.Tests.Cli.TempDir();
        string path = dir.File("cols.csv", "subject,image,rt,hit\ns,a,1,1\n");
        var e = Assert.Throws<RankwiseInputException>(() => ResponseTable.Read(path, new ResponseTableOptions { Layout = ResponseLayout.Long, ResponseColumn = "missing" }));
        Assert.Contains("no column 'missing'", e.Message);
        string four = dir.File("four.csv", "a,b,c,d\ns,a,1,1\n");
        e = Assert.Throws<RankwiseInputException>(() => ResponseTable.Read(four, new ResponseTableOptions { Layout = ResponseLayout.Long }));
        Assert.Contains("no subject column", e.Message);
        e = Assert.Throws<RankwiseInputException>(() => ResponseTable.Read(dir.File("absent.csv")));
        Assert.Contains("file not found", e.Message);
        e = Assert.Throws<RankwiseInputException>(() => ResponseTable.FromLong(["a"], ["x", "y"], [1.0]));
        Assert.Contains("same length", e.Message);
    }
}
