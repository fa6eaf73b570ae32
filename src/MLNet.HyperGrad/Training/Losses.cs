using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace MLNet.HyperGrad.Training;

/// <summary>The training losses, applied to model outputs.</summary>
public static class Losses
{
    /// <summary>Computes a loss.</summary>
    /// <param name="kind">Which loss.</param>
    /// <param name="output">Model outputs, shape [batch, outputs].</param>
    /// <param name="target">Class indices (int64 [batch]) or targets (float [batch] or [batch, outputs]).</param>
    /// <param name="reduction">How to reduce over the batch.</param>
    /// <returns>The loss; a new tensor in the current dispose scope.</returns>
    public static Tensor Compute(LossKind kind, Tensor output, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        switch (kind)
        {
            case LossKind.CrossEntropy:
                if (output.dim() != 2 || target.dim() != 1 || target.shape[0] != output.shape[0] || target.dtype != ScalarType.Int64)
                {
                    throw new ArgumentException($"Cross-entropy needs outputs [batch, classes] and int64 class indices [batch]; got outputs {TensorChecks.Shape(output)} and targets {TensorChecks.Shape(target)} of {target.dtype}.", nameof(target));
                }

                return torch.nn.functional.cross_entropy(output, target, reduction: reduction);
            case LossKind.MeanSquaredError:
                if (target.dim() == 1 && output.dim() == 2 && output.shape[1] == 1 && target.shape[0] == output.shape[0])
                {
                    using Tensor flat = output.reshape(-1);
                    return torch.nn.functional.mse_loss(flat, target, reduction);
                }

                if (!target.shape.SequenceEqual(output.shape))
                {
                    throw new ArgumentException($"Mean squared error needs targets of the outputs' shape {TensorChecks.Shape(output)} (or [batch] for one output); got {TensorChecks.Shape(target)}.", nameof(target));
                }

                return torch.nn.functional.mse_loss(output, target, reduction);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss.");
        }
    }
}
