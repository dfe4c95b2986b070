using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Rankwise.IO;

/// <summary>
/// Reads numpy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0, as written by <c>numpy.save</c> /
/// <c>numpy.lib.format.write_array</c>) into a <see cref="Matrix{T}"/>.
/// </summary>
/// <remarks>
/// <para>Supported dtypes: <c>bool</c>, <c>int8</c>…<c>int64</c>, <c>uint8</c>…<c>uint64</c>, <c>float16</c>,
/// <c>float32</c>, <c>float64</c>, little or big endian, C or Fortran order. Values are converted to
/// the requested element type with round-to-nearest (64-bit integers above 2^53 are rounded; bool → 0/1).</para>
/// <para>Shapes: a 0-d array becomes 1×1, a 1-d array of length n becomes n×1 (one column), a 2-d array
/// (rows, columns) keeps its shape; 3-d and higher arrays are refused (reshape them before saving).</para>
/// <para>The header dict is parsed as a restricted Python literal (keys <c>'descr'</c>, <c>'fortran_order'</c>,
/// <c>'shape'</c>, any spacing, optional trailing comma); the data size it promises is checked against the file
/// length before anything is allocated, and the data are streamed from the file straight into the destination
/// array in 256 KiB chunks (no second full copy). Object (pickled), structured, string, complex and datetime
/// arrays are refused. Every problem is a <see cref="RankwiseInputException"/> naming the file.</para>
/// </remarks>
public static class NpyReader
{
    /// <summary>The largest header accepted (bytes), far above anything numpy writes for a supported dtype.</summary>
    public const int MaxHeaderLength = 1 << 16;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the array in the <c>.npy</c> file at <paramref name="path"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>The array as a matrix (see the class remarks for the shape rules).</returns>
    /// <exception cref="RankwiseInputException">The file is missing, malformed, truncated or of an unsupported dtype or shape.</exception>
    public static Matrix<T> Read<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = InputFile.OpenRead(path);
        return Read<T>(stream, path, stream.Length);
    }

    /// <summary>Reads a <c>.npy</c> array from <paramref name="stream"/>, positioned at the magic string.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="stream">The stream; exactly the header and the promised data bytes are consumed.</param>
    /// <param name="sourceName">The name used in error messages (file name, <c>archive.npz:member</c>).</param>
    /// <param name="length">The total number of bytes available in the stream from its current position, if known
    /// (default: the remaining length of a seekable stream); the promised data size is validated against it before
    /// allocating. For a non-seekable stream without a length, the destination is allocated from the header's shape
    /// and a short stream is reported as truncated data.</param>
    /// <returns>The array as a matrix.</returns>
    /// <exception cref="RankwiseInputException">The data are malformed, truncated or of an unsupported dtype or shape.</exception>
    public static Matrix<T> Read<T>(Stream stream, string sourceName, long? length = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return InputFile.Guard(sourceName, () =>
        {
            long? available = length ?? (stream.CanSeek ? stream.Length - stream.Position : null);
            var header = ReadHeaderCore(stream, sourceName, available);
            var (rows, columns) = ShapeRules.ToMatrixShape(header.Shape, sourceName);
            var data = ArrayDataReader.Read<T>(stream, header.Type, rows, columns, header.FortranOrder, sourceName);
            return new Matrix<T>(rows, columns, data);
        });
    }

    /// <summary>Reads and validates only the header of the <c>.npy</c> file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The header; its promised data size has been checked against the file length.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or its header is malformed or unsupported.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () => ReadHeaderCore(stream, path, stream.Length));
    }

    /// <summary>Reads the preamble and header; validates dtype and the promised data size against <paramref name="length"/>.</summary>
    internal static NpyHeader ReadHeaderCore(Stream stream, string source, long? length)
    {
        Span<byte> preamble = stackalloc byte[12];
        int got = stream.ReadAtLeast(preamble[..10], 10, throwOnEndOfStream: false);
        if (got < 8 || !preamble[..6].SequenceEqual(Magic))
            throw new RankwiseInputException(source, "not a .npy file: bad magic string (expected \\x93NUMPY)");
        int major = preamble[6], minor = preamble[7];
        if (minor != 0 || major is < 1 or > 3)
            throw new RankwiseInputException(source, $"unsupported .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)");
        int prefix = major == 1 ? 10 : 12;
        if (got < 10)
            throw new RankwiseInputException(source, "truncated header: file ends inside the header length field");
        if (prefix == 12)
            ArrayDataReader.ReadExactly(stream, preamble[10..12], source, "header length field");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..10])
            : BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..12]);
        if (length is long total && headerLength > total - prefix)
            throw new RankwiseInputException(source, $"bad header length {headerLength}: only {Math.Max(0, total - prefix)} bytes follow the preamble");
        if (headerLength > MaxHeaderLength)
            throw new RankwiseInputException(source, $"bad header length {headerLength}: more than the {MaxHeaderLength} bytes allowed");

        var headerBytes = new byte[headerLength];
        int hgot = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (hgot < headerBytes.Length)
            throw new RankwiseInputException(source, $"truncated header: header length is {headerLength} bytes, file has {hgot}");
        string text;
        try
        {
            text = major == 3 ? new UTF8Encoding(false, true).GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw new RankwiseInputException(source, "bad header: not valid UTF-8");
        }

        var (descr, fortran, shape) = NpyHeaderParser.Parse(text, source);
        var type = ParseDescr(descr, source);
        long dataOffset = prefix + headerLength;
        var header = new NpyHeader(major, minor, descr, fortran, shape, type.Size, dataOffset) { Type = type };
        if (length is long available)
        {
            long dataAvailable = available - dataOffset;
            BigInteger claimed = header.DataBytes;
            if (claimed > dataAvailable)
                throw new RankwiseInputException(source, $"header claims {claimed} bytes of data (shape {ShapeRules.Format(shape)}, {Display.Text(descr)}), file has {dataAvailable}");
        }
        return header;
    }

    /// <summary>Maps a numpy dtype string (<c>&lt;f8</c>, <c>|b1</c>, …) to a stored element type, with clear refusals.</summary>
    internal static ElementType ParseDescr(string descr, string source)
    {
        if (descr.Length >= 2 && descr[0] is '<' or '>' or '|' or '=')
        {
            char order = descr[0];
            char kind = descr[1];
            string sizeText = descr[2..];
            bool big = order == '>';
            if (order == '=')
                big = !BitConverter.IsLittleEndian;
            if (kind == 'O')
                throw new RankwiseInputException(source, $"object arrays (dtype {Display.Text(descr)}, pickled Python objects) are not supported; save a numeric array, e.g. np.save(path, x.astype(np.float64))");
            if (int.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size))
            {
                ElementKind? k = (kind, size) switch
                {
                    ('b', 1) => ElementKind.Bool,
                    ('i', 1 or 2 or 4 or 8) => ElementKind.Int,
                    ('u', 1 or 2 or 4 or 8) => ElementKind.UInt,
                    ('f', 2 or 4 or 8) => ElementKind.Float,
                    _ => null,
                };
                if (k is ElementKind ek && (size == 1 || order != '|'))
                    return new ElementType(ek, size, big, descr);
                string? what = kind switch
                {
                    'c' => "complex",
                    'U' or 'S' or 'a' => "string",
                    'M' or 'm' => "datetime/timedelta",
                    'V' => "void/structured",
                    'f' => "extended-precision float",
                    _ => null,
                };
                if (what is not null)
                    throw new RankwiseInputException(source, $"unsupported dtype {Display.Text(descr)} ({what}); save a numeric array (bool, int, uint or float16/32/64)");
            }
        }
        throw new RankwiseInputException(source, $"unsupported dtype '{Display.Text(descr)}'; supported: bool, int8-int64, uint8-uint64, float16/32/64");
    }
}

