using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>
/// Fits any ML.NET pipeline per trial and scores it with ML.NET's evaluators: the pipeline comes from a
/// factory of the trial's <see cref="MLContext"/> and hyperparameters, as AutoML's sweepable estimators build theirs.
/// </summary>
/// <remarks>
/// <para>Each trial gets its own <see cref="MLContext"/> seeded with <see cref="TrialSettings.Seed"/>; the
/// factory builds the pipeline in it from <see cref="TrialSettings.Parameter"/> (the whole parameter object,
/// keyed as the experiment's search space). The pipeline is fitted on the training rows and scored on the
/// validation rows of <see cref="PipelineTrialRunnerOptions"/>: a given validation view, k seeded folds
/// (<c>mlContext.Data.CrossValidationSplit</c>; the trial's metrics are the fold means, with the spread of
/// the chosen one), or a seeded holdout (<c>mlContext.Data.TrainTestSplit</c>). The splits are made once,
/// so every trial sees the same rows.</para>
/// <para>Cancellation: the token calls ML.NET's (internal) <c>MLContext.CancelExecution</c> on the trial's context, which
/// ML.NET's trainers check as they train, is the token of a HyperGradMlp trainer built during the fit, and is
/// checked between folds; a cancelled trial throws
/// <see cref="OperationCanceledException"/>. Thread-safe: trials may run in parallel.</para>
/// </remarks>
public sealed class PipelineTrialRunner : ITrialRunner
{
    private readonly Func<MLContext, Parameter, IEstimator<ITransformer>> pipelineFactory;
    private readonly PipelineTrialRunnerOptions options;
    private readonly (IDataView Train, IDataView Validation)[] splits;

    /// <summary>Creates a runner and splits the data once.</summary>
    /// <param name="trainData">The rows to train on (and to split for validation when no validation view is given).</param>
    /// <param name="pipelineFactory">Builds a trial's pipeline from its context and hyperparameters; called once per fit.</param>
    /// <param name="runnerOptions">Task, metric and validation; defaults if null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="trainData"/> or <paramref name="pipelineFactory"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (a metric that does not suit the task, among others).</exception>
    public PipelineTrialRunner(IDataView trainData, Func<MLContext, Parameter, IEstimator<ITransformer>> pipelineFactory, PipelineTrialRunnerOptions? runnerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(pipelineFactory);
        options = runnerOptions ?? new PipelineTrialRunnerOptions();
        options.Validate();
        this.pipelineFactory = pipelineFactory;
        var splitContext = new MLContext(seed: options.SplitSeed);
        if (options.ValidationData is { } validation)
        {
            splits = [(trainData, validation)];
        }
        else if (options.Folds is { } given)
        {
            splits = [.. given];
        }
        else if (options.CrossValidationFolds >= 2)
        {
            splits = [.. splitContext.Data.CrossValidationSplit(trainData, options.CrossValidationFolds, seed: options.SplitSeed).Select(s => (s.TrainSet, s.TestSet))];
        }
        else
        {
            var split = splitContext.Data.TrainTestSplit(trainData, options.ValidationFraction, seed: options.SplitSeed);
            splits = [(split.TrainSet, split.TestSet)];
        }
    }

    /// <summary>Gets the number of fits per trial: the number of folds, or 1.</summary>
    public int FitsPerTrial => splits.Length;

