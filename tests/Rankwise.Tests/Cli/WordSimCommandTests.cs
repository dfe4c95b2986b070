using System.Text.Json;
using static Rankwise.Tests.Cli.JudgeTestData;

namespace Rankwise.Tests.Cli;

/// <summary><c>rankwise wordsim</c> against scipy (make_wordsim_reference.py) for every benchmark layout and option.</summary>
public class WordSimCommandTests
{
    private static string Data(string file) => Reference("wordsim", file);

    [Fact]
    public void EveryLayoutSimilarityOovPolicyAndCaseMatchesScipy()
    {
        var cases = Load("wordsim", "wordsim_reference.json").GetProperty("cases").EnumerateArray().ToArray();
        Assert.Equal(48, cases.Length);
        foreach (var group in cases.GroupBy(c => (c.GetProperty("similarity").GetString(), c.GetProperty("oov").GetString(), c.GetProperty("lowercase").GetBoolean())))
        {
            var (similarity, oov, lowercase) = group.Key;
            string[] args = ["wordsim", "--vectors", Data("vectors.txt"), "--similarity", similarity!, "--oov", oov!, "--resamples", "200"];
            foreach (var c in group)
                args = [.. args, "--benchmark", Data(c.GetProperty("benchmark").GetString()!)];
            if (lowercase)
                args = [.. args, "--lowercase"];
            var json = CliRunner.Json(args);
            Assert.Equal(40, json.GetProperty("words").GetInt32());
            Assert.Equal(8, json.GetProperty("dimension").GetInt32());
            var results = json.GetProperty("benchmarks").EnumerateArray().ToArray();
            foreach (var (c, r) in group.Zip(results))
            {
                string what = $"{c.GetProperty("benchmark").GetString()} {similarity} {oov} {lowercase}";
                Assert.Equal(c.GetProperty("benchmark").GetString(), r.GetProperty("name").GetString());
                foreach (string count in new[] { "pairs", "pairs_used", "oov_pairs", "oov_words" })
                    Assert.True(c.GetProperty(count).GetInt32() == r.GetProperty(count).GetInt32(), $"{what}: {count}");
                Close(c.Number("spearman"), r.GetProperty("spearman").Number("value"), 1e-12, what + " spearman");
                Close(c.Number("pearson"), r.GetProperty("pearson").Number("value"), 1e-12, what + " pearson");
                var ci = r.GetProperty("spearman").GetProperty("ci");
                Assert.Equal("bca", ci.GetProperty("method").GetString());
            }
            Assert.Equal(["tab", "simlex", "simverb", "men"], results.Select(r => r.GetProperty("format").GetString()));
            Assert.True(results[3].GetProperty("pos_suffixes_stripped").GetBoolean());
        }
    }

    [Fact]
    public void NpyWithVocabularyEqualsTheTextFile()
    {
        string[] common = ["--benchmark", Data("simlex.txt"), "--resamples", "100", "--seed", "4"];
        var text = CliRunner.Json(["wordsim", "--vectors", Data("vectors.txt"), .. common]);
        var npy = CliRunner.Json(["wordsim", "--vectors", Data("vectors.npy"), "--vocab", Data("vocab.txt"), .. common]);
        Assert.Equal(text.GetProperty("benchmarks")[0].GetProperty("spearman").GetRawText(), npy.GetProperty("benchmarks")[0].GetProperty("spearman").GetRawText());
    }

    [Fact]
    public void KeepPosAndExplicitFormat()
    {
        var json = CliRunner.Json("wordsim", "--vectors", Data("vectors.txt"), "--benchmark", Data("men.txt"), "--keep-pos", "--resamples", "50");
        var men = json.GetProperty("benchmarks")[0];
        Assert.False(men.GetProperty("pos_suffixes_stripped").GetBoolean());
        Assert.Equal(0, men.GetProperty("pairs_used").GetInt32());
        Assert.Equal(JsonValueKind.Null, men.GetProperty("spearman").GetProperty("value").ValueKind);
        var (code, table, _) = CliRunner.Run("wordsim", "--vectors", Data("vectors.txt"), "--benchmark", Data("ws.tab"), "--benchmark-format", "tab", "--resamples", "50");
        Assert.Equal(0, code);
        Assert.Contains("missing from the vocabulary", table);
    }

    [Fact]
    public void ErrorsAndExitCodes()
    {
        using var dir = new TempDir();
        Assert.Contains("holds no words; give them with --vocab", Fails(2, "wordsim", "--vectors", Data("vectors.npy"), "--benchmark", Data("ws.tab")));
        string shortVocab = dir.File("v.txt", "a\nb\n");
        Assert.Contains("has 2 words but", Fails(3, "wordsim", "--vectors", Data("vectors.npy"), "--vocab", shortVocab, "--benchmark", Data("ws.tab")));
        string bad = dir.File("bad.txt", "cat\tdog\t1\nfoo\tbar\tx\n");
        Assert.Contains("line 2: score 'x' is not a number", Fails(3, "wordsim", "--vectors", Data("vectors.txt"), "--benchmark", bad, "--benchmark-format", "tab"));
        Fails(2, "wordsim", "--vectors", Data("vectors.txt"));
        Fails(2, "wordsim", "--vectors", Data("vectors.txt"), "--benchmark", Data("ws.tab"), "--oov", "drop");
        Assert.Contains("file not found", Fails(3, "wordsim", "--vectors", Data("vectors.txt"), "--benchmark", dir.File("none.txt")));
    }
}