/// <summary>
/// A strict parser for the Python dict literal in a <c>.npy</c> header, e.g.
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }</c>. Accepts any whitespace, single or double
/// quotes, a trailing comma and Python-2 long suffixes (<c>3L</c>); rejects anything else.
/// </summary>
internal ref struct NpyHeaderParser
{
    private readonly string _text;
    private readonly string _source;
    private int _pos;

    private NpyHeaderParser(string text, string source)
    {
        _text = text;
        _source = source;
        _pos = 0;
    }

    public static (string Descr, bool FortranOrder, long[] Shape) Parse(string text, string source)
    {
        var p = new NpyHeaderParser(text, source);
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        p.SkipSpace();
        p.Expect('{');
        while (true)
        {
            p.SkipSpace();
            if (p.Peek() == '}')
            {
                p._pos++;
                break;
            }
            string key = p.ParseString("key");
            p.SkipSpace();
            p.Expect(':');
            p.SkipSpace();
            switch (key)
            {
                case "descr":
                    if (descr is not null) throw p.Error("duplicate key 'descr'");
                    if (p.Peek() == '[')
                        throw new RankwiseInputException(source, "structured dtypes (record arrays) are not supported; save a plain numeric array");
                    descr = p.ParseString("'descr' value");
                    break;
                case "fortran_order":
                    if (fortran is not null) throw p.Error("duplicate key 'fortran_order'");
                    fortran = p.ParseBool();
                    break;
                case "shape":
                    if (shape is not null) throw p.Error("duplicate key 'shape'");
                    shape = p.ParseShape();
                    break;
                default:
                    throw p.Error($"unexpected key '{Display.Text(key)}' (expected 'descr', 'fortran_order', 'shape')");
            }
            p.SkipSpace();
            char c = p.Peek();
            if (c == ',')
                p._pos++;
            else if (c != '}')
                throw p.Error("expected ',' or '}'");
        }
        p.SkipSpace();
        if (p._pos != text.Length)
            throw p.Error("unexpected text after the closing '}'");
        if (descr is null) throw p.Error("missing key 'descr'");
        if (fortran is null) throw p.Error("missing key 'fortran_order'");
        if (shape is null) throw p.Error("missing key 'shape'");
        return (descr, fortran.Value, shape);
    }

    private RankwiseInputException Error(string problem)
    {
        string near = _pos < _text.Length ? $" at position {_pos}" : " at the end";
        return new RankwiseInputException(_source, $"bad .npy header{near}: {problem}");
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
            _pos++;
    }

    private void Expect(char c)
    {
        if (Peek() != c)
            throw Error($"expected '{c}'");
        _pos++;
    }

    private string ParseString(string what)
    {
        char quote = Peek();
        if (quote is not ('\'' or '"'))
            throw Error($"expected a quoted string for the {what}");
        int start = ++_pos;
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            if (_text[_pos] is '\\' or '\n' or '\r')
                throw Error($"unsupported character in the {what}");
            _pos++;
        }
        if (_pos >= _text.Length)
            throw Error($"unterminated string in the {what}");
        string s = _text[start.._pos];
        _pos++;
        return s;
    }

    private bool ParseBool()
    {
        if (string.CompareOrdinal(_text, _pos, "True", 0, 4) == 0 && !IsIdentifierChar(_pos + 4)) { _pos += 4; return true; }
        if (string.CompareOrdinal(_text, _pos, "False", 0, 5) == 0 && !IsIdentifierChar(_pos + 5)) { _pos += 5; return false; }
        throw Error("'fortran_order' must be True or False");
    }

    private bool IsIdentifierChar(int i) => i < _text.Length && (char.IsLetterOrDigit(_text[i]) || _text[i] == '_');

    private long[] ParseShape()
    {
        if (Peek() != '(')
            throw Error("'shape' must be a tuple such as (3, 4) or (3,)");
        _pos++;
        var dims = new List<long>();
        bool trailingComma = false;
        while (true)
        {
            SkipSpace();
            if (Peek() == ')')
            {
                _pos++;
                break;
            }
            dims.Add(ParseDimension());
            SkipSpace();
            trailingComma = false;
            if (Peek() == ',')
            {
                _pos++;
                trailingComma = true;
            }
            else if (Peek() != ')')
                throw Error("expected ',' or ')' in 'shape'");
        }
        if (dims.Count == 1 && !trailingComma)
            throw Error("'shape' (n) is not a tuple; a 1-d shape is written (n,)");
        if (dims.Count > 64)
            throw Error("'shape' has more than 64 dimensions");
        return [.. dims];
    }

    private long ParseDimension()
    {
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            _pos++;
        if (_pos == start)
            throw Error("'shape' entries must be non-negative integers");
        if (!long.TryParse(_text.AsSpan(start, _pos - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long d))
            throw Error("'shape' entry is too large");
        if (Peek() is 'L' or 'l')
            _pos++;
        return d;
    }
}
