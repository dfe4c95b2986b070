using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class CsvReaderTests
{
    public static IEnumerable<object[]> CsvFiles =>
        IoTestData.Names("csv").Where(n => (string)n[0] != "labels.csv");

    private static string[]? ExpectedColumns(string name)
    {
        var c = IoTestData.Manifest.GetProperty("csv").GetProperty(name).GetProperty("columns");
        return c.ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    [Theory]
    [MemberData(nameof(CsvFiles))]
    public void ReadsAllColumns(string name)
    {
        var entry = IoTestData.Manifest.GetProperty("csv").GetProperty(name);
        string path = IoTestData.File_("csv", name);
        var m = ArrayReader.ReadMatrix<double>(path);
        IoTestData.AssertEntry(entry, m, name);
        var columns = ExpectedColumns(name);
        if (columns is null)
            Assert.Null(m.ColumnNames);
        else
            Assert.Equal(columns, m.ColumnNames);
        IoTestData.AssertEntry(entry, ArrayReader.ReadMatrix<float>(path), name);
    }

    [Fact]
    public void DetectsDelimiters()
    {
        Assert.Equal(',', CsvReader.DetectDelimiter(IoTestData.File_("csv", "header_comma.csv")));
        Assert.Equal(';', CsvReader.DetectDelimiter(IoTestData.File_("csv", "semicolon.csv")));
        Assert.Equal('\t', CsvReader.DetectDelimiter(IoTestData.File_("csv", "tabs.txt")));
        Assert.Equal(' ', CsvReader.DetectDelimiter(IoTestData.File_("csv", "savetxt.txt")));
        Assert.Equal(',', CsvReader.DetectDelimiter(IoTestData.File_("csv", "quoted.csv")));
    }

    [Fact]
    public void SelectsAColumnByNameOrIndexWhileOtherColumnsAreText()
    {
        string path = IoTestData.File_("csv", "labels.csv");
        Assert.Equal([1.5, 2, 3], ArrayReader.ReadVector<double>(path + ":human"));
        Assert.Equal([0.9f, 0.7f, 0.1f], ArrayReader.ReadVector<float>(path + ":2"));
        var m = CsvReader.Read<double>(path, "model");
        Assert.Equal(["model"], m.ColumnNames);
        Assert.Equal(3, m.Rows);
    }

    [Fact]
    public void NonNumericCellNamesFileLineAndColumn()
    {
        string path = IoTestData.File_("csv", "labels.csv");
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(path));
        Assert.Equal($"{path}: line 2, column 'word' (index 0): 'cat' is not a number", e.Message);
        var e2 = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadVector<double>(path + ":word"));
        Assert.Contains("line 2", e2.Message);
    }

    [Fact]
    public void UnknownColumnListsTheColumns()
    {
        string path = IoTestData.File_("csv", "labels.csv");
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadVector<double>(path + ":score"));
        Assert.Contains("no column 'score'", e.Message);
        Assert.Contains("'word', 'human', 'model'", e.Message);
        Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadVector<double>(path + ":3"));
    }

    [Fact]
    public void MatrixIsNotAVectorWithAHint()
    {
        string path = IoTestData.File_("csv", "header_comma.csv");
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadVector<double>(path));
        Assert.Equal($"{path}: expected a vector, got shape [3, 3]; select a column with header_comma.csv:name", e.Message);
    }

    [Fact]
    public void RaggedRowsAreRefused()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("r.csv", "a,b\n1,2\n3\n");
        var e = Assert.Throws<RankwiseInputException>(() => CsvReader.Read<double>(p));
        Assert.Equal($"{p}: line 3 has 1 fields, expected 2 (as in the header)", e.Message);
    }

    [Fact]
    public void UnterminatedQuoteIsRefused()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("q.csv", "a,b\n1,\"2\n3,4\n");
        var e = Assert.Throws<RankwiseInputException>(() => CsvReader.Read<double>(p));
        Assert.Contains("line 2: unterminated quoted field", e.Message);
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("e.csv", "\n\n");
        var e = Assert.Throws<RankwiseInputException>(() => CsvReader.Read<double>(p));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void HeaderOnlyGivesZeroRows()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("h.csv", "a,b,c\n");
        var m = CsvReader.Read<double>(p);
        Assert.Equal(0, m.Rows);
        Assert.Equal(3, m.Columns);
        Assert.Equal(["a", "b", "c"], m.ColumnNames);
    }

    [Fact]
    public void ExplicitOptionsOverrideDetection()
    {
        using var dir = new TempDir();
        // Numeric-looking header: detection cannot tell, the option can.
        string p = dir.WriteText("n.csv", "1;2\n3;4\n");
        var m = CsvReader.Read<double>(p, options: new CsvOptions { Delimiter = ';', HasHeader = true });
        Assert.Equal(["1", "2"], m.ColumnNames);
        Assert.Equal([3.0, 4], m.Data);
        var auto = CsvReader.Read<double>(p);
        Assert.Null(auto.ColumnNames);
        Assert.Equal(2, auto.Rows);
    }

    [Fact]
    public void ParsingIsInvariantCultureNotDecimalComma()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("dc.csv", "x\n1,5\n");
        // "1,5" splits into two fields under comma detection: the row is ragged (the header has one field).
        Assert.Throws<RankwiseInputException>(() => CsvReader.Read<double>(p, options: new CsvOptions { Delimiter = ',' }));
        string p2 = dir.WriteText("dc2.csv", "x;y\n1,5;2\n");
        var e = Assert.Throws<RankwiseInputException>(() => CsvReader.Read<double>(p2));
        Assert.Contains("'1,5' is not a number", e.Message);
    }

    [Fact]
    public void ReadTableKeepsStrings()
    {
        var table = CsvReader.ReadTable(IoTestData.File_("csv", "labels.csv"));
        Assert.True(table.HasHeader);
        Assert.Equal(["word", "human", "model"], table.ColumnNames);
        Assert.Equal(3, table.RowCount);
        Assert.Equal(["cat", "dog", "a,b"], table.Column("word"));
        Assert.Equal([1.5, 2, 3], table.ParseColumn<double>("human"));
        Assert.Equal([2, 3, 4], table.LineNumbers);
        var e = Assert.Throws<RankwiseInputException>(() => table.ParseColumn<double>("word"));
        Assert.Contains("line 2, column 'word'", e.Message);
    }

    [Fact]
    public void ReadTableWithoutHeaderNamesColumnsByIndex()
    {
        var table = CsvReader.ReadTable(IoTestData.File_("csv", "noheader.csv"));
        Assert.False(table.HasHeader);
        Assert.Equal(["0", "1"], table.ColumnNames);
        Assert.Equal(["2", "4", "6"], table.Column("1"));
    }

    [Fact]
    public void QuotedFieldsFollowRfc4180()
    {
        var table = CsvReader.ReadTable(IoTestData.File_("csv", "quoted.csv"));
        Assert.Equal(["id", "score, raw", "say \"hi\"", "multi\nline"], table.ColumnNames);
        Assert.Equal([3, 4], table.LineNumbers);
    }

    [Fact]
    public void LargeFileSpanningManyBuffers()
    {
        using var dir = new TempDir();
        var sb = new System.Text.StringBuilder("a,b\n");
        for (int i = 0; i < 20000; i++)
            sb.Append(i).Append(',').Append(i * 0.25).Append('\n');
        string p = dir.WriteText("big.csv", sb.ToString());
        var m = CsvReader.Read<double>(p);
        Assert.Equal(20000, m.Rows);
        Assert.Equal(19999 * 0.25, m[19999, 1]);
    }
}
