using System.CommandLine;
using Spectre.Console;

namespace Rankwise.Cli.Infrastructure;

/// <summary>
/// Progress bars with ETA on standard error for work that can take more than a second (bootstrap, k-NN blocks,
/// training, CV grids). Disabled automatically when standard error is redirected, in tests (explicit streams),
/// and with <c>--quiet</c>; the work then runs with a null progress sink.
/// </summary>
public static class CliProgress
{
    /// <summary>Runs <paramref name="work"/>, showing one progress bar labelled <paramref name="description"/>.</summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="context">The command context.</param>
    /// <param name="parse">The parse result (for <c>--quiet</c>).</param>
    /// <param name="description">What is being done, e.g. "bootstrap (9999 resamples)".</param>
    /// <param name="work">The work; report fractions in [0, 1] from any thread.</param>
    public static T Run<T>(CliContext context, ParseResult parse, string description, Func<IProgress<double>?, T> work)
    {
        if (!context.ShowProgress(parse))
            return work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: 1.0);
                result = work(new TaskProgress(task));
                task.Value = 1.0;
            });
        return result;
    }

    private sealed class TaskProgress(ProgressTask task) : IProgress<double>
    {
        private readonly object gate = new();

        public void Report(double value)
        {
            lock (gate)
            {
                if (value > task.Value)
                    task.Value = Math.Min(1.0, value);
            }
        }
    }
}
