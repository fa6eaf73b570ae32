using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Torch;

public sealed class NativeErrorTests
{
    [Fact]
    public void MatMul_ShapeMismatch_ThrowsTorchExceptionWithLibtorchMessage()
    {
        using var scope = DisposeScope.Begin();
        Tensor a = Tensor.Ones([2, 3]);
        Tensor b = Tensor.Ones([4, 5]);
        var ex = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("2x3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4x5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_BroadcastImpossible_ThrowsTorchException()
    {
        using var scope = DisposeScope.Begin();
        var ex = Assert.Throws<TorchException>(() => Tensor.Ones([3]) + Tensor.Ones([4]));
        Assert.Contains("must match the size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexSelect_IndexOutOfRange_ThrowsTorchException()
    {
        using var scope = DisposeScope.Begin();
        Tensor x = Tensor.Ones([3, 2]);
        var ex = Assert.Throws<TorchException>(() => x.IndexSelect(0, Tensor.FromArray(new long[] { 0, 7 })));
        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexSelect_FloatIndex_ThrowsTorchExceptionAboutDtype()
    {
        using var scope = DisposeScope.Begin();
        Tensor x = Tensor.Ones([3, 2]);
        var ex = Assert.Throws<TorchException>(() => x.IndexSelect(0, Tensor.FromArray(new float[] { 0, 1 })));
        Assert.Contains("Expected dtype int32 or int64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossEntropy_FloatTargets_ThrowsClearError()
    {
        using var scope = DisposeScope.Begin();
        var ex = Assert.Throws<TorchException>(() => Functional.CrossEntropy(Tensor.Ones([2, 3]), Tensor.Ones([2])));
        Assert.Contains("int64 class indices", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossEntropy_ClassIndexOutOfRange_ThrowsTorchExceptionNotAbort()
    {
        using var scope = DisposeScope.Begin();
        var ex = Assert.Throws<TorchException>(() => Functional.CrossEntropy(Tensor.Ones([2, 3]), Tensor.FromArray(new long[] { 0, 9 })));
        Assert.Contains("out of bounds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToArray_WrongElementType_ThrowsInvalidOperation()
    {
        using Tensor t = Tensor.Ones([2], ScalarType.Float64);
        var ex = Assert.Throws<InvalidOperationException>(() => t.ToArray<float>());
        Assert.Contains("Float64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cholesky_NotPositiveDefinite_ThrowsTorchException()
    {
        using var scope = DisposeScope.Begin();
        Tensor m = Tensor.FromArray(new double[] { 1, 2, 2, 1 }, 2, 2);
        var ex = Assert.Throws<TorchException>(() => Linalg.Cholesky(m));
        Assert.Contains("positive-definite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reshape_IncompatibleShape_ThrowsTorchException()
    {
        using Tensor t = Tensor.Ones([6]);
        var ex = Assert.Throws<TorchException>(() => t.Reshape(4, 2));
        Assert.Contains("invalid for input of size 6", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisposedTensor_Used_ThrowsObjectDisposed()
    {
        Tensor t = Tensor.Ones([2]);
        t.Dispose();
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
    }

    [Fact]
    public void InPlaceOnLeafRequiringGrad_ThrowsTorchException()
    {
        using Tensor t = Tensor.Ones([2]).RequiresGrad_();
        var ex = Assert.Throws<TorchException>(() => t.Add_(1.0));
        Assert.Contains("leaf Variable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Threads_SetBelowOne_ThrowsTorchException()
    {
        var ex = Assert.Throws<TorchException>(() => TorchRuntime.Threads = 0);
        Assert.Contains("at least 1", ex.Message, StringComparison.Ordinal);
    }
}
