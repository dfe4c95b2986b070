using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests;

/// <summary>libtorch loads (through the Debian 12 libstdc++ fix) and computes: matmul and autograd.</summary>
public class TorchLoadTests
{
    [Fact]
    public void MatmulAndAutogradWork()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, 2, 3, 4 }, [2, 2], requires_grad: true);
        var b = tensor(new double[] { 5, 6, 7, 8 }, [2, 2]);
        var c = a.matmul(b);
        Assert.Equal(new double[] { 19, 22, 43, 50 }, c.data<double>().ToArray());
        c.sum().backward();
        // d(sum(A·B))/dA = 1·Bᵀ row sums: [[11, 15], [11, 15]]
        Assert.Equal(new double[] { 11, 15, 11, 15 }, a.grad!.data<double>().ToArray());
    }
}
