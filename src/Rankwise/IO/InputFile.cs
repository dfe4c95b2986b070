using System.Text;

namespace Rankwise.IO;

/// <summary>Opening input files and mapping low-level failures to <see cref="RankwiseInputException"/>.</summary>
internal static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading; a missing file or a directory is a <see cref="RankwiseInputException"/>.</summary>
    public static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path))
            throw new RankwiseInputException(path, "is a directory, expected a file");
        if (!File.Exists(path))
            throw new RankwiseInputException(path, "file not found");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RankwiseInputException(path, $"cannot open: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="read"/>, turning IO, zip and decoding failures into <see cref="RankwiseInputException"/>.</summary>
    public static TResult Guard<TResult>(string source, Func<TResult> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DecoderFallbackException)
        {
            throw new RankwiseInputException(source, $"cannot read: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>Collapses a message onto one line.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
