using System.Buffers.Binary;
using System.Numerics;
using System.Text.Json;

namespace Rankwise.IO;

/// <summary>One tensor entry of a safetensors header.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="DType">The dtype string as stored (<c>F32</c>, <c>BF16</c>, …).</param>
/// <param name="Shape">The shape (empty for a scalar).</param>
/// <param name="Begin">Start of the tensor's bytes, relative to the data block.</param>
/// <param name="End">End (exclusive) of the tensor's bytes, relative to the data block.</param>
public sealed record SafetensorsTensorInfo(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End);

/// <summary>The parsed header of a <c>.safetensors</c> file.</summary>
/// <param name="Tensors">The tensors, in header order.</param>
/// <param name="Metadata">The free-form <c>__metadata__</c> string map (empty when absent).</param>
/// <param name="DataOffset">Byte offset of the data block from the start of the file (8 + header length).</param>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataOffset);

/// <summary>
/// Reads tensors from <c>.safetensors</c> files (Hugging Face format: an 8-byte little-endian header length,
/// a JSON header <c>{name: {dtype, shape, data_offsets}, "__metadata__": {…}}</c>, then the little-endian,
/// row-major data block).
/// </summary>
/// <remarks>
/// <para>Supported dtypes: <c>F16</c>, <c>BF16</c>, <c>F32</c>, <c>F64</c>, <c>I8</c>, <c>I16</c>, <c>I32</c>,
/// <c>I64</c>, <c>U8</c>, <c>U16</c>, <c>U32</c>, <c>U64</c>, <c>BOOL</c>; values are converted to the requested
/// type with round-to-nearest. Shapes follow <see cref="NpyReader"/>: scalar → 1×1, 1-d → one column, 2-d kept,
/// 3-d and higher refused.</para>
/// <para>Validation before any allocation: the header length must fit in the file (and be at most
/// <see cref="MaxHeaderLength"/>); every tensor's <c>data_offsets</c> must lie inside the data block; the selected
/// tensor's byte span must equal its shape × dtype size.</para>
/// </remarks>
public static class SafetensorsReader
{
    /// <summary>The largest JSON header accepted, in bytes (the reference implementation's limit, 100 MB).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Reads and validates the header of the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The header.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or its header is malformed or inconsistent with the file.</exception>
    public static SafetensorsHeader ReadHeader(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () => ReadHeaderCore(stream, path));
    }

    /// <summary>Reads one tensor.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="tensor">The tensor name; null reads the only tensor of a single-tensor file and is an error
    /// (listing the names) otherwise.</param>
    /// <returns>The tensor as a matrix.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or malformed, the tensor does not exist, or its dtype or shape is unsupported.</exception>
    public static Matrix<T> Read<T>(string path, string? tensor = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            var header = ReadHeaderCore(stream, path);
            SafetensorsTensorInfo info;
            if (tensor is null)
            {
                if (header.Tensors.Count != 1)
                    throw new RankwiseInputException(path, header.Tensors.Count == 0
                        ? "file contains no tensors"
                        : $"file has {header.Tensors.Count} tensors ({NameList(header)}); select one with {Path.GetFileName(path)}:name");
                info = header.Tensors[0];
            }
            else
            {
                info = header.Tensors.FirstOrDefault(t => t.Name == tensor)
                    ?? throw new RankwiseInputException(path, $"no tensor named '{Display.Text(tensor)}'; available: {NameList(header)}");
            }

            string source = $"{path}:{Display.Text(info.Name)}";
            var type = ParseDType(info.DType, source);
            BigInteger needed = ShapeRules.ElementCount(info.Shape) * type.Size;
            if (needed != info.End - info.Begin)
                throw new RankwiseInputException(source,
                    $"data_offsets [{info.Begin}, {info.End}] span {info.End - info.Begin} bytes, but shape {ShapeRules.Format(info.Shape)} of {info.DType} needs {needed}");
            var (rows, columns) = ShapeRules.ToMatrixShape(info.Shape, source);
            stream.Seek(header.DataOffset + info.Begin, SeekOrigin.Begin);
            var data = ArrayDataReader.Read<T>(stream, type, rows, columns, fortranOrder: false, source);
            return new Matrix<T>(rows, columns, data);
        });
    }

    private static string NameList(SafetensorsHeader header) =>
        header.Tensors.Count == 0 ? "none" : string.Join(", ", header.Tensors.Take(20).Select(t => Display.Text(t.Name))) + (header.Tensors.Count > 20 ? $", ... ({header.Tensors.Count} in all)" : "");

    internal static ElementType ParseDType(string dtype, string source) => dtype switch
    {
        "BOOL" => new ElementType(ElementKind.Bool, 1, false, dtype),
        "U8" => new ElementType(ElementKind.UInt, 1, false, dtype),
        "I8" => new ElementType(ElementKind.Int, 1, false, dtype),
        "U16" => new ElementType(ElementKind.UInt, 2, false, dtype),
        "I16" => new ElementType(ElementKind.Int, 2, false, dtype),
        "U32" => new ElementType(ElementKind.UInt, 4, false, dtype),
        "I32" => new ElementType(ElementKind.Int, 4, false, dtype),
        "U64" => new ElementType(ElementKind.UInt, 8, false, dtype),
        "I64" => new ElementType(ElementKind.Int, 8, false, dtype),
        "F16" => new ElementType(ElementKind.Float, 2, false, dtype),
        "BF16" => new ElementType(ElementKind.BFloat16, 2, false, dtype),
        "F32" => new ElementType(ElementKind.Float, 4, false, dtype),
        "F64" => new ElementType(ElementKind.Float, 8, false, dtype),
        _ => throw new RankwiseInputException(source, $"unsupported safetensors dtype '{Display.Text(dtype)}'; supported: F16, BF16, F32, F64, I8-I64, U8-U64, BOOL"),
    };

    private static SafetensorsHeader ReadHeaderCore(Stream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw new RankwiseInputException(path, $"not a safetensors file: {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        ArrayDataReader.ReadExactly(stream, lengthBytes, path, "header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new RankwiseInputException(path, $"header length {headerLength} exceeds the file: only {fileLength - 8} bytes follow the length field");
        if (headerLength > MaxHeaderLength)
            throw new RankwiseInputException(path, $"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit");
        if (headerLength < 2)
            throw new RankwiseInputException(path, $"bad header length {headerLength}: too short for a JSON object");
        var json = new byte[headerLength];
        ArrayDataReader.ReadExactly(stream, json, path, "header");
        long dataOffset = 8 + (long)headerLength;
        long dataLength = fileLength - dataOffset;

        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new RankwiseInputException(path, "bad JSON header: not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new RankwiseInputException(path, $"bad JSON header: {InputFile.OneLine(e.Message)}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new RankwiseInputException(path, "bad header: the JSON header must be an object");
            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                string name = property.Name;
                if (!seen.Add(name))
                    throw new RankwiseInputException(path, $"bad header: duplicate entry '{Display.Text(name)}'");
                if (name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new RankwiseInputException(path, "bad header: '__metadata__' must be an object of strings");
                    foreach (var m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                tensors.Add(ParseTensor(name, property.Value, dataLength, path));
            }
            return new SafetensorsHeader(tensors, metadata, dataOffset);
        }
    }

    private static SafetensorsTensorInfo ParseTensor(string name, JsonElement value, long dataLength, string path)
    {
        RankwiseInputException Bad(string problem) => new(path, $"bad header entry '{Display.Text(name)}': {problem}");
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad("expected an object with dtype, shape and data_offsets");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("missing or non-string 'dtype'");
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad("missing or non-array 'shape'");
        if (!value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
            throw Bad("'data_offsets' must be an array [begin, end]");
        var shape = new List<long>();
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long n) || n < 0)
                throw Bad("'shape' entries must be non-negative integers");
            shape.Add(n);
        }
        if (shape.Count > 64)
            throw Bad("'shape' has more than 64 dimensions");
        long[] offsets = new long[2];
        int k = 0;
        foreach (var o in offsetsElement.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out long n) || n < 0)
                throw Bad("'data_offsets' entries must be non-negative integers");
            offsets[k++] = n;
        }
        if (offsets[0] > offsets[1])
            throw Bad($"data_offsets [{offsets[0]}, {offsets[1]}] are reversed");
        if (offsets[1] > dataLength)
            throw Bad($"data_offsets [{offsets[0]}, {offsets[1]}] lie outside the {dataLength}-byte data block");
        return new SafetensorsTensorInfo(name, dtypeElement.GetString()!, shape, offsets[0], offsets[1]);
    }
}
