using Microsoft.ML;
using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>
/// The result of a <see cref="PipelineTrialRunner"/> trial: the fitted pipeline (holdout) or each fold's
/// (cross-validation), and every metric ML.NET's evaluator computed.
/// </summary>
/// <remarks>
/// <see cref="TrialResult.Metric"/> is the chosen <see cref="EvaluationMetric"/> (its mean over the folds)
/// and <see cref="TrialResult.Loss"/> is that metric when it is minimized, minus it when it is maximized.
/// </remarks>
public sealed record PipelineTrialResult : TrialResult
{
    /// <summary>Gets the task the trial was evaluated as.</summary>
    public PredictionTask Task { get; init; }

    /// <summary>Gets the metric that scored the trial.</summary>
    public EvaluationMetric ScoredBy { get; init; }

    /// <summary>Gets the pipeline fitted on the training rows (holdout), or null under cross-validation (see <see cref="Folds"/>).</summary>
    public ITransformer? Transformer { get; init; }

    /// <summary>Gets every metric the evaluator computed, the mean over the folds under cross-validation (copied when set).</summary>
    public IReadOnlyDictionary<EvaluationMetric, double> Metrics { get; init => field = new Dictionary<EvaluationMetric, double>(value ?? throw new ArgumentNullException(nameof(value))).AsReadOnly(); } = new Dictionary<EvaluationMetric, double>().AsReadOnly();

    /// <summary>Gets the spread of the chosen metric over the folds: the population standard deviation (0 for a holdout).</summary>
    public double MetricStandardDeviation { get; init; }

    /// <summary>Gets each fold's result (fold 0 first) under cross-validation; empty for a holdout (copied when set).</summary>
    public IReadOnlyList<PipelineTrialResult> Folds { get; init => field = Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]); } = [];
}
