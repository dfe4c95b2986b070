using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

/// <summary>Options of one sigmoid-sorter call (passed through the autograd function).</summary>
internal sealed record SigmoidRankOptions(bool Descending, bool Normalize, long ChunkSize);

/// <summary>
/// The handcrafted sorter of SoDeep (Engilberge et al., CVPR 2019): rank_i = 1 + Σ_{j≠i} σ(λ(y_i − y_j)), computed
/// in chunks of i so that forward and backward peak memory is O(rows × chunk × n) instead of O(rows × n²).
/// All work runs with torch operations on the input's device.
/// </summary>
internal static class SigmoidRanking
{
    /// <summary>Elements of one [rows, chunk, n] intermediate when the chunk size is automatic.</summary>
    private const long AutomaticChunkBudget = 1L << 22;

    public static Tensor Apply(
        Tensor values, double? steepness, double adaptiveConstant, bool descending, bool normalize, long chunkSize)
    {
        using var scope = NewDisposeScope();
        long n = values.shape[^1];
        if (n == 0 || values.numel() == 0)
        {
            return (values * 0).MoveToOuterDisposeScope();
        }
        var rows = values.reshape(-1, n);
        Tensor lambda;
        using (no_grad())
        {
            lambda = steepness is double fixedSteepness
                ? full([rows.shape[0], 1], fixedSteepness, dtype: values.dtype, device: values.device)
                : AdaptiveSteepness(rows.detach(), adaptiveConstant);
        }
        var options = new SigmoidRankOptions(descending, normalize, chunkSize);
        var ranks = values.requires_grad && is_grad_enabled()
            ? SigmoidRankFunction.apply(rows, lambda, options)
            : Forward(rows, lambda, options);
        return ranks.reshape(values.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// λ_row = c / RMS of the n(n−1) pairwise differences of the row = c / (√2 · sample standard deviation),
    /// or c when that RMS is 0 or not finite (constant rows, n = 1): then every difference is 0 and λ is immaterial.
    /// </summary>
    public static Tensor AdaptiveSteepness(Tensor rows, double constant)
    {
        using var scope = NewDisposeScope();
        long n = rows.shape[1];
        var d = rows - rows.narrow(1, 0, 1); // shifted by the first value: a constant row gives exactly 0
        var ss = ((d * d).sum(1, keepdim: true) - d.sum(1, keepdim: true).square() / n).clamp_min(0);
        var rms = (ss * (2.0 / (n - 1))).sqrt();
        var usable = rms.gt(0).logical_and(rms.isfinite());
        var lambda = where(usable, rms.reciprocal() * constant, full_like(rms, constant));
        return lambda.MoveToOuterDisposeScope();
    }

    /// <summary>Forward ranks of rows [R, n] with per-row steepness [R, 1]; no graph is recorded by the chunks.</summary>
    public static Tensor Forward(Tensor rows, Tensor lambda, SigmoidRankOptions options)
    {
        using var outer = NewDisposeScope();
        long r = rows.shape[0], n = rows.shape[1];
        long chunk = ChunkLength(r, n, options.ChunkSize);
        var output = empty_like(rows);
        using (no_grad())
        {
            var xj = rows.unsqueeze(1);
            var lam = lambda.unsqueeze(-1);
            for (long a = 0; a < n; a += chunk)
            {
                using var scope = NewDisposeScope();
                long c = Math.Min(chunk, n - a);
                var xi = rows.narrow(1, a, c).unsqueeze(-1);
                var d = options.Descending ? xj - xi : xi - xj;
                var ranks = d.mul_(lam).sigmoid_().sum(-1).add_(0.5); // Σ_j σ includes σ(0) = ½ for j = i
                if (options.Normalize)
                {
                    ranks.div_(n);
                }
                output.narrow(1, a, c).copy_(ranks);
            }
        }
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Exact vector–Jacobian product, chunked over k: ∂L/∂y_k = ±λ Σ_j σ′(λ(y_k − y_j)) (g_k − g_j), with + for
    /// ascending and − for descending ranks (σ′ is even), g scaled by 1/n when the ranks are normalised.
    /// </summary>
    public static Tensor Backward(Tensor rows, Tensor lambda, Tensor gradOutput, SigmoidRankOptions options)
    {
        using var outer = NewDisposeScope();
        long r = rows.shape[0], n = rows.shape[1];
        long chunk = ChunkLength(r, n, options.ChunkSize);
        var g = gradOutput.reshape(r, n);
        if (options.Normalize)
        {
            g = g / n;
        }
        var gradInput = empty_like(rows);
        using (no_grad())
        {
            var xj = rows.unsqueeze(1);
            var gj = g.unsqueeze(1);
            var lam = lambda.unsqueeze(-1);
            for (long a = 0; a < n; a += chunk)
            {
                using var scope = NewDisposeScope();
                long c = Math.Min(chunk, n - a);
                var sig = (rows.narrow(1, a, c).unsqueeze(-1) - xj).mul_(lam).sigmoid_();
                var slope = sig * (1 - sig);
                var gk = slope.mul_(g.narrow(1, a, c).unsqueeze(-1) - gj).sum(-1).mul_(lambda);
                if (options.Descending)
                {
                    gk.neg_();
                }
                gradInput.narrow(1, a, c).copy_(gk);
            }
        }
        return gradInput.MoveToOuterDisposeScope();
    }

    private static long ChunkLength(long rows, long n, long requested)
    {
        if (requested > 0)
        {
            return Math.Min(requested, n);
        }
        long perRow = Math.Max(1, rows * n);
        return Math.Clamp(AutomaticChunkBudget / perRow, 1, n);
    }
}

/// <summary>
/// Custom autograd function of the sigmoid sorter: inputs rows [R, n] and the steepness [R, 1] (not differentiated,
/// as in SoDeep); the backward pass recomputes the sigmoids chunk by chunk instead of storing O(n²) intermediates.
/// </summary>
internal sealed class SigmoidRankFunction : torch.autograd.SingleTensorFunction<SigmoidRankFunction>
{
    private const string OptionsKey = "rankwise.sigmoid_rank";

    public override string Name => "SigmoidRankBackward";

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var rows = (Tensor)vars[0];
        var lambda = (Tensor)vars[1];
        var options = (SigmoidRankOptions)vars[2];
        ctx.save_for_backward([rows, lambda]);
        ctx.save_data(OptionsKey, options);
        return SigmoidRanking.Forward(rows, lambda, options);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var options = (SigmoidRankOptions)ctx.get_data(OptionsKey);
        var gradInput = SigmoidRanking.Backward(saved[0], saved[1], grad_output, options).MoveToOuterDisposeScope();
        return [gradInput, null!, null!];
    }
}
