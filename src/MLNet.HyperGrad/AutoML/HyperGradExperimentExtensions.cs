using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Transfer;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.AutoML;

/// <summary>The fluent entry point that plugs MLNet.HyperGrad's tuners and its MLP runner into an experiment.</summary>
public static class HyperGradExperimentExtensions
{
    /// <summary>
    /// Uses an MLNet.HyperGrad tuner, as ML.NET's <c>SetSmacTuner</c> does for SMAC; if no trial runner
    /// was chosen yet, also trains the MLP (<see cref="MlpTrialRunner"/>) on the dataset of
    /// <see cref="HyperGradExperiment.SetDataset"/>, over its search space when no search space was added;
    /// with <see cref="HyperGradOptions.Pruner"/> or <see cref="HyperGradOptions.CustomPruner"/>, also sets that pruner
    /// (<see cref="HyperGradExperiment.SetPruner"/>).
    /// </summary>
    /// <param name="experiment">The experiment. Call this after <c>SetTrialRunner</c> and <c>AddSearchSpace</c>, if you call them.</param>
    /// <param name="configure">Changes to the default <see cref="HyperGradOptions"/>; null keeps them.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static HyperGradExperiment WithHyperGrad(this HyperGradExperiment experiment, Action<HyperGradOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var options = new HyperGradOptions();
        configure?.Invoke(options);
        options.Validate();
        if (options.CreatePruner() is { } pruner)
        {
            experiment.SetPruner(pruner);
        }

        if (options.EffectiveTuner == TunerKind.HyperGradient)
        {
            return WithHypergradientTuner(experiment, options);
        }

        if (options.EffectiveTuner == TunerKind.SelfTuning)
        {
            return Hypernetworks.SelfTuningExperiment.Configure(experiment, options);
        }

        if (!experiment.HasTrialRunner)
        {
            if (experiment.SearchSpace.Count == 0)
            {
                experiment.AddSearchSpace(MlpTrialRunner.SearchSpaceKey, MlpTrialRunner.CreateSearchSpace());
            }

            experiment.SetTrialRunner(CreateMlpRunner);
        }

        if (options.Tuner == TunerKind.Hypernetwork)
        {
            return experiment.SetTuner((context, cancellationToken) => CreateHypernetworkTunerAsync(context, options, cancellationToken));
        }

        if (options.Tuner == TunerKind.MetaGaussianProcess)
        {
            return experiment.SetTuner((context, cancellationToken) => CreateMetaTunerAsync(context, options, experiment, cancellationToken));
        }

