namespace Rankwise.IO;

/// <summary>
/// A parsed array selector <c>path[:name]</c>: a file, optionally followed by the name of an archive member
/// (<c>.npz</c>), a tensor (<c>.safetensors</c>) or a column (CSV/TSV, header name or 0-based index).
/// </summary>
/// <param name="Path">The file path.</param>
/// <param name="Name">The member, tensor or column name, or null.</param>
public sealed record ArraySelector(string Path, string? Name)
{
    /// <summary>
    /// Parses <c>path[:name]</c>. Paths may contain <c>':'</c>, so the rule is: if the whole string names an existing
    /// file it is the path (no name); otherwise it is split at the <b>last</b> <c>':'</c>, provided the part before it is
    /// not empty and the part after it contains no directory separator (so <c>C:\data\x.npy</c> and <c>C:/x.npy</c>
    /// stay whole; on Windows a lone drive letter before the colon is never split off). <c>"file.npz:"</c> (empty name) is an error.
    /// </summary>
    /// <param name="selector">The selector text.</param>
    /// <returns>The path and optional name.</returns>
    /// <exception cref="RankwiseInputException">The selector is empty or ends in an empty name.</exception>
    public static ArraySelector Parse(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (selector.Length == 0)
            throw new RankwiseInputException(null, "empty file selector");
        if (File.Exists(selector) || Directory.Exists(selector))
            return new ArraySelector(selector, null);
        int colon = selector.LastIndexOf(':');
        if (colon <= 0 || (colon == 1 && OperatingSystem.IsWindows() && char.IsAsciiLetter(selector[0])))
            return new ArraySelector(selector, null);
        string name = selector[(colon + 1)..];
        if (name.Contains('/') || name.Contains('\\'))
            return new ArraySelector(selector, null);
        string path = selector[..colon];
        if (name.Length == 0)
            throw new RankwiseInputException(path, "empty name after ':' in the selector; write path:name or just path");
        return new ArraySelector(path, name);
    }

    /// <summary>The selector as text, <c>path</c> or <c>path:name</c>.</summary>
    public override string ToString() => Name is null ? Path : $"{Path}:{Name}";
}
