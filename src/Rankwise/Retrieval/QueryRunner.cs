namespace Rankwise.Retrieval;

/// <summary>Runs a per-query average-precision kernel over all queries in parallel with one workspace per thread.</summary>
internal static class QueryRunner
{
    /// <summary>results[q] = kernel(q, workspace) for every q; workspaces hold up to <paramref name="width"/> items.</summary>
    public static void Run(int queries, int width, Func<int, AveragePrecisionWorkspace, double> kernel, double[] results)
    {
        Parallel.For(
            0, queries,
            () => new AveragePrecisionWorkspace(width),
            (q, _, workspace) =>
            {
                results[q] = kernel(q, workspace);
                return workspace;
            },
            workspace => workspace.Dispose());
    }
}
