using System.Globalization;
using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

/// <summary>
/// An n-dimensional array on a device, backed by a libtorch tensor, with autograd.
/// </summary>
/// <remarks>
/// A tensor owns one native handle. <see cref="Dispose"/> frees it at once; a
/// <see cref="DisposeScope"/> frees every tensor created inside it that was not moved out. The
/// finalizer is only a safety net. Operations never hide temporaries: arithmetic with a number
/// passes the number by value. Instances are not thread-safe; distinct tensors may be used from
/// distinct threads.
/// </remarks>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;

    internal Tensor(nint raw)
    {
        handle = new TensorHandle(raw);
        DisposeScope.Register(this);
    }

    /// <summary>Gets a value indicating whether the native tensor has been freed.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>Gets the scope that will dispose this tensor, if any.</summary>
    internal DisposeScope? OwnerScope { get; set; }

    internal TensorHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return handle;
        }
    }

    /// <summary>Gets the number of dimensions.</summary>
    public int Dim
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_tensor_ndim(Handle, out long ndim));
            return (int)ndim;
        }
    }

    /// <summary>Gets the size of every dimension.</summary>
    public unsafe long[] Shape
    {
        get
        {
            long[] shape = new long[Dim];
            fixed (long* p = shape)
            {
                NativeMethods.Check(NativeMethods.hg_tensor_shape(Handle, p, shape.Length));
            }

            return shape;
        }
    }

    /// <summary>Gets the total number of elements.</summary>
    public long NumberOfElements
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_tensor_numel(Handle, out long numel));
            return numel;
        }
    }

    /// <summary>Gets the element type.</summary>
    public ScalarType Dtype
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_tensor_dtype(Handle, out int dtype));
            return (ScalarType)dtype;
        }
    }

    /// <summary>Gets the device the tensor lives on.</summary>
    public Device Device
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_tensor_device(Handle, out int type, out int index));
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>Gets the size of one dimension.</summary>
    /// <param name="dimension">The dimension; negative counts from the end.</param>
    /// <returns>The size.</returns>
    public long Size(int dimension)
    {
        long[] shape = Shape;
        int d = dimension < 0 ? dimension + shape.Length : dimension;
        if (d < 0 || d >= shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The tensor has {shape.Length} dimensions.");
        }

        return shape[d];
    }

    /// <summary>Frees the native tensor now. Safe to call twice.</summary>
    public void Dispose() => handle.Dispose();

    /// <summary>Takes this tensor out of its dispose scope: the caller now owns it.</summary>
    /// <returns>This tensor.</returns>
    public Tensor DetachFromDisposeScope()
    {
        OwnerScope = null;
        return this;
    }

    /// <summary>Hands this tensor to the scope around the current one (or to the caller if none).</summary>
    /// <returns>This tensor.</returns>
    public Tensor MoveToOuterDisposeScope()
    {
        DisposeScope? owner = OwnerScope;
        OwnerScope = null;
        owner?.Outer?.Adopt(this);
        return this;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsDisposed)
        {
            return "Tensor(disposed)";
        }

        string shape = string.Join(", ", Shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        return $"Tensor[{shape}] {Dtype.ToString().ToLowerInvariant()} {Device}";
    }

    internal static Tensor Wrap(int status, nint raw)
    {
        NativeMethods.Check(status);
        return new Tensor(raw);
    }

    internal static Tensor? WrapOrNull(int status, nint raw)
    {
        NativeMethods.Check(status);
        return raw == 0 ? null : new Tensor(raw);
    }
}
