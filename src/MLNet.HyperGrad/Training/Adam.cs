using MLNet.HyperGrad.Torch;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Training;

/// <summary>Adam (Kingma and Ba, 2015) with L2 added to the gradient, as a function of tensors.</summary>
/// <remarks>
/// <c>g ← g + λ ⊙ w</c>; <c>m ← β₁ m + (1−β₁) g</c>; <c>v ← β₂ v + (1−β₂) g²</c>;
/// <c>w ← w − η m̂ / (√v̂ + ε)</c> with <c>m̂ = m / (1−β₁ᵗ)</c>, <c>v̂ = v / (1−β₂ᵗ)</c>.
/// Every input may require grad, so Adam's hyperparameters can be tuned by hypergradient.
/// </remarks>
public static class Adam
{
    /// <summary>One differentiable step; the inputs are left untouched.</summary>
    /// <param name="weights">The weights.</param>
    /// <param name="firstMoments">m, shaped like the weights.</param>
    /// <param name="secondMoments">v, shaped like the weights.</param>
    /// <param name="gradients">The loss gradients.</param>
    /// <param name="step">t, the 1-based step number.</param>
    /// <param name="learningRate">η, a scalar tensor.</param>
    /// <param name="beta1">β₁, a scalar tensor.</param>
    /// <param name="beta2">β₂, a scalar tensor.</param>
    /// <param name="epsilon">ε, added to √v̂.</param>
    /// <param name="weightDecay">λ per weight tensor, or null.</param>
    /// <returns>The new weights and moments; they belong to the current dispose scope.</returns>
    public static (Tensor[] Weights, Tensor[] FirstMoments, Tensor[] SecondMoments) Step(
        IReadOnlyList<Tensor> weights,
        IReadOnlyList<Tensor> firstMoments,
        IReadOnlyList<Tensor> secondMoments,
        IReadOnlyList<Tensor> gradients,
        int step,
        Tensor learningRate,
        Tensor beta1,
        Tensor beta2,
        double epsilon = 1e-8,
        IReadOnlyList<Tensor>? weightDecay = null)
    {
        OptimizerArguments.CheckLists(weights, gradients, firstMoments, weightDecay, nameof(firstMoments));
        OptimizerArguments.CheckLists(weights, gradients, secondMoments, weightDecay, nameof(secondMoments));
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        OptimizerArguments.CheckScalar(learningRate, weights[0], nameof(learningRate));
        OptimizerArguments.CheckScalar(beta1, weights[0], nameof(beta1));
        OptimizerArguments.CheckScalar(beta2, weights[0], nameof(beta2));
        int n = weights.Count;
        var w = new Tensor[n];
        var m = new Tensor[n];
        var v = new Tensor[n];
        Tensor correction1 = HeldScalars.Subtract(1.0, beta1.Power(step));
        Tensor correction2 = HeldScalars.Subtract(1.0, beta2.Power(step));
        for (int i = 0; i < n; i++)
        {
            Tensor g = gradients[i];
            if (weightDecay is not null)
            {
                g = g.Plus(weightDecay[i] * weights[i]);
            }

            m[i] = (beta1 * firstMoments[i]).Plus(HeldScalars.Subtract(1.0, beta1) * g);
            v[i] = (beta2 * secondMoments[i]).Plus(HeldScalars.Subtract(1.0, beta2) * g.Square());
            Tensor mHat = m[i] / correction1;
            Tensor vHat = v[i] / correction2;
            w[i] = weights[i] - (learningRate * mHat / vHat.sqrt().Plus(epsilon));
        }

        return (w, m, v);
    }
}
