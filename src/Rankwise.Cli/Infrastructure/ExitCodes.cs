namespace Rankwise.Cli.Infrastructure;

/// <summary>Process exit codes shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>The command succeeded.</summary>
    public const int Success = 0;

    /// <summary>Something failed while running (a bug, an I/O error on output, a numerical failure).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: unknown option, missing argument, invalid value.</summary>
    public const int Usage = 2;

    /// <summary>Bad input: a file is missing, malformed, truncated, or has the wrong shape or dtype.</summary>
    public const int BadInput = 3;

    /// <summary>Interrupted by Ctrl+C (SIGINT), as shells report 128 + 2.</summary>
    public const int Interrupted = 130;
}
