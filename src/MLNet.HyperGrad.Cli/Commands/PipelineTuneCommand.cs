using System.Globalization;
using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// <c>hypergrad classification|regression</c> on a CSV with several trainers, as <c>mlnet</c> does: ML.NET's featurization
/// of the raw columns (<see cref="TabularFeaturizer"/>), then one study whose space is a choice of trainer, each with its own
/// sub-space (<see cref="ConditionalSearchSpace"/>), scored by ML.NET's evaluators (<see cref="PipelineTrialRunner"/>).
/// </summary>
/// <remarks>
/// The output folder gets model.zip (the best trial's pipeline fitted on the training rows, class names restored), the
/// config, a consumer project, trials.csv and report.html. The MLP is <see cref="TunableTrainers.Mlp"/> here, its epochs
/// range narrowed by --max-epochs; only Fashion-MNIST keeps the tensor path of <see cref="TuneCommand"/> (model/ folder).
/// </remarks>
internal static class PipelineTuneCommand
{
    /// <summary>The experiment's key for the conditional space: parameters read <c>{"pipeline": {"trainer": "lightgbm", "lightgbm": {...}}}</c>.</summary>
    public const string SpaceKey = "pipeline";

    /// <summary>Whether a run takes this path: every CSV run, whatever its trainers (the MLP alone included); Fashion-MNIST keeps the tensor path.</summary>
    public static bool Applies(TuneSettings settings) => !settings.IsFashionMnist;

