using System.CommandLine;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.Comparison;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Retrieval;

namespace Rankwise.Cli.Commands;

/// <summary><c>rankwise wordsim --vectors V --benchmark B ...</c>: word-similarity benchmarks (Spearman with CI, Pearson).</summary>
public static class WordSimCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var vectors = new Option<string>("--vectors", "-v")
        {
            Description = "Word vectors: word2vec text (.txt/.vec) or binary (.bin), GloVe (.txt), or an array (.npy, ...) with --vocab",
            Required = true,
        };
        var vocab = new Option<string?>("--vocab") { Description = "With an array file: the words, one per line, in row order" };
        var benchmark = new Option<string[]>("--benchmark", "-b")
        {
            Description = "A benchmark file (repeatable): w1<TAB>w2<TAB>score, SimLex-999 TSV, SimVerb-3500 TSV, or MEN's w1 w2 score",
            Required = true,
        };
        var benchmarkFormat = new Option<string>("--benchmark-format")
        {
            Description = "Benchmark layout for every --benchmark: auto (default), tab, simlex, simverb, men",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "tab", "simlex", "simverb", "men");
        var similarity = new Option<string>("--similarity")
        {
            Description = "cosine (default) or euclidean (negative distance)",
            DefaultValueFactory = _ => "cosine",
        }.AcceptOnlyFromAmong("cosine", "euclidean");
        var oov = new Option<string>("--oov")
        {
            Description = "Words missing from the vocabulary: skip (default; drop the pair), mean (mean vector), zero (zero vector)",
            DefaultValueFactory = _ => "skip",
        }.AcceptOnlyFromAmong("skip", "mean", "zero");
        var lowercase = new Option<bool>("--lowercase") { Description = "Fold case of the benchmark words and the vocabulary" };
        var keepPos = new Option<bool>("--keep-pos") { Description = "Keep MEN's -n/-v/-j part-of-speech suffixes (stripped by default when every word has one)" };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples of the pairs", DefaultValueFactory = _ => 9999 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the bootstrap", DefaultValueFactory = _ => 0UL };
        var confidence = new Option<double>("--confidence") { Description = "Confidence level", DefaultValueFactory = _ => 0.95 };
        var ci = new Option<string>("--ci")
        {
            Description = "Bootstrap interval for Spearman: bca (default, as scipy), percentile, basic",
            DefaultValueFactory = _ => "bca",
        }.AcceptOnlyFromAmong("bca", "percentile", "basic");

        var command = new Command("wordsim", """
            Word-similarity evaluation: Spearman (with a bootstrap interval over pairs) and Pearson between human
            ratings and the similarity of the two words' vectors, per benchmark, with the out-of-vocabulary count.
            Example: rankwise wordsim --vectors glove.6B.300d.txt --benchmark SimLex-999.txt --benchmark MEN_dataset_natural_form_full --lowercase
            """)
        {
            vectors, vocab, benchmark, benchmarkFormat, similarity, oov, lowercase, keepPos, resamples, seed, confidence, ci,
        };
        command.SetAction(parse =>
        {
            int b = parse.GetValue(resamples);
            if (b < 1)
                throw new UsageException($"--resamples must be at least 1, got {b}");
            double level = ConsistencyCommand.Options.CheckLevel(parse.GetValue(confidence));
            var format = parse.GetValue(benchmarkFormat) switch
            {
                "tab" => WordPairFormat.Tab,
                "simlex" => WordPairFormat.SimLex,
                "simverb" => WordPairFormat.SimVerb,
                "men" => WordPairFormat.Men,
                _ => WordPairFormat.Auto,
            };
            string[] files = parse.GetValue(benchmark) ?? [];
            var benchmarks = files.Select(f => WordPairReader.Read(f, format, parse.GetValue(keepPos))).ToArray();
            string vectorPath = parse.GetValue(vectors)!;
            Matrix<double> matrix = ReadVectors(vectorPath, parse.GetValue(vocab));
            var options = new WordSimilarityOptions
            {
                Similarity = parse.GetValue(similarity) == "euclidean" ? SimilarityMeasure.NegativeEuclidean : SimilarityMeasure.Cosine,
                Oov = parse.GetValue(oov) switch { "mean" => OovPolicy.Mean, "zero" => OovPolicy.Zero, _ => OovPolicy.Skip },
                Lowercase = parse.GetValue(lowercase),
                Bootstrap = new BootstrapOptions
                {
                    Resamples = b,
                    Seed = parse.GetValue(seed),
                    ConfidenceLevel = level,
                    Method = parse.GetValue(ci) switch { "percentile" => BootstrapMethod.Percentile, "basic" => BootstrapMethod.Basic, _ => BootstrapMethod.BCa },
                },
            };
            (WordPairSet Set, WordSimilarityResult Result)[] results;
            try
            {
                results = benchmarks.Select(set => (set, WordSimilarity.Evaluate(matrix, set, options, context.Cancellation))).ToArray();
            }
            catch (RankwiseInputException e) when (e.Source == "vectors")
            {
                throw new RankwiseInputException(vectorPath, e.Problem, e);
            }
            return context.Emit(parse, ToOutput(vectorPath, matrix, parse.GetValue(similarity)!, parse.GetValue(oov)!, options.Lowercase, results));
        });
        return command;
    }

    internal static Matrix<double> ReadVectors(string path, string? vocab)
    {
        if (vocab is null)
        {
            var selector = ArraySelector.Parse(path);
            var format = ArrayReader.DetectFormat(selector.Path);
            // A .txt that is neither word2vec text nor GloVe is a damaged vector file rather than a table: read it as
            // word vectors, so that the error says what is wrong with it (exit 3, naming the file).
            if (format == ArrayFormat.Csv && selector.Name is null && Path.GetExtension(selector.Path).Equals(".txt", StringComparison.OrdinalIgnoreCase))
                return EmbeddingReader.Read<double>(selector.Path);
            if (format is not (ArrayFormat.Word2VecText or ArrayFormat.Word2VecBinary or ArrayFormat.GloVe))
                throw new UsageException($"{path} holds no words; give them with --vocab words.txt (one word per line, in row order)");
            return ArrayReader.ReadMatrix<double>(path, format);
        }
        var matrix = ArrayReader.ReadMatrix<double>(path);
        string[] words;
        try
        {
            using var stream = File.OpenRead(vocab);
            using var reader = new StreamReader(stream);
            var list = new List<string>();
            string? line;
            while ((line = reader.ReadLine()) is not null)
                list.Add(line.Trim());
            while (list.Count > 0 && list[^1].Length == 0)
                list.RemoveAt(list.Count - 1);
            words = [.. list];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RankwiseInputException(vocab, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read: {e.Message}");
        }
        if (words.Length != matrix.Rows)
            throw new RankwiseInputException(vocab, $"has {words.Length} words but {path} has {matrix.Rows} rows");
        int empty = Array.FindIndex(words, w => w.Length == 0);
        if (empty >= 0)
            throw new RankwiseInputException(vocab, $"line {empty + 1} is empty; one word per line");
        return new Matrix<double>(matrix.Rows, matrix.Columns, matrix.Data, rowLabels: words);
    }

    private static JsonObject Correlation(CorrelationResult r) => new()
    {
        ["value"] = Exporters.Number(r.Statistic),
        ["pvalue"] = Exporters.Number(r.PValue),
        ["ci"] = JsonParts.Interval(r.ConfidenceInterval),
    };

    private static CommandOutput ToOutput(string vectors, Matrix<double> matrix, string similarity, string oov, bool lowercase,
        (WordPairSet Set, WordSimilarityResult Result)[] results)
    {
        var json = new JsonObject
        {
            ["vectors"] = vectors,
            ["words"] = matrix.Rows,
            ["dimension"] = matrix.Columns,
            ["similarity"] = similarity,
            ["oov_policy"] = oov,
            ["lowercase"] = lowercase,
        };
        var list = new JsonArray();
        var table = new ResultTable($"word similarity ({matrix.Rows} words, {matrix.Columns} dimensions, {similarity}, OOV {oov})",
            ["benchmark", "pairs", "used", "oov_pairs", "spearman", "ci_low", "ci_high", "pearson"]);
        var output = new CommandOutput(json);
        foreach (var (set, r) in results)
        {
            string name = Path.GetFileName(set.Source);
            list.Add(new JsonObject
            {
                ["name"] = name,
                ["path"] = set.Source,
                ["format"] = set.Format.ToString().ToLowerInvariant(),
                ["pos_suffixes_stripped"] = set.StrippedPosSuffixes,
                ["pairs"] = r.Pairs,
                ["pairs_used"] = r.PairsUsed,
                ["oov_pairs"] = r.OovPairs,
                ["oov_words"] = r.OovWords,
                ["spearman"] = Correlation(r.Spearman),
                ["pearson"] = Correlation(r.Pearson),
                ["warnings"] = JsonParts.Strings(r.Spearman.Warnings.Concat(r.Pearson.Warnings).Distinct()),
            });
            table.Add(name, r.Pairs, r.PairsUsed, r.OovPairs, r.Spearman.Statistic, r.Spearman.ConfidenceInterval?.Low, r.Spearman.ConfidenceInterval?.High, r.Pearson.Statistic);
            if (set.StrippedPosSuffixes)
                output.Notes.Add($"{name}: MEN part-of-speech suffixes (-n, -v, -j) were stripped from every word (--keep-pos keeps them)");
            if (r.OovPairs > 0)
                output.Notes.Add($"{name}: {r.OovWords} word{(r.OovWords == 1 ? "" : "s")} missing from the vocabulary, in {r.OovPairs} pair{(r.OovPairs == 1 ? "" : "s")} ({(oov == "skip" ? "left out" : $"given the {oov} vector")})");
        }
        json["benchmarks"] = list;
        output.Tables.Add(table);
        return output;
    }
}
