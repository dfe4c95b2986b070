using System.Security.Cryptography;
using System.Text;

namespace Rankwise.IO;

/// <summary>
/// Atomic file output: the content is written to a temporary file in the destination's directory, flushed to disk
/// and then renamed over the destination. On any failure the temporary file is deleted, so readers see either
/// the old file or the complete new one, never a partial output. A process killed mid-write (SIGKILL, power loss)
/// cannot clean up: its temporary file carries the writer's process id, and the next successful write of the same
/// destination deletes such leftovers of processes that no longer run.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes a file atomically.</summary>
    /// <param name="path">The destination; its directory must exist. An existing file is replaced.</param>
    /// <param name="write">Writes the content to the given stream (do not dispose it).</param>
    /// <exception cref="IOException">The directory does not exist or the file cannot be created or replaced
    /// (message names <paramref name="path"/>).</exception>
    /// <remarks>Exceptions thrown by <paramref name="write"/> propagate unchanged after the temporary file is removed.</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new IOException($"{path}: cannot write: not a file path");
        if (!Directory.Exists(directory))
            throw new IOException($"{path}: cannot write: directory '{directory}' does not exist");
        if (Directory.Exists(full))
            throw new IOException($"{path}: cannot write: is a directory");
        string name = Path.GetFileName(full);
        string temp = Path.Combine(directory, $".{name}.{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}.tmp");

        FileStream stream;
        try
        {
            stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write: {InputFile.OneLine(e.Message)}", e);
        }

        bool committed = false;
        try
        {
            try
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            finally
            {
                stream.Dispose();
            }
            try
            {
                File.Move(temp, full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"{path}: cannot replace: {InputFile.OneLine(e.Message)}", e);
            }
            committed = true;
            RemoveOrphans(directory, name);
        }
        finally
        {
            if (!committed)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort: the original error is more useful than a cleanup failure.
                }
            }
        }
    }

    /// <summary>
    /// Deletes temporary files of <paramref name="name"/> left by writers that died before renaming them
    /// (<c>.{name}.{pid}-{hex}.tmp</c> whose process is gone). Best effort: errors are ignored.
    /// </summary>
    private static void RemoveOrphans(string directory, string name)
    {
        try
        {
            string prefix = $".{name}.";
            foreach (string file in Directory.EnumerateFiles(directory, $"{prefix}*.tmp"))
            {
                string middle = Path.GetFileName(file)[prefix.Length..^".tmp".Length];
                int dash = middle.IndexOf('-');
                if (dash <= 0 || !int.TryParse(middle.AsSpan(0, dash), out int pid) || pid == Environment.ProcessId || IsRunning(pid))
                    continue;
                File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover that cannot be removed now is removed by a later write.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Writes text atomically (UTF-8 without byte-order mark).</summary>
    /// <param name="path">The destination; its directory must exist.</param>
    /// <param name="text">The content.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, s =>
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            s.Write(bytes);
        });
    }
}
