using Microsoft.ML;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Estimators;

/// <summary>Settings of <c>pipeline.WithHyperGrad(o =&gt; ...)</c>: tuner, budget, seed, metric and validation.</summary>
/// <remarks>
/// Validation is, in order of precedence: <see cref="ValidationData"/> when given; k-fold cross-validation of
/// the data passed to <c>Fit</c> when <see cref="CrossValidationFolds"/> is 2 or more; otherwise a seeded
/// holdout of <see cref="ValidationFraction"/> of it.
/// </remarks>
public sealed class HyperGradPipelineOptions
{
    /// <summary>Gets or sets the tuner.</summary>
    /// <value>The default is <see cref="TunerKind.Random"/>.</value>
    public TunerKind Tuner { get; set; } = TunerKind.Random;

    /// <summary>Gets or sets the number of grid values per continuous dimension for <see cref="TunerKind.Grid"/>.</summary>
    /// <value>The default is 5.</value>
    public int GridStepsPerContinuousDimension { get; set; } = 5;

    /// <summary>
    /// Gets or sets the hypergradient method; setting it tunes a pipeline ending in HyperGradMlp by gradient: the
    /// trainer's hyperparameter tensors (<see cref="HyperGradMlpOptions.GradientL2"/>, per-step learning rates and momenta,
    /// init scales) follow the validation loss's gradient for <see cref="MaxTrials"/> outer steps, on
    /// <see cref="ValidationFraction"/> of the featurized rows held out. Any other last estimator is refused.
    /// </summary>
    /// <value>The default is null (black-box tuning with <see cref="Tuner"/>).</value>
    public MLNet.HyperGrad.Hypergradients.HypergradientMethodKind? Method { get; set; }

    /// <summary>Gets the method of gradient tuning: <see cref="Method"/>, or the default (checkpointed) when <see cref="Tuner"/> is <see cref="TunerKind.HyperGradient"/>; null for black-box tuning.</summary>
    internal MLNet.HyperGrad.Hypergradients.HypergradientMethodKind? GradientMethod =>
        Method ?? (Tuner == TunerKind.HyperGradient ? MLNet.HyperGrad.Hypergradients.HypergradientMethodKind.Checkpointed : null);

    /// <summary>Gets or sets the largest number of trials (failed ones count); the first runs at the search space's default.</summary>
    /// <value>The default is 20.</value>
    public int MaxTrials { get; set; } = 20;

    /// <summary>Gets or sets the time budget of the tuning in seconds; a trial still running then is cancelled.</summary>
    /// <value>The default is 600 (ten minutes).</value>
    public uint TrainingTimeInSeconds { get; set; } = 600;

    /// <summary>Gets or sets the seed of the tuner, of the trials' contexts and of the validation split or folds.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the metric that picks the best trial; null picks the task's default (micro accuracy, or R²).</summary>
    /// <value>The default is null.</value>
    public EvaluationMetric? Metric { get; set; }

    /// <summary>Gets or sets the task; null takes it from a <see cref="TunableTrainerEstimator"/>, or else from the pipeline's output columns (a <c>Score</c> vector: multiclass; a Boolean <c>PredictedLabel</c>: binary; a scalar <c>Score</c> alone: regression).</summary>
    /// <value>The default is null.</value>
    public PredictionTask? Task { get; set; }

    /// <summary>Gets or sets the label column of the pipeline's output that the evaluator reads.</summary>
    /// <value>The default is "Label".</value>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Gets or sets rows that score every trial; null validates on the data passed to <c>Fit</c> (folds or a holdout).</summary>
    /// <value>The default is null.</value>
    public IDataView? ValidationData { get; set; }

    /// <summary>Gets or sets the number of cross-validation folds; 0 uses a holdout split.</summary>
    /// <value>The default is 0.</value>
    public int CrossValidationFolds { get; set; }

    /// <summary>Gets or sets the fraction of the rows held out for validation, in (0, 1).</summary>
    /// <value>The default is 0.2.</value>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Gets or sets a token that stops the tuning early (the best trial so far is kept).</summary>
    /// <value>The default is <see cref="CancellationToken.None"/>.</value>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, or the metric does not suit the task.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Tuner))
        {
            problems.Add($"Tuner {(int)Tuner} is not a known tuner.");
        }

        if (GridStepsPerContinuousDimension < 2)
        {
            problems.Add($"GridStepsPerContinuousDimension must be at least 2, got {GridStepsPerContinuousDimension}.");
        }

        if (MaxTrials < 1)
        {
            problems.Add($"MaxTrials must be at least 1, got {MaxTrials}.");
        }

        if (TrainingTimeInSeconds < 1)
        {
            problems.Add("TrainingTimeInSeconds must be at least 1, got 0.");
        }

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

        if (CrossValidationFolds is < 0 or 1)
        {
            problems.Add($"CrossValidationFolds must be 0 (a holdout split) or at least 2, got {CrossValidationFolds}.");
        }

        if (!(ValidationFraction > 0 && ValidationFraction < 1))
        {
            problems.Add($"ValidationFraction must be in (0, 1), got {ValidationFraction}.");
        }

        if (Tuner == TunerKind.SelfTuning)
        {
            problems.Add("Tuner = SelfTuning trains a self-tuning MLP on tensors and is not wired into ML.NET pipelines: use new HyperGradExperiment().SetDataset(train, validation).WithHyperGrad(o => o.Tuner = TunerKind.SelfTuning), or another tuner here.");
        }

        if (Method is { } method && !Enum.IsDefined(method))
        {
            problems.Add($"Method {(int)method} is not a known hypergradient method.");
        }
        else if (GradientMethod is not null)
        {
            if (Tuner is not (TunerKind.Random or TunerKind.HyperGradient))
            {
                problems.Add($"Method {Method} tunes by gradient and needs Tuner = HyperGradient (or left at its default); got Tuner = {Tuner}.");
            }

            if (ValidationData is not null || CrossValidationFolds != 0)
            {
                problems.Add("Method tunes on a holdout of the featurized rows (ValidationFraction): leave ValidationData and CrossValidationFolds unset.");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid WithHyperGrad options: " + string.Join(" ", problems));
        }
    }
}
