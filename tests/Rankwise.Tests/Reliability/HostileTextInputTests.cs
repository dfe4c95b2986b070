using System.Text.Json;
using Rankwise.Tests.Cli;

namespace Rankwise.Tests.Reliability;

/// <summary>
/// Hand-made hostile inputs for the text readers behind <c>consistency</c>, <c>wordsim</c> and
/// <c>retrieval label-map</c>, each with its documented outcome: exit 3 with one line naming the file and saying
/// what is wrong, or a result (degenerate inputs that are still well-formed give NaN statistics, never a crash).
/// The random exploration is <see cref="CliFuzzTests"/>; these pin down the cases it may take long to reach.
/// </summary>
public class HostileTextInputTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "ReferenceData", "fuzz");
    private static readonly string Vectors = Path.Combine(Corpus, "wordsim", "w2v.txt");
    private static readonly string Benchmark = Path.Combine(Corpus, "wordsim", "ws.tab");
    private static readonly string Embeddings = Path.Combine(Corpus, "labels", "emb.csv");

    /// <summary>Runs with an --output file; on failure checks exit 3, one line naming <paramref name="input"/>, no output.</summary>
    private static (int Code, string Err, string? Json) Run(TempDir dir, string input, params string[] args)
    {
        string output = dir.File("out.json");
        var (code, _, err) = CliRunner.Run([.. args, "--output", output, "--format", "json", "--quiet"]);
        if (code == 0)
            return (code, err, File.ReadAllText(output));
        Assert.Equal(3, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains(input, err);
        Assert.False(File.Exists(output));
        return (code, err, null);
    }

    [Theory]
    [InlineData("subject,item,response\ns1,a,1\ns1,b,0\n", "has 1 subject; splitting into two halves needs at least 2")]
    [InlineData("subject,item,response\n", "has 0 subjects")]
    [InlineData("", "file is empty")]
    [InlineData("subject,item,response\ns1,a,1e309\ns2,a,0\n", "the response is inf; responses must be finite")]
    [InlineData("subject,item,response\ns1,a,-Infinity\ns2,a,0\n", "responses must be finite")]
    [InlineData("subject,item,response\ns1,,1\ns2,a,0\n", "the item is empty")]
    [InlineData("subject,a,b\ns1,1,2\ns1,3,4\n", "subject 's1' has more than one row")]
    [InlineData("1,2,1\n2,2,0\n", "3 columns and no header")]
    [InlineData("subject,item,response\ns1,a,yes\ns2,a,0\n", "'yes'")]
    [InlineData("subject,item,response\ns1,a\ns2,a,0\n", "line 2")]
    public void MalformedResponseTablesFailWithExit3(string contents, string problem)
    {
        using var dir = new TempDir();
        string input = dir.File("responses.csv", contents);
        var (code, err, _) = Run(dir, input, "consistency", input, "--splits", "3");
        Assert.Equal(3, code);
        Assert.Contains(problem, err);
    }

    [Fact]
    public void ResponsesThatAreAllMissingGiveNaNNotACrash()
    {
        using var dir = new TempDir();
        string input = dir.File("responses.csv", "subject,item,response\ns1,a,\ns2,b,NaN\ns3,a,NA\n");
        var (code, _, json) = Run(dir, input, "consistency", input, "--splits", "3");
        Assert.Equal(0, code);
        var root = JsonDocument.Parse(json!).RootElement;
        Assert.Equal(3, root.GetProperty("missing_responses").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("raw_split_half").GetProperty("mean").ValueKind);
        Assert.Equal(3, root.GetProperty("undefined_splits").GetInt32());
    }

    [Theory]
    [InlineData("cat\tdog\tInfinity\n", "score 'Infinity' is not a number")]
    [InlineData("cat\tdog\tNaN\n", "score 'NaN' is not a number")]
    [InlineData("# only a comment\n\n", "no word pairs")]
    [InlineData("word1\tword2\tSimLex999\n", "no word pairs after the header")]
    [InlineData("word1\tword2\tPOS\tSimLex999\ncat\tdog\tN\n", "line 2: 3 fields, expected at least 4")]
    [InlineData("cat dog\n", "cannot tell the benchmark layout")]
    public void MalformedBenchmarksFailWithExit3(string contents, string problem)
    {
        using var dir = new TempDir();
        string input = dir.File("bench.tab", contents);
        var (code, err, _) = Run(dir, input, "wordsim", "--vectors", Vectors, "--benchmark", input, "--resamples", "20");
        Assert.Equal(3, code);
        Assert.Contains(problem, err);
    }

    [Theory]
    [InlineData("cat\tdog\t5\n")] // one pair
    [InlineData("zzz\tyyy\t5\nqq\tpp\t3\nrr\tss\t1\n")] // every pair out of vocabulary
    [InlineData("cat\tdog\t5\ncat\tdog\t5\ncat\tdog\t5\n")] // constant scores and similarities
    public void DegenerateBenchmarksGiveNaNCorrelations(string contents)
    {
        using var dir = new TempDir();
        string input = dir.File("bench.tab", contents);
        var (code, _, json) = Run(dir, input, "wordsim", "--vectors", Vectors, "--benchmark", input, "--resamples", "20");
        Assert.Equal(0, code);
        var spearman = JsonDocument.Parse(json!).RootElement.GetProperty("benchmarks")[0].GetProperty("spearman").GetProperty("value");
        Assert.True(spearman.ValueKind == JsonValueKind.Null || spearman.ValueKind == JsonValueKind.String || double.IsNaN(spearman.GetDouble()),
            $"expected NaN, got {spearman}");
    }

    /// <summary>
    /// Vector files: header claims are checked against the file length before allocating; a damaged .txt that is
    /// neither word2vec text nor GloVe is reported as a vector file problem (exit 3), not as a usage error; a
    /// non-finite entry is reported against the vector file.
    /// </summary>
    [Theory]
    [InlineData("vectors.txt", "1 100000000\ncat 1 2\n", "header claims 1 vectors of dimension 100000000")]
    [InlineData("vectors.vec", "99999999999 4\n", "header claims 99999999999 vectors")]
    [InlineData("vectors.bin", "1 100000000\n", "header claims 1 vectors of dimension 100000000")]
    [InlineData("vectors.txt", "2 0\ncat\ndog\n", "expected a word2vec header")]
    [InlineData("vectors.txt", "3 2\ncat 1 2\ndog 3 4\n", "truncated: the header promises 3 vectors, file has 2")]
    [InlineData("vectors.txt", "cat 1 2\ndog 3\n", "line 2")]
    [InlineData("vectors.txt", "cat 1 2\ndog 3 4\ntree nan 1\n", "entry [2, 0] is not a finite number")]
    [InlineData("vectors.txt", "a,b,c\n1,2,3\n", "word2vec header")]
    public void MalformedVectorFilesFailWithExit3(string name, string contents, string problem)
    {
        using var dir = new TempDir();
        string input = dir.File(name, contents);
        var (code, err, _) = Run(dir, input, "wordsim", "--vectors", input, "--benchmark", Benchmark, "--resamples", "20");
        Assert.Equal(3, code);
        Assert.Contains(problem, err);
    }

    [Theory]
    [InlineData("labels.txt", "", "no labels")]
    [InlineData("labels.labels", "# only a comment\n", "no labels")]
    [InlineData("labels.txt", "a\nb\n", "has labels for 2 items but")]
    [InlineData("ids.csv", "label\n0\n1\n2\n0\n1\n2\n0\n1e300\n", "label 1E+300 is not an integer class id")]
    [InlineData("ids.csv", "label\n0\n1\n2\n0\n1\n2\n0\n0.5\n", "label 0.5 is not an integer class id")]
    [InlineData("hot.csv", "a,b\n0,2\n1,0\n0,0\n1,1\n0,0\n1,1\n0,1\n1,0\n", "indicator entry [0, 1] is 2")]
    public void MalformedLabelFilesFailWithExit3(string name, string contents, string problem)
    {
        using var dir = new TempDir();
        string input = dir.File(name, contents);
        string selector = name == "ids.csv" ? input + ":label" : input;
        var (code, err, _) = Run(dir, input, "retrieval", "label-map", "--embeddings", Embeddings, "--labels", selector);
        Assert.Equal(3, code);
        Assert.Contains(problem, err);
    }

    [Fact]
    public void ItemsWithoutAnyLabelAreQueriesWithoutRelevantItems()
    {
        using var dir = new TempDir();
        string input = dir.File("labels.txt", "\n\n\n\n\n\n\n\n");
        var (code, _, json) = Run(dir, input, "retrieval", "label-map", "--embeddings", Embeddings, "--labels", input);
        Assert.Equal(0, code);
        var root = JsonDocument.Parse(json!).RootElement;
        Assert.Equal(8, root.GetProperty("queries_without_relevant").GetInt32());
        Assert.Equal(0, root.GetProperty("queries_used").GetInt32());
    }
}
