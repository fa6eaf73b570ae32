using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Estimators;

/// <summary>
/// The history of one tuning by <c>pipeline.WithHyperGrad()</c>: every trial, the best one, and how trials were scored.
/// </summary>
/// <remarks>
/// Reach it from the fitted model with <c>model.GetHyperGradTuning()</c> (in the process that fitted it: a model
/// loaded from a file carries no history) or from the estimator's <see cref="HyperGradPipelineEstimator.LastTuning"/>.
/// The trial results carry their metrics but not their fitted pipelines, which are released.
/// </remarks>
public sealed record PipelineTuning
{
    /// <summary>Gets the task the trials were evaluated as.</summary>
    public PredictionTask Task { get; init; }

    /// <summary>Gets the metric that ranked the trials.</summary>
    public EvaluationMetric Metric { get; init; }

    /// <summary>Gets the key of the tuned estimator's space in each trial's parameter (the trainer's name, such as "lightgbm").</summary>
    public string SearchSpaceKey { get; init; } = string.Empty;

    /// <summary>Gets every trial in the order they ended: completed ones as <see cref="PipelineTrialResult"/>, failed or interrupted ones with <see cref="TrialResult.IsFailed"/> (copied when set).</summary>
    public IReadOnlyList<TrialResult> Trials { get; init => field = Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]); } = [];

    /// <summary>Gets the best trial: the smallest loss, NaN never winning.</summary>
    public PipelineTrialResult BestTrial { get; init; } = new();

    /// <summary>Gets the best hyperparameters of the tuned estimator, which the returned model was fitted with.</summary>
    public Parameter BestParameter { get; init; } = Parameter.CreateNestedParameter();
}
