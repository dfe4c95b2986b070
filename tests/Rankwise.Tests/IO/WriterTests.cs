using System.Text.Json;
using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class WriterTests
{
    public static IEnumerable<object[]> WrittenFiles => IoTestData.Names("written");

    /// <summary>Our writer must produce exactly the bytes numpy 1.24's np.save wrote for the same array.</summary>
    [Theory]
    [MemberData(nameof(WrittenFiles))]
    public void NpyBytesAreIdenticalToNumpy(string name)
    {
        var entry = IoTestData.Manifest.GetProperty("written").GetProperty(name);
        var shape = IoTestData.Shape(entry);
        var values = IoTestData.Values(entry);
        byte[] expected = File.ReadAllBytes(IoTestData.File_("written", name));
        using var ms = new MemoryStream();
        if (name.StartsWith("f4", StringComparison.Ordinal))
        {
            // (float)NaN keeps the payload and sign, so numpy's positive quiet NaN survives the narrowing.
            var data = values.Select(v => (float)v).ToArray();
            if (shape.Length == 1)
                NpyWriter.Write<float>(ms, data);
            else
                NpyWriter.Write(ms, new Matrix<float>((int)shape[0], (int)shape[1], data));
        }
        else if (shape.Length == 1)
            NpyWriter.Write<double>(ms, values);
        else
            NpyWriter.Write(ms, new Matrix<double>((int)shape[0], (int)shape[1], values));
        Assert.Equal(expected, ms.ToArray());
    }

    [Fact]
    public void NpyFileRoundTrips()
    {
        using var dir = new TempDir();
        var m = new Matrix<float>(2, 3, [1, float.NaN, -0f, float.MaxValue, float.Epsilon, -2.5f]);
        string p = dir.File("m.npy");
        NpyWriter.Write(p, m);
        var back = NpyReader.Read<float>(p);
        Assert.Equal(2, back.Rows);
        Assert.Equal(3, back.Columns);
        IoTestData.AssertExact(m.Data.Select(x => (double)x).ToArray(), back.Data, "m");
        var header = NpyReader.ReadHeader(p);
        Assert.Equal("<f4", header.Descr);
        Assert.Equal(128, header.DataOffset);
        Assert.Single(Directory.GetFiles(dir.PathName));
    }

    [Fact]
    public void CsvRoundTripsExactly()
    {
        using var dir = new TempDir();
        double[] data = [0.1, 1.0 / 3, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 5e-324, 123456789012345678, -0.0];
        var m = new Matrix<double>(3, 3, data, columnNames: ["a", "b,c", "d \"e\""]);
        string p = dir.File("m.csv");
        CsvWriter.Write(p, m);
        Assert.StartsWith("a,\"b,c\",\"d \"\"e\"\"\"\n0.1,0.3333333333333333,-1E-300\nnan,inf,-inf\n", File.ReadAllText(p));
        var back = CsvReader.Read<double>(p);
        Assert.Equal(m.ColumnNames, back.ColumnNames);
        IoTestData.AssertExact(data, back.Data, "csv");
    }

    [Fact]
    public void CsvFloatUsesShortestFloatText()
    {
        Assert.Equal("0.1", CsvWriter.FormatNumber(0.1f));
        Assert.Equal("0.1", CsvWriter.FormatNumber(0.1));
        Assert.Equal("1E-05", CsvWriter.FormatNumber(1e-5));
        Assert.Equal("-inf", CsvWriter.FormatNumber(float.NegativeInfinity));
        Assert.Equal("nan", CsvWriter.FormatNumber(double.NaN));
        using var dir = new TempDir();
        var m = new Matrix<float>(2, 1, [0.1f, 16777217f]);
        string p = dir.File("f.tsv");
        CsvWriter.Write(p, m, '\t');
        Assert.Equal("0.1\n16777216\n", File.ReadAllText(p));
        Assert.Equal(m.Data, CsvReader.Read<float>(p).Data);
    }

    [Fact]
    public void CsvRowLabelsForceAHeader()
    {
        using var dir = new TempDir();
        var m = new Matrix<double>(2, 2, [1, 2, 3, 4], rowLabels: ["cat", "1"]);
        string p = dir.File("l.csv");
        CsvWriter.Write(p, m, writeRowLabels: true);
        Assert.Equal("label,0,1\ncat,1,2\n1,3,4\n", File.ReadAllText(p));
        var table = CsvReader.ReadTable(p);
        Assert.Equal(["cat", "1"], table.Column("label"));
        Assert.Equal([2.0, 4], CsvReader.Read<double>(p, "1").Data);
    }

    [Fact]
    public void CsvTableWriterQuotesAndValidates()
    {
        using var dir = new TempDir();
        string p = dir.File("t.csv");
        CsvWriter.WriteTable(p, ["method", "note"], [["pearson", "two\nlines"], ["kendall", " padded "]]);
        var table = CsvReader.ReadTable(p);
        Assert.Equal(["two\nlines", " padded "], table.Column("note"));
        Assert.Throws<ArgumentException>(() => CsvWriter.WriteTable(p, ["a", "b"], [["only one"]]));
        Assert.Equal(["two\nlines", " padded "], CsvReader.ReadTable(p).Column("note")); // untouched by the failed write
        Assert.Single(Directory.GetFiles(dir.PathName));
    }

    [Fact]
    public void JsonWritesNonFiniteAsNullAndScipyStyleNames()
    {
        var result = new CorrelationResult("spearman", 10, 0.5, double.NaN, Alternative.TwoSided,
            new ConfidenceInterval("fisher", 0.95, double.NegativeInfinity, 0.9));
        string json = JsonOutput.Serialize(result);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("p_value").ValueKind);
        Assert.Equal("two-sided", root.GetProperty("alternative").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("confidence_interval").GetProperty("low").ValueKind);
        Assert.Equal(0.9, root.GetProperty("confidence_interval").GetProperty("high").GetDouble());
        Assert.Equal(0.5, root.GetProperty("statistic").GetDouble());
        Assert.Equal("[1.5,null,null]", JsonSerializer.Serialize(new[] { 1.5f, float.NaN, float.PositiveInfinity }, JsonOutput.Options).Replace("\n", "").Replace(" ", ""));
        using var dir = new TempDir();
        string p = dir.File("r.json");
        JsonOutput.Write(p, new { values = new double?[] { 1, null, double.NaN } });
        Assert.Equal("[1,null,null]", JsonDocument.Parse(File.ReadAllText(p)).RootElement.GetProperty("values").GetRawText().Replace("\n", "").Replace(" ", ""));
    }

    [Fact]
    public void AtomicWriteFailureLeavesTheOldFileAndNoTemporaries()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("out.csv", "old content\n");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(p, s =>
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("boom", e.Message);
        Assert.Equal("old content\n", File.ReadAllText(p));
        Assert.Single(Directory.GetFiles(dir.PathName));

        AtomicFile.WriteAllText(p, "new\n");
        Assert.Equal("new\n", File.ReadAllText(p));
        Assert.Single(Directory.GetFiles(dir.PathName));
    }

    [Fact]
    public void LeftoversOfKilledWritersAreRemovedByTheNextWrite()
    {
        using var dir = new TempDir();
        string p = dir.WriteText("ckpt.bin", "old\n");
        // A writer that died mid-write (its process is gone) left a temporary file; so did a writer that still runs
        // (this process, and process 1), whose temporaries must survive; unrelated files are never touched.
        int deadPid;
        using (var child = System.Diagnostics.Process.Start("true")!)
        {
            child.WaitForExit();
            deadPid = child.Id;
        }
        string dead = dir.WriteText($".ckpt.bin.{deadPid}-0011aabbccdd.tmp", "partial");
        string ours = dir.WriteText($".ckpt.bin.{Environment.ProcessId}-0011aabbccdd.tmp", "in progress");
        string alive = dir.WriteText(".ckpt.bin.1-0011aabbccdd.tmp", "in progress");
        string other = dir.WriteText($".other.bin.{deadPid}-0011aabbccdd.tmp", "someone else's");
        string odd = dir.WriteText(".ckpt.bin.notapid.tmp", "not ours");

        AtomicFile.WriteAllText(p, "new\n");

        Assert.Equal("new\n", File.ReadAllText(p));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(ours) && File.Exists(alive) && File.Exists(other) && File.Exists(odd));
    }

    [Fact]
    public void AtomicWriteFailureWithoutAnOldFileLeavesNothing()
    {
        using var dir = new TempDir();
        string p = dir.File("new.npy");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(p, s => throw new InvalidOperationException("x")));
        Assert.Empty(Directory.GetFileSystemEntries(dir.PathName));
    }

    [Fact]
    public void AtomicWriteIntoAMissingDirectoryNamesThePath()
    {
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText("/no/such/dir/out.json", "{}"));
        Assert.StartsWith("/no/such/dir/out.json: cannot write: directory", e.Message);
    }
}
