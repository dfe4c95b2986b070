using System.IO.Compression;
using System.Numerics;

namespace Rankwise.IO;

/// <summary>
/// Reads arrays from numpy <c>.npz</c> archives (zip files of <c>.npy</c> members, as written by
/// <c>numpy.savez</c> (stored) and <c>numpy.savez_compressed</c> (deflated)).
/// </summary>
/// <remarks>
/// <para>Members are named as numpy names them: <c>arr_0</c>, <c>arr_1</c>, … for positional arrays, the keyword
/// for keyword arrays; a name may be given with or without its <c>.npy</c> suffix.</para>
/// <para>Safety: archives with entry names that traverse paths (<c>..</c> segments, absolute or drive-rooted
/// names) are refused (nothing is ever extracted to disk). Before reading a member, the size its <c>.npy</c>
/// header promises is checked against the entry's declared uncompressed length, and that length against the
/// most deflate can expand the compressed bytes (about 1032:1), so a zip bomb fails before any allocation; at
/// most the promised bytes are ever decompressed.</para>
/// </remarks>
public static class NpzReader
{
    // Deflate cannot expand data more than 1032:1 (258-byte matches coded in ~2 bits); allow some slack.
    private const long MaxDeflateRatio = 1100;

    /// <summary>The names of the arrays in an archive (entry names without the <c>.npy</c> suffix), in archive order.</summary>
    /// <param name="path">The archive.</param>
    /// <returns>The member names.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or not a valid zip archive, or has unsafe entry names.</exception>
    public static IReadOnlyList<string> ListMembers(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            using var zip = OpenArchive(stream, path);
            return Members(zip).Select(e => MemberName(e.FullName)).ToArray();
        });
    }

    /// <summary>Reads one array from a <c>.npz</c> archive.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The archive.</param>
    /// <param name="member">The member name (with or without <c>.npy</c>); null reads the only member of a
    /// single-array archive and is an error (listing the names) otherwise.</param>
    /// <returns>The array as a matrix, with the shape rules of <see cref="NpyReader"/>.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or malformed, the member does not exist, or the member is malformed or unsupported.</exception>
    public static Matrix<T> Read<T>(string path, string? member = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = InputFile.OpenRead(path);
        var zip = InputFile.Guard(path, () => OpenArchive(stream, path));
        using (zip)
        {
            var members = Members(zip);
            ZipArchiveEntry entry;
            if (member is null)
            {
                if (members.Count == 1)
                    entry = members[0];
                else if (members.Count == 0)
                    throw new RankwiseInputException(path, "archive contains no arrays");
                else
                    throw new RankwiseInputException(path, $"archive has {members.Count} arrays ({NameList(members)}); select one with {Path.GetFileName(path)}:name");
            }
            else
            {
                entry = members.FirstOrDefault(e => e.FullName == member)
                    ?? members.FirstOrDefault(e => e.FullName == member + ".npy")
                    ?? throw new RankwiseInputException(path, $"no array named '{Display.Text(member)}' in the archive; available: {NameList(members)}");
            }

            string source = $"{path}:{Display.Text(MemberName(entry.FullName))}";
            return InputFile.Guard(source, () =>
            {
                long declared = entry.Length;
                long compressed = entry.CompressedLength;
                if (declared < 0 || compressed < 0 || declared > compressed * MaxDeflateRatio + 4096)
                    throw new RankwiseInputException(source, $"archive entry declares {declared} uncompressed bytes from {compressed} compressed bytes, more than deflate can produce (corrupt archive or zip bomb)");
                using var data = entry.Open();
                return NpyReader.Read<T>(data, source, declared);
            });
        }
    }

    private static ZipArchive OpenArchive(Stream stream, string path)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new RankwiseInputException(path, $"not a valid .npz (zip) archive: {InputFile.OneLine(e.Message)}", e);
        }
        foreach (var entry in zip.Entries)
        {
            if (IsUnsafe(entry.FullName))
            {
                zip.Dispose();
                throw new RankwiseInputException(path, $"archive entry name '{Display.Text(entry.FullName)}' is unsafe (absolute or contains '..'); refusing the archive");
            }
        }
        return zip;
    }

    /// <summary>True for entry names that are absolute, drive-rooted or contain a <c>..</c> segment.</summary>
    internal static bool IsUnsafe(string name)
    {
        if (name.Length == 0 || name[0] is '/' or '\\' || (name.Length >= 2 && name[1] == ':') || name.Contains('\0'))
            return true;
        foreach (var segment in name.Split('/', '\\'))
            if (segment == "..")
                return true;
        return false;
    }

    private static List<ZipArchiveEntry> Members(ZipArchive zip) =>
        zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();

    private static string MemberName(string fullName) =>
        fullName.EndsWith(".npy", StringComparison.Ordinal) ? fullName[..^4] : fullName;

    private static string NameList(List<ZipArchiveEntry> members) =>
        members.Count == 0 ? "none" : string.Join(", ", members.Take(20).Select(e => Display.Text(MemberName(e.FullName)))) + (members.Count > 20 ? $", ... ({members.Count} in all)" : "");
}