    public static async Task<int> RunAsync(TuneSettings settings, CancellationToken cancellationToken)
    {
        TimeProvider clock = TimeProvider.System;
        long started = clock.GetTimestamp();
        settings.Validate();
        TuneData.CheckArguments(settings);
        string outputDirectory = StudyOutputs.PrepareDirectory(settings.ResolvedOutputDirectory);
        PipelineData data = PipelineData.Load(settings);
        TabularSchema schema = data.Schema;
        PredictionTask task = settings.Task == TaskKind.Regression ? PredictionTask.Regression
            : schema.ClassNames.Count == 2 ? PredictionTask.BinaryClassification : PredictionTask.MulticlassClassification;
        EvaluationMetric metric = CliMetrics.Parse(settings.Metric, task);
        string metricName = CliMetrics.Name(metric);
        IReadOnlyList<TunableTrainer> trainers = Trainers(settings, task);
        string configPath = Path.Combine(outputDirectory, RunConfig.FileName);
        if (!settings.IsWorker)
        {
            settings.ToConfig(schema).Save(configPath);
        }


        AnsiConsole.MarkupLine($"[bold]hypergrad {settings.Task.ToString().ToLowerInvariant()}[/] on {Markup.Escape(data.Description)}; {Markup.Escape(data.Scheme)}");
        foreach (string warning in data.Warnings)
        {
            AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }

        AnsiConsole.MarkupLine($"{TaskName(task)}; trainers {string.Join(", ", trainers.Select(t => t.Name))}; metric {metricName}; ML.NET featurization (missing means, one-hot, mean-variance normalization) fitted on training rows");
        if (!settings.IsWorker)
        {
            // A worker writes no config: the run that started the study did.
            AnsiConsole.MarkupLine($"config {Markup.Escape(configPath)} (`hypergrad run` with it runs this again: it resumes the study, or starts it anew without one)");
        }

        bool binary = task == PredictionTask.BinaryClassification;
        IEstimator<ITransformer> Pipeline(MLContext ml, Parameter parameter)
        {
            Parameter choice = parameter[SpaceKey];
            string name = choice[ConditionalSearchSpace.DefaultSelectorKey].AsType<string>();
            return TabularFeaturizer.Create(ml, schema, binary).Append(trainers.First(t => t.Name == name).CreateEstimator(ml, task, choice[name]));
        }

        var space = Space(trainers, settings.MaxEpochs, data.TrainRows);
        using IStudyStorage storage = CliStorage.Open(settings.ResolvedStoragePath);
        // After Ctrl+C the run of worker processes still writes what they stored: its token only says they were cancelled.
        StudyRecord? existing = await storage.GetStudyAsync(settings.ResolvedStudyName, settings.ReportAfterWorkers is null ? cancellationToken : CancellationToken.None);
        IReadOnlyList<TrialRecord> before = settings.ReportAfterWorkers ?? (existing is null ? [] : await storage.GetTrialsAsync(existing.Id, cancellationToken));
        IReadOnlyDictionary<string, string> identity = Identity(settings, data, metricName, trainers);
        if (existing is not null && StudyIdentity.Compare(existing, identity) is { Count: > 0 } changed)
        {
            throw new ArgumentException(TuneIdentity.Explain(new StudyIdentityMismatchException(existing.Name, changed)));
        }

        int finishedBefore = before.Count(t => t.IsFinished && t.State != TrialState.Interrupted);
        if (existing is not null && settings.ReportAfterWorkers is null)
        {
            AnsiConsole.MarkupLine($"resuming: {finishedBefore} trial(s) already in the study");
        }

        using var runner = new PipelineTrialRunner(data.Train, Pipeline, new PipelineTrialRunnerOptions
        {
            Task = task,
            Metric = metric,
            ValidationData = data.Validation,
            CrossValidationFolds = data.Folds,
            Folds = data.FoldViews,
            SplitSeed = settings.Seed,
        });
        var progress = new PipelineProgress(metricName);
        TimeSpan setup = clock.GetElapsedTime(started);
        uint tuningSeconds = TuneCommand.TuningSeconds(settings.TrainTimeSeconds, setup);
        var experiment = new HyperGradExperiment()
            .AddSearchSpace(SpaceKey, space)
            .SetTrialRunner(runner)
            .SetStudy(storage, settings.ResolvedStudyName)
            .SetTaskDescription($"{TaskName(task)} of {data.Description}")
            .SetStudyIdentity(identity)
            .SetTrainingTimeInSeconds(tuningSeconds)
            .SetSeed(settings.Seed)
            .SetParallelism(settings.TrialsAtOnce)
            .SetStudyMetaFeatures(data.Validation is { } validationView ? DataMetaFeatures.Of(schema, data.Train, validationView) : DataMetaFeatures.Of(schema, data.Train))
            .SetStudyAttributes(settings.WorkerJoinAttributes(clock))
            .WithHyperGrad(o => TransferOutput.Configure(o, settings, storage))
            .SetMonitor(progress);
        int remaining = settings.MaxTrials is int max ? max - finishedBefore : int.MaxValue;
        bool tune = remaining > 0 && settings.ReportAfterWorkers is null;
        bool cancelled = false;
        bool noTrialFinished = false;
        TrialResult? bestOfRun = null;
        if (tune)
        {
            if (settings.MaxTrials is int studyTrials && settings.IsWorker)
            {
                // Workers share the study: --max-trials counts every worker's trials.
                experiment.SetMaxStudyTrials(studyTrials);
            }
            else if (settings.MaxTrials is not null)
            {
                experiment.SetMaxModelToExplore(remaining);
            }

            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"setup took {setup.TotalSeconds:F1} s of --train-time {settings.TrainTimeSeconds} s: tuning for {tuningSeconds} s"));
            // Ctrl+C ends a run without model.zip (exit 130), even when it ends with a best trial.
            (bestOfRun, cancelled, noTrialFinished) = await TuningRun.RunAsync(
                () => experiment.RunAsync(cancellationToken), mismatch => ExplainMismatch(mismatch, settings, trainers, data.TrainRows), cancellationToken, ex => TransferOutput.Explain(ex, settings));
        }
        else if (remaining <= 0)
        {
            AnsiConsole.MarkupLine($"the study already holds {finishedBefore} trial(s), --max-trials {settings.MaxTrials}: writing the outputs only");
        }

        if (settings.IsWorker)
        {
            // A worker writes no outputs: the run that started it writes them from the study.
            return cancelled ? CliErrors.Cancelled : 0;
        }

        if (await StudyReadBack.ReadAsync(storage, settings, before, remaining, cancelled, noTrialFinished, cancellationToken) is not { } readBack)
        {
            return cancellationToken.IsCancellationRequested ? CliErrors.Cancelled : CliErrors.Failure;
        }

        (StudyRecord studyRecord, IReadOnlyList<TrialRecord> trials, cancelled, noTrialFinished) = readBack;
        TransferOutput.Print(studyRecord);
        TuneSummary.Print(trials, before, cancelled, metricName, experiment.SearchSpace, settings);
        if (noTrialFinished)
        {
            Console.Error.WriteLine(NoTrialFinishedMessage.ForTrainers(settings.TrainTimeSeconds, setup, settings.WorkerSetups));
        }

        if (bestOfRun is PipelineTrialResult { Folds.Count: >= 2 } folds)
        {
            AnsiConsole.MarkupLine(Markup.Escape(FoldSummary.Line(folds.TrialSettings.TrialId, metricName, folds.Metric, folds.MetricStandardDeviation, folds.Folds.Select(f => f.Metric))));
        }
        else if (settings.ReportAfterWorkers is not null && data.Folds >= 2 && FoldSummary.FromStudy(trials, metricName) is { } foldLine)
        {
            // Worker processes ran the trials: the folds' metrics come from the study.
            AnsiConsole.MarkupLine(Markup.Escape(foldLine));
        }

        var listed = new List<string>();
        if (!cancelled && TrialRanking.Best(trials) is { } best)
        {
            listed.AddRange(SaveBest(settings, data, best, Pipeline, task, metric, metricName, outputDirectory));
        }

        var outputOptions = new StudyOutputOptions
        {
            Task = settings.Task,
            Tuner = settings.EffectiveTuner.ToString(),
            Seed = settings.Seed,
            StoragePath = settings.StorageDescription,
            DataDescription = data.Description,
            TrainRows = data.TrainRows,
            ValidationRows = data.Folds >= 2 ? null : data.ValidationRows,
        };
        IReadOnlyList<string> written = StudyOutputs.Write(outputDirectory, studyRecord, trials, experiment.SearchSpace, outputOptions);
        listed.AddRange(written.Select(Path.GetFileName).OfType<string>());
        listed.Add(RunConfig.FileName);
        listed.Add(settings.StorageListing(outputDirectory));
        AnsiConsole.MarkupLine($"output: [bold]{Markup.Escape(outputDirectory)}[/] ({Markup.Escape(string.Join(", ", listed))})");
        return cancelled ? CliErrors.Cancelled : noTrialFinished ? 1 : 0;
    }

    /// <summary>Fits the best trial's pipeline on the training rows, saves model.zip, scores it on the test rows and writes the consumer project.</summary>
    private static IEnumerable<string> SaveBest(TuneSettings settings, PipelineData data, TrialRecord best, Func<MLContext, Parameter, IEstimator<ITransformer>> pipeline, PredictionTask task, EvaluationMetric metric, string metricName, string outputDirectory)
    {
        Parameter parameter = Parameter.FromJson(best.ParametersJson);
        string trainer = TuneSummary.TrainerOf(parameter) ?? "?";
        var ml = new MLContext(seed: settings.Seed);
        AnsiConsole.MarkupLine($"fitting the best trial ({best.Number}, {trainer}) on the {data.TrainRows:N0} training rows for model.zip");
        ITransformer fitted = pipeline(ml, parameter).Fit(data.Train);
        ITransformer model = PipelineModel.WithClassNames(ml, fitted, data.Train, data.Schema);
        string modelPath = Path.Combine(outputDirectory, PipelineModel.FileName);
        PipelineModel.Save(ml, model, data.Train.Schema, modelPath);
        if (data.Test is { } test)
        {
            double score = PipelineModel.Score(ml, fitted, test, task, metric);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold green]test {metricName} of the best model (trial {best.Number}, {trainer}): {score:0.0000}[/] on {test.GetRowCount():N0} test rows"));
        }

        string name = ConsumerProjectWriter.ProjectNameFor(settings.ResolvedStudyName);
        ConsumerProjectWriter.Write(Path.Combine(outputDirectory, name), data.Schema, new ConsumerProjectOptions
        {
            ProjectName = name,
            PackageSource = settings.ResolvedPackageSource,
            NeedsLibTorch = trainer == "mlp",
            LoadExpression = "MLNet.HyperGrad.Estimators.HyperGradModel.Load(mlContext, modelPath, out _)",
            HasHeader = settings.HasHeader,
        });
        AnsiConsole.MarkupLine($"consumer project {Markup.Escape(name)}/: `dotnet pack src/MLNet.HyperGrad -c Release -o {Markup.Escape(ShellQuoting.Quote(settings.ResolvedPackageSource))}` once, then `dotnet run --project {Markup.Escape(ShellQuoting.Quote(Path.Combine(outputDirectory, name)))} -- {Markup.Escape(ShellQuoting.Quote(settings.Dataset))}`");
        return [PipelineModel.FileName, name + "/"];
    }

    /// <summary>
    /// The study's conditional space: each trainer's own space (AutoML's ranges), the MLP's epochs range narrowed to
    /// --max-epochs, and the trees' number_of_leaves capped at the training rows: a tree cannot have more leaves than
    /// rows, and AutoML's 32,768 leaves on a small table only cost time and memory (a FastTree trial on iris ran out of memory).
    /// </summary>
    private static ConditionalSearchSpace Space(IReadOnlyList<TunableTrainer> trainers, int maxEpochs, int trainingRows) =>
        new(trainers.Select(t => KeyValuePair.Create(t.Name, t == TunableTrainers.Mlp ? MlpTrialRunner.CreateSearchSpace(maxEpochs) : CapLeaves(t.CreateSearchSpace(), trainingRows))));

    /// <summary>Caps a tree trainer's <c>number_of_leaves</c> range at <paramref name="trainingRows"/> (keeping at least its default and one more).</summary>
    private static SearchSpace CapLeaves(SearchSpace space, int trainingRows)
    {
        const string Leaves = "number_of_leaves";
        if (space.TryGetValue(Leaves, out OptionBase? option) && option is UniformIntOption leaves)
        {
            int min = (int)leaves.Min;
            int defaultLeaves = leaves.SampleFromFeatureSpace(leaves.Default).AsType<int>();
            int cap = Math.Max(Math.Max(defaultLeaves, min + 1), Math.Min((int)leaves.Max, trainingRows));
            if (cap < leaves.Max)
            {
                space[Leaves] = new UniformIntOption(min, cap, leaves.LogBase, defaultLeaves);
            }
        }

        return space;
    }

    /// <summary>Says in the command's own terms why a study cannot be resumed: --max-epochs with both values when only the MLP's epochs differ, else the differences.</summary>
    private static string ExplainMismatch(SearchSpaceMismatchException mismatch, TuneSettings settings, IReadOnlyList<TunableTrainer> trainers, int trainingRows)
    {
        const string Fresh = "To tune the new space, start a new study with --study <name> (or another -o).";
        SearchSpace Experiment(int maxEpochs) => new() { [SpaceKey] = Space(trainers, maxEpochs, trainingRows) };
        HashSet<string> setByMaxEpochs = [.. SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(Experiment(settings.MaxEpochs)), Experiment(settings.MaxEpochs + 1)).Select(d => d.KeyPath)];
        if (trainers.Contains(TunableTrainers.Mlp) && mismatch.Differences.All(d => setByMaxEpochs.Contains(d.KeyPath)) && StudyMaxEpochs(mismatch.Differences) is string studyMaxEpochs)
        {
            return $"cannot resume study \"{settings.ResolvedStudyName}\" with --max-epochs {settings.MaxEpochs}: the study was created with --max-epochs {studyMaxEpochs}. Rerun with --max-epochs {studyMaxEpochs} to resume it. {Fresh}";
        }

        return $"cannot resume study \"{settings.ResolvedStudyName}\": this run tunes another search space ({string.Join("; ", mismatch.Differences)}), e.g. other --trainers. {Fresh}";
    }

    /// <summary>The largest epochs of the study's space, read from the differences: its max, or 1 when the study has no epochs slot (one fixed value).</summary>
    private static string? StudyMaxEpochs(IReadOnlyList<SearchSpaceDifference> differences) =>
        differences.FirstOrDefault(d => d.Property == "max")?.Study
        ?? (differences.Any(d => d.Property == "presence" && d.Study is null) ? "1" : null);

    private static IReadOnlyList<TunableTrainer> Trainers(TuneSettings settings, PredictionTask task)
    {
        if (settings.Trainers.Count == 0)
        {
            return TunableTrainers.For(task);
        }

        TunableTrainer[] chosen = [.. settings.Trainers.Distinct().Select(TunableTrainers.Find)];
        if (chosen.FirstOrDefault(t => !t.Supports(task)) is { } unsuited)
        {
            throw new ArgumentException($"--trainers: {unsuited.Name} does not train {TaskName(task)}; the trainers for it are {string.Join(", ", TunableTrainers.For(task).Select(t => t.Name))}.");
        }

        return chosen;
    }

    private static string TaskName(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => "binary classification",
        PredictionTask.MulticlassClassification => "multiclass classification",
        _ => "regression",
    };

    private static Dictionary<string, string> Identity(TuneSettings settings, PipelineData data, string metricName, IReadOnlyList<TunableTrainer> trainers)
    {
        var identity = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["task"] = settings.Task.ToString().ToLowerInvariant(),
            ["metric"] = metricName,
            ["label"] = data.Schema.LabelColumn,
            ["column schema"] = string.Join(", ", data.Schema.Columns.Select(c => $"{c.Name} ({c.Kind.ToString().ToLowerInvariant()})")),
            ["row count"] = (data.TrainRows + data.ValidationRows).ToString(CultureInfo.InvariantCulture),
        };
        foreach ((string key, string value) in DataFingerprint.OfFile(settings.Dataset))
        {
            identity[key] = value;
        }

        if (settings.ValidationDataset is { } validation)
        {
            foreach ((string key, string value) in DataFingerprint.OfFile(validation, "validation data"))
            {
                identity[key] = value;
            }
        }

        return identity;
    }
}
