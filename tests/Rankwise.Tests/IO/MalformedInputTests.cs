using System.Buffers.Binary;
using CsCheck;
using Rankwise.IO;

namespace Rankwise.Tests.IO;

/// <summary>
/// Damaged files must either parse or throw <see cref="RankwiseInputException"/> naming the file, never another
/// exception type, and never hang.
/// </summary>
public class MalformedInputTests
{
    /// <summary>Valid reference files and the selector suffix each needs.</summary>
    public static readonly (string Area, string File, string Selector)[] Seeds =
    [
        ("npy", "f8_C_le.npy", ""),
        ("npy", "i2_F_be.npy", ""),
        ("npy", "f8_v2_F.npy", ""),
        ("npy", "f8_v3_C.npy", ""),
        ("npy", "b1_1d.npy", ""),
        ("npz", "stored.npz", ":weights"),
        ("npz", "deflated.npz", ":arr_0"),
        ("npz", "single.npz", ""),
        ("safetensors", "all_dtypes.safetensors", ":bf16"),
        ("safetensors", "single.safetensors", ""),
        ("csv", "quoted.csv", ""),
        ("csv", "missing.csv", ":b"),
        ("csv", "crlf_bom.csv", ""),
        ("csv", "savetxt.txt", ""),
        ("csv", "tabs.tsv", ""),
        ("embeddings", "w2v_text.txt", ""),
        ("embeddings", "w2v_text.vec", ""),
        ("embeddings", "w2v_binary.bin", ""),
        ("embeddings", "w2v_binary_nonl.w2v", ""),
        ("embeddings", "glove.txt", ""),
    ];

    public static IEnumerable<object[]> SeedIndices => Enumerable.Range(0, Seeds.Length).Select(i => new object[] { i });

    /// <summary>Reads through the dispatcher; returns null on success or the input exception.</summary>
    private static RankwiseInputException? TryRead(string path, string selector)
    {
        var task = Task.Run(() =>
        {
            try
            {
                ArrayReader.ReadMatrix<double>(path + selector);
                ArrayReader.ReadMatrix<float>(path + selector);
                return null;
            }
            catch (RankwiseInputException e)
            {
                return e;
            }
        });
        if (!task.Wait(TimeSpan.FromSeconds(20)))
            Assert.Fail($"reading {path}{selector} did not finish within 20 s");
        var error = task.Result; // other exception types surface here as AggregateException and fail the test
        if (error is not null)
        {
            Assert.Contains(path, error.Message);
            Assert.DoesNotContain("\n", error.Message);
        }
        return error;
    }

    [Theory]
    [MemberData(nameof(SeedIndices))]
    public void SeedFilesAreValid(int seed)
    {
        var (area, file, selector) = Seeds[seed];
        Assert.Null(TryRead(IoTestData.File_(area, file), selector));
    }

