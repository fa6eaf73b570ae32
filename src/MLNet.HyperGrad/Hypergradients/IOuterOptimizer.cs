namespace MLNet.HyperGrad.Hypergradients;

/// <summary>An outer optimizer of gradient-based tuning: moves a <see cref="HyperparameterSet"/>'s unconstrained values (log or logit space) against the hypergradient.</summary>
/// <remarks>
/// Lifecycle: one instance serves one sequence of outer steps on sets of one layout. The caller computes a
/// hypergradient at the current set (<see cref="IHypergradientMethod.Compute"/>), then calls <see cref="Step"/> once with
/// that set and that result, and computes the next hypergradient at the set it returns. An optimizer may keep state
/// between steps (moment estimates, a step size adapted to the outer loss); <see cref="Reset"/> forgets it. Bounds, when
/// an implementation has them, are applied after every step. Not thread-safe. Implementations:
/// <see cref="HyperparameterAdam"/> and <see cref="AdaptiveStepOuterOptimizer"/> (HOAG's step-size rule).
/// </remarks>
public interface IOuterOptimizer
{
    /// <summary>Gets the number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    int StepCount { get; }

    /// <summary>Takes one outer step from the set the result was computed at.</summary>
    /// <param name="current">The hyperparameters the result was computed at.</param>
    /// <param name="result">The outer loss at <paramref name="current"/> and its gradient with respect to every unconstrained value of it.</param>
    /// <returns>A new set with the same definitions.</returns>
    /// <exception cref="ArgumentException">The layout differs from the previous step's, a gradient is missing, or a value is not finite.</exception>
    HyperparameterSet Step(HyperparameterSet current, HypergradientResult result);

    /// <summary>Forgets the state kept between steps, to start a new sequence.</summary>
    void Reset();
}
