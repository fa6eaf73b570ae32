using MLNet.HyperGrad.Torch;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Lists of float64 tensors to and from one flat array, for solvers that work on vectors.</summary>
internal static class FlatTensors
{
    public static double[] Flatten(IEnumerable<Tensor> tensors) => [.. tensors.SelectMany(TensorData.ToArray<double>)];

    /// <summary>New float64 tensors of the given shapes, in the current dispose scope.</summary>
    public static Tensor[] Unflatten(double[] flat, IReadOnlyList<long[]> shapes)
    {
        var result = new Tensor[shapes.Count];
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            int count = (int)shapes[i].Aggregate(1L, (a, b) => a * b);
            result[i] = TensorData.FromSpan<double>(flat.AsSpan(offset, count), shapes[i]);
            offset += count;
        }

        return result;
    }

    /// <summary>Like <see cref="Unflatten"/>, with requires-grad set (leaves to differentiate with respect to).</summary>
    public static Tensor[] Leaves(double[] flat, IReadOnlyList<long[]> shapes) => [.. Unflatten(flat, shapes).Select(t => t.requires_grad_(true))];

    /// <summary>Σ_i (a_i · b_i).sum(), a scalar tensor.</summary>
    public static Tensor Inner(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) => a.Zip(b, (x, y) => (x * y).sum()).Aggregate((x, y) => x + y);
}
