using System.Globalization;
using System.Numerics;
using System.Text;

namespace Rankwise.IO;

/// <summary>
/// Reads word-embedding files: word2vec text and binary formats and GloVe text. The result has one row per
/// word, one column per dimension, and <see cref="Matrix{T}.RowLabels"/> = the vocabulary in file order
/// (duplicates kept).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>word2vec text</b> (also fastText <c>.vec</c>): first line <c>"count dim"</c>, then <c>count</c> lines
/// <c>"word v1 … vd"</c> (spaces or tabs; a trailing space is fine).</item>
/// <item><b>word2vec binary</b> (<c>binary=True</c> in gensim): header line <c>"count dim\n"</c>, then for each word
/// its UTF-8 bytes, a space, <c>dim</c> little-endian float32 values and an optional newline.</item>
/// <item><b>GloVe</b>: no header; lines <c>"word v1 … vd"</c>, the dimension taken from the first line. A word may
/// contain spaces (the last d fields are the vector).</item>
/// </list>
/// Validation: the header's count × dim is checked against the file size before allocating; every line must have
/// the same dimension; fewer vectors than promised (truncation) or more are errors naming the file and line.
/// Numbers are parsed in the invariant culture. Invalid UTF-8 in words is replaced by U+FFFD.
/// </remarks>
public static class EmbeddingReader
{
    private const int MaxWordBytes = 1 << 16;
    private const int DetectionSampleBytes = 1 << 20;

    /// <summary>
    /// Reads an embedding file, detecting its format: a first line <c>"count dim"</c> followed by a text line of a word
    /// and <c>dim</c> numbers → word2vec text; a first line <c>"count dim"</c> followed by anything else → word2vec
    /// binary; a first line of a word followed by numbers → GloVe.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>The vectors, one row per word, with the words as row labels.</returns>
    /// <exception cref="RankwiseInputException">The file is missing, matches none of the formats, or is malformed.</exception>
    public static Matrix<T> Read<T>(string path) where T : unmanaged, IFloatingPointIeee754<T> =>
        Detect(path) switch
        {
            ArrayFormat.Word2VecBinary => ReadWord2VecBinary<T>(path),
            ArrayFormat.GloVe => ReadGloVe<T>(path),
            _ => ReadWord2VecText<T>(path),
        };