    [Theory]
    [MemberData(nameof(SeedIndices))]
    public void TruncatedAtEveryPositionParsesOrThrowsInputException(int seed)
    {
        var (area, file, selector) = Seeds[seed];
        var bytes = File.ReadAllBytes(IoTestData.File_(area, file));
        bool binary = area is "npy" or "npz" or "safetensors" || file.EndsWith(".bin") || file.EndsWith(".w2v");
        using var dir = new TempDir();
        string path = dir.File("cut" + Path.GetExtension(file));
        int step = Math.Max(1, bytes.Length / 400);
        for (int cut = 0; cut < bytes.Length; cut += step)
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var error = TryRead(path, selector);
            // Binary formats fill their file exactly: any truncation must be detected. (The last byte of a
            // word2vec binary file is an optional newline.)
            if (binary && !(cut == bytes.Length - 1 && file.EndsWith(".bin")))
                Assert.True(error is not null, $"{file} truncated to {cut} of {bytes.Length} bytes was accepted");
        }
    }

    [Fact]
    public void BadMagicIsRefused()
    {
        var bytes = File.ReadAllBytes(IoTestData.File_("npy", "f8_C_le.npy"));
        bytes[1] = (byte)'X';
        using var dir = new TempDir();
        string p = dir.Write("magic.npy", bytes);
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(p));
        Assert.Equal($"{p}: not a .npy file: bad magic string (expected \\x93NUMPY)", e.Message);
    }

    [Theory]
    [InlineData(1, 0xFFFF, "bad header length 65535")]
    [InlineData(2, 0x7FFFFFFF, "bad header length 2147483647")]
    [InlineData(1, 10, "bad .npy header")]
    public void BadHeaderLengthIsRefused(int major, int length, string expected)
    {
        var bytes = File.ReadAllBytes(IoTestData.File_("npy", major == 1 ? "f8_C_le.npy" : "f8_v2_C.npy"));
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)length);
        using var dir = new TempDir();
        string p = dir.Write("hl.npy", bytes);
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(p));
        Assert.Contains("hl.npy", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void UnsupportedVersionIsRefused()
    {
        var bytes = File.ReadAllBytes(IoTestData.File_("npy", "f8_C_le.npy"));
        bytes[6] = 4;
        using var dir = new TempDir();
        string p = dir.Write("v4.npy", bytes);
        var e = Assert.Throws<RankwiseInputException>(() => ArrayReader.ReadMatrix<double>(p));
        Assert.Contains("unsupported .npy format version 4.0", e.Message);
    }

    private enum Mutation { Truncate, SetByte, Insert, Delete, Duplicate }

    private static byte[] Mutate(byte[] bytes, (Mutation Kind, int Position, byte Value, int Count) m)
    {
        if (bytes.Length == 0)
            return [m.Value];
        int pos = m.Position % bytes.Length;
        int count = Math.Min(m.Count, bytes.Length - pos);
        var list = bytes.ToList();
        switch (m.Kind)
        {
            case Mutation.Truncate: return bytes[..pos];
            case Mutation.SetByte: list[pos] = m.Value; break;
            case Mutation.Insert: list.InsertRange(pos, Enumerable.Repeat(m.Value, m.Count)); break;
            case Mutation.Delete: list.RemoveRange(pos, count); break;
            case Mutation.Duplicate: list.InsertRange(pos, bytes.Skip(pos).Take(count)); break;
        }
        return [.. list];
    }

    /// <summary>
    /// Property: valid files with 1–3 random mutations (truncation, byte overwrite — biased towards bytes that
    /// matter in headers —, insertion, deletion, duplication) parse or throw RankwiseInputException, within 20 s each.
    /// </summary>
    [Fact]
    public void RandomlyMutatedFilesParseOrThrowInputException()
    {
        var seeds = Seeds.Select(s => (s.File, s.Selector, Bytes: File.ReadAllBytes(IoTestData.File_(s.Area, s.File)))).ToArray();
        var interesting = new byte[] { 0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)' ', (byte)':', (byte)'9', (byte)'[', (byte)'{', (byte)'(', (byte)'.', (byte)'-' };
        var genByte = Gen.Frequency((3, Gen.Byte), (2, Gen.Int[0, interesting.Length - 1].Select(i => interesting[i])));
        var genMutation = Gen.Select(Gen.Enum<Mutation>(), Gen.Frequency((3, Gen.Int[0, 128]), (1, Gen.Int[0, 100_000])), genByte, Gen.Int[1, 64]);
        var gen = Gen.Select(Gen.Int[0, seeds.Length - 1], genMutation.Array[1, 3]);
        using var dir = new TempDir();
        gen.Sample((seed, mutations) =>
        {
            var (file, selector, bytes) = seeds[seed];
            foreach (var m in mutations)
                bytes = Mutate(bytes, m);
            string path = dir.File(Guid.NewGuid().ToString("N")[..8] + Path.GetExtension(file));
            File.WriteAllBytes(path, bytes);
            TryRead(path, selector);
            File.Delete(path);
        }, iter: 3000, threads: 1, print: t => $"{seeds[t.Item1].File} {string.Join("; ", t.Item2.Select(m => m.ToString()))}");
    }
}
