using System.Text.Json;
using Rankwise.IO;
using Rankwise.Tests.Retrieval;
using static Rankwise.Tests.Cli.JudgeTestData;

namespace Rankwise.Tests.Cli;

/// <summary><c>rankwise retrieval</c> against the sklearn / numpy retrieval reference (make_retrieval_reference.py).</summary>
public class RetrievalCommandTests
{
    private static readonly (string Cli, string Reference)[] Methods = [("sklearn", "NonInterpolated"), ("voc2010", "Voc2010"), ("voc2007", "Voc2007ElevenPoint")];

    [Theory]
    [InlineData("voc2007", 8.0 / 11)]
    [InlineData("voc2010", 0.7222222222222222)]
    [InlineData("sklearn", 0.7222222222222222)]
    public void RankedListGolden(string method, double expected)
    {
        using var dir = new TempDir();
        string file = dir.File("ranked.csv", "relevant\n1\n0\n1\n0\n0\n1\n0\n0\n0\n0\n");
        var json = CliRunner.Json("retrieval", "ap", "--ranked", file + ":relevant", "--method", method);
        Assert.Equal(expected, json.Number("map"), 12);
        Assert.Equal(1, json.GetProperty("queries").GetInt32());
        Assert.Equal(method, json.GetProperty("method").GetString());
        var truncated = CliRunner.Json("retrieval", "ap", "--ranked", file + ":relevant", "--method", method, "--total-relevant", "6");
        Assert.True(truncated.Number("map") < expected);
    }

