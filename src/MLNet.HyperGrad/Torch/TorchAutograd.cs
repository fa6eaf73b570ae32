using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Torch;

/// <summary>
/// The one door to <c>torch.autograd.grad</c>: checks in C# what libtorch would reject, and ties
/// <c>retain_graph</c> to <c>create_graph</c> as PyTorch does.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's native <c>THSAutograd_grad</c> has no error catch: a libtorch error there aborts
/// the process (exit 134) instead of throwing. Every call of ours goes through <see cref="Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}?, bool?, bool, bool)"/>,
/// which rejects disposed tensors, outputs or inputs that do not require grad, non-scalar outputs
/// without gradient outputs, mismatched gradient-output shapes, dtypes and devices, and a second pass
/// through an output differentiated without retainGraph, with an <see cref="ArgumentException"/> or an
/// <see cref="InvalidOperationException"/>. Unused inputs are asked of libtorch as allowed and then
/// reported here (or returned as zeros when the caller allows them).
/// <para>
/// libtorch itself is always asked to retain the graph: a later call on a tensor computed from an
/// output whose graph libtorch had freed would abort the process, and TorchSharp cannot tell which
/// tensors those are. Without <c>retainGraph</c> a second call on the same output is still refused,
/// as in PyTorch; the graph's memory is released when its tensors are disposed (the end of their
/// dispose scope), not by this call.
/// </para>
/// <para>
/// Errors remain that no check here can foresee, and they still abort the process: for example a tensor
/// the graph saved was modified in place (an optimizer step on the weights, say) before the call.
/// Compute the gradients before changing anything they depend on.
/// </para>
/// </remarks>
public static class TorchAutograd
{
    private static readonly ConditionalWeakTable<Tensor, object> DifferentiatedOutputs = new();
    private static long emptyResults;

    /// <summary>
    /// Gets the number of empty results (unused inputs) libtorch has returned. TorchSharp counts each in
    /// <c>torch.Tensor.TotalCount</c> when it wraps it and never uncounts it (disposing an empty handle
    /// does nothing), so <see cref="TorchRuntime.LiveTensorCount"/> subtracts them.
    /// </summary>
    internal static long EmptyResultCount => Interlocked.Read(ref emptyResults);

    /// <summary>Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/> (PyTorch's <c>torch.autograd.grad</c>).</summary>
    /// <param name="outputs">The differentiated tensors; each must require grad.</param>
    /// <param name="inputs">The tensors to differentiate with respect to; each must require grad.</param>
    /// <param name="gradOutputs">The vector of the vector-Jacobian product, one per output, each of its output's shape, dtype and device; null means ones, allowed only for one-element outputs.</param>
    /// <param name="retainGraph">Allow another pass through the outputs' graph; defaults to <paramref name="createGraph"/>, as in PyTorch.</param>
    /// <param name="createGraph">Record the computation of the gradients so they can be differentiated again (Hessian-vector products, hypergradients).</param>
    /// <param name="allowUnused">If an input does not affect the outputs, return zeros for it instead of failing.</param>
    /// <returns>One gradient per input, of the input's shape, in the current dispose scope.</returns>
    /// <exception cref="ArgumentException">An argument libtorch would reject; the message names it, the expected and the actual value.</exception>
    /// <exception cref="InvalidOperationException">An output was already differentiated by an earlier call without <paramref name="retainGraph"/>.</exception>
    public static Tensor[] Grad(
        IReadOnlyList<Tensor> outputs,
        IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor>? gradOutputs = null,
        bool? retainGraph = null,
        bool createGraph = false,
        bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        Validate(outputs, inputs, gradOutputs);
        bool retain = retainGraph ?? createGraph;
        IList<Tensor> raw = torch.autograd.grad([.. outputs], [.. inputs], gradOutputs is null ? null : [.. gradOutputs], retain_graph: true, createGraph, allow_unused: true);
        Interlocked.Add(ref emptyResults, raw.Count(t => t.IsInvalid));
        if (!retain)
        {
            foreach (Tensor output in outputs)
            {
                DifferentiatedOutputs.AddOrUpdate(output, DifferentiatedOutputs);
            }
        }

        var result = new Tensor[raw.Count];
        for (int i = 0; i < raw.Count; i++)
        {
            if (!raw[i].IsInvalid)
            {
                result[i] = raw[i];
                continue;
            }

            raw[i].Dispose();
            if (!allowUnused)
            {
                DisposeAll(result);
                DisposeAll(raw.Skip(i + 1));
                throw new ArgumentException($"Input {i} (shape {TensorChecks.Shape(inputs[i])}) was not used to compute the outputs, so it has no gradient; pass allowUnused: true to get zeros for it.", nameof(inputs));
            }

            result[i] = torch.zeros_like(inputs[i]);
        }

        return result;
    }

