using System.Globalization;

namespace Rankwise.IO;

/// <summary>
/// A byte budget for the data-dependent memory of a streaming computation (row blocks, accumulators, result arrays),
/// parsed from text such as <c>2GB</c>, <c>512MB</c>, <c>1.5GiB</c>, <c>65536</c> or <c>auto</c>, and a planner that turns
/// it into a number of rows per block.
/// </summary>
/// <remarks>
/// <para><b>Units.</b> A number (integer or decimal, invariant culture) optionally followed by a unit, case-insensitive,
/// spaces allowed: <c>B</c>; <c>K</c>, <c>KB</c>, <c>KiB</c> = 1024; <c>M</c>, <c>MB</c>, <c>MiB</c> = 1024²;
/// <c>G</c>, <c>GB</c>, <c>GiB</c> = 1024³; <c>T</c>, <c>TB</c>, <c>TiB</c> = 1024⁴. The decimal-looking units are
/// binary multiples, as in <c>java -Xmx2g</c>, <c>docker --memory 2g</c> and most memory settings (a budget, not a disk
/// size). A bare number is bytes. The result is rounded down to whole bytes and must be at least one byte.</para>
/// <para><b>auto.</b> <see cref="AutomaticFraction"/> (one half) of <see cref="AvailableBytes"/>: the memory the .NET
/// runtime reports as available to this process (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, which honours a
/// container's or cgroup's memory limit and <c>DOTNET_GCHeapHardLimit</c>, else the physical memory). The other half is
/// left for the runtime itself, native libraries, the page cache of memory-mapped input files and other processes.</para>
/// <para><b>What the budget covers.</b> The bytes a computation allocates in proportion to its data; the fixed footprint
/// of the process (the .NET runtime and, for the Torch layer, libtorch: roughly 100–250 MB resident) comes on top.</para>
/// </remarks>
public readonly record struct MemoryBudget
{
    /// <summary>The fraction of <see cref="AvailableBytes"/> that <c>auto</c> uses: 0.5.</summary>
    public const double AutomaticFraction = 0.5;

    /// <summary>Creates a budget of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">The budget, at least 1.</param>
    /// <param name="isAutomatic">True when the size was chosen by <see cref="Automatic"/> rather than given.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> &lt; 1.</exception>
    public MemoryBudget(long bytes, bool isAutomatic = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1L);
        Bytes = bytes;
        IsAutomatic = isAutomatic;
    }

    /// <summary>The budget in bytes.</summary>
    public long Bytes { get; }

    /// <summary>True for a budget chosen automatically (<c>auto</c>) rather than given explicitly.</summary>
    public bool IsAutomatic { get; }

    /// <summary>Memory available to this process as the .NET runtime sees it (cgroup/container limits honoured).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The automatic budget: <see cref="AutomaticFraction"/> of <see cref="AvailableBytes"/>.</summary>
    public static MemoryBudget Automatic() => new(Math.Max(1L, (long)(AvailableBytes * AutomaticFraction)), isAutomatic: true);

    /// <summary>Parses a budget (see the type remarks for the syntax).</summary>
    /// <param name="text">E.g. <c>2GB</c>, <c>512 MiB</c>, <c>1.5g</c>, <c>1048576</c>, <c>auto</c>.</param>
    /// <returns>The budget.</returns>
    /// <exception cref="FormatException">The text is not a positive size with a known unit, nor <c>auto</c> (one-line message quoting it).</exception>
    public static MemoryBudget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out var budget, out string? problem))
            return budget;
        throw new FormatException(problem);
    }

    /// <summary>Parses a budget without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="budget">The budget when the text is valid.</param>
    /// <returns>True when the text is valid.</returns>
    public static bool TryParse(string? text, out MemoryBudget budget) => TryParse(text, out budget, out _);

    private static bool TryParse(string? text, out MemoryBudget budget, out string? problem)
    {
        budget = default;
        string s = (text ?? "").Trim();
        if (s.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            budget = Automatic();
            problem = null;
            return true;
        }
        int end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
            end++;
        string number = s[..end];
        string unit = s[end..].Trim();
        long multiplier = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1L,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0L,
        };
        if (number.Length == 0 || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
        {
            problem = $"memory size '{s}': expected a number followed by a unit, e.g. 2GB, 512MB or auto";
            return false;
        }
        if (multiplier == 0)
        {
            problem = $"memory size '{s}': unknown unit '{unit}' (use B, KB, MB, GB or TB, binary multiples, or 'auto')";
            return false;
        }
        decimal bytes = value > long.MaxValue ? decimal.MaxValue : decimal.Floor(value * multiplier);
        if (bytes < 1)
        {
            problem = $"memory size '{s}' must be at least 1 byte";
            return false;
        }
        if (bytes > long.MaxValue)
        {
            problem = $"memory size '{s}' is too large";
            return false;
        }
        budget = new MemoryBudget((long)bytes);
        problem = null;
        return true;
    }

    /// <summary>
    /// The number of rows per block when every row costs <paramref name="bytesPerRow"/> bytes on top of
    /// <paramref name="fixedBytes"/>: ⌊(budget − fixed) / bytesPerRow⌋, at most <paramref name="totalRows"/> (and at most
    /// <see cref="int.MaxValue"/>), or 0 when not even one row fits.
    /// </summary>
    /// <param name="bytesPerRow">Bytes each row of a block needs (all copies and work space included), ≥ 1.</param>
    /// <param name="fixedBytes">Bytes needed whatever the block size (accumulators, result arrays), ≥ 0.</param>
    /// <param name="totalRows">Rows in the data (the block never exceeds it), ≥ 1.</param>
    /// <returns>Rows per block in [0, min(totalRows, int.MaxValue)].</returns>
    public int RowsPerBlock(long bytesPerRow, long fixedBytes, long totalRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerRow, 1L);
        ArgumentOutOfRangeException.ThrowIfNegative(fixedBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalRows, 1L);
        long free = Bytes - fixedBytes;
        if (free < bytesPerRow)
            return 0;
        return (int)Math.Min(Math.Min(free / bytesPerRow, totalRows), int.MaxValue);
    }

    /// <summary>Formats a byte count for messages: <c>512 B</c>, <c>1.5 KB</c>, <c>2 GB</c> (binary multiples, up to 3 significant decimals).</summary>
    /// <param name="bytes">The count.</param>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        int u = 0;
        while (Math.Abs(v) >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return u == 0 ? $"{bytes} B" : v.ToString("0.##", CultureInfo.InvariantCulture) + " " + units[u];
    }

    /// <summary>The budget as text, e.g. <c>2 GB</c> or <c>auto (11.5 GB)</c>.</summary>
    public override string ToString() => IsAutomatic ? $"auto ({Format(Bytes)})" : Format(Bytes);
}

/// <summary>
/// A computation cannot run within its <see cref="MemoryBudget"/> (e.g. not even one row per block fits, or the result
/// alone exceeds it). The message is one line naming what needs how much and the budget.
/// </summary>
/// <param name="message">The one-line message.</param>
public sealed class MemoryBudgetException(string message) : Exception(message);
