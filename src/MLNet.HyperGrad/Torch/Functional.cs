using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

/// <summary>Neural-network functions (PyTorch's <c>torch.nn.functional</c>); all are twice differentiable.</summary>
public static class Functional
{
    /// <summary>Log of the softmax along a dimension, computed stably.</summary>
    /// <param name="input">The logits.</param>
    /// <param name="dimension">The class dimension.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor LogSoftmax(Tensor input, long dimension)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(NativeMethods.hg_tensor_log_softmax(input.Handle, dimension, out nint r), r);
    }

    /// <summary>Softmax along a dimension.</summary>
    /// <param name="input">The logits.</param>
    /// <param name="dimension">The class dimension.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor Softmax(Tensor input, long dimension)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(NativeMethods.hg_tensor_softmax(input.Handle, dimension, out nint r), r);
    }

    /// <summary>Cross-entropy between logits and class indices.</summary>
    /// <param name="logits">Shape [batch, classes].</param>
    /// <param name="target">Class indices, int64, shape [batch], each in [0, classes).</param>
    /// <param name="reduction">How to reduce over the batch; the mean by default.</param>
    /// <param name="labelSmoothing">In [0, 1]; 0 by default.</param>
    /// <returns>The loss.</returns>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(NativeMethods.hg_nn_cross_entropy(logits.Handle, target.Handle, (int)reduction, labelSmoothing, out nint r), r);
    }

    /// <summary>Negative log-likelihood of class indices under log-probabilities.</summary>
    /// <param name="logProbabilities">Shape [batch, classes].</param>
    /// <param name="target">Class indices, int64, shape [batch].</param>
    /// <param name="reduction">How to reduce over the batch.</param>
    /// <returns>The loss.</returns>
    public static Tensor NllLoss(Tensor logProbabilities, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logProbabilities);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(NativeMethods.hg_nn_nll_loss(logProbabilities.Handle, target.Handle, (int)reduction, out nint r), r);
    }

    /// <summary>Mean squared error.</summary>
    /// <param name="input">The predictions.</param>
    /// <param name="target">The targets, of the same shape.</param>
    /// <param name="reduction">How to reduce.</param>
    /// <returns>The loss.</returns>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(NativeMethods.hg_nn_mse_loss(input.Handle, target.Handle, (int)reduction, out nint r), r);
    }

    /// <summary>An affine layer, <c>x Wᵀ + b</c>.</summary>
    /// <param name="input">Shape [batch, in].</param>
    /// <param name="weight">Shape [out, in].</param>
    /// <param name="bias">Shape [out], or null.</param>
    /// <returns>Shape [batch, out].</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        int status = NativeMethods.hg_nn_linear(input.Handle, weight.Handle, bias?.Handle.DangerousGetHandle() ?? 0, out nint r);
        GC.KeepAlive(bias);
        return Tensor.Wrap(status, r);
    }
}
