using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Training;

/// <summary>Stochastic gradient descent with momentum and L2, as a function of tensors.</summary>
/// <remarks>
/// The update is PyTorch's (dampening 0, no Nesterov):
/// <c>v ← μ v + g + λ ⊙ w</c>, <c>w ← w − η v</c>.
/// <see cref="Step"/> is differentiable in everything, the hyperparameters η, μ and λ included,
/// so a whole training run can be differentiated (reverse-mode hypergradients).
/// <see cref="StepInPlace"/> is the fast path for plain training: same arithmetic, in place, two or
/// three libtorch calls per tensor.
/// </remarks>
public static class SgdMomentum
{
    /// <summary>One differentiable step; the inputs are left untouched.</summary>
    /// <param name="weights">The weights w.</param>
    /// <param name="velocities">The velocities v, shaped like the weights.</param>
    /// <param name="gradients">The loss gradients g, shaped like the weights.</param>
    /// <param name="learningRate">η, a scalar tensor (may require grad).</param>
    /// <param name="momentum">μ, a scalar tensor (may require grad).</param>
    /// <param name="weightDecay">λ per weight tensor: each a scalar or a tensor of that weight's shape (per-layer or per-weight L2); null for none.</param>
    /// <returns>The new weights and velocities; they belong to the current dispose scope.</returns>
    public static (Tensor[] Weights, Tensor[] Velocities) Step(
        IReadOnlyList<Tensor> weights,
        IReadOnlyList<Tensor> velocities,
        IReadOnlyList<Tensor> gradients,
        Tensor learningRate,
        Tensor momentum,
        IReadOnlyList<Tensor>? weightDecay = null)
    {
        OptimizerArguments.CheckLists(weights, gradients, velocities, weightDecay, nameof(velocities));
        OptimizerArguments.CheckScalar(learningRate, weights[0], nameof(learningRate));
        OptimizerArguments.CheckScalar(momentum, weights[0], nameof(momentum));
        int n = weights.Count;
        var newWeights = new Tensor[n];
        var newVelocities = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            Tensor g = gradients[i];
            if (weightDecay is not null)
            {
                g = g.Plus(weightDecay[i] * weights[i]);
            }

            newVelocities[i] = (momentum * velocities[i]).Plus(g);
            newWeights[i] = weights[i] - (learningRate * newVelocities[i]);
        }

        return (newWeights, newVelocities);
    }

    /// <summary>One step in place, without recording autograd: the fast path for plain training.</summary>
    /// <param name="weights">The weights, updated in place.</param>
    /// <param name="velocities">The velocities, updated in place.</param>
    /// <param name="gradients">The gradients, shaped like the weights.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="weightDecay">λ, the same for every weight.</param>
    public static void StepInPlace(
        ParameterSet weights,
        ParameterSet velocities,
        IReadOnlyList<Tensor> gradients,
        double learningRate,
        double momentum,
        double weightDecay)
    {
        OptimizerArguments.CheckLists(weights, gradients, velocities, null, nameof(velocities));
        StepInPlaceUnchecked(weights, velocities, gradients, learningRate, momentum, weightDecay);
    }

    /// <summary>
    /// <see cref="StepInPlace"/> without its argument checks (about a dozen native calls per tensor):
    /// for the trainer, whose velocities are made from the weights and whose gradients come from
    /// autograd on those weights, so counts, shapes, dtypes and devices match by construction.
    /// </summary>
    /// <param name="weights">The weights, updated in place.</param>
    /// <param name="velocities">The velocities, updated in place.</param>
    /// <param name="gradients">The gradients, shaped like the weights.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="weightDecay">λ, the same for every weight.</param>
    internal static void StepInPlaceUnchecked(
        IReadOnlyList<Tensor> weights,
        IReadOnlyList<Tensor> velocities,
        IReadOnlyList<Tensor> gradients,
        double learningRate,
        double momentum,
        double weightDecay)
    {
        using var noGrad = torch.no_grad();
        for (int i = 0; i < weights.Count; i++)
        {
            Tensor v = velocities[i];
            Tensor w = weights[i];
            v.TimesInPlace(momentum).PlusInPlace(gradients[i]);
            if (weightDecay != 0)
            {
                v.PlusScaledInPlace(w, weightDecay);
            }

            w.PlusScaledInPlace(v, -learningRate);
        }
    }
}
