using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

/// <summary>Owns one native <c>at::Generator</c> (a CPU Philox/MT random engine).</summary>
public sealed class GeneratorHandle : SafeHandle
{
    /// <summary>Creates an invalid handle (used by marshalling).</summary>
    public GeneratorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal GeneratorHandle(nint handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => NativeMethods.hg_generator_free(handle) == 0;
}
