using Rankwise.Comparison;
using Rankwise.Inference;
using static TorchSharp.torch;

namespace Rankwise.Torch.Comparison;

/// <summary>The reference protocol on representations: every pairwise similarity between runs, then the label test.</summary>
/// <param name="Measure">The measure name.</param>
/// <param name="Similarities">The (k+m) × (k+m) matrix of pairwise values (A runs first; diagonal = the measure of a run with itself).</param>
/// <param name="Protocol">Within/between means, the permutation test and the verdict.</param>
public sealed record RunComparisonResult(string Measure, Matrix<double> Similarities, ReferenceProtocolResult Protocol);

/// <summary>
/// Seed 002's reference comparison: given runs A1..Ak of one method and B1..Bm of another (same stimuli, any widths),
/// compute the chosen measure for every pair of runs and test whether between-method similarity differs from
/// within-method similarity (<see cref="ReferenceProtocol"/>).
/// </summary>
public static class RunComparison
{
    /// <summary>Runs the protocol.</summary>
    /// <param name="runsA">Runs of method A, each [n, d] (at least 2).</param>
    /// <param name="runsB">Runs of method B, each [n, d] (at least 2), same n and device.</param>
    /// <param name="measure">A <see cref="MeasureCatalog"/> name.</param>
    /// <param name="settings">Measure options.</param>
    /// <param name="options">Permutation options.</param>
    /// <param name="progress">Receives the fraction of run pairs done.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static RunComparisonResult Compare(IReadOnlyList<Tensor> runsA, IReadOnlyList<Tensor> runsB, string measure,
        MeasureSettings? settings = null, PermutationOptions? options = null, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runsA);
        ArgumentNullException.ThrowIfNull(runsB);
        var runs = runsA.Concat(runsB).ToList();
        int total = runs.Count;
        var m = MeasureCatalog.Create(measure, settings);   // validates the name and settings before any work
        var s = new Matrix<double>(total, total);
        int pairs = total * (total - 1) / 2, done = 0;
        for (int i = 0; i < total; i++)
        {
            s[i, i] = double.NaN;
            for (int j = i + 1; j < total; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double v;
                using (var pair = new PairComparison(runs[i], runs[j], settings, cancellationToken))
                    v = pair.Compute(measure).Value;
                s[i, j] = v;
                s[j, i] = v;
                progress?.Report(++done / (double)pairs);
            }
        }
        var protocol = ReferenceProtocol.Test(s, runsA.Count, m.IsDistance, options, cancellationToken: cancellationToken);
        return new RunComparisonResult(measure, s, protocol);
    }
}