        return experiment.SetTuner(context => options.Tuner switch
        {
            TunerKind.Grid => new GridSearchTuner(context.SearchSpace, options.GridStepsPerContinuousDimension, context.Seed),
            TunerKind.GaussianProcess => new GaussianProcessTuner(context.SearchSpace, context.Seed),
            TunerKind.Learned => new LearnedBlackBoxTuner(context.SearchSpace, context.Seed),
            TunerKind.Portfolio => new PortfolioTuner(context.SearchSpace, context.Seed),
            _ => new RandomSearchTuner(context.SearchSpace, context.Seed),
        });
    }

    /// <summary>
    /// The gradient tuner; without a runner, also <see cref="HypergradientTrialRunner"/> on the experiment's dataset, over its
    /// search space (added under <see cref="HypergradientTrialRunner.SearchSpaceKey"/> when the experiment has none).
    /// </summary>
    private static HyperGradExperiment WithHypergradientTuner(HyperGradExperiment experiment, HyperGradOptions options)
    {
        if (!experiment.HasTrialRunner)
        {
            HypergradientTrialRunnerOptions runnerOptions = options.HypergradientRunner ?? new HypergradientTrialRunnerOptions();
            if (options.Method is { } method)
            {
                runnerOptions = runnerOptions with { Method = method };
            }

            runnerOptions.Validate();
            if (experiment.SearchSpace.Count == 0)
            {
                if (experiment.TrainData is not { } train || experiment.ValidationData is not { } validation)
                {
                    throw new InvalidOperationException("WithHyperGrad(o => o.Tuner = TunerKind.HyperGradient) builds the hyperparameter tensors' search space from the data: call SetDataset(train, validation) first, or AddSearchSpace and SetTrialRunner with a runner of your own.");
                }

                int classes = Math.Max(2, Math.Max(train.ClassCount, validation.ClassCount));
                experiment.AddSearchSpace(HypergradientTrialRunner.SearchSpaceKey, runnerOptions.CreateSearchSpace(train.FeatureCount, classes));
            }

            experiment.SetTrialRunner(context =>
            {
                if (context.Train is null || context.Validation is null)
                {
                    throw new InvalidOperationException("WithHyperGrad() with the gradient tuner trains an MLP on the experiment's dataset, and none was given: call SetDataset(train, validation), or SetTrialRunner with a runner of your own.");
                }

                // Given runner options keep their thread count; the defaults share the cores among parallel trials.
                HypergradientTrialRunnerOptions used = options.HypergradientRunner is null
                    ? runnerOptions with { ThreadsPerTrial = Math.Max(1, Environment.ProcessorCount / context.Parallelism) }
                    : runnerOptions;
                return new HypergradientTrialRunner(context.Train, context.Validation, null, used);
            });
        }

        return experiment.SetTuner(context => new HyperGradientTuner(context.SearchSpace, context.Seed, options.HypergradientTuner));
    }

    /// <summary>
    /// The transfer tuner: the usable earlier studies (<see cref="TransferHistory"/>, the study being tuned excluded) pre-train a prior
    /// (<see cref="GpPriorPretraining"/>, seeded with the study's seed unless its options say otherwise), and
    /// <see cref="MetaGaussianProcessTuner"/> tunes with it; the study records the sources and their fit (<see cref="TransferSummary"/>).
    /// A prior whose mean reads data-set meta-features (<see cref="GpPriorPretrainingOptions.MetaFeatureInput"/>) is evaluated at the
    /// meta-features of <see cref="MetaGaussianProcessTunerOptions.TaskMetaFeatures"/> when given, else at the study's own
    /// (<see cref="HyperGradExperiment.SetStudyMetaFeatures"/>, or those of the experiment's dataset).
    /// </summary>
    private static async Task<(ITuner Tuner, IReadOnlyDictionary<string, string> StudyAttributes)> CreateMetaTunerAsync(
        ExperimentContext context, HyperGradOptions options, HyperGradExperiment experiment, CancellationToken cancellationToken)
    {
        string? studyName = experiment.StudyName;
        TransferHistoryOptions historyOptions = options.TransferHistory ?? new TransferHistoryOptions();
        if (historyOptions.ExcludeStudy is null && studyName is not null)
        {
            historyOptions = historyOptions with { ExcludeStudy = studyName };
        }

        TransferHistory history = await TransferHistory.ReadAsync(options.TransferStorage!, context.SearchSpace, options.TransferFilter!, historyOptions, cancellationToken);
        GpPriorPretrainingOptions pretraining = options.Pretraining ?? HyperGradOptions.DefaultPretraining(history.Tasks.Count, context.Seed);
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(history.Tasks, pretraining, cancellationToken);
        PretrainedGpPrior taskPrior = prior;
        if (prior.TakesMetaFeatures && options.MetaTuner?.TaskMetaFeatures is null)
        {
            IReadOnlyDictionary<string, double> studyFeatures = experiment.EffectiveMetaFeatures;
            string remedy = "call SetDataset or SetStudyMetaFeatures on the experiment, or set MetaTuner.TaskMetaFeatures";
            if (studyFeatures.Count == 0)
            {
                throw new InvalidOperationException($"The transfer prior's mean reads the new study's data-set meta-features ({string.Join(", ", prior.MetaFeatureNames)}), and this study has none: {remedy}.");
            }

            try
            {
                taskPrior = prior.ForTask(studyFeatures);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"The transfer prior's mean reads data-set meta-features, and the new study's do not fit it: {e.Message} ({remedy}).", e);
            }
        }

        var meta = new MetaGaussianProcessTuner(context.SearchSpace, taskPrior, context.Seed, options.MetaTuner);
        ITuner tuner = options.HedgeTransfer
            ? new PortfolioTuner([("meta", meta), ("gp", new GaussianProcessTuner(context.SearchSpace, context.Seed))], context.Seed)
            : meta;
        string json = prior.ToJson();
        var summary = new TransferSummary
        {
            Filter = history.Filter,
            Sources = [.. history.Tasks.Select(task => new TransferSource(
                task.Name, task.Inputs.Count, prior.SourceTaskFit.FirstOrDefault(f => f.Name == task.Name)?.NegativeLogLikelihoodPerPoint ?? double.NaN))],
            Rejected = history.Rejected,
            PriorJson = json.Length <= TransferSummary.MaxPriorJsonLength ? json : null,
        };
        return (tuner, summary.ToAttributes());
    }

    /// <summary>
    /// The hypernetwork tuner, trained on the experiment's dataset before the study opens (with the run's token); the study records
    /// the L2 it chose and the hypernetwork's predicted validation loss there.
    /// </summary>
    private static Task<(ITuner Tuner, IReadOnlyDictionary<string, string> StudyAttributes)> CreateHypernetworkTunerAsync(
        ExperimentContext context, HyperGradOptions options, CancellationToken cancellationToken)
    {
        if (context.Train is null || context.Validation is null)
        {
            throw new InvalidOperationException("WithHyperGrad(o => o.Tuner = TunerKind.Hypernetwork) trains its hypernetwork on the experiment's dataset, and none was given: call SetDataset(train, validation) first.");
        }

        return Task.Run<(ITuner, IReadOnlyDictionary<string, string>)>(
            () =>
            {
                var tuner = new HypernetworkTuner(context.SearchSpace, context.Train, context.Validation, context.Seed, options.Hypernetwork, cancellationToken);
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["hypernetwork_l2"] = tuner.L2.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    ["hypernetwork_predicted_validation_loss"] = tuner.Result.PredictedValidationLoss.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                };
                return (tuner, attributes);
            },
            cancellationToken);
    }

    private static MlpTrialRunner CreateMlpRunner(ExperimentContext context)
    {
        if (context.Train is null || context.Validation is null)
        {
            throw new InvalidOperationException("WithHyperGrad() trains an MLP on the experiment's dataset, and none was given: call SetDataset(train, validation), or SetTrialRunner with a runner of your own.");
        }

        return new MlpTrialRunner(context.Train, context.Validation, new MlpTrialRunnerOptions { ThreadsPerTrial = Math.Max(1, Environment.ProcessorCount / context.Parallelism) });
    }
}