    /// <summary>Reads a word2vec text file (first line <c>"count dim"</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>A count × dim matrix with the words as row labels.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or malformed.</exception>
    public static Matrix<T> ReadWord2VecText<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            long fileLength = stream.Length;
            using var text = OpenText(stream);
            var tokens = new List<Range>();
            int lineNumber = 0;
            string? line = NextNonBlank(text, ref lineNumber);
            if (line is null)
                throw new RankwiseInputException(path, "file is empty");
            if (!TryParseCountDim(line, out long count, out long dim))
                throw new RankwiseInputException(path, $"line {lineNumber}: expected a word2vec header '<count> <dimension>', found '{Display.Text(line)}'");
            CheckClaim(path, count, dim, 2 * dim + 2, fileLength);
            int n = (int)count, d = (int)dim;
            var data = new T[(long)n * d];
            var words = new string[n];
            for (int i = 0; i < n; i++)
            {
                line = NextNonBlank(text, ref lineNumber);
                if (line is null)
                    throw new RankwiseInputException(path, $"truncated: the header promises {n} vectors, file has {i}");
                words[i] = ParseVectorLine(line, d, data.AsSpan(i * d, d), tokens, path, lineNumber);
            }
            line = NextNonBlank(text, ref lineNumber);
            if (line is not null)
                throw new RankwiseInputException(path, $"line {lineNumber}: more vectors than the {n} the header promises");
            return new Matrix<T>(n, d, data, rowLabels: words);
        });
    }

    /// <summary>Reads a GloVe text file (no header; <c>"word v1 … vd"</c> per line).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>A words × dim matrix with the words as row labels.</returns>
    /// <exception cref="RankwiseInputException">The file is missing, empty or malformed.</exception>
    public static Matrix<T> ReadGloVe<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            using var text = OpenText(stream);
            var tokens = new List<Range>();
            int lineNumber = 0;
            string? line = NextNonBlank(text, ref lineNumber);
            if (line is null)
                throw new RankwiseInputException(path, "file is empty");
            Tokenize(line, tokens);
            int d = tokens.Count - 1;
            if (d < 1)
                throw new RankwiseInputException(path, $"line {lineNumber}: expected a word followed by numbers, found '{Display.Text(line)}'");
            var values = new GrowableBuffer<T>();
            var words = new List<string>();
            var row = new T[d];
            while (line is not null)
            {
                words.Add(ParseVectorLine(line, d, row, tokens, path, lineNumber));
                foreach (var v in row)
                    values.Add(v, path);
                line = NextNonBlank(text, ref lineNumber);
            }
            return new Matrix<T>(words.Count, d, values.ToArray(), rowLabels: words);
        });
    }

    /// <summary>Reads a word2vec binary file (header line <c>"count dim"</c>, then word, space, dim float32 LE).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>A count × dim matrix with the words as row labels.</returns>
    /// <exception cref="RankwiseInputException">The file is missing, malformed or truncated.</exception>
    public static Matrix<T> ReadWord2VecBinary<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var file = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            long fileLength = file.Length;
            using var stream = new BufferedStream(file, 1 << 16);
            var headerBytes = new List<byte>();
            while (true)
            {
                int b = stream.ReadByte();
                if (b < 0 || b == '\n')
                    break;
                headerBytes.Add((byte)b);
                if (headerBytes.Count > 256)
                    break;
            }
            string header = Encoding.Latin1.GetString(headerBytes.ToArray());
            if (!TryParseCountDim(header, out long count, out long dim))
                throw new RankwiseInputException(path, $"expected a word2vec header line '<count> <dimension>', found '{Display.Text(header)}'");
            long position = headerBytes.Count + 1;
            CheckClaim(path, count, dim, 4 * dim + 2, fileLength - position);
            int n = (int)count, d = (int)dim;
            var data = new T[(long)n * d];
            var words = new string[n];
            var floatType = new ElementType(ElementKind.Float, 4, false, "float32");
            var raw = new byte[4 * d];
            var word = new byte[256];
            var decoder = new UTF8Encoding(false, false);
            for (int i = 0; i < n; i++)
            {
                int b;
                do b = stream.ReadByte(); while (b is '\n' or '\r');
                int length = 0;
                while (b >= 0 && b != ' ')
                {
                    if (length == word.Length)
                    {
                        if (length >= MaxWordBytes)
                            throw new RankwiseInputException(path, $"vector {i}: word longer than {MaxWordBytes} bytes (not a word2vec binary file?)");
                        Array.Resize(ref word, word.Length * 2);
                    }
                    word[length++] = (byte)b;
                    b = stream.ReadByte();
                }
                if (b < 0)
                    throw new RankwiseInputException(path, $"truncated: the header promises {n} vectors, file ends in vector {i}");
                if (length == 0)
                    throw new RankwiseInputException(path, $"vector {i}: empty word");
                words[i] = decoder.GetString(word, 0, length);
                int got = stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
                if (got < raw.Length)
                    throw new RankwiseInputException(path, $"truncated: the header promises {n} vectors of {d} float32 values, file ends in vector {i}");
                ElementConverter.Convert(raw.AsSpan(), floatType, data.AsSpan(i * d, d));
            }
            int rest;
            while ((rest = stream.ReadByte()) is '\n' or '\r' or ' ')
            {
            }
            if (rest >= 0)
                throw new RankwiseInputException(path, $"unexpected data after the {n} vectors the header promises");
            return new Matrix<T>(n, d, data, rowLabels: words);
        });
    }

    /// <summary>
    /// Detects the embedding format of a file (see <see cref="Read{T}"/>); null when the first line is neither a
    /// <c>"count dim"</c> header nor a word followed by numbers.
    /// </summary>
    internal static ArrayFormat? Detect(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            var sample = new byte[(int)Math.Min(DetectionSampleBytes, stream.Length)];
            int n = stream.ReadAtLeast(sample, sample.Length, throwOnEndOfStream: false);
            return Detect(sample.AsSpan(0, n));
        });
    }

    internal static ArrayFormat? Detect(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            sample = sample[3..];
        int end = sample.IndexOf((byte)'\n');
        var first = end < 0 ? sample : sample[..end];
        string firstLine = Encoding.Latin1.GetString(first).TrimEnd('\r');
        if (TryParseCountDim(firstLine, out _, out long dim))
        {
            if (end < 0)
                return ArrayFormat.Word2VecText;
            var rest = sample[(end + 1)..];
            int end2 = rest.IndexOf((byte)'\n');
            var second = end2 < 0 ? rest : rest[..end2];
            string secondLine;
            try
            {
                secondLine = new UTF8Encoding(false, true).GetString(second).TrimEnd('\r');
            }
            catch (DecoderFallbackException)
            {
                return ArrayFormat.Word2VecBinary;
            }
            var tokens = new List<Range>();
            Tokenize(secondLine, tokens);
            bool text = tokens.Count == dim + 1;
            for (int k = 1; text && k < tokens.Count; k++)
                text = TextNumbers.TryParseNumber<double>(secondLine.AsSpan()[tokens[k]], out _);
            return text || second.Length == 0 ? ArrayFormat.Word2VecText : ArrayFormat.Word2VecBinary;
        }
        string line;
        try
        {
            line = new UTF8Encoding(false, true).GetString(first).TrimEnd('\r');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        return LooksLikeGloVe(line) ? ArrayFormat.GloVe : null;
    }

    /// <summary>A space-separated line of a non-numeric word and at least one number.</summary>
    internal static bool LooksLikeGloVe(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || TextNumbers.TryParseCell<double>(parts[0], out _))
            return false;
        for (int k = 1; k < parts.Length; k++)
            if (!TextNumbers.TryParseNumber<double>(parts[k], out _))
                return false;
        return true;
    }

    internal static bool TryParseCountDim(string line, out long count, out long dim)
    {
        count = dim = 0;
        var parts = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out count)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out dim)
            && dim >= 1;
    }

    private static void CheckClaim(string path, long count, long dim, long minBytesPerVector, long available)
    {
        var needed = (BigInteger)count * minBytesPerVector;
        if (needed > available)
            throw new RankwiseInputException(path, $"header claims {count} vectors of dimension {dim} (at least {needed} bytes), file has {Math.Max(0, available)}");
        if ((BigInteger)count * dim > Array.MaxLength)
            throw new RankwiseInputException(path, $"{count} × {dim} values are more than the {Array.MaxLength} a single array can hold");
    }

    private static StreamReader OpenText(Stream stream) =>
        new(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);

    private static string? NextNonBlank(TextReader reader, ref int lineNumber)
    {
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
                return line;
        }
        return null;
    }

    private static void Tokenize(ReadOnlySpan<char> line, List<Range> tokens)
    {
        tokens.Clear();
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
                i++;
            int start = i;
            while (i < line.Length && line[i] is not (' ' or '\t'))
                i++;
            if (i > start)
                tokens.Add(new Range(start, i));
        }
    }

    // Parses "word v1 ... vd" (the word may contain spaces: it is everything before the last d fields).
    private static string ParseVectorLine<T>(string line, int d, Span<T> row, List<Range> tokens, string path, int lineNumber)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tokenize(line, tokens);
        if (tokens.Count < d + 1)
            throw new RankwiseInputException(path, $"line {lineNumber}: expected a word and {d} numbers, found {tokens.Count} fields");
        int first = tokens.Count - d;
        var span = line.AsSpan();
        for (int k = 0; k < d; k++)
        {
            var token = span[tokens[first + k]];
            if (!TextNumbers.TryParseNumber(token, out row[k]))
                throw new RankwiseInputException(path, $"line {lineNumber}, value {k + 1}: '{Display.Text(token)}' is not a number");
        }
        return span[tokens[0].Start.Value..tokens[first - 1].End.Value].ToString();
    }
}
