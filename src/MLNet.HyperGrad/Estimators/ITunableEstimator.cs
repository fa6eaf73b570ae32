using Microsoft.ML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Estimators;

/// <summary>An ML.NET estimator whose hyperparameters a tuner can set: the last estimator of a pipeline that <c>.WithHyperGrad()</c> tunes.</summary>
/// <remarks>
/// Lifecycle: <see cref="Parameter"/> starts at <see cref="SearchSpace"/>'s default. A tuning loop sets
/// it before each <see cref="IEstimator{TTransformer}.Fit"/> of the enclosing pipeline, one trial at a
/// time, and leaves it at the best trial's value when it ends, so that fitting the pipeline again gives
/// the best model. Setting a value outside <see cref="SearchSpace"/> throws <see cref="ArgumentException"/>.
/// </remarks>
public interface ITunableEstimator : IEstimator<ITransformer>
{
    /// <summary>Gets the estimator's own search space (keys are its hyperparameters).</summary>
    SearchSpace SearchSpace { get; }

    /// <summary>Gets or sets the hyperparameters the next <c>Fit</c> uses, an object with <see cref="SearchSpace"/>'s keys.</summary>
    Parameter Parameter { get; set; }
}
