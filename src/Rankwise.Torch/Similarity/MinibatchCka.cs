using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Streaming linear CKA over minibatches (Nguyen, Raghu &amp; Kornblith 2021, "Do Wide and Deep Networks Learn the
/// Same Things?", ICLR, Section 3.1): the unbiased HSIC₁ (Song et al. 2012) is averaged over minibatches, then
/// CKA_minibatch = mean_b HSIC₁(X_b, Y_b) / √(mean_b HSIC₁(X_b, X_b) · mean_b HSIC₁(Y_b, Y_b)).
/// </summary>
/// <remarks>
/// <para>Each batch is centred on its own; HSIC₁ is normalised by n_b(n_b − 3), so batches of different sizes are
/// averaged with equal weight as in the paper. Over a single batch the value equals debiased linear CKA
/// (<see cref="LinearCka"/> with <c>debiased: true</c>).</para>
/// <para>Every batch needs ≥ 4 rows; widths must stay the same across batches. Only three doubles are kept, so the
/// accumulator works for datasets that do not fit in memory. Accumulators over disjoint parts of the data can be
/// combined with <see cref="Merge"/> (e.g. one per worker). Not thread-safe: use one accumulator per thread and merge.</para>
/// <para>Invariances as debiased linear CKA (orthogonal transforms, isotropic scaling, translation, unit permutation);
/// the value depends on how the data are split into batches.</para>
/// <para>A batch containing NaN or ±∞ makes <see cref="Value"/> NaN from then on.</para>
/// </remarks>
public sealed class MinibatchCka
{
    private double _sumXy, _sumXx, _sumYy;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="form">How each batch's HSIC is evaluated (value is the same up to rounding).</param>
    public MinibatchCka(LinearCkaForm form = LinearCkaForm.Auto)
    {
        if (!Enum.IsDefined(form))
            throw new ArgumentOutOfRangeException(nameof(form), form, "unknown LinearCkaForm");
        Form = form;
    }

    /// <summary>Gram or feature-space evaluation of each batch.</summary>
    public LinearCkaForm Form { get; }

    /// <summary>Number of batches accumulated.</summary>
    public long BatchCount { get; private set; }

    /// <summary>Total number of rows (stimuli) accumulated.</summary>
    public long RowCount { get; private set; }

    /// <summary>Width of x seen so far (0 before the first batch).</summary>
    public long WidthX { get; private set; }

    /// <summary>Width of y seen so far (0 before the first batch).</summary>
    public long WidthY { get; private set; }

    /// <summary>Mean unbiased HSIC₁(X_b, Y_b) over the batches (NaN before the first batch).</summary>
    public double MeanHsicXy => BatchCount == 0 ? double.NaN : _sumXy / BatchCount;

    /// <summary>Minibatch CKA so far; NaN before the first batch or when a self-HSIC mean is ≤ 0.</summary>
    public double Value => BatchCount == 0 ? double.NaN : _sumXy / Math.Sqrt(_sumXx * _sumYy);

    /// <summary>Adds one minibatch: <paramref name="xBatch"/> [n_b, d_x] and <paramref name="yBatch"/> [n_b, d_y] of the same stimuli.</summary>
    /// <exception cref="ArgumentException">n_b &lt; 4, widths differ from earlier batches, or invalid shapes/devices.</exception>
    public void Update(Tensor xBatch, Tensor yBatch)
    {
        SimilarityInput.ValidatePair(xBatch, yBatch, 2, "minibatch CKA");
        SimilarityInput.RequireUnbiasedRows(xBatch, "minibatch CKA");
        long dx = xBatch.shape[1], dy = yBatch.shape[1];
        if (BatchCount > 0 && (dx != WidthX || dy != WidthY))
            throw new ArgumentException($"minibatch CKA: batch widths [{dx}, {dy}] differ from earlier batches [{WidthX}, {WidthY}]", nameof(xBatch));
        double xy, xx, yy;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var x64 = SimilarityInput.ToFloat64(xBatch);
            var y64 = SimilarityInput.ToFloat64(yBatch);
            var xc = SimilarityInput.Centre(x64);
            var yc = SimilarityInput.Centre(y64);
            double n = xc.shape[0];
            var form = CkaKernels.Resolve(Form, xc.shape[0], dx, dy);
            var (txy, txx, tyy) = CkaKernels.UnbiasedLinearTriple(xc, yc, form);
            var values = SimilarityInput.ToArray(stack([txy, txx, tyy]) / (n * (n - 3)));
            (xy, xx, yy) = (values[0], values[1], values[2]);
        }
        _sumXy += xy;
        _sumXx += xx;
        _sumYy += yy;
        BatchCount++;
        RowCount += xBatch.shape[0];
        WidthX = dx;
        WidthY = dy;
    }

    /// <summary>Adds the batches accumulated by <paramref name="other"/> (over disjoint data) to this accumulator.</summary>
    /// <exception cref="ArgumentException">The accumulators saw different widths.</exception>
    public void Merge(MinibatchCka other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.BatchCount == 0)
            return;
        if (BatchCount > 0 && (other.WidthX != WidthX || other.WidthY != WidthY))
            throw new ArgumentException($"minibatch CKA: cannot merge widths [{other.WidthX}, {other.WidthY}] into [{WidthX}, {WidthY}]", nameof(other));
        _sumXy += other._sumXy;
        _sumXx += other._sumXx;
        _sumYy += other._sumYy;
        BatchCount += other.BatchCount;
        RowCount += other.RowCount;
        WidthX = other.WidthX;
        WidthY = other.WidthY;
    }

    /// <summary>Forgets all batches.</summary>
    public void Reset()
    {
        _sumXy = _sumXx = _sumYy = 0;
        BatchCount = RowCount = WidthX = WidthY = 0;
    }
}
