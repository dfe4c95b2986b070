namespace Rankwise.Tests;

public class MatrixTests
{
    [Fact]
    public void IndexerIsRowMajor()
    {
        var m = new Matrix<double>(2, 3, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(6, m[1, 2]);
        Assert.Equal([4.0, 5, 6], m.Row(1).ToArray());
        Assert.Equal([2.0, 5], m.Column(1));
    }

    [Fact]
    public void ShapeMismatchIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new Matrix<double>(2, 2, [1, 2, 3]));
    }
}
