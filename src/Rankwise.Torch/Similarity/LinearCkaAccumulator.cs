using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// Exact linear CKA (biased and debiased) of the <i>full</i> data, accumulated over row blocks: the sufficient statistics
/// of the feature-space formulas are summed in float64 block by block, then centred analytically. Unlike
/// <see cref="MinibatchCka"/>, the value does not depend on the blocks: it equals <see cref="LinearCka"/> on all rows
/// (up to float64 rounding, ~1e−15 relative on well-conditioned data).
/// </summary>
/// <remarks>
/// <para><b>Statistics.</b> With shifted rows x̃ = x − s_x, ỹ = y − s_y and a_i = ‖x̃_i‖², b_i = ‖ỹ_i‖², each block adds to
/// n, Σx̃, Σỹ, X̃ᵀX̃, ỸᵀỸ, X̃ᵀỸ (all float64), Σa², Σb², Σab, Σa·x̃, Σb·x̃, Σa·ỹ, Σb·ỹ. Memory: 8·(d_x² + d_y² + d_x·d_y)
/// bytes plus O(d_x + d_y); cost per row O(d_x² + d_y² + d_x·d_y).</para>
/// <para><b>Centring.</b> With δ = Σx̃ / n the centred cross-product is XcᵀYc = X̃ᵀỸ − (Σx̃)(Σỹ)ᵀ / n, and the centred row
/// norms follow from ‖x̃_i − δ_x‖² = a_i − 2x̃_i·δ_x + ‖δ_x‖², e.g.
/// Σ‖xc_i‖²‖yc_i‖² = Σab − 2(Σa·ỹ)·δ_y − 2(Σb·x̃)·δ_x + 4δ_xᵀ(X̃ᵀỸ)δ_y + ‖δ_y‖² tr(X̃ᵀX̃) + ‖δ_x‖² tr(ỸᵀỸ) − 3n‖δ_x‖²‖δ_y‖².
/// Then biased CKA = ‖XcᵀYc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F) and debiased CKA uses the unbiased HSIC₁ of Song et al. (2012)
/// in Kornblith et al.'s (2019) feature form, n(n−3)·HSIC₁ = ‖XcᵀYc‖²_F − n/(n−2)·Σ‖xc_i‖²‖yc_i‖² +
/// ‖Xc‖²_F‖Yc‖²_F / ((n−1)(n−2)), exactly as <see cref="LinearCka"/>.</para>
/// <para><b>Shift and accuracy.</b> The analytic centring cancels when the shift is far from the column means (e.g. raw
/// data around 1e8 with s = 0). Give the column means as the shift (as <see cref="StreamingCka.Compute"/> does after a
/// first pass) and δ is a rounding error, so nothing cancels and offsets cost no accuracy, as with the in-memory two-pass
/// centring. Without a shift the first block's column means are used (a column that is constant within the first block
/// is shifted by its exact value), which is accurate unless the first block is unrepresentative of the data (sorted
/// rows). A column equal to its shift in every row contributes exact zeros, so a constant representation gives NaN
/// exactly as in memory.</para>
/// <para><b>NaN.</b> Any NaN or ±∞ in any block makes both values NaN (as <see cref="LinearCka"/>). A constant
/// representation gives NaN (0/0). <see cref="Debiased"/> needs n ≥ 4 rows in total.</para>
/// <para>Not thread-safe: use one accumulator per thread, created with the same explicit shifts, and <see cref="Merge"/>.</para>
/// </remarks>
public sealed class LinearCkaAccumulator : IDisposable
{
    private double[]? _shiftX, _shiftY;
    private Tensor? _shiftXT, _shiftYT;
    private Tensor? _sx, _sy, _cxx, _cyy, _cxy, _uax, _ubx, _uay, _uby, _scalars;
    private bool _disposed;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="widthX">d_x, the number of columns of x (≥ 1).</param>
    /// <param name="widthY">d_y, the number of columns of y (≥ 1).</param>
    /// <param name="shiftX">s_x, length d_x, subtracted from every row of x (ideally the column means); null: the first block's means.</param>
    /// <param name="shiftY">s_y, length d_y; null: the first block's means.</param>
    /// <exception cref="ArgumentException">A width is &lt; 1, a shift has the wrong length or is not finite.</exception>
    public LinearCkaAccumulator(int widthX, int widthY, double[]? shiftX = null, double[]? shiftY = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(widthX, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthY, 1);
        WidthX = widthX;
        WidthY = widthY;
        _shiftX = CheckShift(shiftX, widthX, nameof(shiftX));
        _shiftY = CheckShift(shiftY, widthY, nameof(shiftY));
    }

