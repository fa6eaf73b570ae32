using System.Runtime.CompilerServices;
using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Estimators;

/// <summary>
/// A pipeline whose <see cref="Fit"/> tunes its last estimator's hyperparameters, then fits the pipeline with
/// the best of them: what <c>pipeline.WithHyperGrad(o =&gt; ...)</c> returns.
/// </summary>
/// <remarks>
/// <para><see cref="Fit"/> runs a <see cref="HyperGradExperiment"/> with a <see cref="PipelineTrialRunner"/>: one
/// trial at a time, it sets the last estimator's <see cref="ITunableEstimator.Parameter"/> and fits the whole
/// pipeline on the training rows, scoring it with ML.NET's evaluator on the validation rows
/// (<see cref="HyperGradPipelineOptions"/>: a given view, k folds or a seeded holdout of the data). It stops at
/// <see cref="HyperGradPipelineOptions.MaxTrials"/>, at the time budget or at the options' token, leaves the
/// last estimator at the best trial's parameter, and fits the pipeline once more on all the data passed to
/// <see cref="Fit"/>. The result is the pipeline's ordinary transformer (a <see cref="Microsoft.ML.Data.TransformerChain{TLastTransformer}"/>
/// for a chain), which <c>mlContext.Model.Save</c> accepts (a pipeline ending in HyperGradMlp is saved with
/// <see cref="HyperGradModel.Save"/>, which stores its weights too).</para>
/// <para>The trial history: <see cref="LastTuning"/>, or <c>model.GetHyperGradTuning()</c> on the returned model
/// (<see cref="PipelineTuning"/>).</para>
/// <para>With <see cref="HyperGradPipelineOptions.Method"/> (or <c>Tuner = HyperGradient</c>) the last estimator must be HyperGradMlp:
/// the pipeline is fitted once, and HyperGradMlp tunes its hyperparameter tensors by gradient inside its fit
/// (<see cref="HyperGradMlpOptions.GradientL2"/>, per-step learning rates and momenta, init scales; <see cref="HyperGradPipelineOptions.MaxTrials"/>
/// outer steps on <see cref="HyperGradPipelineOptions.ValidationFraction"/> of the featurized rows), keeping the best trial's network,
/// trained on the other rows. No <see cref="PipelineTuning"/> is recorded then.</para>
/// </remarks>
public sealed class HyperGradPipelineEstimator : IEstimator<ITransformer>
{
    private static readonly ConditionalWeakTable<ITransformer, PipelineTuning> Tunings = [];
    private readonly IEstimator<ITransformer> pipeline;
    private readonly HyperGradPipelineOptions options;

    /// <summary>Wraps a pipeline whose last estimator is tunable.</summary>
    /// <param name="pipeline">The whole pipeline (a chain, or the tunable estimator alone).</param>
    /// <param name="tunable">The pipeline's last estimator, the one tuned.</param>
    /// <param name="pipelineOptions">The settings; validated here.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public HyperGradPipelineEstimator(IEstimator<ITransformer> pipeline, ITunableEstimator tunable, HyperGradPipelineOptions pipelineOptions)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(tunable);
        ArgumentNullException.ThrowIfNull(pipelineOptions);
        pipelineOptions.Validate();
        if (pipelineOptions.GradientMethod is { } method && tunable is not HyperGradMlpTrainer)
        {
            string name = (tunable as TunableTrainerEstimator)?.Trainer.Name ?? tunable.GetType().Name;
            throw new ArgumentException(
                $"WithHyperGrad(o => o.Method = {method}) tunes HyperGradMlp's hyperparameter tensors by gradient, and the pipeline ends in {name}, which has no gradient through its training: end the pipeline with HyperGradMlp, or tune {name} with Tuner = Random or Grid.",
                nameof(tunable));
        }

