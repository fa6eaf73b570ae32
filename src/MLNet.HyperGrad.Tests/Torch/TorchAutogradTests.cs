using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// <see cref="TorchAutograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}?, bool?, bool, bool)"/>:
/// every call libtorch would reject inside <c>torch.autograd.grad</c> (which aborts the process in TorchSharp 0.107)
/// is rejected in C# first, so these tests finishing at all shows the process survived.
/// </summary>
public sealed class TorchAutogradTests
{
    [Fact]
    public void Grad_OutputNotRequiringGrad_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor constant = Float64.Of([1, 2], 2).sum();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([constant], [a]), "outputs", "Output 0", "does not require grad");
    }

    [Fact]
    public void Grad_OutputComputedUnderNoGrad_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor y;
        using (torch.no_grad())
        {
            y = (a * a).sum();
        }

        ArgumentAssert.Throws(() => TorchAutograd.Grad([y], [a]), "outputs", "does not require grad");
    }

    [Fact]
    public void Grad_InputNotRequiringGrad_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor b = Float64.Of([3, 4], 2);
        Tensor y = (a * b).sum();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([y], [a, b]), "inputs", "Input 1", "[2]", "does not require grad");
    }

    [Fact]
    public void Grad_IntegerInput_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor index = TensorData.FromSpan<long>([0, 1], [2]);
        Tensor y = (a * index).sum();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([y], [a, index]), "inputs", "Input 1", "Int64");
    }

    [Fact]
    public void Grad_NonScalarOutputWithoutGradOutputs_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2, 3], 3).requires_grad_();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([a * a], [a]), "gradOutputs", "[3]", "Pass gradOutputs");
    }

    [Fact]
    public void Grad_NonScalarOutputWithGradOutputs_ReturnsVectorJacobianProduct()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2, 3], 3).requires_grad_();
        Tensor[] g = TorchAutograd.Grad([a * a], [a], [Float64.Of([1, 10, 100], 3)]);
        Assert.Equal([2.0, 40, 600], TensorData.ToArray<double>(g[0]));
    }

    [Fact]
    public void Grad_GradOutputsCountDiffers_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2, 3], 3).requires_grad_();
        Tensor one = Float64.Of([1, 1, 1], 3);
        ArgumentAssert.Throws(() => TorchAutograd.Grad([a * a], [a], [one, one]), "gradOutputs", "(1)", "got 2");
    }

    [Fact]
    public void Grad_GradOutputShapeDiffers_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2, 3], 3).requires_grad_();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([a * a], [a], [Float64.Of([1, 1], 2)]), "gradOutputs", "[2]", "[3]");
    }

    [Fact]
    public void Grad_GradOutputDtypeDiffers_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2, 3], 3).requires_grad_();
        Tensor single = torch.ones([3], ScalarType.Float32);
        ArgumentAssert.Throws(() => TorchAutograd.Grad([a * a], [a], [single]), "gradOutputs", "Float32", "Float64");
    }

    [Fact]
    public void Grad_DisposedTensor_ThrowsArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor b = Float64.Of([1, 2], 2).requires_grad_();
        Tensor y = (a * b).sum();
        b.Dispose();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([y], [a, b]), "inputs", "Entry 1", "disposed");
        Tensor z = (a * a).sum();
        z.Dispose();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([z], [a]), "outputs", "disposed");
    }

    [Fact]
    public void Grad_EmptyOrNullArguments_Throw()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor y = (a * a).sum();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([], [a]), "outputs");
        ArgumentAssert.Throws(() => TorchAutograd.Grad([y], []), "inputs");
        Assert.Throws<ArgumentNullException>(() => TorchAutograd.Grad([y], [null!]));
    }

    [Fact]
    public void Grad_SecondCallAfterGraphWasFreed_ThrowsInvalidOperationException()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor y = a.exp().sum();
        TorchAutograd.Grad(y, a);
        var ex = Assert.Throws<InvalidOperationException>(() => TorchAutograd.Grad(y, a));
        Assert.Contains("retainGraph", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grad_OutputComputedFromAnAlreadyDifferentiatedOutput_ReturnsItsGradient()
    {
        // libtorch would find the saved tensors of y freed and abort the process (exit 134).
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor y = a.exp().sum();
        Tensor z = y * 2.0;
        TorchAutograd.Grad(y, a);
        FiniteDifferences.AssertClose([2 * Math.Exp(1), 2 * Math.Exp(2)], TensorData.ToArray<double>(TorchAutograd.Grad(z, a)), 1e-12);
    }

    [Fact]
    public void Grad_RetainGraph_AllowsASecondCallWithTheSameResult()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor y = a.exp().sum();
        double[] first = TensorData.ToArray<double>(TorchAutograd.Grad([y], [a], retainGraph: true)[0]);
        double[] second = TensorData.ToArray<double>(TorchAutograd.Grad([y], [a])[0]);
        FiniteDifferences.AssertClose([Math.Exp(1), Math.Exp(2)], first, 1e-12);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Grad_CreateGraphWithoutRetainGraph_RetainsTheGraphForSecondOrder()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2], 2).requires_grad_();
        Tensor y = a.pow(3).sum();
        Tensor g = TorchAutograd.Grad(y, a, createGraph: true);
        Assert.True(g.requires_grad);
        Assert.Equal([3.0, 12], TensorData.ToArray<double>(g));

        // The graph of y was kept (retainGraph follows createGraph), so y can be differentiated again,
        Assert.Equal([3.0, 12], TensorData.ToArray<double>(TorchAutograd.Grad(y, a)));

        // and the gradient itself can be differentiated: d/da sum(3a²) = 6a.
        Assert.Equal([6.0, 12], TensorData.ToArray<double>(TorchAutograd.Grad(g.sum(), a)));
    }

    [Fact]
    public void Grad_UnusedInput_ThrowsArgumentExceptionNamingAllowUnused()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2, 3], 3).requires_grad_();
        Tensor b = Float64.Of([1, 2], 2).requires_grad_();
        ArgumentAssert.Throws(() => TorchAutograd.Grad([(a * 3.0).sum()], [a, b]), "inputs", "Input 1", "[2]", "allowUnused");
    }

    [Fact]
    public void Grad_UnusedInputWithAllowUnused_ReturnsZerosOfItsShape()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of([1, 2, 3], 3).requires_grad_();
        Tensor b = Float64.Of([1, 2], 2).requires_grad_();
        Tensor[] g = TorchAutograd.Grad([(a * 3.0).sum()], [a, b], allowUnused: true);
        Assert.Equal([3.0, 3, 3], TensorData.ToArray<double>(g[0]));
        Assert.Equal([0.0, 0], TensorData.ToArray<double>(g[1]));
    }
}
