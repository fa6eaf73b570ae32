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
}