    [Fact]
    public void ScoreMatricesMatchSklearn()
    {
        using var dir = new TempDir();
        var cases = RetrievalReference.Section("averagePrecision").Take(40).ToArray();
        foreach (var (c, k) in cases.Select((c, k) => (c, k)))
        {
            double[] scores = RetrievalReference.Numbers(c.GetProperty("scores"));
            double[] relevant = c.GetProperty("relevant").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.True ? 1.0 : v.ValueKind == JsonValueKind.False ? 0.0 : v.GetDouble()).ToArray();
            string s = dir.File($"s{k}.npy"), r = dir.File($"r{k}.npy");
            NpyWriter.Write(s, scores);
            NpyWriter.Write(r, relevant);
            foreach (var (cli, reference) in Methods)
            {
                var json = CliRunner.Json("retrieval", "ap", "--scores", s, "--relevance", r, "--method", cli);
                double expected = RetrievalReference.Number(c.GetProperty("expected").GetProperty(reference));
                if (double.IsNaN(expected))
                    Assert.Equal(1, json.GetProperty("queries_without_relevant").GetInt32());
                else
                    Close(expected, json.Number("map"), 1e-12, $"case {k} {cli}");
            }
        }
    }

    [Fact]
    public void LabelMapMatchesReference()
    {
        using var dir = new TempDir();
        foreach (var (c, k) in RetrievalReference.Section("labelRetrieval").Select((c, k) => (c, k)))
        {
            if (c.GetProperty("kind").GetString() != "embeddings")
                continue;
            var embeddings = RetrievalReference.Matrix(c.GetProperty("embeddings"));
            string e = dir.File($"e{k}.npy");
            ArrayWriter.WriteMatrix(e, embeddings);
            string labels = dir.File($"l{k}.txt", string.Join('\n', c.GetProperty("labels").EnumerateArray().Select(l => string.Join(',', l.EnumerateArray().Select(v => "class" + v.GetInt32())))) + "\n");
            string measure = c.GetProperty("measure").GetString() == "cosine" ? "cosine" : "euclidean";
            foreach (var (cli, reference) in Methods)
            {
                var json = CliRunner.Json("retrieval", "label-map", "--embeddings", e, "--labels", labels, "--similarity", measure, "--method", cli);
                var expected = c.GetProperty("expected").GetProperty(reference);
                Close(expected.Number("map"), json.Number("map"), 1e-12, $"case {k} {cli}");
                Assert.Equal(expected.GetProperty("without").GetInt32(), json.GetProperty("queries_without_relevant").GetInt32());
                double[] perQuery = RetrievalReference.Numbers(expected.GetProperty("perQuery"));
                double[] actual = json.GetProperty("per_query_ap").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();
                Assert.Equal(perQuery.Length, actual.Length);
                for (int q = 0; q < perQuery.Length; q++)
                    Assert.True(double.IsNaN(perQuery[q]) ? double.IsNaN(actual[q]) : Math.Abs(perQuery[q] - actual[q]) < 1e-12, $"case {k} query {q}");
            }
        }
    }

    [Fact]
    public void CrossModalMatchesReference()
    {
        using var dir = new TempDir();
        int checkedCases = 0;
        foreach (var (c, k) in RetrievalReference.Section("crossModal").Select((c, k) => (c, k)))
        {
            if (c.GetProperty("kind").GetString() != "scores")
                continue;
            string s = dir.File($"s{k}.npy");
            ArrayWriter.WriteMatrix(s, RetrievalReference.Matrix(c.GetProperty("scores")));
            string ties = c.GetProperty("ties").GetString() switch { "Optimistic" => "optimistic", "Pessimistic" => "pessimistic", _ => "stable" };
            string ks = string.Join(',', RetrievalReference.Ints(c.GetProperty("recallAt")));
            var json = CliRunner.Json("retrieval", "cross-modal", "--scores", s, "--captions-per-image", c.GetProperty("captionsPerImage").GetInt32().ToString(),
                "--folds", c.GetProperty("folds").GetInt32().ToString(), "--ties", ties, "--k", ks);
            var expected = c.GetProperty("expected");
            foreach (var (direction, name) in new[] { ("i2t", "image_to_text"), ("t2i", "text_to_image") })
            {
                var e = expected.GetProperty(direction);
                var a = json.GetProperty(name);
                double[] recalls = RetrievalReference.Numbers(e.GetProperty("recall"));
                int[] at = RetrievalReference.Ints(c.GetProperty("recallAt"));
                for (int i = 0; i < at.Length; i++)
                    Close(recalls[i], a.GetProperty("recall_percent").Number($"r{at[i]}"), 1e-12, $"case {k} {name} R@{at[i]}");
                Close(e.Number("medianRank"), a.Number("median_rank"), 1e-12, $"case {k} {name} median");
                Close(e.Number("meanRank"), a.Number("mean_rank"), 1e-12, $"case {k} {name} mean");
            }
            Close(expected.Number("rsum"), json.Number("rsum"), 1e-12, $"case {k} rsum");
            checkedCases++;
        }
        Assert.True(checkedCases >= 3);
    }

    [Fact]
    public void CrossModalFromEmbeddings()
    {
        using var dir = new TempDir();
        var random = new Random(4);
        var images = new Matrix<double>(4, 3, Enumerable.Range(0, 12).Select(_ => random.NextDouble()).ToArray());
        var captions = new Matrix<double>(8, 3, Enumerable.Range(0, 24).Select(i => images.Data[(i / 6) * 3 + i % 3] + 0.01 * random.NextDouble()).ToArray());
        string im = dir.File("im.npy"), cap = dir.File("cap.npy");
        ArrayWriter.WriteMatrix(im, images);
        ArrayWriter.WriteMatrix(cap, captions);
        var json = CliRunner.Json("retrieval", "cross-modal", "--images", im, "--captions", cap, "--captions-per-image", "2");
        Assert.Equal(4, json.GetProperty("images").GetInt32());
        Assert.Equal(8, json.GetProperty("captions").GetInt32());
        Assert.Equal(100, json.GetProperty("image_to_text").GetProperty("recall_percent").Number("r10"));
    }

    [Fact]
    public void ErrorsAndExitCodes()
    {
        using var dir = new TempDir();
        string s = dir.File("s.npy"), r = dir.File("r.npy"), sq = dir.File("sq.npy");
        NpyWriter.Write(s, new double[] { 0.1, 0.5, 0.3 });
        NpyWriter.Write(r, new double[] { 1, 2, 0 });
        ArrayWriter.WriteMatrix(sq, new Matrix<double>(10, 50, new double[500]));
        Assert.Contains("relevance must be 0 or 1", Fails(3, "retrieval", "ap", "--scores", s, "--relevance", r));
        Fails(2, "retrieval", "ap", "--scores", s);
        Fails(2, "retrieval", "ap", "--scores", s, "--relevance", r, "--ranked", r);
        Fails(2, "retrieval", "ap", "--scores", s, "--relevance", r, "--method", "voc2012");
        Assert.Contains("--folds: 10 images cannot be split into 3 equal folds", Fails(2, "retrieval", "cross-modal", "--scores", sq, "--folds", "3"));
        Assert.Contains("with 4 captions per image 40 are needed", Fails(3, "retrieval", "cross-modal", "--scores", sq, "--captions-per-image", "4"));
        Fails(2, "retrieval", "cross-modal", "--scores", sq, "--images", sq);
        Fails(2, "retrieval", "cross-modal", "--scores", sq, "--k", "1,x");
        string labels = dir.File("labels.txt", "a\nb\n");
        Assert.Contains("has labels for 2 items", Fails(3, "retrieval", "label-map", "--scores", sq, "--labels", labels));
        Fails(2, "retrieval", "label-map", "--labels", labels);
        Fails(2, "retrieval");
    }
}
