using System.CommandLine;
using System.Reflection;
using Rankwise.Cli.Commands;
using Rankwise.Cli.Infrastructure;

namespace Rankwise.Cli;

/// <summary>The <c>rankwise</c> command: builds the command tree, runs it, maps failures to exit codes.</summary>
public static class CliApp
{
    /// <summary>The tool's version (assembly informational version).</summary>
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Runs the command line against the process's console.</summary>
    public static int Run(string[] args)
    {
        NativeEnvironment.ApplyDefaults();
        using var cts = new CancellationTokenSource();
        int interrupts = 0;
        // The first Ctrl+C asks the command to stop at its next cancellation check (exit 130, no partial output); a
        // second one, for a step that does not check often, lets the signal end the process at once.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (Interlocked.Increment(ref interrupts) > 1)
                return;
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return Run(args, Console.Out, Console.Error, !Console.IsOutputRedirected, cts.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs the command line with explicit streams (used by tests to run in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool isTerminal = false, CancellationToken cancellation = default)
    {
        var context = new CliContext(stdout, stderr, isTerminal, cancellation, args);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        bool verbose = args.Contains("--verbose");
        if (parse.Errors.Count > 0)
        {
            var first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            var error = ValueError(first) ?? OneLine(first.Message) + Suggestion(parse);
            stderr.WriteLine($"rankwise: error: {error} (see '{("rankwise " + CommandPath(parse)).Trim()} --help')");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception ex)
        {
            return Report(ex, stderr, verbose);
        }
    }

    /// <summary>Builds the command tree.</summary>
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("Rankwise: rank statistics, representation comparison and rank losses for ML evaluation.");
        root.Options.Add(GlobalOptions.Format);
        root.Options.Add(GlobalOptions.Output);
        root.Options.Add(GlobalOptions.Report);
        root.Options.Add(GlobalOptions.Verbose);
        root.Options.Add(GlobalOptions.Quiet);
        root.Subcommands.Add(CorrelateCommand.Build(context));
        root.Subcommands.Add(RankCommand.Build(context));
        root.Subcommands.Add(AssignCommand.Build(context));
        root.Subcommands.Add(CompareCommand.Build(context));
        root.Subcommands.Add(DemoCommand.Build(context));
        root.Subcommands.Add(NeighborsCommand.Build(context));
        root.Subcommands.Add(ConsistencyCommand.Build(context));
        root.Subcommands.Add(EvaluateCommand.Build(context));
        root.Subcommands.Add(RetrievalCommand.Build(context));
        root.Subcommands.Add(WordSimCommand.Build(context));
        root.Subcommands.Add(SorterCommand.Build(context));
        root.Subcommands.Add(MappingCommand.Build(context));
        return root;
    }

    /// <summary>" (did you mean 'x'?)" for an unknown command or option close to a known one; empty otherwise.</summary>
    private static string Suggestion(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var known = command.Subcommands.Select(c => c.Name)
            .Concat(command.Options.Concat(parse.RootCommandResult.Command.Options.Where(o => o.Recursive))
                .SelectMany(o => o.Aliases.Prepend(o.Name)))
            .Distinct().ToList();
        foreach (var token in parse.UnmatchedTokens)
            if (NameSuggestions.Closest(token, known) is { } best)
                return $" (did you mean '{best}'?)";
        return "";
    }

    /// <summary>
    /// "--method: 'spearmn' is not one of 'pearson', 'spearman', … (did you mean 'spearman'?)" for a value outside an
    /// option's accepted list, "--resamples: 'abc' is not an integer" for a number that does not parse; null for other errors.
    /// </summary>
    private static string? ValueError(System.CommandLine.Parsing.ParseError error)
    {
        var optionResult = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o,
            _ => null,
        };
        if (optionResult is null)
            return null;
        var allowed = optionResult.Option.GetCompletions(System.CommandLine.Completions.CompletionContext.Empty)
            .Select(c => c.Label).ToList();
        if (allowed.Count == 0)
        {
            var type = Nullable.GetUnderlyingType(optionResult.Option.ValueType) ?? optionResult.Option.ValueType;
            string? kind = type == typeof(int) || type == typeof(long) ? "an integer" : type == typeof(double) || type == typeof(float) ? "a number" : null;
            var token = optionResult.Tokens.Select(t => t.Value).FirstOrDefault();
            bool parses = token is not null && (kind == "an integer"
                ? long.TryParse(token, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _)
                : double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
            return kind is null || token is null || parses ? null : $"{optionResult.Option.Name}: '{token}' is not {kind}";
        }
        var bad = optionResult.Tokens.Select(t => t.Value).FirstOrDefault(v => !allowed.Contains(v));
        if (bad is null)
            return null;
        string hint = NameSuggestions.Closest(bad, allowed) is { } best ? $" (did you mean '{best}'?)" : "";
        return $"{optionResult.Option.Name}: '{bad}' is not one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}{hint}";
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()))
            .Replace("' '", "', '");

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Command is not RootCommand)
                names.Insert(0, r.Command.Name);
        return string.Join(' ', names).Trim();
    }

    private static int Report(Exception ex, TextWriter stderr, bool verbose)
    {
        var (code, message) = ex switch
        {
            RankwiseInputException e => (ExitCodes.BadInput, e.Message),
            UsageException e => (ExitCodes.Usage, e.Message),
            OperationCanceledException => (ExitCodes.Interrupted, "interrupted"),
            FileNotFoundException e => (ExitCodes.BadInput, $"{e.FileName}: file not found"),
            _ => (ExitCodes.Failure, $"{ex.GetType().Name}: {ex.Message}"),
        };
        stderr.WriteLine("rankwise: error: " + OneLine(message));
        if (verbose)
            stderr.WriteLine(ex.ToString());
        return code;
    }
}
