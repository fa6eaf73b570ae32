using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

/// <summary>Owns one native <c>at::Tensor</c> created by the shim; releasing it frees the tensor.</summary>
public sealed class TensorHandle : SafeHandle
{
    /// <summary>Creates an invalid handle (used by marshalling).</summary>
    public TensorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal TensorHandle(nint handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => NativeMethods.hg_tensor_free(handle) == 0;
}
