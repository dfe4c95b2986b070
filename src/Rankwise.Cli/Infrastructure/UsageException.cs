namespace Rankwise.Cli.Infrastructure;

/// <summary>A command line that parses but makes no sense (an option value outside its range, a bad combination). Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
