using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

public sealed partial class Tensor
{
    /// <summary>Copies the elements to a managed array (row-major, from any device).</summary>
    /// <typeparam name="T">The .NET type matching <see cref="Dtype"/> exactly.</typeparam>
    /// <returns>The elements.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match the dtype.</exception>
    public unsafe T[] ToArray<T>()
        where T : unmanaged
    {
        ScalarType expected = ScalarTypes.Of<T>();
        ScalarType actual = Dtype;
        if (expected != actual)
        {
            throw new InvalidOperationException($"The tensor holds {actual} elements; ToArray<{typeof(T).Name}> needs {expected}. Convert with To({expected}) first.");
        }

        T[] result = new T[NumberOfElements];
        fixed (T* p = result)
        {
            NativeMethods.Check(NativeMethods.hg_tensor_copy_to(Handle, p, (long)result.Length * sizeof(T)));
        }

        return result;
    }

    /// <summary>The value of a one-element tensor as a double.</summary>
    /// <returns>The value.</returns>
    public double ToDouble()
    {
        NativeMethods.Check(NativeMethods.hg_tensor_item(Handle, out double value));
        return value;
    }

    /// <summary>The value of a one-element tensor as a long.</summary>
    /// <returns>The value.</returns>
    public long ToInt64()
    {
        NativeMethods.Check(NativeMethods.hg_tensor_item_long(Handle, out long value));
        return value;
    }

    /// <summary>Converts the element type.</summary>
    /// <param name="dtype">The new element type.</param>
    /// <returns>A new tensor (differentiable for floating types).</returns>
    public Tensor To(ScalarType dtype)
    {
        Device d = Device;
        return Wrap(NativeMethods.hg_tensor_to(Handle, (int)dtype, (int)d.Type, d.Index, out nint r), r);
    }

    /// <summary>Moves the tensor to a device.</summary>
    /// <param name="device">The device.</param>
    /// <returns>A new tensor.</returns>
    public Tensor To(Device device) =>
        Wrap(NativeMethods.hg_tensor_to(Handle, (int)Dtype, (int)device.Type, device.Index, out nint r), r);

    /// <summary>A tensor sharing memory but cut from the autograd graph.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Detach() => Wrap(NativeMethods.hg_tensor_detach(Handle, out nint r), r);

    /// <summary>A copy (differentiable).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Clone() => Wrap(NativeMethods.hg_tensor_clone(Handle, out nint r), r);

    /// <summary>A contiguous tensor with the same values (itself if already contiguous).</summary>
    /// <returns>A new tensor handle.</returns>
    public Tensor Contiguous() => Wrap(NativeMethods.hg_tensor_contiguous(Handle, out nint r), r);

    /// <summary>A second handle to the same tensor (same memory, same autograd identity).</summary>
    /// <returns>A new handle that must be disposed on its own.</returns>
    public Tensor Alias() => Wrap(NativeMethods.hg_tensor_alias(Handle, out nint r), r);

    /// <summary>Whether two tensors have the same shape and exactly the same elements.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>True if equal.</returns>
    public bool ValueEquals(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeMethods.Check(NativeMethods.hg_tensor_equal(Handle, other.Handle, out int result));
        return result != 0;
    }

    /// <summary>Whether every element is close: |a - b| ≤ atol + rtol |b|.</summary>
    /// <param name="other">The other tensor.</param>
    /// <param name="rtol">The relative tolerance.</param>
    /// <param name="atol">The absolute tolerance.</param>
    /// <returns>True if close.</returns>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeMethods.Check(NativeMethods.hg_tensor_allclose(Handle, other.Handle, rtol, atol, out int result));
        return result != 0;
    }
}