    /// <summary>d_x.</summary>
    public int WidthX { get; }

    /// <summary>d_y.</summary>
    public int WidthY { get; }

    /// <summary>Rows accumulated so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>The shift of x in use (null until the first block when it was not given).</summary>
    public IReadOnlyList<double>? ShiftX => _shiftX;

    /// <summary>The shift of y in use (null until the first block when it was not given).</summary>
    public IReadOnlyList<double>? ShiftY => _shiftY;

    /// <summary>Biased linear CKA of all rows so far (NaN with fewer than 2 rows, non-finite input or a constant representation).</summary>
    public double Linear => RowCount < 2 ? double.NaN : Finish().Linear;

    /// <summary>Debiased linear CKA of all rows so far (NaN with fewer than 4 rows, non-finite input, or a self-HSIC estimate ≤ 0).</summary>
    public double Debiased => RowCount < 4 ? double.NaN : Finish().Debiased;

    /// <summary>Both values at once (one finalisation).</summary>
    /// <returns>(biased, debiased), NaN as described for <see cref="Linear"/> and <see cref="Debiased"/>.</returns>
    public (double Linear, double Debiased) Values()
    {
        if (RowCount < 2)
            return (double.NaN, double.NaN);
        var (linear, debiased) = Finish();
        return (linear, RowCount < 4 ? double.NaN : debiased);
    }

    /// <summary>Adds a block of rows: <paramref name="xBlock"/> [b, d_x] and <paramref name="yBlock"/> [b, d_y] of the same stimuli (not modified).</summary>
    /// <exception cref="ArgumentException">Not 2-D floating point, widths differ from the accumulator's, row counts differ, or devices differ.</exception>
    public void Update(Tensor xBlock, Tensor yBlock)
    {
        Validate(xBlock, yBlock);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // to_type copies unless the block is already float64; the subtraction below always makes a new tensor.
        Accumulate(xBlock.detach().to_type(ScalarType.Float64), yBlock.detach().to_type(ScalarType.Float64), inPlace: false);
    }

    /// <summary>Adds a block, shifting the caller's float64 buffers in place (they are clobbered).</summary>
    internal void UpdateInPlace(Tensor x64, Tensor y64)
    {
        Validate(x64, y64);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Accumulate(x64, y64, inPlace: true);
    }

