using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

/// <summary>Reverse-mode automatic differentiation: gradients, higher-order gradients, grad mode.</summary>
public static class Autograd
{
    /// <summary>Gets a value indicating whether operations on this thread are recorded for autograd.</summary>
    public static bool IsGradEnabled
    {
        get
        {
            NativeMethods.Check(NativeMethods.hg_grad_is_enabled(out int enabled));
            return enabled != 0;
        }
    }

    /// <summary>
    /// Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>
    /// (PyTorch's <c>torch.autograd.grad</c>).
    /// </summary>
    /// <param name="outputs">The differentiated tensors.</param>
    /// <param name="inputs">The tensors to differentiate with respect to.</param>
    /// <param name="gradOutputs">The vector in the vector-Jacobian product, one per output; null or a null entry means ones (scalar outputs).</param>
    /// <param name="retainGraph">Keep the graph for another pass. Defaults to <paramref name="createGraph"/>, as in PyTorch (TorchSharp gets this wrong).</param>
    /// <param name="createGraph">Record the computation of the gradients so they can be differentiated again (Hessian-vector products, hypergradients).</param>
    /// <param name="allowUnused">If an input does not affect the outputs, return zeros for it instead of failing.</param>
    /// <returns>One gradient per input, each of the input's shape.</returns>
    /// <exception cref="TorchException">libtorch rejected the call (an input unused without <paramref name="allowUnused"/>, a freed graph, …).</exception>
    public static unsafe Tensor[] Grad(
        IReadOnlyList<Tensor> outputs,
        IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor?>? gradOutputs = null,
        bool? retainGraph = null,
        bool createGraph = false,
        bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
        {
            throw new ArgumentException($"{gradOutputs.Count} gradient outputs were given for {outputs.Count} outputs.", nameof(gradOutputs));
        }

        nint[] outs = HandleArray.RawOrZero(outputs);
        nint[] ins = HandleArray.RawOrZero(inputs);
        nint[]? gouts = gradOutputs is null ? null : HandleArray.RawOrZero(gradOutputs);
        nint[] results = new nint[ins.Length];
        int retain = retainGraph is null ? -1 : retainGraph.Value ? 1 : 0;
        int status;
        fixed (nint* o = outs)
        fixed (nint* i = ins)
        fixed (nint* g = gouts)
        fixed (nint* r = results)
        {
            status = NativeMethods.hg_autograd_grad(o, outs.Length, i, ins.Length, gouts is null ? null : g, retain, createGraph ? 1 : 0, allowUnused ? 1 : 0, r);
        }

        GC.KeepAlive(outputs);
        GC.KeepAlive(inputs);
        GC.KeepAlive(gradOutputs);
        NativeMethods.Check(status);
        var grads = new Tensor[results.Length];
        for (int k = 0; k < results.Length; k++)
        {
            grads[k] = results[k] != 0 ? new Tensor(results[k]) : ZerosLike(inputs[k]);
        }

        return grads;
    }

    /// <summary>The gradient of a scalar with respect to one input.</summary>
    /// <param name="output">A scalar tensor.</param>
    /// <param name="input">The input.</param>
    /// <param name="createGraph">Record the computation for higher-order derivatives.</param>
    /// <returns>The gradient, of the input's shape.</returns>
    public static Tensor Grad(Tensor output, Tensor input, bool createGraph = false) =>
        Grad([output], [input], null, null, createGraph)[0];

    /// <summary>Turns autograd recording off on this thread until the returned scope is disposed.</summary>
    /// <returns>The scope; dispose it on the same thread to restore the previous mode.</returns>
    /// <remarks>libtorch's grad mode is per thread: do not <c>await</c> inside the scope.</remarks>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Turns autograd recording on on this thread until the returned scope is disposed.</summary>
    /// <returns>The scope; dispose it on the same thread to restore the previous mode.</returns>
    public static GradModeScope EnableGrad() => new(enabled: true);

    private static Tensor ZerosLike(Tensor input) => Tensor.Zeros(input.Shape, input.Dtype, input.Device);
}
