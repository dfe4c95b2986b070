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

    private enum Mutation { Truncate, Overwrite, Insert, Splice, BigNumber }

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
            default:
                // A huge decimal number where a shape, a count or a header length usually is.
                return [.. data[..p], .. "99999999999999999999"u8.ToArray()[..Math.Min(20, length)], .. data[Math.Min(data.Length, p + 1)..]];
        }
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
        }, iter: 600, threads: 1);
        // The mutator must reach both outcomes, or it is not exploring anything.
        Assert.True(rejected > 100, $"only {rejected} rejected inputs");
        Assert.True(accepted > 10, $"only {accepted} accepted inputs");
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
