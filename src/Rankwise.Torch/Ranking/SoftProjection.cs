using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Ranking;

/// <summary>
/// Tensor-level driver of soft rank / soft sort: copies the input to CPU, runs <see cref="SoftProjectionKernel"/>
/// over the rows (all leading dimensions flattened), and copies the result back to the input's device and dtype.
/// Inputs that need a gradient go through <see cref="SoftProjectionFunction"/>, a custom autograd function whose
/// backward is the exact O(n) vector–Jacobian product.
/// </summary>
internal static class SoftProjection
{
    public static Tensor Apply(Tensor values, SoftProjectionOptions options)
    {
        if (values.requires_grad && is_grad_enabled())
        {
            return SoftProjectionFunction.apply(values, options);
        }
        return Forward(values, options, keepState: false, out _);
    }

    public static Tensor Forward(Tensor values, SoftProjectionOptions options, bool keepState, out SoftProjectionState? state)
    {
        using var scope = NewDisposeScope();
        long[] shape = values.shape;
        int n = (int)shape[^1];
        long count = values.numel();
        int rows = n == 0 ? 0 : checked((int)(count / n));
        var input = CpuContiguous(values);
        var output = empty(shape, values.dtype, CPU);
        state = keepState ? new SoftProjectionState(options, rows, n) : null;
        if (count > 0)
        {
            SoftProjectionKernel.Forward(new TensorRowReader(input, n), new TensorRowWriter(output, n), rows, n, options, state);
        }
        GC.KeepAlive(input);
        return ToDevice(output, values.device).MoveToOuterDisposeScope();
    }

    public static Tensor Backward(Tensor gradOutput, SoftProjectionState state)
    {
        using var scope = NewDisposeScope();
        var g = CpuContiguous(gradOutput);
        var gradInput = empty(gradOutput.shape, gradOutput.dtype, CPU);
        if (gradOutput.numel() > 0)
        {
            SoftProjectionKernel.Backward(state, new TensorRowReader(g, state.N), new TensorRowWriter(gradInput, state.N));
        }
        GC.KeepAlive(g);
        return ToDevice(gradInput, gradOutput.device).MoveToOuterDisposeScope();
    }

    /// <summary>A detached, contiguous CPU view or copy of <paramref name="tensor"/> (no copy when it already is one).</summary>
    private static Tensor CpuContiguous(Tensor tensor)
    {
        var result = tensor.detach();
        if (result.device_type != DeviceType.CPU)
        {
            result = result.cpu();
        }
        return result.contiguous();
    }

    private static Tensor ToDevice(Tensor cpu, Device device) => device.type == DeviceType.CPU ? cpu : cpu.to(device);
}

/// <summary>
/// The custom autograd function of soft rank / soft sort (TorchSharp's <c>torch.autograd.SingleTensorFunction</c>).
/// Inputs: the values tensor and a <see cref="SoftProjectionOptions"/>. The forward pass keeps the permutation and
/// block structure (managed arrays, O(n) per row) in the autograd context; the backward pass is analytic, not an
/// unrolled graph, and first-order only (its result carries no graph for double backward).
/// </summary>
internal sealed class SoftProjectionFunction : torch.autograd.SingleTensorFunction<SoftProjectionFunction>
{
    private const string StateKey = "rankwise.soft_projection";

    public override string Name => "SoftProjectionBackward";

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var values = (Tensor)vars[0];
        var options = (SoftProjectionOptions)vars[1];
        var result = SoftProjection.Forward(values, options, keepState: true, out var state);
        ctx.save_data(StateKey, state!);
        return result;
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        var state = (SoftProjectionState)ctx.get_data(StateKey);
        return [SoftProjection.Backward(grad_output, state), null!];
    }
}
