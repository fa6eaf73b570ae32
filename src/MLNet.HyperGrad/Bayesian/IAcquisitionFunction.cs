using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>An analytic acquisition function: how much a candidate is worth evaluating, from the posterior at it alone.</summary>
/// <remarks>
/// Lifecycle: the tuner builds one per proposal from what it knows then (the best observed value, the trial
/// count) and the <see cref="AcquisitionOptimizer"/> evaluates it many times, under autograd when refining.
/// The objective is minimized, so the posterior describes a loss: smaller means are better. Larger acquisition
/// values are better. Implementations are immutable.
/// </remarks>
public interface IAcquisitionFunction
{
    /// <summary>Gets the acquisition's name, for logs and the GP-Hedge history (<c>log-ei</c>).</summary>
    string Name { get; }

    /// <summary>The acquisition value of candidates from the posterior at them, differentiable in both arguments.</summary>
    /// <param name="mean">The posterior mean of the (standardized) loss, shape [m], float64.</param>
    /// <param name="variance">The posterior variance, shape [m], positive.</param>
    /// <returns>The values, shape [m]; larger is better; finite wherever the inputs are.</returns>
    torch.Tensor Evaluate(torch.Tensor mean, torch.Tensor variance);

    /// <summary>The acquisition value at one point from the posterior there, with its derivatives in the mean and the variance, in plain doubles.</summary>
    /// <remarks>
    /// Gradient refinement calls this per point and evaluation (see <see cref="AcquisitionOptimizer"/>); it must agree
    /// with <see cref="Evaluate"/>. The built-in acquisitions give closed forms; the default goes through
    /// <see cref="Evaluate"/> and autograd on one-element tensors: correct for any acquisition, but slow.
    /// </remarks>
    /// <param name="mean">The posterior mean of the (standardized) loss.</param>
    /// <param name="variance">The posterior variance, positive.</param>
    /// <returns>The value and its partial derivatives in <paramref name="mean"/> and <paramref name="variance"/>.</returns>
    (double Value, double MeanDerivative, double VarianceDerivative) EvaluateWithGradient(double mean, double variance)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor m = torch.tensor(new[] { mean }, torch.float64).requires_grad_(true);
        torch.Tensor v = torch.tensor(new[] { variance }, torch.float64).requires_grad_(true);
        torch.Tensor value = Evaluate(m, v).sum();
        torch.Tensor[] gradients = TorchAutograd.Grad([value], [m, v]);
        return (value.item<double>(), gradients[0].item<double>(), gradients[1].item<double>());
    }
}
