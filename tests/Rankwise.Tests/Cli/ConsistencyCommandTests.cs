using System.Text.Json;
using Rankwise.IO;
using Rankwise.Reliability;
using static Rankwise.Tests.Cli.JudgeTestData;

namespace Rankwise.Tests.Cli;

public class ConsistencyCommandTests
{
    private static string LongFile => Reference("reliability", "responses_long.csv");

    [Fact]
    public void JsonIsTheLibraryResultWithStableFields()
    {
        var json = CliRunner.Json("consistency", LongFile, "--seed", "3", "--splits", "30");
        var expected = SplitHalfConsistency.Compute(ResponseTable.Read(LongFile), new SplitHalfOptions { Seed = 3, Splits = 30 });
        Assert.Equal("spearman", json.GetProperty("method").GetString());
        Assert.Equal(30, json.GetProperty("splits").GetInt32());
        Assert.Equal(3UL, json.GetProperty("seed").GetUInt64());
        Assert.Equal(30, json.GetProperty("subjects").GetInt32());
        Assert.Equal(63, json.GetProperty("items").GetInt32());
        Assert.Equal(expected.Responses, json.GetProperty("responses").GetInt32());
        Assert.Equal(8, json.GetProperty("missing_responses").GetInt64());
        var raw = json.GetProperty("raw_split_half");
        Assert.Equal(expected.Raw.Mean, raw.Number("mean"));
        Assert.Equal(expected.Raw.StandardDeviation, raw.Number("sd"));
        Assert.Equal(expected.Raw.Interval.Low, raw.GetProperty("interval").Number("low"));
        Assert.Equal("percentile", raw.GetProperty("interval").GetProperty("method").GetString());
        Assert.Equal(expected.Corrected.Mean, json.GetProperty("spearman_brown_corrected").Number("mean"));
        Assert.Equal(2, json.Number("spearman_brown_k"));
        Assert.Equal(expected.ItemsLeftOutMean, json.GetProperty("items_left_out").Number("mean"));
        Assert.Equal(0, json.GetProperty("undefined_splits").GetInt32());
        var splits = json.GetProperty("per_split").EnumerateArray().ToArray();
        Assert.Equal(30, splits.Length);
        Assert.Equal(expected.PerSplit[7].Correlation, splits[7].Number("raw"));
        Assert.Equal(expected.PerSplit[7].Corrected, splits[7].Number("corrected"));
        Assert.Equal(expected.PerSplit[7].ItemsLeftOut, splits[7].GetProperty("items_left_out").GetInt32());
        Assert.Single(json.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public void SameSeedSameOutputAndMethods()
    {
        string[] args = ["consistency", LongFile, "--format", "json", "--method", "kendall"];
        var a = CliRunner.Run([.. args, "--seed", "5"]);
        var b = CliRunner.Run([.. args, "--seed", "5"]);
        var c = CliRunner.Run([.. args, "--seed", "6"]);
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Out, b.Out);
        Assert.NotEqual(a.Out, c.Out);
        Assert.Contains("\"method\": \"kendall\"", a.Out);
        var pearson = CliRunner.Json("consistency", Reference("reliability", "responses_wide.csv"), "--method", "pearson", "--layout", "wide", "--sb-k", "4");
        Assert.Equal(12, pearson.GetProperty("subjects").GetInt32());
        double r = pearson.GetProperty("per_split")[0].Number("raw");
        Assert.Equal(4 * r / (1 + 3 * r), pearson.GetProperty("per_split")[0].Number("corrected"), 14);
    }

    [Fact]
    public void UndefinedCorrelationsAreNullInJson()
    {
        using var dir = new TempDir();
        string file = dir.File("r.csv", "subject,item,hit\na,x,1\na,y,0\nb,x,1\nb,z,1\n");
        var json = CliRunner.Json("consistency", file, "--splits", "3");
        Assert.Equal(JsonValueKind.Null, json.GetProperty("raw_split_half").GetProperty("mean").ValueKind);
        Assert.Equal(3, json.GetProperty("undefined_splits").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("per_split")[0].GetProperty("raw").ValueKind);
    }

    [Fact]
    public void TableCsvAndMarkdown()
    {
        var (code, table, _) = CliRunner.Run("consistency", LongFile, "--per-split");
        Assert.Equal(0, code);
        Assert.Contains("raw split-half spearman", table);
        Assert.Contains("Spearman-Brown corrected (k=2)", table);
        Assert.Contains("per split", table);
        var (_, csv, _) = CliRunner.Run("consistency", LongFile, "--format", "csv");
        Assert.StartsWith("quantity,mean,sd,low,high\n", csv.ReplaceLineEndings("\n"));
        Assert.Equal(3, csv.Trim().Split('\n').Length);
        var (_, markdown, _) = CliRunner.Run("consistency", LongFile, "--format", "markdown");
        Assert.Contains("| raw split-half spearman |", markdown);
    }

    [Fact]
    public void LongColumnsAndLayoutOptions()
    {
        using var dir = new TempDir();
        string file = dir.File("r.csv", "who,what,rt,correct\n1,a,300,1\n1,b,310,0\n2,a,290,1\n2,b,280,1\n3,a,200,0\n3,b,250,1\n4,a,230,1\n4,b,260,0\n");
        var json = CliRunner.Json("consistency", file, "--columns", "who,what,correct", "--splits", "2");
        Assert.Equal(4, json.GetProperty("subjects").GetInt32());
        Assert.Equal(2, json.GetProperty("items").GetInt32());
        Fails(2, "consistency", file, "--columns", "who,what");
        Fails(2, "consistency", file, "--columns", "who,what,correct", "--layout", "wide");
    }

    [Fact]
    public void ErrorsAndExitCodes()
    {
        using var dir = new TempDir();
        Assert.Contains("file not found", Fails(3, "consistency", dir.File("missing.csv")));
        string ambiguous = dir.File("a.csv", "1,2,1\n2,2,0\n");
        Assert.Contains("--layout long or --layout wide", Fails(3, "consistency", ambiguous));
        string bad = dir.File("b.csv", "subject,item,hit\ns,i,maybe\n");
        Assert.Contains("line 2, column 'hit' (index 2): 'maybe' is not a number", Fails(3, "consistency", bad));
        Fails(2, "consistency", LongFile, "--splits", "0");
        Fails(2, "consistency", LongFile, "--method", "somers-d");
        Fails(2, "consistency", LongFile, "--confidence", "1.5");
        Fails(2, "consistency", LongFile, "--sb-k", "0");
        Fails(2, "consistency");
    }

    [Fact]
    public void FailedRunLeavesNoOutputFile()
    {
        using var dir = new TempDir();
        string output = dir.File("out.json");
        string bad = dir.File("b.csv", "subject,item,hit\ns,i,maybe\n");
        Fails(3, "consistency", bad, "--output", output, "--format", "json");
        Assert.False(File.Exists(output));
        Assert.Equal([bad], Directory.GetFiles(dir.Path));
        var (code, stdout, _) = CliRunner.Run("consistency", LongFile, "--output", output, "--format", "json");
        Assert.Equal(0, code);
        Assert.Equal("", stdout);
        Assert.Equal(63, JsonDocument.Parse(File.ReadAllText(output)).RootElement.GetProperty("items").GetInt32());
    }
}
