using Rankwise.Ranking;

namespace Rankwise.Cli.Infrastructure;

/// <summary>Maps the command line's spellings (kebab-case) to library enums, in one place.</summary>
public static class OptionParsing
{
    /// <summary>Spellings of <see cref="Alternative"/>.</summary>
    public static readonly string[] Alternatives = ["two-sided", "less", "greater"];

    /// <summary>Spellings of <see cref="NanPolicy"/>.</summary>
    public static readonly string[] NanPolicies = ["propagate", "omit", "raise"];

    /// <summary>Spellings of <see cref="Ties"/>.</summary>
    public static readonly string[] TieMethods = ["average", "min", "max", "dense", "ordinal"];

    /// <summary>Parses an alternative.</summary>
    public static Alternative ParseAlternative(string? s) => s switch
    {
        "less" => Alternative.Less,
        "greater" => Alternative.Greater,
        _ => Alternative.TwoSided,
    };

    /// <summary>The command-line spelling of an alternative.</summary>
    public static string Format(Alternative a) => a switch
    {
        Alternative.Less => "less",
        Alternative.Greater => "greater",
        _ => "two-sided",
    };

    /// <summary>Parses a NaN policy.</summary>
    public static NanPolicy ParseNanPolicy(string? s) => s switch
    {
        "omit" => NanPolicy.Omit,
        "raise" => NanPolicy.Raise,
        _ => NanPolicy.Propagate,
    };

    /// <summary>Parses a tie method.</summary>
    public static Ties ParseTies(string? s) => s switch
    {
        "min" => Ties.Min,
        "max" => Ties.Max,
        "dense" => Ties.Dense,
        "ordinal" => Ties.Ordinal,
        _ => Ties.Average,
    };
}