    /// <summary>The gradient of a one-element output with respect to one input.</summary>
    /// <param name="output">A one-element tensor that requires grad.</param>
    /// <param name="input">The input.</param>
    /// <param name="createGraph">Record the computation for higher-order derivatives.</param>
    /// <returns>The gradient, of the input's shape.</returns>
    public static Tensor Grad(Tensor output, Tensor input, bool createGraph = false) =>
        Grad([output], [input], null, null, createGraph)[0];

    private static void Validate(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? gradOutputs)
    {
        if (outputs.Count == 0)
        {
            throw new ArgumentException("At least one output is needed; got none.", nameof(outputs));
        }

        if (inputs.Count == 0)
        {
            throw new ArgumentException("At least one input is needed; got none.", nameof(inputs));
        }

        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
        {
            throw new ArgumentException($"Expected one gradient output per output ({outputs.Count}); got {gradOutputs.Count}.", nameof(gradOutputs));
        }

        for (int i = 0; i < outputs.Count; i++)
        {
            Tensor output = CheckLive(outputs[i], nameof(outputs), i);
            if (!output.requires_grad)
            {
                throw new ArgumentException($"Output {i} (shape {TensorChecks.Shape(output)}) does not require grad: it was not computed from any tensor that requires grad, or under no_grad.", nameof(outputs));
            }

            if (DifferentiatedOutputs.TryGetValue(output, out _))
            {
                throw new InvalidOperationException($"Output {i} (shape {TensorChecks.Shape(output)}) was already differentiated without retainGraph; pass retainGraph: true to the first call to differentiate it again.");
            }

            if (gradOutputs is null)
            {
                if (output.numel() != 1)
                {
                    throw new ArgumentException($"Output {i} has shape {TensorChecks.Shape(output)}; without gradient outputs only one-element outputs can be differentiated. Pass gradOutputs.", nameof(gradOutputs));
                }

                continue;
            }

            Tensor g = CheckLive(gradOutputs[i], nameof(gradOutputs), i);
            if (!g.shape.SequenceEqual(output.shape))
            {
                throw new ArgumentException($"Gradient output {i} has shape {TensorChecks.Shape(g)}; expected its output's shape {TensorChecks.Shape(output)}.", nameof(gradOutputs));
            }

            if (g.dtype != output.dtype)
            {
                throw new ArgumentException($"Gradient output {i} has dtype {g.dtype}; expected its output's dtype {output.dtype}.", nameof(gradOutputs));
            }

            if (!TensorChecks.SameDevice(g, output))
            {
                throw new ArgumentException($"Gradient output {i} is on {g.device}; expected its output's device {output.device}.", nameof(gradOutputs));
            }
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            Tensor input = CheckLive(inputs[i], nameof(inputs), i);
            if (!input.requires_grad)
            {
                throw new ArgumentException($"Input {i} (shape {TensorChecks.Shape(input)}, {input.dtype}) does not require grad; set requires_grad on it before computing the outputs.", nameof(inputs));
            }

            if (!input.is_floating_point() && !input.is_complex())
            {
                throw new ArgumentException($"Input {i} has dtype {input.dtype}; only floating-point or complex tensors have gradients.", nameof(inputs));
            }
        }
    }

    private static Tensor CheckLive(Tensor? tensor, string argument, int index)
    {
        if (tensor is null)
        {
            throw new ArgumentNullException(argument, $"Entry {index} of {argument} is null.");
        }

        if (tensor.IsInvalid)
        {
            throw new ArgumentException($"Entry {index} of {argument} is disposed.", argument);
        }

        return tensor;
    }

    private static void DisposeAll(IEnumerable<Tensor?> tensors)
    {
        foreach (Tensor? t in tensors)
        {
            t?.Dispose();
        }
    }
}
