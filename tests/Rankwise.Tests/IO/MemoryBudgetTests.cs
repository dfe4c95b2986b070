using Rankwise.IO;

namespace Rankwise.Tests.IO;

public class MemoryBudgetTests
{
    [Theory]
    [InlineData("2GB", 2L << 30)]
    [InlineData("2 GB", 2L << 30)]
    [InlineData("2g", 2L << 30)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("512MB", 512L << 20)]
    [InlineData("512 mib", 512L << 20)]
    [InlineData("1.5GB", 3L << 29)]
    [InlineData("0.5K", 512L)]
    [InlineData("64KB", 65536L)]
    [InlineData("1TB", 1L << 40)]
    [InlineData("1048576", 1048576L)]
    [InlineData("100B", 100L)]
    [InlineData(" 3M ", 3L << 20)]
    [InlineData("1.0000000001KB", 1024L)]
    public void ParsesSizes(string text, long bytes)
    {
        var budget = MemoryBudget.Parse(text);
        Assert.Equal(bytes, budget.Bytes);
        Assert.False(budget.IsAutomatic);
        Assert.True(MemoryBudget.TryParse(text, out var again));
        Assert.Equal(budget, again);
    }

    [Theory]
    [InlineData("", "expected a number")]
    [InlineData("GB", "expected a number")]
    [InlineData("abc", "expected a number")]
    [InlineData("2XB", "unknown unit 'XB'")]
    [InlineData("-1GB", "expected a number")]
    [InlineData("1e9", "unknown unit 'e9'")]
    [InlineData("0", "at least 1 byte")]
    [InlineData("0.4B", "at least 1 byte")]
    [InlineData("1.2.3MB", "expected a number")]
    [InlineData("99999999999TB", "too large")]
    [InlineData("99999999999999999999999999999999TB", "expected a number")]
    public void RefusesNonsenseWithOneLineMessages(string text, string problem)
    {
        var e = Assert.Throws<FormatException>(() => MemoryBudget.Parse(text));
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(MemoryBudget.TryParse(text, out _));
    }

    [Fact]
    public void AutoIsHalfOfWhatTheRuntimeSeesAvailable()
    {
        var auto = MemoryBudget.Parse("AUTO");
        Assert.True(auto.IsAutomatic);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.Equal((long)(available * 0.5), auto.Bytes);
        Assert.StartsWith("auto (", auto.ToString());
        Assert.Equal(auto.Bytes, MemoryBudget.Automatic().Bytes);
    }

    [Fact]
    public void RowsPerBlockAndFormatting()
    {
        var budget = new MemoryBudget(1000);
        Assert.Equal(90, budget.RowsPerBlock(10, 100, 1_000_000));     // (1000 − 100) / 10
        Assert.Equal(7, budget.RowsPerBlock(10, 100, 7));              // never more than the data
        Assert.Equal(1, budget.RowsPerBlock(900, 100, 5));             // exactly one row
        Assert.Equal(0, budget.RowsPerBlock(901, 100, 5));             // not even one
        Assert.Equal(0, budget.RowsPerBlock(1, 2000, 5));              // fixed part alone is too much
        Assert.Equal(int.MaxValue, new MemoryBudget(long.MaxValue).RowsPerBlock(1, 0, long.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.RowsPerBlock(0, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryBudget(0));
        Assert.Equal("512 B", MemoryBudget.Format(512));
        Assert.Equal("1.5 KB", MemoryBudget.Format(1536));
        Assert.Equal("2 GB", MemoryBudget.Format(2L << 30));
        Assert.Equal("2 GB", MemoryBudget.Parse("2GB").ToString());
    }
}
