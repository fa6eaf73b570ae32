using Microsoft.ML;
using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>Settings of a <see cref="PipelineTrialRunner"/>: the task, the metric and how trials are validated.</summary>
/// <remarks>
/// Validation is, in order of precedence: <see cref="ValidationData"/> when given; k-fold cross-validation
/// when <see cref="CrossValidationFolds"/> is 2 or more; otherwise a seeded holdout of
/// <see cref="ValidationFraction"/> of the rows.
/// </remarks>
public sealed class PipelineTrialRunnerOptions
{
    /// <summary>Gets or sets the task, which picks ML.NET's evaluator; null tells it from the scored rows' columns, as ML.NET's trainers name them (a <c>Score</c> vector: multiclass; a Boolean <c>PredictedLabel</c>: binary; a scalar <c>Score</c> alone: regression).</summary>
    /// <value>The default is null.</value>
    public PredictionTask? Task { get; set; }

    /// <summary>Gets or sets the metric that scores trials; null picks <see cref="EvaluationMetricExtensions.DefaultFor"/> the task.</summary>
    /// <value>The default is null (micro accuracy for classification, R² for regression).</value>
    public EvaluationMetric? Metric { get; set; }

    /// <summary>Gets or sets the label column of the pipeline's output that the evaluator reads.</summary>
    /// <value>The default is "Label".</value>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Gets or sets the rows that score every trial; null splits the training rows instead.</summary>
    /// <value>The default is null.</value>
    public IDataView? ValidationData { get; set; }

    /// <summary>Gets or sets ready-made cross-validation folds (for example stratified by class): each pair's pipeline is fitted on <c>Train</c> and scored on <c>Validation</c>; null lets the runner split the training rows.</summary>
    /// <value>The default is null. Takes precedence over <see cref="CrossValidationFolds"/>; ignored when <see cref="ValidationData"/> is given.</value>
    public IReadOnlyList<(IDataView Train, IDataView Validation)>? Folds { get; set; }

    /// <summary>Gets or sets the number of cross-validation folds; 0 uses a holdout split.</summary>
    /// <value>The default is 0. Ignored when <see cref="ValidationData"/> is given.</value>
    public int CrossValidationFolds { get; set; }

    /// <summary>Gets or sets the fraction of the rows held out for validation when neither <see cref="ValidationData"/> nor folds are given, in (0, 1).</summary>
    /// <value>The default is 0.2.</value>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Gets or sets the seed of the holdout split and of the folds (the same for every trial, so trials are compared on the same rows).</summary>
    /// <value>The default is 0.</value>
    public int SplitSeed { get; set; }

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, or the metric does not suit the task.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Task is { } task && !Enum.IsDefined(task))
        {
            problems.Add($"Task {(int)task} is not a known task.");
        }
        else if (Task is { } known && Metric is { } metric && !metric.Suits(known))
        {
            problems.Add($"The metric {metric} does not suit {known}: it can be scored by {string.Join(", ", EvaluationMetricExtensions.For(known))}.");
        }

        if (string.IsNullOrWhiteSpace(LabelColumnName))
        {
            problems.Add("LabelColumnName must name a column.");
        }

        if (Folds is { Count: < 2 })
        {
            problems.Add($"Folds must hold at least 2 train/validation pairs, got {Folds.Count}.");
        }

        if (CrossValidationFolds is < 0 or 1)
        {
            problems.Add($"CrossValidationFolds must be 0 (a holdout split) or at least 2, got {CrossValidationFolds}.");
        }

        if (!(ValidationFraction > 0 && ValidationFraction < 1))
        {
            problems.Add($"ValidationFraction must be in (0, 1), got {ValidationFraction}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid pipeline trial runner options: " + string.Join(" ", problems));
        }
    }
}
