using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_reshape(TensorHandle a, long* shape, long ndim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_view(TensorHandle a, long* shape, long ndim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_expand(TensorHandle a, long* shape, long ndim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_permute(TensorHandle a, long* dims, long ndim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_transpose(TensorHandle a, long dim0, long dim1, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_squeeze(TensorHandle a, long dim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_unsqueeze(TensorHandle a, long dim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_flatten(TensorHandle a, long startDim, long endDim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_narrow(TensorHandle a, long dim, long start, long length, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_slice(TensorHandle a, long dim, long start, long end, long step, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_select(TensorHandle a, long dim, long index, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_index_select(TensorHandle a, long dim, TensorHandle index, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_gather(TensorHandle a, long dim, TensorHandle index, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_masked_select(TensorHandle a, TensorHandle mask, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_cat(nint* items, long count, long dim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_stack(nint* items, long count, long dim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_diag(TensorHandle a, long offset, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_diagonal(TensorHandle a, long offset, long dim1, long dim2, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_tril(TensorHandle a, long diagonal, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_triu(TensorHandle a, long diagonal, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_one_hot(TensorHandle a, long numClasses, out nint result);
}
