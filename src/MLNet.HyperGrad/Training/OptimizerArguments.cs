using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Training;

/// <summary>Argument checks shared by the optimizers.</summary>
internal static class OptimizerArguments
{
    internal static void CheckLists(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> gradients, IReadOnlyList<Tensor> state, IReadOnlyList<Tensor>? weightDecay)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(state);
        if (gradients.Count != weights.Count || state.Count != weights.Count)
        {
            throw new ArgumentException($"{weights.Count} weights need as many gradients and state tensors; got {gradients.Count} gradients and {state.Count} state tensors.", nameof(gradients));
        }

        if (weightDecay is not null && weightDecay.Count != weights.Count)
        {
            throw new ArgumentException($"{weights.Count} weights need as many weight-decay tensors; got {weightDecay.Count}.", nameof(weightDecay));
        }
    }
}
