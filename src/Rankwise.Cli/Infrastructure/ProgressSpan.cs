namespace Rankwise.Cli.Infrastructure;

/// <summary>Maps a sub-task's progress in [0, 1] onto the span [from, to] of an outer progress bar.</summary>
internal static class ProgressSpan
{
    /// <summary>The sub-task's progress sink, or null when there is no outer bar.</summary>
    public static IProgress<double>? Of(IProgress<double>? outer, double from, double to) =>
        outer is null ? null : new Scaled(outer, from, to);

    private sealed class Scaled(IProgress<double> inner, double from, double to) : IProgress<double>
    {
        public void Report(double value) => inner.Report(from + (to - from) * value);
    }
}
