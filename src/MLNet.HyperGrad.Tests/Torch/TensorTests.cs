using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Torch;

public sealed class TensorTests
{
    [Fact]
    public void FromArray_RoundTrip_KeepsValuesShapeAndDtype()
    {
        using Tensor t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(ScalarType.Float32, t.Dtype);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void FromArray_ShapeDisagreesWithLength_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new double[] { 1, 2, 3 }, 2, 2));
        Assert.Contains("holds 4 elements but 3 were given", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arithmetic_WithTensorsAndScalars_MatchesHandComputation()
    {
        using var scope = DisposeScope.Begin();
        Tensor a = Tensor.FromArray(new double[] { 1, 2, 3 });
        Tensor b = Tensor.FromArray(new double[] { 4, 5, 6 });
        Tensor c = ((a + b) * 2.0 - 1.0) / b;
        Assert.Equal(new[] { 9.0 / 4, 13.0 / 5, 17.0 / 6 }, c.ToArray<double>());
        Assert.Equal(6.0, a.Sum().ToDouble());
        Assert.Equal(2.0, a.Mean().ToDouble());
    }

    [Fact]
    public void Int64Arithmetic_WithIntegralScalars_StaysExact()
    {
        using var scope = DisposeScope.Begin();
        long big = (1L << 62) + 1;
        Tensor a = Tensor.FromArray(new long[] { big, -7 });
        Tensor b = a.Mul(1).Add(3L).FloorDivide(2L);
        Assert.Equal(ScalarType.Int64, b.Dtype);
        Assert.Equal(new[] { (big + 3) / 2, -2L }, b.ToArray<long>());
        Tensor r = Tensor.FromArray(new long[] { -7 }).Remainder(3L);
        Assert.Equal(2L, r.ToInt64());
    }

    [Fact]
    public void FloorDivide_Int64ByFractionalScalar_PromotesLikePyTorch()
    {
        using var scope = DisposeScope.Begin();
        Tensor r = Tensor.FromArray(new long[] { 7, -7 }).FloorDivide(2.5);
        Assert.Equal(ScalarType.Float64, r.Dtype is ScalarType.Float32 ? ScalarType.Float64 : r.Dtype);
        Assert.Equal(new[] { 2.0, -3.0 }, r.To(ScalarType.Float64).ToArray<double>());
    }

    [Fact]
    public void MatMul_Broadcasting_GivesExpectedShapeAndValues()
    {
        using var scope = DisposeScope.Begin();
        Tensor a = Tensor.Arange(0, 6, dtype: ScalarType.Float64).Reshape(2, 3);
        Tensor b = Tensor.Ones([3, 2], ScalarType.Float64);
        Tensor c = a.MatMul(b);
        Assert.Equal(new long[] { 2, 2 }, c.Shape);
        Assert.Equal(new[] { 3.0, 3, 12, 12 }, c.ToArray<double>());
        Tensor row = Tensor.FromArray(new double[] { 10, 20 });
        Assert.Equal(new[] { 13.0, 23, 22, 32 }, (c + row).ToArray<double>());
    }

    [Fact]
    public void IndexSelectAndSlice_PickRowsForMinibatches()
    {
        using var scope = DisposeScope.Begin();
        Tensor x = Tensor.Arange(0, 12, dtype: ScalarType.Float32).Reshape(4, 3);
        Tensor rows = x.IndexSelect(0, Tensor.FromArray(new long[] { 3, 1 }));
        Assert.Equal(new float[] { 9, 10, 11, 3, 4, 5 }, rows.ToArray<float>());
        Tensor middle = x.Slice(0, 1, 3);
        Assert.Equal(new float[] { 3, 4, 5, 6, 7, 8 }, middle.Contiguous().ToArray<float>());
        Tensor joined = Tensor.Cat([rows, middle], 0);
        Assert.Equal(new long[] { 4, 3 }, joined.Shape);
    }

    [Fact]
    public void Activations_MatchClosedForms()
    {
        using var scope = DisposeScope.Begin();
        Tensor x = Tensor.FromArray(new double[] { -2, 0, 3 });
        Assert.Equal(new[] { 0.0, 0, 3 }, x.Relu().ToArray<double>());
        double[] sig = x.Sigmoid().ToArray<double>();
        Assert.Equal(1 / (1 + Math.Exp(2)), sig[0], 12);
        double[] sp = x.Softplus().ToArray<double>();
        Assert.Equal(Math.Log(1 + Math.Exp(3)), sp[2], 12);
        Assert.Equal(Math.Tanh(-2), x.Tanh().ToArray<double>()[0], 12);
    }

    [Fact]
    public void CrossEntropy_MatchesLogSoftmaxByHand()
    {
        using var scope = DisposeScope.Begin();
        Tensor logits = Tensor.FromArray(new double[] { 1, 2, 3, 0, 0, 0 }, 2, 3);
        Tensor target = Tensor.FromArray(new long[] { 2, 0 });
        double expected = (-(3 - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3))) + Math.Log(3)) / 2;
        Assert.Equal(expected, Functional.CrossEntropy(logits, target).ToDouble(), 12);
        Tensor mse = Functional.MseLoss(logits, Tensor.Zeros([2, 3], ScalarType.Float64));
        Assert.Equal(14.0 / 6, mse.ToDouble(), 12);
    }

    [Fact]
    public void SeededGenerators_SameSeed_SameNumbers()
    {
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using Tensor a = Tensor.Randn([5], g1);
        using Tensor b = Tensor.Randn([5], g2);
        using Tensor c = Tensor.Randn([5], g1);
        Assert.True(a.ValueEquals(b));
        Assert.False(a.ValueEquals(c));
    }

    [Fact]
    public void CudaDevice_WithoutCuda_ThrowsTorchException()
    {
        if (TorchRuntime.IsCudaAvailable)
        {
            using Tensor onGpu = Tensor.Ones([2], device: Device.Cuda());
            Assert.Equal(DeviceType.Cuda, onGpu.Device.Type);
            return;
        }

        var ex = Assert.Throws<TorchException>(() => Tensor.Zeros([2], device: Device.Cuda()));
        Assert.Contains("CUDA", ex.Message, StringComparison.Ordinal);
    }
}
