using System.Runtime.InteropServices;
using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

/// <summary>Process-wide libtorch settings and diagnostics.</summary>
public static class TorchRuntime
{
    /// <summary>Gets the version of the libtorch the shim was built against.</summary>
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.hg_torch_version()) ?? "unknown";

    /// <summary>Gets the number of native tensors alive in the process (every thread).</summary>
    public static long LiveTensorCount => NativeMethods.hg_live_tensor_count();

    /// <summary>Gets the number of native random generators alive in the process.</summary>
    public static long LiveGeneratorCount => NativeMethods.hg_live_generator_count();

    /// <summary>Gets or sets the number of threads libtorch uses inside one operation.</summary>
    public static int Threads
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_get_num_threads(out int count));
            return count;
        }

        set => NativeMethods.Check(NativeMethods.hg_set_num_threads(value));
    }

    /// <summary>Gets the number of CUDA GPUs visible to libtorch (0 for a CPU-only build).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_cuda_device_count(out int count));
            return count;
        }
    }

    /// <summary>Gets a value indicating whether a CUDA GPU can be used.</summary>
    public static bool IsCudaAvailable => CudaDeviceCount > 0;

    /// <summary>Seeds libtorch's default generator (used when no <see cref="Generator"/> is given).</summary>
    /// <param name="seed">The seed.</param>
    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.hg_manual_seed(seed));
}
