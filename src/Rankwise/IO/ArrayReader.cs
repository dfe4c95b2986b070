using System.Numerics;

namespace Rankwise.IO;

/// <summary>
/// Reads a matrix or a vector from any supported file, chosen by a selector <c>path[:name]</c>
/// (see <see cref="ArraySelector.Parse"/>) and the file format (see <see cref="DetectFormat"/>).
/// </summary>
/// <remarks>
/// Rows are samples and columns are features. 1-d arrays become one column. The selector name picks an
/// <c>.npz</c> member, a <c>.safetensors</c> tensor or a CSV/TSV column (header name or 0-based index); it is an
/// error for single-array formats. All input problems are <see cref="RankwiseInputException"/>s naming the file.
/// </remarks>
public static class ArrayReader
{
    /// <summary>Reads a matrix.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="selector"><c>path</c> or <c>path:name</c>.</param>
    /// <param name="format">The format, or <see cref="ArrayFormat.Auto"/> (default) to detect it.</param>
    /// <returns>The matrix (rows = samples; word-embedding files carry the vocabulary as row labels, CSV files
    /// their header as column names).</returns>
    /// <exception cref="RankwiseInputException">The file is missing, malformed or unsupported, or the name does not exist.</exception>
    public static Matrix<T> ReadMatrix<T>(string selector, ArrayFormat format = ArrayFormat.Auto) where T : unmanaged, IFloatingPointIeee754<T> =>
        ReadMatrix<T>(ArraySelector.Parse(selector), format);

