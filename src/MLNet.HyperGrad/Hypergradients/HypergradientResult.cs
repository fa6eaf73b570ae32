namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The outcome of one hypergradient computation.</summary>
public sealed class HypergradientResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="outerLoss">The outer criterion at the trained weights.</param>
    /// <param name="gradients">Name → gradient with respect to the unconstrained values, row-major.</param>
    /// <param name="cost">What the computation spent.</param>
    public HypergradientResult(double outerLoss, IReadOnlyDictionary<string, double[]> gradients, HypergradientCost cost)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(cost);
        OuterLoss = outerLoss;
        Gradients = gradients;
        Cost = cost;
    }

    /// <summary>Gets the outer criterion at the trained weights.</summary>
    public double OuterLoss { get; }

    /// <summary>Gets the gradient with respect to each hyperparameter's unconstrained values, by name.</summary>
    public IReadOnlyDictionary<string, double[]> Gradients { get; }

    /// <summary>Gets what the computation spent.</summary>
    public HypergradientCost Cost { get; }

    /// <summary>Gets the tolerance ε_k the method solved to at this step (the inner gradient norm and the linear-system residual of <see cref="ImplicitDifferentiation"/>), a bound on the error of <see cref="OuterLoss"/> that <see cref="AdaptiveStepOuterOptimizer"/> allows for; null when the method is exact up to rounding.</summary>
    public double? Tolerance { get; init; }

    /// <summary>Gets whether an exact-reversal pass recovered the initial weights and velocities bit for bit; null for other methods.</summary>
    public bool? ExactlyReversed { get; init; }

    /// <summary>The gradients concatenated in the order of a set's definitions.</summary>
    /// <param name="hyperparameters">The set whose order to use.</param>
    /// <returns>A new array of the set's element count.</returns>
    /// <exception cref="KeyNotFoundException">A hyperparameter of the set has no gradient here.</exception>
    public double[] Flatten(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return hyperparameters.Definitions.SelectMany(d => Gradients.TryGetValue(d.Name, out double[]? g)
            ? g
            : throw new KeyNotFoundException($"No gradient for hyperparameter \"{d.Name}\".")).ToArray();
    }
}
