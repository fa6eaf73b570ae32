using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Torch;

/// <summary>Bulk copies between managed memory and tensors (TorchSharp's accessors copy one element at a time).</summary>
public static class TensorData
{
    private const int ChunkBytes = 1 << 30;

    /// <summary>Copies values into a new tensor.</summary>
    /// <typeparam name="T">float, double, long, int or byte.</typeparam>
    /// <param name="data">The values, row-major; exactly as many as the shape holds.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>A new tensor in the current dispose scope, not requiring grad.</returns>
    /// <exception cref="ArgumentException">The number of values does not match the shape, or a dimension is negative.</exception>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, torch.Device? device = null)
        where T : unmanaged
    {
        ScalarType dtype = DtypeOf<T>();
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Dimensions must be non-negative; got [{string.Join(", ", shape.ToArray())}].", nameof(shape));
            }

            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] holds {count} values; got {data.Length}.", nameof(data));
        }

        TorchRuntime.EnsureLoaded();
        Tensor cpu = torch.empty(shape, dtype);
        if (count > 0)
        {
            using Tensor flat = cpu.view(-1);
            ReadOnlySpan<byte> source = MemoryMarshal.AsBytes(data);
            int elementSize = source.Length / data.Length;
            int perChunk = ChunkBytes / elementSize;
            for (long start = 0; start < count; start += perChunk)
            {
                int length = (int)Math.Min(perChunk, count - start);
                using Tensor part = flat.narrow(0, start, length);
                source.Slice((int)(start * elementSize), length * elementSize).CopyTo(part.bytes);
            }
        }

        if (device is null || device.type == DeviceType.CPU)
        {
            return cpu;
        }

        Tensor moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }

    /// <summary>Copies a tensor's values into a new array (from any device, detached from autograd).</summary>
    /// <typeparam name="T">The element type; must match the tensor's dtype.</typeparam>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The values, row-major.</returns>
    /// <exception cref="ArgumentException">The tensor's dtype is not <typeparamref name="T"/>.</exception>
    public static T[] ToArray<T>(Tensor tensor)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ScalarType dtype = DtypeOf<T>();
        if (tensor.dtype != dtype)
        {
            throw new ArgumentException($"The tensor holds {tensor.dtype}; asked for {dtype}.", nameof(tensor));
        }

        var result = new T[tensor.numel()];
        CopyTo(tensor, result.AsSpan());
        return result;
    }

    /// <summary>Copies a tensor's values into <paramref name="target"/> (from any device, detached from autograd), without allocating a managed array.</summary>
    /// <typeparam name="T">The element type; must match the tensor's dtype.</typeparam>
    /// <param name="tensor">The tensor.</param>
    /// <param name="target">Exactly as many elements as the tensor holds; row-major.</param>
    /// <exception cref="ArgumentException">The tensor's dtype is not <typeparamref name="T"/>, or the target's length is not its element count.</exception>
    internal static void CopyTo<T>(Tensor tensor, Span<T> target)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ScalarType dtype = DtypeOf<T>();
        if (tensor.dtype != dtype)
        {
            throw new ArgumentException($"The tensor holds {tensor.dtype}; asked for {dtype}.", nameof(tensor));
        }

        if (tensor.numel() != target.Length)
        {
            throw new ArgumentException($"The tensor holds {tensor.numel()} values; the target {target.Length}.", nameof(target));
        }

        if (target.Length == 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        Tensor cpu = tensor.detach().cpu().contiguous().view(-1);
        Span<byte> bytes = MemoryMarshal.AsBytes(target);
        int elementSize = bytes.Length / target.Length;
        int perChunk = ChunkBytes / elementSize;
        for (long start = 0; start < target.Length; start += perChunk)
        {
            int length = (int)Math.Min(perChunk, target.Length - start);
            using Tensor part = cpu.narrow(0, start, length);
            part.bytes.CopyTo(bytes.Slice((int)(start * elementSize), length * elementSize));
        }
    }

    private static ScalarType DtypeOf<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return ScalarType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return ScalarType.Float64;
        }

        if (typeof(T) == typeof(long))
        {
            return ScalarType.Int64;
        }

        if (typeof(T) == typeof(int))
        {
            return ScalarType.Int32;
        }

        if (typeof(T) == typeof(byte))
        {
            return ScalarType.Byte;
        }

        throw new ArgumentException($"Element type {typeof(T).Name} is not supported: use float, double, long, int or byte.");
    }
}
