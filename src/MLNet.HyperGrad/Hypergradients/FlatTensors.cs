using MLNet.HyperGrad.Torch;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Lists of float64 tensors to and from one flat array, for solvers that work on vectors.</summary>
internal static class FlatTensors
{
    public static double[] Flatten(IEnumerable<Tensor> tensors)
    {
        Tensor[] list = [.. tensors];
        double[] flat = new double[list.Sum(t => t.numel())];
        FlattenInto(list, flat);
        return flat;
    }

    /// <summary>Copies float64 tensors, one after another, into <paramref name="target"/> (exactly as long as they hold), without allocating a managed array.</summary>
    public static void FlattenInto(IReadOnlyList<Tensor> tensors, Span<double> target)
    {
        int offset = 0;
        foreach (Tensor t in tensors)
        {
            int count = (int)t.numel();
            if (offset + count > target.Length)
            {
                throw new ArgumentException($"The target holds {target.Length} values; the tensors hold more.", nameof(target));
            }

            TensorData.CopyTo(t, target.Slice(offset, count));
            offset += count;
        }

        if (offset != target.Length)
        {
            throw new ArgumentException($"The target holds {target.Length} values; the tensors hold {offset}.", nameof(target));
        }
    }

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

    /// <summary>
    /// The values of a contiguous float64 CPU tensor as a span over its own memory (no copy): reads and writes go to the
    /// tensor. Valid while the tensor lives and is not resized.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not float64, not on the CPU or not contiguous.</exception>
    public static Span<double> Memory(Tensor tensor)
    {
        if (tensor.dtype != TorchSharp.torch.ScalarType.Float64 || tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException($"Expected a contiguous float64 CPU tensor; got {tensor.dtype} on {tensor.device_type}, contiguous {tensor.is_contiguous()}.", nameof(tensor));
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(tensor.bytes);
    }

    /// <summary>New float64 tensors of the given shapes, each its own allocation as <see cref="Unflatten"/> makes them, outside any dispose scope (the caller disposes them): buffers written in place step after step.</summary>
    public static Tensor[] Buffers(IReadOnlyList<long[]> shapes) =>
        [.. shapes.Select(s => TorchSharp.torch.zeros(s, TorchSharp.torch.ScalarType.Float64).DetachFromDisposeScope())];

    /// <summary>Copies <paramref name="flat"/> into float64 tensors, one after another (exactly as many values as they hold).</summary>
    public static void CopyInto(ReadOnlySpan<double> flat, IReadOnlyList<Tensor> tensors)
    {
        int offset = 0;
        foreach (Tensor t in tensors)
        {
            Span<double> target = Memory(t);
            flat.Slice(offset, target.Length).CopyTo(target);
            offset += target.Length;
        }

        if (offset != flat.Length)
        {
            throw new ArgumentException($"The tensors hold {offset} values; got {flat.Length}.", nameof(flat));
        }
    }

    /// <summary>Σ_i (a_i · b_i).sum(), a scalar tensor.</summary>
    public static Tensor Inner(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) => a.Zip(b, (x, y) => (x * y).sum()).Aggregate((x, y) => x.Plus(y));
}
