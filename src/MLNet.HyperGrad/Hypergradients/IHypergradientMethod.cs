namespace MLNet.HyperGrad.Hypergradients;

/// <summary>A way to compute the gradient of an outer criterion with respect to every hyperparameter.</summary>
/// <remarks>
/// Lifecycle: an outer optimizer calls <see cref="Compute"/> once per outer step with the current
/// hyperparameters. A method may keep state between calls (warm-started inner weights, a tolerance
/// that decreases across outer steps); <see cref="Reset"/> forgets it, to start a new outer run.
/// Implementations are not thread-safe; every tensor they create is released before
/// <see cref="Compute"/> returns.
/// </remarks>
public interface IHypergradientMethod
{
    /// <summary>Gets a short name for reports ("exact-reversal", "hoag-cg", ...).</summary>
    string Name { get; }

    /// <summary>Trains (or solves) the inner problem at the given hyperparameters and differentiates the outer criterion.</summary>
    /// <param name="problem">The inner problem.</param>
    /// <param name="hyperparameters">The hyperparameters; the result's gradients have their names and unconstrained shapes.</param>
    /// <returns>The outer loss, its gradient with respect to every unconstrained hyperparameter, and the cost.</returns>
    HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters);

    /// <summary>Forgets state kept between calls.</summary>
    void Reset();
}
