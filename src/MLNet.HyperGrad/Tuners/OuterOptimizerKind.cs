using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Tuners;

/// <summary>The outer optimizer <see cref="HyperGradientTuner"/> steps the gradient-tuned options with.</summary>
public enum OuterOptimizerKind
{
    /// <summary>Adam in the unconstrained space (<see cref="HyperparameterAdam"/>); <see cref="HyperGradientTunerOptions.OuterLearningRate"/> is its step size.</summary>
    Adam,

    /// <summary>HOAG's step rule (<see cref="AdaptiveStepOuterOptimizer"/>; Pedregosa 2016): steps of 1/L, L adapted to how much each trial's loss fell; <see cref="HyperGradientTunerOptions.OuterLearningRate"/> is the length of the first step.</summary>
    AdaptiveStep,
}
