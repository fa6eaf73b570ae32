namespace MLNet.HyperGrad.Pruning;

/// <summary>The pruners <c>HyperGradOptions.Pruner</c> can build with their default settings.</summary>
public enum PrunerKind
{
    /// <summary>No pruning: every trial trains to the end.</summary>
    None = 0,

    /// <summary><see cref="MedianPruner"/> with its defaults.</summary>
    Median = 1,

    /// <summary><see cref="SuccessiveHalvingPruner"/> (asynchronous successive halving, ASHA) with its defaults.</summary>
    SuccessiveHalving = 2,

    /// <summary><see cref="LearningCurvePruner"/> (learning-curve extrapolation) with its defaults.</summary>
    LearningCurve = 3,
}