    /// <summary>Reads a matrix from a parsed selector.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="selector">The file and optional name.</param>
    /// <param name="format">The format, or <see cref="ArrayFormat.Auto"/> (default) to detect it.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="RankwiseInputException">The file is missing, malformed or unsupported, or the name does not exist.</exception>
    public static Matrix<T> ReadMatrix<T>(ArraySelector selector, ArrayFormat format = ArrayFormat.Auto) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(selector);
        string path = selector.Path;
        if (format == ArrayFormat.Auto)
            format = DetectFormat(path);
        string? name = selector.Name;
        switch (format)
        {
            case ArrayFormat.Npz: return NpzReader.Read<T>(path, name);
            case ArrayFormat.Safetensors: return SafetensorsReader.Read<T>(path, name);
            case ArrayFormat.Csv: return CsvReader.Read<T>(path, name);
            case ArrayFormat.Tsv: return CsvReader.Read<T>(path, name, new CsvOptions { Delimiter = '\t' });
        }
        if (name is not null)
            throw new RankwiseInputException(path, $"a {Describe(format)} file holds a single array; remove ':{Display.Text(name)}' (names select .npz members, .safetensors tensors or CSV columns)");
        return format switch
        {
            ArrayFormat.Npy => NpyReader.Read<T>(path),
            ArrayFormat.Word2VecText => EmbeddingReader.ReadWord2VecText<T>(path),
            ArrayFormat.Word2VecBinary => EmbeddingReader.ReadWord2VecBinary<T>(path),
            ArrayFormat.GloVe => EmbeddingReader.ReadGloVe<T>(path),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown format"),
        };
    }

    /// <summary>
    /// Reads a vector: a 1-d array, or a matrix with exactly one column or exactly one row.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="selector"><c>path</c> or <c>path:name</c> (e.g. <c>scores.csv:human</c>).</param>
    /// <param name="format">The format, or <see cref="ArrayFormat.Auto"/> (default) to detect it.</param>
    /// <returns>The values (a new array or the matrix's storage; not shared with any other caller).</returns>
    /// <exception cref="RankwiseInputException">As <see cref="ReadMatrix{T}(string, ArrayFormat)"/>, or the data are not a vector
    /// (<c>"expected a vector, got shape [n, d]; …"</c>).</exception>
    public static T[] ReadVector<T>(string selector, ArrayFormat format = ArrayFormat.Auto) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parsed = ArraySelector.Parse(selector);
        var resolved = format == ArrayFormat.Auto ? DetectFormat(parsed.Path) : format;
        var matrix = ReadMatrix<T>(parsed, resolved);
        if (matrix.Columns == 1 || matrix.Rows == 1)
            return matrix.Data;
        string hint = resolved switch
        {
            ArrayFormat.Csv or ArrayFormat.Tsv => $"select a column with {Path.GetFileName(parsed.Path)}:name",
            ArrayFormat.Npz => $"save a 1-d array, or select another member with {Path.GetFileName(parsed.Path)}:name",
            ArrayFormat.Safetensors => $"save a 1-d tensor, or select another tensor with {Path.GetFileName(parsed.Path)}:name",
            _ => "save a 1-d array (e.g. x.ravel()) or a single column",
        };
        throw new RankwiseInputException(parsed.ToString(), $"expected a vector, got shape [{matrix.Rows}, {matrix.Columns}]; {hint}");
    }

    /// <summary>
    /// Chooses the format of a file. By extension (case-insensitive): <c>.npy</c>, <c>.npz</c>, <c>.safetensors</c>,
    /// <c>.csv</c> (delimiter detected), <c>.tsv</c>, <c>.bin</c> (word2vec binary). <c>.vec</c> and <c>.w2v</c>: a
    /// first line <c>"count dim"</c> followed by a text line of a word and dim numbers → word2vec text; followed by
    /// anything else → word2vec binary; a first line of a word followed by numbers → GloVe.
    /// <c>.txt</c>: a first line <c>"count dim"</c> followed by a line of a word and dim numbers → word2vec text;
    /// otherwise a first line of a non-numeric word followed by only numbers, separated by spaces → GloVe;
    /// otherwise delimited text (comma, tab or semicolon detected, or runs of whitespace as
    /// <c>numpy.savetxt</c> writes). Other extensions: the content's magic (<c>\x93NUMPY</c> → npy, a zip header →
    /// npz), else an error.
    /// </summary>
    /// <param name="path">The file (must exist).</param>
    /// <returns>The detected format (never <see cref="ArrayFormat.Auto"/>).</returns>
    /// <exception cref="RankwiseInputException">The file is missing or its format cannot be told.</exception>
    public static ArrayFormat DetectFormat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".npy": return ArrayFormat.Npy;
            case ".npz": return ArrayFormat.Npz;
            case ".safetensors": return ArrayFormat.Safetensors;
            case ".csv": return ArrayFormat.Csv;
            case ".tsv": return ArrayFormat.Tsv;
            case ".bin": return ArrayFormat.Word2VecBinary;
        }
        using (InputFile.OpenRead(path))
        {
            // Existence and readability are checked here, so missing files report "file not found".
        }
        switch (extension)
        {
            case ".vec":
            case ".w2v":
                return EmbeddingReader.Detect(path) ?? ArrayFormat.Word2VecText;
            case ".txt":
                return EmbeddingReader.Detect(path) switch
                {
                    ArrayFormat.Word2VecText => ArrayFormat.Word2VecText,
                    ArrayFormat.GloVe => ArrayFormat.GloVe,
                    _ => ArrayFormat.Csv,
                };
        }
        var magic = new byte[6];
        int n;
        using (var stream = InputFile.OpenRead(path))
            n = InputFile.Guard(path, () => stream.ReadAtLeast(magic, 6, throwOnEndOfStream: false));
        if (n == 6 && magic.AsSpan().SequenceEqual((ReadOnlySpan<byte>)[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']))
            return ArrayFormat.Npy;
        if (n >= 4 && magic[0] == 'P' && magic[1] == 'K' && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6)))
            return ArrayFormat.Npz;
        throw new RankwiseInputException(path,
            $"cannot tell the format from the extension '{extension}'; use .npy, .npz, .safetensors, .csv, .tsv, .txt, .vec, .bin or .w2v, or give the format explicitly");
    }

    private static string Describe(ArrayFormat format) => format switch
    {
        ArrayFormat.Npy => ".npy",
        ArrayFormat.Word2VecText => "word2vec text",
        ArrayFormat.Word2VecBinary => "word2vec binary",
        ArrayFormat.GloVe => "GloVe",
        _ => format.ToString(),
    };
}
