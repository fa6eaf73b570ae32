using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>Bulk copies between spans and tensors: values, shape and dtype survive a round trip.</summary>
public sealed class TensorDataTests
{
    [Fact]
    public void FromSpanToArray_Float_RoundTripsValuesShapeAndDtype()
    {
        using var scope = torch.NewDisposeScope();
        float[] values = [1.5f, -2, 3, float.MaxValue, float.Epsilon, -0f];
        Tensor t = TensorData.FromSpan<float>(values, [2, 3]);
        Assert.Equal([2L, 3], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(DeviceType.CPU, t.device_type);
        Assert.False(t.requires_grad);
        Assert.Equal(2f, t[0, 1].neg().item<float>());
        Assert.Equal(values, TensorData.ToArray<float>(t));
    }

    [Fact]
    public void FromSpanToArray_Double_RoundTripsBitForBit()
    {
        double[] values = [Math.PI, -1e-300, double.NaN, double.NegativeInfinity, 1 + 1e-15, 0];
        using Tensor t = TensorData.FromSpan<double>(values, [3, 2]);
        Assert.Equal(ScalarType.Float64, t.dtype);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), TensorData.ToArray<double>(t).Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void FromSpanToArray_Long_RoundTripsExtremes()
    {
        long[] values = [long.MinValue, -1, 0, (1L << 53) + 1, long.MaxValue];
        using Tensor t = TensorData.FromSpan<long>(values, [5]);
        Assert.Equal(ScalarType.Int64, t.dtype);
        Assert.Equal(values, TensorData.ToArray<long>(t));
    }

    [Fact]
    public void FromSpanToArray_MultiDimensional_IsRowMajor()
    {
        using var scope = torch.NewDisposeScope();
        double[] values = Enumerable.Range(0, 24).Select(i => (double)i).ToArray();
        Tensor t = TensorData.FromSpan<double>(values, [2, 3, 4]);
        Assert.Equal([2L, 3, 4], t.shape);
        Assert.Equal(1 * 12 + 2 * 4 + 3, t[1, 2, 3].item<double>());
        Tensor transposed = t.transpose(0, 2);
        double[] expected = [.. from k in Enumerable.Range(0, 4) from j in Enumerable.Range(0, 3) from i in Enumerable.Range(0, 2) select (double)((i * 12) + (j * 4) + k)];
        Assert.Equal(expected, TensorData.ToArray<double>(transposed));
    }

    [Fact]
    public void FromSpanToArray_Empty_RoundTrips()
    {
        using Tensor t = TensorData.FromSpan<float>([], [0, 3]);
        Assert.Equal([0L, 3], t.shape);
        Assert.Empty(TensorData.ToArray<float>(t));
    }

    [Fact]
    public void FromSpan_ScalarShape_HoldsOneValue()
    {
        using Tensor t = TensorData.FromSpan<double>([2.5], []);
        Assert.Equal(0, t.dim());
        Assert.Equal([2.5], TensorData.ToArray<double>(t));
    }

    [Fact]
    public void ToArray_TensorRequiringGrad_CopiesItsValues()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = TensorData.FromSpan<double>([1, 2], [2]).requires_grad_();
        Assert.Equal([2.0, 4], TensorData.ToArray<double>(a * 2.0));
    }

    [Fact]
    public void FromSpan_CountDiffersFromShape_ThrowsArgumentException()
    {
        ArgumentAssert.Throws(() => TensorData.FromSpan<double>([1, 2, 3], [2, 2]), "data", "[2, 2]", "holds 4", "got 3");
    }

    [Fact]
    public void FromSpan_NegativeDimension_ThrowsArgumentException()
    {
        ArgumentAssert.Throws(() => TensorData.FromSpan<double>([1, 2], [-1, 2]), "shape", "[-1, 2]");
    }

    [Fact]
    public void ToArray_DtypeMismatch_ThrowsArgumentExceptionNamingBoth()
    {
        using Tensor t = torch.ones([2], ScalarType.Float64);
        ArgumentAssert.Throws(() => TensorData.ToArray<float>(t), "tensor", "Float64", "Float32");
    }
}