        this.pipeline = pipeline;
        Tunable = tunable;
        options = pipelineOptions;
    }

    /// <summary>Gets the tuned estimator, the pipeline's last; after <see cref="Fit"/> its parameter is the best trial's.</summary>
    public ITunableEstimator Tunable { get; }

    /// <summary>Gets the history of the last <see cref="Fit"/>, or null before one.</summary>
    public PipelineTuning? LastTuning { get; private set; }

    /// <summary>Gets the history of the tuning that produced a model, if this process fitted it with <c>.WithHyperGrad()</c>.</summary>
    /// <param name="model">A model returned by <see cref="Fit"/>.</param>
    /// <returns>The history, or null for any other model (a model loaded from a file included).</returns>
    public static PipelineTuning? TuningOf(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Tunings.TryGetValue(model, out PipelineTuning? tuning) ? tuning : null;
    }

    /// <summary>Tunes the last estimator on <paramref name="input"/>, then fits the pipeline on all of it with the best hyperparameters.</summary>
    /// <param name="input">The training rows (also split for validation unless a validation view is given).</param>
    /// <returns>The fitted pipeline, an ordinary ML.NET transformer.</returns>
    /// <exception cref="InvalidOperationException">The task cannot be told from the pipeline's output (set <see cref="HyperGradPipelineOptions.Task"/>), or the first trial's metric could not be computed.</exception>
    /// <exception cref="ArgumentException">The metric does not suit the task.</exception>
    /// <exception cref="TimeoutException">No trial finished within the time budget.</exception>
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (options.GradientMethod is { } method && Tunable is HyperGradMlpTrainer mlp)
        {
            return FitByGradient(input, mlp, method);
        }

        var tunableTrainer = Tunable as TunableTrainerEstimator;
        PredictionTask? task = options.Task ?? tunableTrainer?.Task;
        if (task is { } known && options.Metric is { } chosen)
        {
            chosen.ThrowIfUnsuited(known, nameof(HyperGradPipelineOptions.Metric));
        }

        string key = (Tunable as TunableTrainerEstimator)?.Trainer.Name ?? "trainer";
        Parameter initial = Tunable.Parameter;

        IEstimator<ITransformer> TrialPipeline(MLContext trialContext, Parameter parameter)
        {
            Tunable.Parameter = parameter[key];
            tunableTrainer?.TrialContext = trialContext;
            return pipeline;
        }

        var runnerOptions = new PipelineTrialRunnerOptions
        {
            Task = task,
            Metric = options.Metric,
            LabelColumnName = options.LabelColumnName,
            ValidationData = options.ValidationData,
            CrossValidationFolds = options.CrossValidationFolds,
            ValidationFraction = options.ValidationFraction,
            SplitSeed = options.Seed,
        };
        var history = new TuningHistoryMonitor();
        TrialResult best;
        using (var runner = new PipelineTrialRunner(input, TrialPipeline, runnerOptions))
        {
            var experiment = new HyperGradExperiment()
                .AddSearchSpace(key, Tunable.SearchSpace)
                .SetTrialRunner(runner)
                .SetSeed(options.Seed)
                .SetMaxModelToExplore(options.MaxTrials)
                .SetTrainingTimeInSeconds(options.TrainingTimeInSeconds)
                .SetMonitor(history)
                .WithHyperGrad(o =>
                {
                    o.Tuner = options.Tuner;
                    o.GridStepsPerContinuousDimension = options.GridStepsPerContinuousDimension;
                });
            try
            {
                best = experiment.RunAsync(options.CancellationToken).GetAwaiter().GetResult();
            }
            catch
            {
                Tunable.Parameter = initial;
                throw;
            }
            finally
            {
                tunableTrainer?.TrialContext = null;
            }
        }

        Parameter bestParameter = best.TrialSettings.Parameter[key];
        Tunable.Parameter = bestParameter;
        ITransformer model = pipeline.Fit(input);
        PipelineTrialResult bestTrial = best is PipelineTrialResult p
            ? TuningHistoryMonitor.WithoutModels(p)
            : throw new InvalidOperationException($"The best trial came back as {best.GetType().Name}, not a pipeline trial.");
        var tuning = new PipelineTuning
        {
            Task = bestTrial.Task,
            Metric = bestTrial.ScoredBy,
            SearchSpaceKey = key,
            Trials = history.Trials,
            BestTrial = bestTrial,
            BestParameter = bestParameter,
        };
        LastTuning = tuning;
        Tunings.AddOrUpdate(model, tuning);
        return model;
    }

    /// <summary>
    /// Fits the pipeline once, HyperGradMlp tuning its hyperparameter tensors by gradient inside its fit (on a holdout of the
    /// featurized rows) and keeping the best trial's network. No <see cref="PipelineTuning"/> is recorded: the trials are
    /// hypergradient trials, not pipeline trials.
    /// </summary>
    private ITransformer FitByGradient(IDataView input, HyperGradMlpTrainer mlp, Hypergradients.HypergradientMethodKind method)
    {
        mlp.GradientTuning = new HyperGradMlpTrainer.GradientTuningRequest(method, options.MaxTrials, options.TrainingTimeInSeconds, options.ValidationFraction, options.Seed, options.CancellationToken);
        try
        {
            ITransformer model = pipeline.Fit(input);
            LastTuning = null;
            return model;
        }
        finally
        {
            mlp.GradientTuning = null;
        }
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => pipeline.GetOutputSchema(inputSchema);
}
