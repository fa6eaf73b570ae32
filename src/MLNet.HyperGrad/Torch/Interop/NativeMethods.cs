using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

/// <summary>P/Invoke declarations for the libtorch shim (<c>libhgtorch.so</c>).</summary>
/// <remarks>
/// Every function returns 0 on success; a non-zero status means the shim caught a C++ exception and
/// kept its message, which <see cref="Check"/> turns into a <see cref="TorchException"/>.
/// Tensor outputs are owned handles that must be wrapped at once (see <see cref="Tensor"/>).
/// </remarks>
internal static unsafe partial class NativeMethods
{
    internal const string LibraryName = "hgtorch";

    static NativeMethods() => NativeLibraryResolver.Register();

    /// <summary>Throws the shim's last error when <paramref name="status"/> is non-zero.</summary>
    internal static void Check(int status)
    {
        if (status != 0)
        {
            throw new TorchException(LastError());
        }
    }

    internal static string LastError() => Marshal.PtrToStringUTF8(hg_last_error()) ?? "unknown libtorch error";

    [LibraryImport(LibraryName)]
    internal static partial nint hg_last_error();

    [LibraryImport(LibraryName)]
    internal static partial long hg_live_tensor_count();

    [LibraryImport(LibraryName)]
    internal static partial long hg_live_generator_count();

    [LibraryImport(LibraryName)]
    internal static partial nint hg_torch_version();

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_free(nint handle);

    [LibraryImport(LibraryName)]
    internal static partial int hg_set_num_threads(int count);

    [LibraryImport(LibraryName)]
    internal static partial int hg_get_num_threads(out int count);

    [LibraryImport(LibraryName)]
    internal static partial int hg_grad_is_enabled(out int enabled);

    [LibraryImport(LibraryName)]
    internal static partial int hg_set_grad_enabled(int enabled);

    [LibraryImport(LibraryName)]
    internal static partial int hg_cuda_device_count(out int count);

    [LibraryImport(LibraryName)]
    internal static partial int hg_manual_seed(ulong seed);

    [LibraryImport(LibraryName)]
    internal static partial int hg_generator_new(ulong seed, out nint generator);

    [LibraryImport(LibraryName)]
    internal static partial int hg_generator_free(nint generator);

    [LibraryImport(LibraryName)]
    internal static partial int hg_generator_set_seed(GeneratorHandle generator, ulong seed);
}
