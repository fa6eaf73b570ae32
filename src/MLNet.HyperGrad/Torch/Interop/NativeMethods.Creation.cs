using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_empty(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_zeros(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_ones(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_full(long* shape, long ndim, double sd, long si, int sk, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_eye(long n, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_from_data(void* data, long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_rand(long* shape, long ndim, nint generator, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_randn(long* shape, long ndim, nint generator, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_randint(long low, long high, long* shape, long ndim, nint generator, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_randperm(long n, nint generator, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_uniform_(TensorHandle tensor, double from, double to, nint generator);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_normal_(TensorHandle tensor, double mean, double std, nint generator);
}
