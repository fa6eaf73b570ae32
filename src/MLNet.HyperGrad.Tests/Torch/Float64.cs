using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>float64 tensors from and to flat arrays: the bridge between autograd and <see cref="FiniteDifferences"/>.</summary>
internal static class Float64
{
    /// <summary>A new float64 tensor holding <paramref name="values"/> (row-major) in <paramref name="shape"/>.</summary>
    public static Tensor Of(double[] values, params long[] shape) => TensorData.FromSpan<double>(values, shape);

    /// <summary>A float64 scalar tensor.</summary>
    public static Tensor Scalar(double value, bool requiresGrad = false) => torch.tensor(value, ScalarType.Float64, requires_grad: requiresGrad);

    /// <summary>The value of a one-element tensor.</summary>
    public static double Value(Tensor t) => t.detach().to(ScalarType.Float64).item<double>();

    /// <summary>Concatenates the values of tensors, in order.</summary>
    public static double[] Flatten(IEnumerable<Tensor> tensors) => tensors.SelectMany(TensorData.ToArray<double>).ToArray();

    /// <summary>Splits a flat vector into tensors of the given shapes; each is a new leaf.</summary>
    public static Tensor[] Unflatten(IReadOnlyList<long[]> shapes, double[] flat, bool requiresGrad = false)
    {
        var tensors = new Tensor[shapes.Count];
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            int count = (int)shapes[i].Aggregate(1L, (a, b) => a * b);
            tensors[i] = Of(flat[offset..(offset + count)], shapes[i]).requires_grad_(requiresGrad);
            offset += count;
        }

        Assert.Equal(flat.Length, offset);
        return tensors;
    }

    /// <summary>Standard normal numbers from a seeded generator.</summary>
    public static double[] Randn(int count, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        using Tensor t = torch.randn([count], ScalarType.Float64, generator: generator);
        return TensorData.ToArray<double>(t);
    }
}
