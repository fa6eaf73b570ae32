using MLNet.HyperGrad.Torch;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Training;

/// <summary>Argument checks shared by the optimizers: counts, shapes, dtypes and devices, in C# before TorchSharp sees them.</summary>
internal static class OptimizerArguments
{
    internal static void CheckLists(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> gradients, IReadOnlyList<Tensor> state, IReadOnlyList<Tensor>? weightDecay, string stateName = "state")
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(state);
        if (gradients.Count != weights.Count || state.Count != weights.Count)
        {
            throw new ArgumentException(
                $"{weights.Count} weights need as many gradients and {stateName} tensors; got {gradients.Count} gradients and {state.Count} {stateName} tensors.",
                gradients.Count != weights.Count ? nameof(gradients) : stateName);
        }

        if (weightDecay is not null && weightDecay.Count != weights.Count)
        {
            throw new ArgumentException($"{weights.Count} weights need as many weight-decay tensors; got {weightDecay.Count}.", nameof(weightDecay));
        }

        for (int i = 0; i < weights.Count; i++)
        {
            Tensor w = weights[i] ?? throw new ArgumentNullException(nameof(weights), $"Weight {i} is null.");
            CheckLike(w, gradients[i], "gradients", i);
            CheckLike(w, state[i], stateName, i);
            if (weightDecay is not null)
            {
                Tensor d = weightDecay[i] ?? throw new ArgumentNullException(nameof(weightDecay), $"Weight decay {i} is null.");
                if (d.numel() != 1 && !d.shape.SequenceEqual(w.shape))
                {
                    throw new ArgumentException($"Weight decay {i} must be a scalar or of its weight's shape {TensorChecks.Shape(w)}; got {TensorChecks.Shape(d)}.", nameof(weightDecay));
                }

                CheckDtypeDevice(w, d, "weightDecay", i);
            }
        }
    }

    internal static void CheckScalar(Tensor value, Tensor weight, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.numel() != 1)
        {
            throw new ArgumentException($"{name} must be a one-element tensor; got shape {TensorChecks.Shape(value)}.", name);
        }

        CheckDtypeDevice(weight, value, name, 0);
    }

    private static void CheckLike(Tensor weight, Tensor other, string name, int i)
    {
        if (other is null)
        {
            throw new ArgumentNullException(name, $"Entry {i} of {name} is null.");
        }

        if (!other.shape.SequenceEqual(weight.shape))
        {
            throw new ArgumentException($"Entry {i} of {name} must have its weight's shape {TensorChecks.Shape(weight)}; got {TensorChecks.Shape(other)}.", name);
        }

        CheckDtypeDevice(weight, other, name, i);
    }

    private static void CheckDtypeDevice(Tensor weight, Tensor other, string name, int i)
    {
        if (other.dtype != weight.dtype)
        {
            throw new ArgumentException($"Entry {i} of {name} must have its weight's dtype {weight.dtype}; got {other.dtype}.", name);
        }

        if (!TensorChecks.SameDevice(other, weight))
        {
            throw new ArgumentException($"Entry {i} of {name} must be on its weight's device {weight.device}; got {other.device}.", name);
        }
    }
}
