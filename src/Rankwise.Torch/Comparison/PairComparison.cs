using Rankwise.Torch.Similarity;
using static TorchSharp.torch;

namespace Rankwise.Torch.Comparison;

/// <summary>
/// Computes named measures (<see cref="MeasureCatalog.Names"/>) of one pair of representations, sharing the work they
/// have in common: the float64 copies and centring are made once, each representation is decomposed (QR and SVD) once for
/// CCA, R²CCA, SVCCA, PWCCA, Procrustes and the shape metric, the SVD of U_xᵀU_y once for the CCA family, Procrustes and
/// a shape metric with α = 1 are one computation, and the unit cross-correlation matrix is made once for both matching
/// measures. Values are those of the measures computed one at a time (up to float64 rounding).
/// </summary>
/// <remarks>
/// Holds the shared intermediates (a few n × d float64 matrices) until disposed; the inputs must not be modified
/// meanwhile. Not thread-safe.
/// <code>
/// using var pair = new PairComparison(x, y);
/// foreach (var name in MeasureCatalog.Names)
///     Console.WriteLine($"{name}: {pair.Compute(name).Value}");
/// </code>
/// </remarks>
public sealed class PairComparison : IDisposable
{
    private readonly PairContext context;
    private bool disposed;

    /// <summary>Prepares the comparison of <paramref name="x"/> [n, d_x] with <paramref name="y"/> [n, d_y] (nothing is computed yet).</summary>
    /// <param name="x">First representation [n, d_x], float32 or float64.</param>
    /// <param name="y">Second representation [n, d_y] on the same device.</param>
    /// <param name="settings">Measure options; default <see cref="MeasureSettings.Default"/>.</param>
    /// <param name="cancellationToken">Cancels a computation between its row blocks where it has them (RSA, RBF CKA build
    /// n(n−1)/2 values in blocks) and before every measure; the dense linear algebra of the others runs to its end.</param>
    public PairComparison(Tensor x, Tensor y, MeasureSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        context = new PairContext(x, y) { Cancellation = cancellationToken };
        Settings = settings ?? MeasureSettings.Default;
    }

    /// <summary>The measure options.</summary>
    public MeasureSettings Settings { get; }

    /// <summary>Computes one named measure, with its detail record where it has one (see <see cref="MeasureValue"/>).</summary>
    /// <param name="name">A name from <see cref="MeasureCatalog.Names"/>.</param>
    /// <exception cref="ArgumentException">Unknown name, invalid settings, or inputs the measure rejects (shapes, devices, too few rows).</exception>
    /// <exception cref="ObjectDisposedException">The comparison was disposed.</exception>
    /// <exception cref="OperationCanceledException">The constructor's token was cancelled.</exception>
    public MeasureValue Compute(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        context.Cancellation.ThrowIfCancellationRequested();
        var measure = MeasureCatalog.Create(name, Settings);
        return measure switch
        {
            Cca cca => Detailed(cca.ComputeDetailed(context), r => cca.Statistic == CcaStatistic.Mean ? r.Mean : r.R2),
            Svcca svcca => Detailed(svcca.ComputeDetailed(context), r => r.Value),
            Pwcca pwcca => Detailed(pwcca.ComputeDetailed(context), r => r.Value),
            ShapeMetric shape => Detailed(shape.ComputeDetailed(context), r => r.Angular, distance: true),
            UnitMatching matching => Detailed(matching.ComputeDetailed(context), r => r.Mean),
            LinearCka cka => new MeasureValue(name, cka.Compute(context), cka.IsDistance),
            RbfCka rbf => new MeasureValue(name, rbf.Compute(context), rbf.IsDistance),
            Rsa rsa => new MeasureValue(name, rsa.Compute(context), rsa.IsDistance),
            MeanMaxCorrelation naive => new MeasureValue(name, naive.Compute(context), naive.IsDistance),
            _ => new MeasureValue(name, measure.Compute(context.X, context.Y), measure.IsDistance),
        };

        MeasureValue Detailed<TDetail>(TDetail detail, Func<TDetail, double> value, bool distance = false) =>
            new(name, value(detail), distance, detail);
    }

    /// <summary>Frees the shared intermediates.</summary>
    public void Dispose()
    {
        disposed = true;
        context.Dispose();
    }
}
