namespace MLNet.HyperGrad.AutoML;

/// <summary>The tuners <see cref="HyperGradExperimentExtensions.WithHyperGrad"/> can select.</summary>
public enum TunerKind
{
    /// <summary>Random search (<see cref="Tuners.RandomSearchTuner"/>).</summary>
    Random,

    /// <summary>Grid search (<see cref="Tuners.GridSearchTuner"/>), visited in a seeded random order.</summary>
    Grid,

    /// <summary>Bayesian optimization with a Gaussian process and log expected improvement (<see cref="Tuners.GaussianProcessTuner"/>), after 10 Sobol trials.</summary>
    GaussianProcess,
}