    /// <inheritdoc />
    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Task.Factory.StartNew<TrialResult>(
            () => Run(settings, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The runner holds views only; the data belongs to the caller.
    }

    private PipelineTrialResult Run(TrialSettings settings, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext(seed: settings.Seed);
        using CancellationTokenRegistration registration = MLContextCancellation.Register(mlContext, cancellationToken);
        using TrialCancellation.Scope trialToken = TrialCancellation.Enter(cancellationToken);
        var folds = new List<PipelineTrialResult>(splits.Length);
        foreach ((IDataView train, IDataView validation) in splits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                folds.Add(Fit(mlContext, settings, train, validation));
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                // ML.NET reports a cancelled context in its own words; the experiment needs the token's exception.
                throw new OperationCanceledException("The trial was cancelled while ML.NET was training.", ex, cancellationToken);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (folds.Count == 1)
        {
            return folds[0];
        }

        EvaluationMetric metric = folds[0].ScoredBy;
        var means = folds[0].Metrics.Keys.ToDictionary(k => k, k => folds.Average(f => f.Metrics[k]));
        double mean = means[metric];
        return new PipelineTrialResult
        {
            TrialSettings = settings,
            Task = folds[0].Task,
            ScoredBy = metric,
            Metric = mean,
            Loss = metric.ToLoss(mean),
            Metrics = means,
            MetricStandardDeviation = Math.Sqrt(folds.Average(f => (f.Metric - mean) * (f.Metric - mean))),
            Attributes = CrossValidation.FoldMetricAttributes(folds.Select(f => f.Metric)),
            Folds = folds,
        };
    }

    private PipelineTrialResult Fit(MLContext mlContext, TrialSettings settings, IDataView train, IDataView validation)
    {
        IEstimator<ITransformer> pipeline = pipelineFactory(mlContext, settings.Parameter)
            ?? throw new InvalidOperationException($"The pipeline factory returned null for {settings}.");
        ITransformer model = pipeline.Fit(train);
        IDataView scored = model.Transform(validation);
        PredictionTask task = options.Task ?? InferTask(scored.Schema);
        EvaluationMetric metric = options.Metric ?? EvaluationMetricExtensions.DefaultFor(task);
        metric.ThrowIfUnsuited(task, nameof(PipelineTrialRunnerOptions.Metric));
        ThrowIfScoresNotFinite(scored);
        Dictionary<EvaluationMetric, double> metrics = MetricEvaluator.Evaluate(mlContext, scored, task, options.LabelColumnName);
        double value = MetricEvaluator.Pick(metrics, metric, task);
        return new PipelineTrialResult
        {
            TrialSettings = settings,
            Task = task,
            ScoredBy = metric,
            Metric = value,
            Loss = metric.ToLoss(value),
            Metrics = metrics,
            Model = model,
            Transformer = model,
        };
    }

    /// <summary>
    /// Fails the trial when a validation row's score is NaN or infinite: ML.NET's evaluators skip such rows, so a diverged
    /// model would otherwise be scored on the rest, or fail with an unrelated message (binary AUC's "no positive class").
    /// </summary>
    /// <exception cref="TrialDivergedException">Some score is not finite; the message says on how many rows.</exception>
    private static void ThrowIfScoresNotFinite(IDataView scored)
    {
        if (scored.Schema.GetColumnOrNull("Score") is not { } score)
        {
            return;
        }

        bool vector = score.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single;
        if (!vector && score.Type != NumberDataViewType.Single)
        {
            return;
        }

        long rows = 0;
        long bad = 0;
        using DataViewRowCursor cursor = scored.GetRowCursor([score]);
        if (vector)
        {
            ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(score);
            VBuffer<float> values = default;
            while (cursor.MoveNext())
            {
                getter(ref values);
                rows++;
                foreach (float value in values.DenseValues())
                {
                    if (!float.IsFinite(value))
                    {
                        bad++;
                        break;
                    }
                }
            }
        }
        else
        {
            ValueGetter<float> getter = cursor.GetGetter<float>(score);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                rows++;
                bad += float.IsFinite(value) ? 0 : 1;
            }
        }

        if (bad > 0)
        {
            throw new TrialDivergedException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"The model's scores are NaN or infinite on {bad} of {rows} validation rows, so the trial cannot be scored: training diverged (lower the learning rate or the momentum), or a validation feature is not finite."));
        }
    }

    /// <summary>Tells the task from scored rows' columns, as ML.NET's trainers name them.</summary>
    /// <exception cref="InvalidOperationException">There is no <c>Score</c> column.</exception>
    internal static PredictionTask InferTask(DataViewSchema scored)
    {
        DataViewSchema.Column score = scored.GetColumnOrNull("Score")
            ?? throw new InvalidOperationException($"The pipeline's output has no \"Score\" column (it has {string.Join(", ", scored.Select(c => c.Name))}), so its task cannot be told: end it with a trainer, or set the task.");
        if (score.Type is VectorDataViewType)
        {
            return PredictionTask.MulticlassClassification;
        }

        return scored.GetColumnOrNull("PredictedLabel") is { Type: BooleanDataViewType }
            ? PredictionTask.BinaryClassification
            : PredictionTask.Regression;
    }
}