    private void Validate(Tensor x, Tensor y)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SimilarityInput.ValidatePair(x, y, 0, "streamed linear CKA");
        if (x.shape[1] != WidthX || y.shape[1] != WidthY)
            throw new ArgumentException($"streamed linear CKA: block widths [{x.shape[1]}, {y.shape[1]}] differ from the accumulator's [{WidthX}, {WidthY}]", nameof(x));
        if (_sx is not null && (x.device.type != _sx.device.type || x.device.index != _sx.device.index))
            throw new ArgumentException($"streamed linear CKA: blocks must stay on {_sx.device}, got {x.device}", nameof(x));
    }

    private void Accumulate(Tensor x, Tensor y, bool inPlace)
    {
        long b = x.shape[0];
        if (b == 0)
            return;
        var device = x.device;
        if (_sx is null)
        {
            _shiftX ??= FirstBlockShift(x);
            _shiftY ??= FirstBlockShift(y);
            _shiftXT = tensor(_shiftX, device: device).DetachFromDisposeScope();
            _shiftYT = tensor(_shiftY, device: device).DetachFromDisposeScope();
            _sx = zeros([WidthX], ScalarType.Float64, device).DetachFromDisposeScope();
            _sy = zeros([WidthY], ScalarType.Float64, device).DetachFromDisposeScope();
            _cxx = zeros([WidthX, WidthX], ScalarType.Float64, device).DetachFromDisposeScope();
            _cyy = zeros([WidthY, WidthY], ScalarType.Float64, device).DetachFromDisposeScope();
            _cxy = zeros([WidthX, WidthY], ScalarType.Float64, device).DetachFromDisposeScope();
            _uax = zeros([WidthX], ScalarType.Float64, device).DetachFromDisposeScope();
            _ubx = zeros([WidthX], ScalarType.Float64, device).DetachFromDisposeScope();
            _uay = zeros([WidthY], ScalarType.Float64, device).DetachFromDisposeScope();
            _uby = zeros([WidthY], ScalarType.Float64, device).DetachFromDisposeScope();
            _scalars = zeros([3], ScalarType.Float64, device).DetachFromDisposeScope();
        }
        var xt = inPlace ? x.sub_(_shiftXT!) : x - _shiftXT!;
        var yt = inPlace ? y.sub_(_shiftYT!) : y - _shiftYT!;
        var a = xt.square().sum(1);
        var bb = yt.square().sum(1);
        _sx!.add_(xt.sum([0L]));
        _sy!.add_(yt.sum([0L]));
        var xtT = xt.t();
        var ytT = yt.t();
        _cxx!.addmm_(xtT, xt);
        _cyy!.addmm_(ytT, yt);
        _cxy!.addmm_(xtT, yt);
        _uax!.addmv_(xtT, a);
        _ubx!.addmv_(xtT, bb);
        _uay!.addmv_(ytT, a);
        _uby!.addmv_(ytT, bb);
        _scalars!.add_(stack([a.dot(a), bb.dot(bb), a.dot(bb)]));
        RowCount += b;
    }

    /// <summary>Column means of the first block, with columns constant in that block shifted by their exact value.</summary>
    private static double[] FirstBlockShift(Tensor block64)
    {
        var mean = block64.mean([0L]);
        var lo = block64.amin([0L]);
        var hi = block64.amax([0L]);
        return SimilarityInput.ToArray(where(lo == hi, lo, mean));
    }

    /// <summary>Adds the rows accumulated by <paramref name="other"/> (disjoint data, same widths and shifts) to this accumulator.</summary>
    /// <exception cref="ArgumentException">Widths or shifts differ, or the accumulators live on different devices.</exception>
    public void Merge(LinearCkaAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (other.RowCount == 0)
            return;
        if (other.WidthX != WidthX || other.WidthY != WidthY)
            throw new ArgumentException($"streamed linear CKA: cannot merge widths [{other.WidthX}, {other.WidthY}] into [{WidthX}, {WidthY}]", nameof(other));
        if (_shiftX is not null && (!_shiftX.AsSpan().SequenceEqual(other._shiftX) || !_shiftY!.AsSpan().SequenceEqual(other._shiftY)))
            throw new ArgumentException("streamed linear CKA: accumulators with different shifts cannot be merged; create them with the same shiftX and shiftY", nameof(other));
        using var scope = NewDisposeScope();
        if (_sx is null)
        {
            _shiftX = other._shiftX;
            _shiftY = other._shiftY;
            _shiftXT = other._shiftXT!.clone().DetachFromDisposeScope();
            _shiftYT = other._shiftYT!.clone().DetachFromDisposeScope();
            _sx = other._sx!.clone().DetachFromDisposeScope();
            _sy = other._sy!.clone().DetachFromDisposeScope();
            _cxx = other._cxx!.clone().DetachFromDisposeScope();
            _cyy = other._cyy!.clone().DetachFromDisposeScope();
            _cxy = other._cxy!.clone().DetachFromDisposeScope();
            _uax = other._uax!.clone().DetachFromDisposeScope();
            _ubx = other._ubx!.clone().DetachFromDisposeScope();
            _uay = other._uay!.clone().DetachFromDisposeScope();
            _uby = other._uby!.clone().DetachFromDisposeScope();
            _scalars = other._scalars!.clone().DetachFromDisposeScope();
        }
        else
        {
            if (other._sx!.device.type != _sx.device.type || other._sx.device.index != _sx.device.index)
                throw new ArgumentException($"streamed linear CKA: cannot merge an accumulator on {other._sx.device} into one on {_sx.device}", nameof(other));
            _sx.add_(other._sx);
            _sy!.add_(other._sy!);
            _cxx!.add_(other._cxx!);
            _cyy!.add_(other._cyy!);
            _cxy!.add_(other._cxy!);
            _uax!.add_(other._uax!);
            _ubx!.add_(other._ubx!);
            _uay!.add_(other._uay!);
            _uby!.add_(other._uby!);
            _scalars!.add_(other._scalars!);
        }
        RowCount += other.RowCount;
    }

    /// <summary>Centres the statistics analytically and evaluates both CKA values.</summary>
    private (double Linear, double Debiased) Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double n = RowCount;
        var s = SimilarityInput.ToArray(_scalars!);
        double saa = s[0], sbb = s[1], sab = s[2];
        // Centred cross-products: C − (Σx̃)(Σỹ)ᵀ / n.
        var mxy = _cxy! - outer(_sx!, _sy!) / n;
        var mxx = _cxx! - outer(_sx!, _sx!) / n;
        var myy = _cyy! - outer(_sy!, _sy!) / n;
        var dx = _sx! / n;
        var dy = _sy! / n;
        var parts = SimilarityInput.ToArray(stack([
            mxy.square().sum(), mxx.square().sum(), myy.square().sum(),           // 0-2: ‖·‖²_F
            mxx.trace(), myy.trace(), _cxx!.trace(), _cyy!.trace(),             // 3-6
            dx.dot(dx), dy.dot(dy),                                             // 7-8: α, β
            _uay!.dot(dy), _ubx!.dot(dx), dx.dot(_cxy!.mv(dy)),                 // 9-11
            _uax!.dot(dx), dx.dot(_cxx!.mv(dx)), _uby!.dot(dy), dy.dot(_cyy!.mv(dy)), // 12-15
        ]));
        for (int i = 0; i < parts.Length; i++)
            if (!double.IsFinite(parts[i]))
                return (double.NaN, double.NaN);
        if (!double.IsFinite(saa) || !double.IsFinite(sbb) || !double.IsFinite(sab))
            return (double.NaN, double.NaN);
        double crossXy = parts[0], crossXx = parts[1], crossYy = parts[2];
        double normX = parts[3], normY = parts[4], trCxx = parts[5], trCyy = parts[6];
        double alpha = parts[7], beta = parts[8];
        double linear = crossXy / (Math.Sqrt(crossXx) * Math.Sqrt(crossYy));

        double sumAb = sab - 2 * parts[9] - 2 * parts[10] + 4 * parts[11] + beta * trCxx + alpha * trCyy - 3 * n * alpha * beta;
        double sumAa = saa - 4 * parts[12] + 4 * parts[13] + 2 * alpha * trCxx - 3 * n * alpha * alpha;
        double sumBb = sbb - 4 * parts[14] + 4 * parts[15] + 2 * beta * trCyy - 3 * n * beta * beta;
        double debiased = double.NaN;
        if (n >= 4)
        {
            double f = n / (n - 2), g = 1.0 / ((n - 1) * (n - 2));
            double hxy = crossXy - sumAb * f + normX * normY * g;
            double hxx = crossXx - sumAa * f + normX * normX * g;
            double hyy = crossYy - sumBb * f + normY * normY * g;
            debiased = hxy / Math.Sqrt(hxx * hyy);
        }
        return (linear, debiased);
    }

    private static double[]? CheckShift(double[]? shift, int width, string name)
    {
        if (shift is null)
            return null;
        if (shift.Length != width)
            throw new ArgumentException($"streamed linear CKA: {name} has {shift.Length} values, the width is {width}", name);
        foreach (double v in shift)
            if (!double.IsFinite(v))
                throw new ArgumentException($"streamed linear CKA: {name} contains NaN or infinite values", name);
        return (double[])shift.Clone();
    }

    /// <summary>Frees the accumulated tensors.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var t in new[] { _shiftXT, _shiftYT, _sx, _sy, _cxx, _cyy, _cxy, _uax, _ubx, _uay, _uby, _scalars })
            t?.Dispose();
    }
}
