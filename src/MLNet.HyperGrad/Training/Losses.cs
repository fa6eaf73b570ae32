using MLNet.HyperGrad.Torch;

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
                return Functional.CrossEntropy(output, target, reduction);
            case LossKind.MeanSquaredError:
                if (target.Dim == 1 && output.Dim == 2 && output.Size(1) == 1)
                {
                    Tensor flat = output.Reshape(-1);
                    Tensor result = Functional.MseLoss(flat, target, reduction);
                    if (DisposeScope.Current is null)
                    {
                        flat.Dispose();
                    }

                    return result;
                }

                return Functional.MseLoss(output, target, reduction);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss.");
        }
    }
}
