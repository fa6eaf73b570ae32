using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

public sealed partial class Tensor
{
    /// <summary>Gets or sets whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_tensor_requires_grad(Handle, out int value));
            return value != 0;
        }

        set => NativeMethods.Check(NativeMethods.hg_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Gets a value indicating whether the tensor is a leaf of the autograd graph.</summary>
    public bool IsLeaf
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_tensor_is_leaf(Handle, out int value));
            return value != 0;
        }
    }

    /// <summary>
    /// Gets or sets the gradient accumulated by <see cref="Backward"/>; null if none. Each read
    /// returns a new handle to it.
    /// </summary>
    public Tensor? Grad
    {
        get => WrapOrNull(NativeMethods.hg_tensor_grad(Handle, out nint r), r);
        set
        {
            int status = NativeMethods.hg_tensor_set_grad(Handle, value?.Handle.DangerousGetHandle() ?? 0);
            GC.KeepAlive(value);
            NativeMethods.Check(status);
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    /// <param name="requiresGrad">Whether to record operations.</param>
    /// <returns>This tensor.</returns>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Accumulates the gradient of this tensor into the <see cref="Grad"/> of the leaves.</summary>
    /// <param name="gradient">The gradient of some scalar with respect to this tensor; null for a scalar tensor.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass; defaults to <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record the backward pass itself, for higher-order derivatives.</param>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false)
    {
        int retain = retainGraph is null ? -1 : retainGraph.Value ? 1 : 0;
        int status = NativeMethods.hg_autograd_backward(Handle, gradient?.Handle.DangerousGetHandle() ?? 0, retain, createGraph ? 1 : 0);
        GC.KeepAlive(gradient);
        NativeMethods.Check(status);
    }
}
