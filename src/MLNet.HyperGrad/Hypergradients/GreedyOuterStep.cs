namespace MLNet.HyperGrad.Hypergradients;

/// <summary>How <see cref="GreedyOneStep"/> turns each one-step hypergradient into an online update of the unconstrained hyperparameters.</summary>
public enum GreedyOuterStep
{
    /// <summary>A plain gradient step u ← u − β·g (Luketina et al. 2016). In log space the one-step hypergradient of an L2 coefficient λ is proportional to λ, so a small λ hardly moves.</summary>
    Gradient,

    /// <summary>An Adam step u ← u − β·m̂ / (√v̂ + ε) (Kingma and Ba 2015, as <see cref="HyperparameterAdam"/> with β₁ 0.9, β₂ 0.999 and ε = <see cref="GreedyOneStep.AdamEpsilon"/>), moments kept over the run's differentiated steps: each step moves a value by about β whatever its scale, so runs started from L2 coefficients orders of magnitude apart can meet.</summary>
    Adam,
}
