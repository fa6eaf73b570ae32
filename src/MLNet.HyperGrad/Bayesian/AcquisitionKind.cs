namespace MLNet.HyperGrad.Bayesian;

/// <summary>The acquisition a <c>GaussianProcessTuner</c> maximizes.</summary>
public enum AcquisitionKind
{
    /// <summary>Log expected improvement (<see cref="LogExpectedImprovement"/>), the default.</summary>
    LogExpectedImprovement,

    /// <summary>Log probability of improvement (<see cref="LogProbabilityOfImprovement"/>).</summary>
    LogProbabilityOfImprovement,

    /// <summary>The confidence bound with the scheduled β (<see cref="UpperConfidenceBound"/>).</summary>
    UpperConfidenceBound,

    /// <summary>The GP-Hedge portfolio of the three (<see cref="GpHedge"/>): each nominates a point, one is drawn by the softmax of their gains.</summary>
    Hedge,
}
