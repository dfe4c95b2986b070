using System.Diagnostics;
using CsCheck;
using Rankwise.Tests.Cli;

namespace Rankwise.Tests.Reliability;

/// <summary>
/// Structure-aware fuzzing of every reader through the command line: valid seed files (the committed corpus under
/// ReferenceData/io) are truncated, overwritten with interesting bytes, spliced and inflated, and fed to a command.
/// Property: the command either succeeds (exit 0) or fails with exit code 3 and one line on stderr naming the file;
/// never an unhandled exception (exit 1), never a hang, and never an output file left behind after a failure.
/// </summary>
public class CliFuzzTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "ReferenceData", "io");

    /// <summary>Seed files (relative to the corpus) and the command that reads them.</summary>
    private static readonly (string File, string Command)[] Seeds =
    [
        ("npy/f8_C_le.npy", "assign"), ("npy/f4_F_be.npy", "assign"), ("npy/f8_1d.npy", "rank"), ("npy/f2_C_le.npy", "assign"),
        ("npy/b1_C_le.npy", "assign"), ("npz/deflated.npz", "rank"), ("npz/stored.npz", "rank"),
        ("safetensors/single.safetensors", "assign"), ("safetensors/all_dtypes.safetensors", "assign"),
        ("csv/header_comma.csv", "assign"), ("csv/quoted.csv", "assign"), ("csv/missing.csv", "assign"), ("csv/tabs.tsv", "assign"),
        ("embeddings/glove.txt", "assign"), ("embeddings/w2v_text.vec", "assign"), ("embeddings/w2v_binary.bin", "assign"),
    ];

    private static readonly byte[] Interesting = "\0\xff9-.,\n\r\"'{}[]:eE+ ".Select(c => (byte)c).ToArray();

    private enum Mutation { Truncate, Overwrite, Insert, Splice, BigNumber, DuplicateLine, DeleteLine }

    private static byte[] Mutate(byte[] data, Mutation kind, int position, byte value, int length)
    {
        int p = data.Length == 0 ? 0 : position % (data.Length + 1);
        switch (kind)
        {
            case Mutation.Truncate:
                return data[..p];
            case Mutation.Overwrite:
                var o = (byte[])data.Clone();
                for (int i = p; i < Math.Min(o.Length, p + length); i++) o[i] = value;
                return o;
            case Mutation.Insert:
                return [.. data[..p], .. Enumerable.Repeat(value, length), .. data[p..]];
            case Mutation.Splice:
                int q = data.Length == 0 ? 0 : (position * 7 + length) % data.Length;
                return [.. data[..p], .. data[q..]];
            case Mutation.DuplicateLine:
            case Mutation.DeleteLine:
            {
                // Line-level edits (text formats): a repeated or a missing record, header or comment.
                var (start, end) = LineAround(data, p);
                return kind == Mutation.DuplicateLine ? [.. data[..end], .. data[start..end], .. data[end..]] : [.. data[..start], .. data[end..]];
            }
            default:
                // A huge decimal number where a shape, a count or a header length usually is.
                return [.. data[..p], .. "99999999999999999999"u8.ToArray()[..Math.Min(20, length)], .. data[Math.Min(data.Length, p + 1)..]];
        }
    }

    /// <summary>Iterations of a fuzz run: <paramref name="ci"/> (a bounded run in CI), or RANKWISE_FUZZ_ITER for a
    /// longer exploration (bench/stress.py sets it).</summary>
    internal static int FuzzIterations(int ci) =>
        int.TryParse(Environment.GetEnvironmentVariable("RANKWISE_FUZZ_ITER"), out int n) && n > 0 ? n : ci;

    /// <summary>The line (with its newline) holding byte <paramref name="p"/>: [start, end).</summary>
    private static (int Start, int End) LineAround(byte[] data, int p)
    {
        int start = Math.Min(p, data.Length), end = start;
        while (start > 0 && data[start - 1] != (byte)'\n') start--;
        while (end < data.Length && data[end++] != (byte)'\n') { }
        return (start, end);
    }

    [Fact]
    public void MutatedFilesEitherParseOrFailCleanly()
    {
        int accepted = 0, rejected = 0;
        var seeds = Seeds.Select(s => (s.File, s.Command, Bytes: File.ReadAllBytes(Path.Combine(Corpus, s.File)))).ToArray();
        var genMutation = Gen.Select(Gen.Enum<Mutation>(), Gen.Int[0, 4096], Gen.Int[0, Interesting.Length - 1].Select(i => Interesting[i]), Gen.Int[1, 32]);
        Gen.Select(Gen.Int[0, seeds.Length - 1], genMutation.Array[1, 3]).Sample((seedIndex, mutations) =>
        {
            var (file, command, bytes) = seeds[seedIndex];
            foreach (var (kind, position, value, length) in mutations)
                bytes = Mutate(bytes, kind, position, value, length);
            using var dir = new TempDir();
            var input = dir.File("input" + Path.GetExtension(file));
            File.WriteAllBytes(input, bytes);
            var output = dir.File("out.npy");
            string[] args = command == "rank"
                ? ["rank", input, "--out", output, "--quiet"]
                : ["assign", input, "--output", dir.File("out.json"), "--format", "json", "--quiet"];
            var watch = Stopwatch.StartNew();
            var (code, _, err) = CliRunner.Run(args);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{file}: took {watch.Elapsed}");
            Assert.True(code is 0 or 3, $"{file} {string.Join(',', mutations)}: exit {code}: {err}");
            if (code == 0) Interlocked.Increment(ref accepted); else Interlocked.Increment(ref rejected);
            if (code == 3)
            {
                Assert.Single(err.TrimEnd().Split('\n'));
                Assert.Contains("input", err);
                Assert.Equal([input], Directory.GetFiles(dir.Path));
            }
        }, iter: FuzzIterations(600), threads: 1);
        // The mutator must reach both outcomes, or it is not exploring anything.
        Assert.True(rejected > 100, $"only {rejected} rejected inputs");
        Assert.True(accepted > 10, $"only {accepted} accepted inputs");
    }

    private static readonly string TextCorpus = Path.Combine(AppContext.BaseDirectory, "ReferenceData", "fuzz");

    /// <summary>Which command reads a seed of the text corpus, and in which role.</summary>
    private enum Reader { Responses, LongResponses, Benchmark, Vectors, Labels }

    /// <summary>Seeds of the text readers (corpus ReferenceData/fuzz, made by make_fuzz_corpus.py); selectors go after the file.</summary>
    private static readonly (string File, Reader Reader, string Selector)[] TextSeeds =
    [
        ("responses/long_header.csv", Reader.Responses, ""), ("responses/long_alias.tsv", Reader.Responses, ""),
        ("responses/long_noheader.csv", Reader.LongResponses, ""), ("responses/wide_labelled.csv", Reader.Responses, ""),
        ("responses/wide_plain.csv", Reader.Responses, ""),
        ("wordsim/ws.tab", Reader.Benchmark, ""), ("wordsim/simlex.txt", Reader.Benchmark, ""),
        ("wordsim/simverb.txt", Reader.Benchmark, ""), ("wordsim/men.txt", Reader.Benchmark, ""),
        ("wordsim/w2v.txt", Reader.Vectors, ""), ("wordsim/glove.txt", Reader.Vectors, ""), ("wordsim/w2v.bin", Reader.Vectors, ""),
        ("labels/labels.txt", Reader.Labels, ""), ("labels/classes.labels", Reader.Labels, ""),
        ("labels/ids.csv", Reader.Labels, ":label"), ("labels/multihot.csv", Reader.Labels, ""),
    ];

    /// <summary>Bytes that matter to the text readers: delimiters, comment and quote marks, NaN/Inf spellings, signs.</summary>
    private static readonly byte[] TextInteresting = "\0\xff\t\n\r ,;#\"'-+.eE9NnaIiF\u00e9".Select(c => (byte)c).ToArray();

    private static string[] Arguments(Reader reader, string input, string output) => reader switch
    {
        Reader.Responses => ["consistency", input, "--splits", "3", "--seed", "1", "--output", output, "--format", "json", "--quiet"],
        Reader.LongResponses => ["consistency", input, "--layout", "long", "--splits", "3", "--seed", "1", "--output", output, "--format", "json", "--quiet"],
        Reader.Benchmark => ["wordsim", "--vectors", Path.Combine(TextCorpus, "wordsim", "w2v.txt"), "--benchmark", input,
            "--resamples", "30", "--output", output, "--format", "json", "--quiet"],
        Reader.Vectors => ["wordsim", "--vectors", input, "--benchmark", Path.Combine(TextCorpus, "wordsim", "ws.tab"),
            "--resamples", "30", "--output", output, "--format", "json", "--quiet"],
        _ => ["retrieval", "label-map", "--embeddings", Path.Combine(TextCorpus, "labels", "emb.csv"), "--labels", input,
            "--output", output, "--format", "json", "--quiet"],
    };

    [Fact]
    public void TextSeedFilesAreAccepted()
    {
        foreach (var (file, reader, selector) in TextSeeds)
        {
            using var dir = new TempDir();
            var output = dir.File("out.json");
            var (code, _, err) = CliRunner.Run(Arguments(reader, Path.Combine(TextCorpus, file) + selector, output));
            Assert.True(code == 0, $"{file}: exit {code}: {err}");
            Assert.True(File.Exists(output), file);
        }
    }

    /// <summary>
    /// The text readers behind <c>consistency</c> (response tables, long and wide), <c>wordsim</c> (benchmarks in
    /// every layout, word2vec text/binary and GloVe vectors) and <c>retrieval label-map</c> (label files, id and
    /// multi-hot tables): mutated seeds either succeed with an output file or fail with exit 3, one line on stderr
    /// naming the input, and nothing written.
    /// </summary>
    [Fact]
    public void MutatedResponseBenchmarkLabelAndVectorFilesEitherParseOrFailCleanly()
    {
        var seeds = TextSeeds.Select(s => (s.File, s.Reader, s.Selector, Bytes: File.ReadAllBytes(Path.Combine(TextCorpus, s.File)))).ToArray();
        var accepted = new int[Enum.GetValues<Reader>().Length];
        var rejected = new int[accepted.Length];
        var genByte = Gen.Frequency((1, Gen.Byte), (3, Gen.Int[0, TextInteresting.Length - 1].Select(i => TextInteresting[i])));
        var genMutation = Gen.Select(Gen.Enum<Mutation>(), Gen.Int[0, 1024], genByte, Gen.Int[1, 16]);
        Gen.Select(Gen.Int[0, seeds.Length - 1], genMutation.Array[1, 3]).Sample((seedIndex, mutations) =>
        {
            var (file, reader, selector, bytes) = seeds[seedIndex];
            foreach (var (kind, position, value, length) in mutations)
                bytes = Mutate(bytes, kind, position, value, length);
            using var dir = new TempDir();
            var input = dir.File("input" + Path.GetExtension(file));
            File.WriteAllBytes(input, bytes);
            var output = dir.File("out.json");
            var watch = Stopwatch.StartNew();
            var (code, _, err) = CliRunner.Run(Arguments(reader, input + selector, output));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{file}: took {watch.Elapsed}");
            Assert.True(code is 0 or 3, $"{file} {string.Join(',', mutations)}: exit {code}: {err}");
            if (code == 0)
            {
                Interlocked.Increment(ref accepted[(int)reader]);
                Assert.True(File.Exists(output), $"{file}: exit 0 without output");
            }
            else
            {
                Interlocked.Increment(ref rejected[(int)reader]);
                Assert.True(err.TrimEnd().Split('\n').Length == 1, $"{file}: more than one line: {err}");
                Assert.True(err.Contains(input, StringComparison.Ordinal), $"{file} {string.Join(',', mutations)}: the error does not name the input: {err}");
                Assert.Equal([input], Directory.GetFiles(dir.Path));
            }
        }, iter: FuzzIterations(800), threads: 1, print: t => $"{seeds[t.Item1].File} {string.Join("; ", t.Item2.Select(m => m.ToString()))}");
        // Every reader must see both outcomes, or the mutator is not exploring it.
        foreach (var reader in Enum.GetValues<Reader>())
        {
            Assert.True(rejected[(int)reader] > 5, $"{reader}: only {rejected[(int)reader]} rejected inputs");
            Assert.True(accepted[(int)reader] > 5, $"{reader}: only {accepted[(int)reader]} accepted inputs");
        }
    }

    [Theory]
    [InlineData("npy/f8_C_le.npy")]
    [InlineData("safetensors/single.safetensors")]
    [InlineData("npz/stored.npz")]
    public void EveryTruncationOfAValidFileFailsCleanly(string seed)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Corpus, seed));
        using var dir = new TempDir();
        var input = dir.File("input" + Path.GetExtension(seed));
        for (int cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 97))
        {
            File.WriteAllBytes(input, bytes[..cut]);
            var (code, _, err) = CliRunner.Run("assign", input, "--format", "json", "--quiet");
            Assert.True(code == 3, $"cut at {cut}: exit {code}: {err}");
        }
    }
}
