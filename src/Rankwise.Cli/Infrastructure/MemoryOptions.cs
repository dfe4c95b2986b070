using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Rankwise.IO;
using Rankwise.Torch;

namespace Rankwise.Cli.Infrastructure;

/// <summary>
/// <c>--max-memory</c>: the memory budget of commands that can stream their inputs from memory-mapped <c>.npy</c> files
/// (<c>compare</c> for linear CKA, <c>neighbors</c>), and the shared decision of when to stream.
/// </summary>
/// <remarks>
/// A command streams when every input is a plain <c>.npy</c> file and its estimated in-memory footprint exceeds the budget
/// (<c>--max-memory</c>, default <c>auto</c> = half of the memory available to the process, cgroup limits included).
/// Giving <c>--max-memory</c> does not by itself force streaming: data that fit in the budget are read into memory, which
/// gives the same numbers faster.
/// </remarks>
internal static partial class MemoryOptions
{
    /// <summary>Help text shared by the commands (completed by each command's own sentence).</summary>
    public const string Help =
        "Memory budget for the data, e.g. 2GB, 512MB (binary units) or auto (default: half the memory available to the process). " +
        "When the inputs would need more in memory and all are .npy files, they are streamed in row blocks from memory maps " +
        "with the same result; otherwise they are read into memory.";

    /// <summary>Creates the option with a command-specific sentence appended to <see cref="Help"/>.</summary>
    public static Option<string> Create(string what) => new("--max-memory")
    {
        Description = Help + " " + what,
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>Parses the option value; a bad value is a usage error naming the option.</summary>
    public static MemoryBudget Parse(string? text)
    {
        try
        {
            return MemoryBudget.Parse(text ?? "auto");
        }
        catch (FormatException e)
        {
            throw new UsageException("--max-memory: " + e.Message);
        }
    }

    /// <summary>Shape and item size of a plain <c>.npy</c> input (no <c>:name</c>), or null for any other input.</summary>
    public static NpyHeader? NpyHeaderOf(string selector)
    {
        var parsed = ArraySelector.Parse(selector);
        if (parsed.Name is not null || ArrayReader.DetectFormat(parsed.Path) != ArrayFormat.Npy)
            return null;
        return NpyReader.ReadHeader(parsed.Path);
    }

    /// <summary>(rows, columns) of a validated <c>.npy</c> header, with the reader's 0-/1-/2-D rules.</summary>
    public static (long Rows, long Columns) Shape(NpyHeader header) => header.Shape.Count switch
    {
        0 => (1, 1),
        1 => (header.Shape[0], 1),
        _ => (header.Shape[0], header.Shape.Skip(1).Aggregate(1L, (a, b) => a * b)),
    };

    /// <summary>The JSON block describing a streamed run.</summary>
    public static JsonObject Describe(StreamingPlan plan, MemoryBudget budget, long estimatedInMemory) => new()
    {
        ["budget_bytes"] = budget.Bytes,
        ["budget_automatic"] = budget.IsAutomatic,
        ["in_memory_estimate_bytes"] = estimatedInMemory,
        ["block_rows"] = plan.BlockRows,
        ["blocks"] = plan.Blocks,
        ["estimated_peak_bytes"] = plan.EstimatedPeakBytes,
    };

    /// <summary>
    /// Before a streamed run on Linux/glibc: serve every allocation of 128 KiB or more (libtorch's block tensors and
    /// temporaries) by its own mapping, returned to the system when freed. glibc otherwise raises that threshold after
    /// the first large free, and later blocks are carved from heap arenas that keep their pages, so the resident set
    /// creeps above the budget (observed: 370 MB instead of 240 MB for a 96 MB budget). Elsewhere, or if the call is
    /// unavailable (e.g. musl), nothing happens.
    /// </summary>
    public static void ReturnFreedBlocksToTheSystem()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
            Mallopt(M_MMAP_THRESHOLD, 128 << 10);
            Mallopt(M_TRIM_THRESHOLD, 128 << 10);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the default allocator behaviour stays.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int param, int value);

    /// <summary>A usage error for a budget that cannot hold even one row per block.</summary>
    public static UsageException TooSmall(MemoryBudgetException e) => new("--max-memory: " + e.Message);
}
