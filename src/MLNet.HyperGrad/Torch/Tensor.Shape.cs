using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

public sealed partial class Tensor
{
    /// <summary>The same elements in a new shape (a view when possible, else a copy).</summary>
    /// <param name="shape">The new shape; one entry may be -1.</param>
    /// <returns>A new tensor.</returns>
    public unsafe Tensor Reshape(params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.hg_tensor_reshape(Handle, s, shape.Length, out nint r), r);
        }
    }

    /// <summary>A view with a new shape; the tensor must be contiguous enough.</summary>
    /// <param name="shape">The new shape; one entry may be -1.</param>
    /// <returns>A view sharing memory.</returns>
    public unsafe Tensor View(params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.hg_tensor_view(Handle, s, shape.Length, out nint r), r);
        }
    }

    /// <summary>A view broadcast to a larger shape.</summary>
    /// <param name="shape">The shape; -1 keeps a dimension.</param>
    /// <returns>A view sharing memory.</returns>
    public unsafe Tensor Expand(params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.hg_tensor_expand(Handle, s, shape.Length, out nint r), r);
        }
    }

    /// <summary>A view with dimensions reordered.</summary>
    /// <param name="dimensions">The new order.</param>
    /// <returns>A view sharing memory.</returns>
    public unsafe Tensor Permute(params long[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        fixed (long* s = dimensions)
        {
            return Wrap(NativeMethods.hg_tensor_permute(Handle, s, dimensions.Length, out nint r), r);
        }
    }

    /// <summary>A view with two dimensions swapped.</summary>
    /// <param name="dimension0">The first dimension.</param>
    /// <param name="dimension1">The second dimension.</param>
    /// <returns>A view sharing memory.</returns>
    public Tensor Transpose(long dimension0, long dimension1) =>
        Wrap(NativeMethods.hg_tensor_transpose(Handle, dimension0, dimension1, out nint r), r);

    /// <summary>The transpose of a matrix.</summary>
    public Tensor T => Transpose(0, 1);

    /// <summary>Removes a dimension of size 1.</summary>
    /// <param name="dimension">The dimension.</param>
    /// <returns>A view sharing memory.</returns>
    public Tensor Squeeze(long dimension) => Wrap(NativeMethods.hg_tensor_squeeze(Handle, dimension, out nint r), r);

    /// <summary>Inserts a dimension of size 1.</summary>
    /// <param name="dimension">Where.</param>
    /// <returns>A view sharing memory.</returns>
    public Tensor Unsqueeze(long dimension) => Wrap(NativeMethods.hg_tensor_unsqueeze(Handle, dimension, out nint r), r);

    /// <summary>Merges a range of dimensions into one.</summary>
    /// <param name="startDimension">The first dimension merged.</param>
    /// <param name="endDimension">The last dimension merged.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Flatten(long startDimension = 0, long endDimension = -1) =>
        Wrap(NativeMethods.hg_tensor_flatten(Handle, startDimension, endDimension, out nint r), r);

    /// <summary>A view of <paramref name="length"/> entries along a dimension from <paramref name="start"/>.</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="start">The first index.</param>
    /// <param name="length">How many.</param>
    /// <returns>A view sharing memory.</returns>
    public Tensor Narrow(long dimension, long start, long length) =>
        Wrap(NativeMethods.hg_tensor_narrow(Handle, dimension, start, length, out nint r), r);

    /// <summary>A view of indices start, start + step, … below end along a dimension.</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="start">The first index.</param>
    /// <param name="end">The bound, excluded (clipped to the size).</param>
    /// <param name="step">The step, at least 1.</param>
    /// <returns>A view sharing memory.</returns>
    public Tensor Slice(long dimension, long start, long end, long step = 1) =>
        Wrap(NativeMethods.hg_tensor_slice(Handle, dimension, start, end, step, out nint r), r);

    /// <summary>The sub-tensor at one index of a dimension (that dimension is removed).</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="index">The index; negative counts from the end.</param>
    /// <returns>A view sharing memory.</returns>
    public Tensor Select(long dimension, long index) =>
        Wrap(NativeMethods.hg_tensor_select(Handle, dimension, index, out nint r), r);

    /// <summary>Gathers whole slices along a dimension (a minibatch of rows, say).</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="index">An int64 vector of indices.</param>
    /// <returns>A new tensor.</returns>
    public Tensor IndexSelect(long dimension, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(NativeMethods.hg_tensor_index_select(Handle, dimension, index.Handle, out nint r), r);
    }

    /// <summary>Picks one element per position along a dimension.</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="index">An int64 tensor of the output's shape.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Gather(long dimension, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(NativeMethods.hg_tensor_gather(Handle, dimension, index.Handle, out nint r), r);
    }

    /// <summary>The elements where a mask holds, as a vector.</summary>
    /// <param name="mask">A bool tensor broadcastable to this one.</param>
    /// <returns>A new one-dimensional tensor.</returns>
    public Tensor MaskedSelect(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Wrap(NativeMethods.hg_tensor_masked_select(Handle, mask.Handle, out nint r), r);
    }

    /// <summary>Joins tensors along an existing dimension.</summary>
    /// <param name="tensors">The tensors.</param>
    /// <param name="dimension">The dimension.</param>
    /// <returns>A new tensor.</returns>
    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dimension = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return HandleArray.With(tensors, (p, n) => Wrap(NativeMethods.hg_tensor_cat(p, n, dimension, out nint r), r));
    }

    /// <summary>Joins tensors along a new dimension.</summary>
    /// <param name="tensors">The tensors, all of one shape.</param>
    /// <param name="dimension">Where the new dimension goes.</param>
    /// <returns>A new tensor.</returns>
    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dimension = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return HandleArray.With(tensors, (p, n) => Wrap(NativeMethods.hg_tensor_stack(p, n, dimension, out nint r), r));
    }

    /// <summary>A diagonal matrix from a vector, or the diagonal of a matrix.</summary>
    /// <param name="offset">Which diagonal: 0 main, positive above, negative below.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Diag(long offset = 0) => Wrap(NativeMethods.hg_tensor_diag(Handle, offset, out nint r), r);

    /// <summary>A view of a diagonal over two dimensions.</summary>
    /// <param name="offset">Which diagonal.</param>
    /// <param name="dimension1">The first dimension.</param>
    /// <param name="dimension2">The second dimension.</param>
    /// <returns>A view sharing memory.</returns>
    public Tensor Diagonal(long offset = 0, long dimension1 = 0, long dimension2 = 1) =>
        Wrap(NativeMethods.hg_tensor_diagonal(Handle, offset, dimension1, dimension2, out nint r), r);

    /// <summary>The lower triangle of a matrix, zeros elsewhere.</summary>
    /// <param name="diagonal">The last diagonal kept.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Tril(long diagonal = 0) => Wrap(NativeMethods.hg_tensor_tril(Handle, diagonal, out nint r), r);

    /// <summary>The upper triangle of a matrix, zeros elsewhere.</summary>
    /// <param name="diagonal">The first diagonal kept.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Triu(long diagonal = 0) => Wrap(NativeMethods.hg_tensor_triu(Handle, diagonal, out nint r), r);

    /// <summary>One-hot encodes int64 class indices.</summary>
    /// <param name="classes">The number of classes; -1 infers it from the largest index.</param>
    /// <returns>An int64 tensor with one more dimension.</returns>
    public Tensor OneHot(long classes = -1) => Wrap(NativeMethods.hg_tensor_one_hot(Handle, classes, out nint r), r);
}
