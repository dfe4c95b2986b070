using Rankwise;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests;

public class TensorConversionTests
{
    [Fact]
    public void DoubleMatrixRoundTripsThroughACopy()
    {
        var m = new Matrix<double>(2, 3, [1, 2, 3, 4, 5, 6.5], ["a", "b"], ["u", "v", "w"]);
        using var t = TensorConversions.ToTensor(m, CPU);
        Assert.Equal(new long[] { 2, 3 }, t.shape);
        Assert.Equal(ScalarType.Float64, t.dtype);
        Assert.Equal(5.0, t[1, 1].item<double>());
        m[1, 1] = -1; // the tensor holds a copy
        Assert.Equal(5.0, t[1, 1].item<double>());
        m[1, 1] = 5;
        var back = TensorConversions.ToMatrix<double>(t, m.RowLabels, m.ColumnNames);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6.5 }, back.Data);
        Assert.Equal(["a", "b"], back.RowLabels!);
        Assert.Equal(3, back.Columns);
    }

    [Fact]
    public void FloatMatrixAndPrecisionConversions()
    {
        var m = new Matrix<float>(3, 1, [1.5f, -2f, 0.1f]);
        using var t = TensorConversions.ToTensor(m, CPU);
        Assert.Equal(ScalarType.Float32, t.dtype);
        var asDouble = TensorConversions.ToMatrix<double>(t);
        Assert.Equal((double)0.1f, asDouble[2, 0]);
        using var d = tensor(new double[] { 1, 2, 3 });
        var column = TensorConversions.ToMatrix<float>(d);
        Assert.Equal(3, column.Rows);
        Assert.Equal(1, column.Columns);
        Assert.Equal(new float[] { 1, 2, 3 }, column.Data);
    }

    [Fact]
    public void DefaultDeviceAndErrors()
    {
        var m = new Matrix<double>(2, 2, [1, 2, 3, 4]);
        using var t = TensorConversions.ToTensor(m);
        Assert.Equal(TorchInfo.DefaultDevice.type, t.device.type);
        using var cube = zeros(2, 2, 2);
        Assert.Throws<ArgumentException>(() => TensorConversions.ToMatrix<double>(cube));
        var empty = new Matrix<double>(0, 3);
        using var e = TensorConversions.ToTensor(empty, CPU);
        Assert.Equal(new long[] { 0, 3 }, e.shape);
        Assert.Equal(0, TensorConversions.ToMatrix<double>(e).Rows);
    }
}
