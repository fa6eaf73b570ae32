using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

public sealed partial class Tensor
{
    /// <summary>A tensor of uninitialized memory.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type; float32 by default.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>The tensor.</returns>
    public static unsafe Tensor Empty(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.hg_tensor_empty(s, shape.Length, (int)dtype, (int)d.Type, d.Index, out nint r), r);
        }
    }

    /// <summary>A tensor of zeros.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type; float32 by default.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>The tensor.</returns>
    public static unsafe Tensor Zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.hg_tensor_zeros(s, shape.Length, (int)dtype, (int)d.Type, d.Index, out nint r), r);
        }
    }

    /// <summary>A tensor of ones.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type; float32 by default.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>The tensor.</returns>
    public static unsafe Tensor Ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.hg_tensor_ones(s, shape.Length, (int)dtype, (int)d.Type, d.Index, out nint r), r);
        }
    }

    /// <summary>A tensor filled with one value.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type; float32 by default.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>The tensor.</returns>
    public static unsafe Tensor Full(long[] shape, Scalar value, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.hg_tensor_full(s, shape.Length, value.FloatingValue, value.IntegralValue, value.Kind, (int)dtype, (int)d.Type, d.Index, out nint r), r);
        }
    }

    /// <summary>A zero-dimensional tensor holding one number.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type; float32 by default.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>The tensor.</returns>
    public static Tensor ScalarTensor(Scalar value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Full([], value, dtype, device);

    /// <summary>Values from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive).</summary>
    /// <param name="start">The first value.</param>
    /// <param name="end">The bound, excluded.</param>
    /// <param name="step">The step.</param>
    /// <param name="dtype">The element type; int64 by default.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>A one-dimensional tensor.</returns>
    public static Tensor Arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        Device d = device ?? Device.Cpu;
        return Wrap(NativeMethods.hg_tensor_arange(start, end, step, (int)dtype, (int)d.Type, d.Index, out nint r), r);
    }

    /// <summary>The identity matrix.</summary>
    /// <param name="n">Rows and columns.</param>
    /// <param name="dtype">The element type; float32 by default.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>A tensor of shape [n, n].</returns>
    public static Tensor Eye(long n, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        Device d = device ?? Device.Cpu;
        return Wrap(NativeMethods.hg_tensor_eye(n, (int)dtype, (int)d.Type, d.Index, out nint r), r);
    }

    /// <summary>Copies managed data into a new tensor.</summary>
    /// <typeparam name="T">float, double, long, int, byte or bool.</typeparam>
    /// <param name="data">The elements in row-major order.</param>
    /// <param name="shape">The shape; its product must equal the data's length. Empty means one dimension.</param>
    /// <returns>The tensor, on the CPU.</returns>
    public static Tensor FromArray<T>(T[] data, params long[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, shape, Device.Cpu);
    }

    /// <summary>Copies managed data into a new tensor on a device.</summary>
    /// <typeparam name="T">float, double, long, int, byte or bool.</typeparam>
    /// <param name="data">The elements in row-major order.</param>
    /// <param name="shape">The shape; its product must equal the data's length. Null means one dimension.</param>
    /// <param name="device">The device.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not match the data's length.</exception>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, long[]? shape, Device device)
        where T : unmanaged
    {
        long[] s = shape is null || shape.Length == 0 ? [data.Length] : shape;
        long count = 1;
        foreach (long dimension in s)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", s)}] has a negative dimension.", nameof(shape));
            }

            count *= dimension;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", s)}] holds {count} elements but {data.Length} were given.", nameof(shape));
        }

        ScalarType dtype = ScalarTypes.Of<T>();
        fixed (T* p = data)
        fixed (long* sp = s)
        {
            return Wrap(NativeMethods.hg_tensor_from_data(p, sp, s.Length, (int)dtype, (int)device.Type, device.Index, out nint r), r);
        }
    }

    /// <summary>Uniform random numbers in [0, 1).</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="generator">The seeded engine; null uses libtorch's global one.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>The tensor.</returns>
    public static unsafe Tensor Rand(long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            int status = NativeMethods.hg_tensor_rand(s, shape.Length, Generator.Raw(generator), (int)dtype, (int)d.Type, d.Index, out nint r);
            GC.KeepAlive(generator);
            return Wrap(status, r);
        }
    }

    /// <summary>Standard normal random numbers.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="generator">The seeded engine; null uses libtorch's global one.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>The tensor.</returns>
    public static unsafe Tensor Randn(long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            int status = NativeMethods.hg_tensor_randn(s, shape.Length, Generator.Raw(generator), (int)dtype, (int)d.Type, d.Index, out nint r);
            GC.KeepAlive(generator);
            return Wrap(status, r);
        }
    }

    /// <summary>Uniform random integers in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <param name="low">The smallest value.</param>
    /// <param name="high">The bound, excluded.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="generator">The seeded engine; null uses libtorch's global one.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>An int64 tensor.</returns>
    public static unsafe Tensor RandInt(long low, long high, long[] shape, Generator? generator = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            int status = NativeMethods.hg_tensor_randint(low, high, s, shape.Length, Generator.Raw(generator), (int)ScalarType.Int64, (int)d.Type, d.Index, out nint r);
            GC.KeepAlive(generator);
            return Wrap(status, r);
        }
    }

    /// <summary>A random permutation of 0 … n-1.</summary>
    /// <param name="n">How many.</param>
    /// <param name="generator">The seeded engine; null uses libtorch's global one.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>An int64 tensor of shape [n].</returns>
    public static Tensor RandPerm(long n, Generator? generator = null, Device? device = null)
    {
        Device d = device ?? Device.Cpu;
        int status = NativeMethods.hg_tensor_randperm(n, Generator.Raw(generator), (int)ScalarType.Int64, (int)d.Type, d.Index, out nint r);
        GC.KeepAlive(generator);
        return Wrap(status, r);
    }

    /// <summary>Fills this tensor in place with uniform numbers in [from, to).</summary>
    /// <param name="from">The lower bound.</param>
    /// <param name="to">The upper bound.</param>
    /// <param name="generator">The seeded engine; null uses libtorch's global one.</param>
    /// <returns>This tensor.</returns>
    public Tensor Uniform_(double from, double to, Generator? generator = null)
    {
        NativeMethods.Check(NativeMethods.hg_tensor_uniform_(Handle, from, to, Generator.Raw(generator)));
        GC.KeepAlive(generator);
        return this;
    }

    /// <summary>Fills this tensor in place with normal numbers.</summary>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation.</param>
    /// <param name="generator">The seeded engine; null uses libtorch's global one.</param>
    /// <returns>This tensor.</returns>
    public Tensor Normal_(double mean, double std, Generator? generator = null)
    {
        NativeMethods.Check(NativeMethods.hg_tensor_normal_(Handle, mean, std, Generator.Raw(generator)));
        GC.KeepAlive(generator);
        return this;
    }
}
