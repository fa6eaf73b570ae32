using System.Runtime.InteropServices;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// Errors only libtorch can see, in ordinary tensor operations, come back as a .NET exception carrying
/// libtorch's own message, and the test process goes on (TorchSharp catches them in its native layer).
/// </summary>
/// <remarks>
/// Not every entry point of TorchSharp 0.107's native layer catches: <c>torch.matmul</c> (THSTensor_matmul),
/// like <c>torch.autograd.grad</c>, aborts the process on a libtorch error, so it is not called here with
/// bad shapes; <c>mm</c> is.
/// </remarks>
public sealed class NativeErrorTests
{
    [Fact]
    public void Mm_IncompatibleShapes_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = torch.ones(2, 3);
        Tensor b = torch.ones(4, 5);
        var ex = Assert.Throws<ExternalException>(() => a.mm(b));
        Assert.Contains("cannot be multiplied (2x3 and 4x5)", ex.Message, StringComparison.Ordinal);
        Assert.Equal([2L, 5], a.mm(torch.ones(3, 5)).shape);
    }

    [Fact]
    public void Add_ShapesThatDoNotBroadcast_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ExternalException>(() => torch.ones(3) + torch.ones(4));
        Assert.Contains("must match the size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexSelect_IndexOutOfRange_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        Tensor index = TensorData.FromSpan<long>([0, 7], [2]);
        var ex = Assert.Throws<ExternalException>(() => torch.ones(3, 2).index_select(0, index));
        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossEntropy_ClassIndexOutOfRange_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        Tensor target = TensorData.FromSpan<long>([0, 9], [2]);
        var ex = Assert.Throws<ExternalException>(() => torch.nn.functional.cross_entropy(torch.ones(2, 3), target));
        Assert.Contains("out of bounds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cholesky_NotPositiveDefinite_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        Tensor m = Float64.Of([1, 2, 2, 1], 2, 2);
        var ex = Assert.Throws<ExternalException>(() => torch.linalg.cholesky(m));
        Assert.Contains("positive-definite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reshape_IncompatibleShape_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ExternalException>(() => torch.ones(6).reshape(4, 2));
        Assert.Contains("invalid for input of size 6", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InPlaceOnALeafRequiringGrad_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        Tensor t = torch.ones(2).requires_grad_();
        var ex = Assert.Throws<ExternalException>(() => t.add_(1.0));
        Assert.Contains("leaf Variable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequiresGrad_OnAnIntegerTensor_ThrowsWithLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        Tensor t = torch.ones([2], ScalarType.Int64);
        var ex = Assert.Throws<ExternalException>(() => t.requires_grad_());
        Assert.Contains("floating point", ex.Message, StringComparison.Ordinal);
    }
}
