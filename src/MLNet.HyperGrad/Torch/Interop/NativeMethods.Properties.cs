using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_ndim(TensorHandle tensor, out long ndim);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_shape(TensorHandle tensor, long* shape, long capacity);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_numel(TensorHandle tensor, out long numel);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_dtype(TensorHandle tensor, out int dtype);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_device(TensorHandle tensor, out int deviceType, out int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_requires_grad(TensorHandle tensor, out int value);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_set_requires_grad(TensorHandle tensor, int value);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_is_leaf(TensorHandle tensor, out int value);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_grad(TensorHandle tensor, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_set_grad(TensorHandle tensor, nint grad);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_item(TensorHandle tensor, out double value);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_item_long(TensorHandle tensor, out long value);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_copy_to(TensorHandle tensor, void* destination, long byteCount);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_to(TensorHandle tensor, int dtype, int deviceType, int deviceIndex, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_detach(TensorHandle tensor, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_clone(TensorHandle tensor, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_contiguous(TensorHandle tensor, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_alias(TensorHandle tensor, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_equal(TensorHandle a, TensorHandle b, out int result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, out int result);
}
