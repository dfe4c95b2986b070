namespace Rankwise;

/// <summary>
/// Bad input: a missing, malformed or truncated file, a wrong shape or dtype, or a NaN under
/// <see cref="NanPolicy.Raise"/>. The message is one line, naming the source and the problem
/// (<c>"scores.npy: truncated data: header promises 800 bytes, file has 640"</c>).
/// The command-line tool maps it to exit code 3.
/// </summary>
public sealed class RankwiseInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file (or argument name) the problem is in; may be null.</param>
    /// <param name="problem">What is wrong, one line, no trailing period needed.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public RankwiseInputException(string? source, string problem, Exception? inner = null)
        : base(source is null ? problem : $"{source}: {problem}", inner)
    {
        Source = source;
        Problem = problem;
    }

    /// <summary>The file or argument the problem is in (may be null).</summary>
    public new string? Source { get; }

    /// <summary>The problem without the source prefix.</summary>
    public string Problem { get; }
}
