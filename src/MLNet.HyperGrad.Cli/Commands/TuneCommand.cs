using System.CommandLine;
using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Torch;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary><c>hypergrad classification|regression</c>: tunes trainers on a CSV (<see cref="PipelineTuneCommand"/>) or the MLP on Fashion-MNIST, as ML.NET's <c>mlnet</c> CLI does.</summary>
/// <remarks>It parses flags, shows progress and calls the library. A CSV run goes to <see cref="PipelineTuneCommand"/>; here only Fashion-MNIST is tuned, on tensors, its outputs (model/, trials.csv, report.html) from <see cref="BestModelWriter"/> and <see cref="StudyOutputs"/>, as in any program that uses the library.</remarks>
internal static class TuneCommand
{
    public static Command Create(TaskKind task)
    {
        string name = task == TaskKind.Classification ? "classification" : "regression";
        var dataset = new Option<string>("--dataset", "-d") { Description = "A CSV file, or fashion-mnist.", Required = true };
        var label = new Option<string?>("--label-col") { Description = "The label column: its name, or its 0-based index." };
        var hasHeader = CliParsers.Switch("--has-header", "Whether the CSV's first line names the columns.", true);
        var ignore = new Option<string?>("--ignore-cols") { Description = "Columns to leave out, comma-separated names or indices." };
        var validation = new Option<string?>("--validation-dataset") { Description = "A CSV to score trials on (default: 20% of the data, seeded)." };
        var test = new Option<string?>("--test-dataset") { Description = "A CSV to report the best model's final score on." };
        var trainTime = CliParsers.Seconds("--train-time", "Seconds this run may tune for.", 120u);
        var maxTrials = CliParsers.OptionalWholeNumber("--max-trials", "Trials in the whole study, earlier runs of it included.");
        var tuner = CliParsers.Tuner("--tuner", "gp (the default: Bayesian optimization with a Gaussian process, after 10 Sobol trials), random, grid, hypergradient (fashion-mnist only: per-step learning rates and momenta, per-layer L2 and init scales tuned by gradient), meta (a Gaussian process whose prior is pre-trained on earlier studies: needs --transfer-from), learned (an LSTM shipped with the library, meta-trained on Gaussian-process functions, proposes each trial in microseconds), portfolio (each trial, a bandit on observed improvements picks gp or learned), self-tuning (fashion-mnist only: each trial is one run of a Self-Tuning Network that tunes per-layer dropout and L2 online, --max-epochs epochs), or hypernetwork (fashion-mnist only: the L2 chosen through a best-response hypernetwork trained before the first trial, the other options random); case does not matter.", TunerKind.GaussianProcess);
        var transferFrom = new Option<string?>("--transfer-from") { Description = "Pre-trains the Gaussian process's prior on earlier studies of the same --storage that tuned the same search space, and tunes with it (--tuner meta; HyperBO): comma-separated study names, name patterns such as classification-* (* any characters, ? one), or key=value to match a study attribute or identity part (task=classification). Studies with fewer than 5 complete trials are left out, with the reason." };
        var hypergradientMethod = HypergradientMethodNames.Option();
        var pruner = CliParsers.Pruner("--pruner", "Stops unpromising trials early (fashion-mnist): none, median, asha or learning-curve (default none).");
        var storage = new Option<string?>("--storage") { Description = "Where the study lives: a SQLite file (default: <output>/study.db), or a PostgreSQL database that workers on several machines share (postgres://user:password@host:port/database, or Host=...;Database=...; see `hypergrad worker`)." };
        var study = new Option<string?>("--study") { Description = "The study's name (default: task and data set). Re-running resumes it." };
        var seed = CliParsers.WholeNumber("--seed", "Seed of the study.", 0);
        var output = new Option<string?>("--output", "-o") { Description = "Output folder (default: hypergrad-output/<study>)." };
        var parallelism = CliParsers.OptionalWholeNumber("--parallelism", $"Trials run at once, sharing the cores (default: on a CSV four per core, on fashion-mnist two per core, at least 2 and at most 8 either way; at most {TuneSettings.MaxParallelism}).");
        var maxEpochs = CliParsers.WholeNumber("--max-epochs", "The most epochs an MLP trial may train.", 20);
        var cvFolds = CliParsers.OptionalWholeNumber("--cv-folds", $"Score trials by k-fold cross-validation: 0 or 1 for a holdout split, k >= 2 for k folds (default: {CrossValidation.DefaultFolds} folds below {CrossValidation.SmallDataRows} rows, else a holdout split).");
        var trainers = new Option<string?>("--trainers") { Description = "Trainers to choose among, comma-separated: lightgbm, fasttree, fastforest, sdca, lbfgs, mlp (default: all that suit the task). A CSV always goes through ML.NET's featurization; fashion-mnist tunes the MLP alone on tensors." };
        var metric = new Option<string?>("--metric") { Description = "The metric trials are scored by (default: accuracy for classification, R² for regression)." };
        var packageSource = new Option<string?>("--package-source") { Description = "The folder holding the MLNet.HyperGrad package, named in the generated project's nuget.config (default: <output>/packages)." };
        var workerProcesses = CliParsers.Switch("--worker-processes", "Default true: with --parallelism above 1, the trials run in as many worker processes sharing the study rather than as threads of this process, so that a trial that dies natively (a libtorch abort, an out-of-memory kill) fails alone, with the reason, and another worker starts; the workers stop with this process (Ctrl+C, or when it is killed). --worker-processes false runs them as threads in this process.", true);
        var workerUntil = WorkerUntil();
        var missing = CliParsers.OneOf("--missing", "Missing CSV cells: Error, DropRow or Impute (mean / most frequent, from the training data).", MissingValuePolicy.Impute);

        var command = new Command(name, $"Tune trainers for {name} on a CSV (or the MLP on Fashion-MNIST), save the best model and a report.")
        {
            dataset, label, hasHeader, ignore, validation, test, trainTime, maxTrials, tuner, transferFrom, hypergradientMethod, pruner, storage, study, seed, output, parallelism, maxEpochs, missing, cvFolds, trainers, metric, packageSource, workerProcesses, workerUntil,
        };
        command.SetAction((result, cancellationToken) => CliErrors.Guard(() => RunAsync(
            new TuneSettings
            {
                Task = task,
                Dataset = result.GetValue(dataset)!,
                LabelColumn = result.GetValue(label),
                HasHeader = result.GetValue(hasHeader),
                IgnoreColumns = (result.GetValue(ignore) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ValidationDataset = result.GetValue(validation),
                TestDataset = result.GetValue(test),
                TrainTimeSeconds = result.GetValue(trainTime),
                MaxTrials = result.GetValue(maxTrials),
                Tuner = result.GetValue(tuner),
                TransferFrom = result.GetValue(transferFrom),
                HypergradientMethod = result.GetValue(hypergradientMethod),
                Pruner = result.GetValue(pruner),
                StoragePath = result.GetValue(storage),
                StudyName = result.GetValue(study),
                Seed = result.GetValue(seed),
                OutputDirectory = result.GetValue(output),
                Parallelism = result.GetValue(parallelism) ?? TuneSettings.DefaultParallelismFor(result.GetValue(dataset)!),
                MaxEpochs = result.GetValue(maxEpochs),
                MissingValues = result.GetValue(missing),
                CvFolds = result.GetValue(cvFolds),
                Trainers = (result.GetValue(trainers) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).ToArray(),
                Metric = result.GetValue(metric),
                PackageSource = result.GetValue(packageSource),
                WorkerProcesses = result.GetValue(workerProcesses),
                WorkerUntil = result.GetValue(workerUntil),
                JoinArguments = WorkerCommand.JoinArguments(result, name),
            },
            cancellationToken)));
        return command;
    }

    /// <summary>The hidden option of a worker process (<see cref="WorkerProcessesRun"/>): the UTC end of the run's budget.</summary>
    internal static Option<DateTimeOffset?> WorkerUntil() => new(WorkerProcessesRun.WorkerUntilOption)
    {
        Hidden = true,
        Description = "Internal: runs this process as a worker of a run with --parallelism above 1, until this UTC time.",
    };

    /// <summary>Runs a tuning study with validated settings: from the flags, or from a config (<c>hypergrad run</c>).</summary>
    internal static async Task<int> RunAsync(TuneSettings settings, CancellationToken cancellationToken)
    {
        if (settings.UsesWorkerProcesses)
        {
            return await WorkerProcessesRun.RunAsync(settings, cancellationToken);
        }

        if (settings.IsWorker)
        {
            // A worker must not outlive the run that started it (killed with kill -9, it cannot stop its workers itself).
            ParentWatch.ExitWhenParentEnds();
        }

        settings = settings.ForWorker(TimeProvider.System);
        if (PipelineTuneCommand.Applies(settings))
        {
            return await PipelineTuneCommand.RunAsync(settings, cancellationToken);
        }

        // --train-time counts from here: reading the data, loading libtorch and preparing the trials' tensors
        // are part of the run, so the tuning loop gets what is left of the budget (see TuningSeconds).
        TimeProvider clock = TimeProvider.System;
        long started = clock.GetTimestamp();
        settings.Validate();
        TuneData.CheckArguments(settings);
        string outputDirectory = StudyOutputs.PrepareDirectory(settings.ResolvedOutputDirectory);
        TuneData data = TuneData.Load(settings);
        if (data.Schema is { } csvSchema && !settings.IsWorker)
        {
            string configPath = Path.Combine(outputDirectory, RunConfig.FileName);
            settings.ToConfig(csvSchema).Save(configPath);
            AnsiConsole.MarkupLine($"config {Markup.Escape(configPath)} (`hypergrad run` with it runs this again: it resumes the study, or starts it anew without one)");
        }

        string metricName = TaskMetric.Name(settings.Task);
        int threadsPerTrial = Math.Max(1, Environment.ProcessorCount / settings.Parallelism);
        AnsiConsole.MarkupLine($"[bold]hypergrad {settings.Task.ToString().ToLowerInvariant()}[/] on {Markup.Escape(data.Description)}; {Markup.Escape(data.Scheme)}");
        foreach (string warning in data.Warnings)
        {
            AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }

        string tunerText = settings.Tuner == TunerKind.HyperGradient ? $"{settings.Tuner} ({HypergradientMethodNames.NameOf(settings.HypergradientMethod ?? HypergradientMethodKind.Checkpointed)})" : settings.EffectiveTuner.ToString();
        AnsiConsole.MarkupLine($"study [bold]{Markup.Escape(settings.ResolvedStudyName)}[/] in {Markup.Escape(settings.StorageDescription)}; tuner {Markup.Escape(tunerText)}; pruner {CliParsers.PrunerNames.First(kv => kv.Value == settings.Pruner).Key}; libtorch {TorchRuntime.Version}, {threadsPerTrial} thread(s) per trial");

        using IStudyStorage storage = CliStorage.Open(settings.ResolvedStoragePath);
        // After Ctrl+C the run of worker processes still writes what they stored: its token only says they were cancelled.
        StudyRecord? existing = await storage.GetStudyAsync(settings.ResolvedStudyName, settings.ReportAfterWorkers is null ? cancellationToken : CancellationToken.None);
        IReadOnlyList<TrialRecord> before = settings.ReportAfterWorkers ?? (existing is null ? [] : await storage.GetTrialsAsync(existing.Id, cancellationToken));
        IReadOnlyDictionary<string, string> identity = TuneIdentity.Create(settings, data, metricName);
        if (existing is not null && StudyIdentity.Compare(existing, identity) is { Count: > 0 } changed)
        {
            // Checked here too, not only when the experiment opens the study: a run that only writes the report must not mix data either.
            throw new ArgumentException(TuneIdentity.Explain(new StudyIdentityMismatchException(existing.Name, changed)));
        }

        int finishedBefore = before.Count(t => t.IsFinished && t.State != TrialState.Interrupted);
        if (existing is not null && settings.ReportAfterWorkers is null)
        {
            AnsiConsole.MarkupLine($"resuming: {finishedBefore} trial(s) already in the study");
        }

        bool interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        MlpTrialRunner CreateMlpRunner(TabularDataset train, TabularDataset validation, Action<TrialSettings, Training.TrainingProgress>? onProgress) =>
            new(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = threadsPerTrial, OnProgress = onProgress });
        bool gradient = settings.Tuner == TunerKind.HyperGradient;
        bool selfTuning = settings.Tuner == TunerKind.SelfTuning;
        HypergradientTrialRunner CreateGradientRunner() => new(data.Train, data.Validation, data.Test, TuneSettings.GradientRunnerOptions(settings, threadsPerTrial));
        ITrialRunner CreateRunner(Action<TrialSettings, Training.TrainingProgress>? onProgress) => gradient
            ? CreateGradientRunner()
            : selfTuning
            ? new SelfTuningTrialRunner(data.Train, data.Validation, data.Test, TuneSettings.SelfTuningOptions(settings), threadsPerTrial)
            : data.Folds >= 2
            ? new CrossValidationRunner(data.Train, data.Folds, settings.Seed, (t, v) => CreateMlpRunner(t, v, onProgress))
            : CreateMlpRunner(data.Train, data.Validation, onProgress);
        if (gradient && data.Folds >= 2)
        {
            throw new ArgumentException($"--tuner hypergradient scores trials on one validation split, not by cross-validation: give --cv-folds 0 (got {data.Folds} folds).");
        }

        if (selfTuning && data.Folds >= 2)
        {
            throw new ArgumentException($"--tuner self-tuning tunes on one validation split, not by cross-validation: give --cv-folds 0 (got {data.Folds} folds).");
        }

        var experiment = gradient
            ? new HyperGradExperiment().AddSearchSpace(HypergradientTrialRunner.SearchSpaceKey, TuneSettings.GradientRunnerOptions(settings, threadsPerTrial).CreateSearchSpace(data.Train.FeatureCount, Math.Max(2, data.Train.ClassCount)))
            : selfTuning
            ? new HyperGradExperiment().AddSearchSpace(SelfTuningTrialRunner.SearchSpaceKey, SelfTuningTrialRunner.CreateSearchSpace(TuneSettings.SelfTuningOptions(settings)))
            : new HyperGradExperiment().AddSearchSpace(MlpTrialRunner.SearchSpaceKey, MlpTrialRunner.CreateSearchSpace(settings.MaxEpochs));
        if (settings.Tuner == TunerKind.Hypernetwork)
        {
            if (data.Folds >= 2)
            {
                throw new ArgumentException($"--tuner hypernetwork trains its hypernetwork on one validation split, not by cross-validation: give --cv-folds 0 (got {data.Folds} folds).");
            }

            // The tuner trains on the data before the first trial (the runner is set below).
            experiment.SetDataset(data.Train, data.Validation);
        }

        var view = new TuneProgressView(metricName, settings.TrainTimeSeconds, experiment.SearchSpace, clock, started, interactive);
        view.SetPreviousBest(TrialRanking.Best(before), finishedBefore);
        using ITrialRunner runner = CreateRunner(view.OnProgress);
        var bestModel = new BestModelWriter(outputDirectory, data.Train, data.Schema);
        TimeSpan setup = clock.GetElapsedTime(started);
        uint tuningSeconds = TuningSeconds(settings.TrainTimeSeconds, setup);
        experiment
            .SetTrialRunner(runner)
            .SetStudy(storage, settings.ResolvedStudyName)
            .SetTaskDescription($"{settings.Task.ToString().ToLowerInvariant()} of {data.Description}")
            .SetStudyIdentity(identity)
            .SetTrainingTimeInSeconds(tuningSeconds)
            .SetSeed(settings.Seed)
            .SetParallelism(settings.TrialsAtOnce)
            .SetStudyMetaFeatures(data.Folds >= 2 ? DataMetaFeatures.Of(data.Train) : DataMetaFeatures.Of(data.Train, data.Validation))
            .SetStudyAttributes(settings.WorkerJoinAttributes(clock))
            .WithHyperGrad(o =>
            {
                TransferOutput.Configure(o, settings, storage);
                o.Method = settings.HypergradientMethod;
                o.Pruner = settings.Pruner;
            })
            .SetMonitor(view);
        if (!settings.IsWorker)
        {
            // Workers save no model: the run that started them trains the best trial again for model/ (EnsureSavedAsync).
            experiment.SetMonitor(bestModel);
        }

        int remaining = settings.MaxTrials is int max ? max - finishedBefore : int.MaxValue;
        bool tune = remaining > 0 && settings.ReportAfterWorkers is null;
        TrialResult? best = null;
        bool cancelled = false;
        bool noTrialFinished = false;
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

            (best, cancelled, noTrialFinished) = await TuningRun.RunAsync(
                () => RunWithDisplayAsync(experiment, view, interactive, cancellationToken), mismatch => ExplainMismatch(mismatch, settings), cancellationToken, ex => TransferOutput.Explain(ex, settings));
        }
        else if (remaining <= 0)
        {
            AnsiConsole.MarkupLine($"the study already holds {finishedBefore} trial(s), --max-trials {settings.MaxTrials}: writing the report only");
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
            Console.Error.WriteLine(NoTrialFinishedMessage.Create(settings.TrainTimeSeconds, setup, tuningSeconds, trials, before, settings.WorkerSetups));
        }

        if (best is CrossValidationTrialResult folds)
        {
            AnsiConsole.MarkupLine(Markup.Escape(FoldSummary.Line(folds.TrialSettings.TrialId, metricName, folds.Metric, folds.MetricStandardDeviation, folds.FoldMetrics)));
        }
        else if (settings.ReportAfterWorkers is not null && data.Folds >= 2 && FoldSummary.FromStudy(trials, metricName) is { } foldLine)
        {
            // Worker processes ran the trials: the folds' metrics come from the study.
            AnsiConsole.MarkupLine(Markup.Escape(foldLine));
        }

        if (best is SelfTuningTrialResult selfTuned)
        {
            AnsiConsole.MarkupLine($"learned schedule of the best trial ({selfTuned.TrialSettings.TrialId}): dropout per hidden layer and L2 per layer at the end of each epoch");
            Console.WriteLine(selfTuned.Run.FormatSchedule());
        }

        if (!cancelled)
        {
            await bestModel.EnsureSavedAsync(
                TrialRanking.Best(trials),
                settings.Seed,
                // Cross-validation keeps no fold's model: the best hyperparameters are trained on all the rows.
                () => data.Folds >= 2 ? CreateMlpRunner(data.Train, data.Train, null) : CreateRunner(null),
                retrained => AnsiConsole.MarkupLine(data.Folds >= 2
                    ? $"training the best trial's ({retrained.Number}) hyperparameters on all {data.Train.Rows:N0} rows for the saved model (cross-validation keeps no fold's model)"
                    : settings.ReportAfterWorkers is not null
                    ? $"training the best trial ({retrained.Number}) again with its stored hyperparameters and seed for the saved model (worker processes keep no model)"
                    : $"the best trial ({retrained.Number}) has no saved model (an earlier run was interrupted, or model/ was removed): training it again with its stored hyperparameters and seed"),
                CancellationToken.None);
        }

        if (data.Test is not null && bestModel.ScoreOnTest(data.Test) is { } score)
        {
            string source = best is null ? "the saved model" : $"the best model (trial {best.TrialSettings.TrialId})";
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold green]test {score.MetricName} of {source}: {score.Value:0.0000}[/] on {score.Rows:N0} test rows"));
        }

        var outputOptions = new StudyOutputOptions
        {
            Task = settings.Task,
            Tuner = settings.EffectiveTuner.ToString(),
            Seed = settings.Seed,
            StoragePath = settings.StorageDescription,
            DataDescription = data.Description,
            TrainRows = data.Train.Rows,
            ValidationRows = data.Folds >= 2 ? null : data.Validation.Rows,
        };
        IReadOnlyList<string> written = StudyOutputs.Write(outputDirectory, studyRecord, trials, experiment.SearchSpace, outputOptions);
        IEnumerable<string> listed = (bestModel.HasModel ? [BestModelWriter.ModelFolderName + "/"] : Array.Empty<string>())
            .Concat(written.Select(Path.GetFileName).OfType<string>())
            .Append(settings.StorageListing(outputDirectory));
        AnsiConsole.MarkupLine($"output: [bold]{Markup.Escape(outputDirectory)}[/] ({Markup.Escape(string.Join(", ", listed))})");
        return cancelled ? CliErrors.Cancelled : noTrialFinished ? CliErrors.Failure : 0;
    }

    /// <summary>
    /// The seconds the tuning loop gets: what is left of --train-time after the setup, less
    /// <see cref="EndOfRunSeconds"/>, rounded down (at least 1, so that a run whose setup took the whole
    /// budget still tries a trial).
    /// </summary>
    internal static uint TuningSeconds(uint trainTimeSeconds, TimeSpan setup)
        => (uint)Math.Max(1, Math.Floor(trainTimeSeconds - setup.TotalSeconds - EndOfRunSeconds));

    /// <summary>
    /// The time kept for the end of the run, measured on a small CSV: running trials notice the budget at
    /// their next minibatch, then the summary, trials.csv and report.html are written and the process exits
    /// (0.3 to 0.6 s on two cores), so that the whole command ends within about a second of --train-time.
    /// </summary>
    private const double EndOfRunSeconds = 0.5;

    /// <summary>Says in the command's own terms why a study cannot be resumed: the flag that changed the search space, with both values.</summary>
    private static string ExplainMismatch(SearchSpaceMismatchException mismatch, TuneSettings settings)
    {
        const string Fresh = "To tune the new space, start a new study with --study <name> (or another -o).";
        HashSet<string> setByMaxEpochs = [.. SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(ExperimentSpace(settings.MaxEpochs)), ExperimentSpace(settings.MaxEpochs + 1)).Select(d => d.KeyPath)];
        if (mismatch.Differences.All(d => setByMaxEpochs.Contains(d.KeyPath)) && StudyMaxEpochs(mismatch.Differences) is string studyMaxEpochs)
        {
            return $"cannot resume study \"{settings.ResolvedStudyName}\" with --max-epochs {settings.MaxEpochs}: the study was created with --max-epochs {studyMaxEpochs}. Rerun with --max-epochs {studyMaxEpochs} to resume it. {Fresh}";
        }

        return $"cannot resume study \"{settings.ResolvedStudyName}\": this run tunes another search space ({string.Join("; ", mismatch.Differences)}). {Fresh}";
    }

    /// <summary>The experiment's search space for a --max-epochs.</summary>
    private static SearchSpace ExperimentSpace(int maxEpochs) => new() { [MlpTrialRunner.SearchSpaceKey] = MlpTrialRunner.CreateSearchSpace(maxEpochs) };

    /// <summary>The largest epochs of the study's space, read from the differences: its max, or 1 when the study has no epochs slot (one fixed value).</summary>
    private static string? StudyMaxEpochs(IReadOnlyList<SearchSpaceDifference> differences) =>
        differences.FirstOrDefault(d => d.Property == "max")?.Study
        ?? (differences.Any(d => d.Property == "presence" && d.Study is null) ? "1" : null);

    private static async Task<TrialResult> RunWithDisplayAsync(HyperGradExperiment experiment, TuneProgressView view, bool interactive, CancellationToken cancellationToken)
    {
        if (!interactive)
        {
            return await experiment.RunAsync(cancellationToken);
        }

        TrialResult? best = null;
        await AnsiConsole.Live(view.Render()).AutoClear(false).StartAsync(async context =>
        {
            Task<TrialResult> run = experiment.RunAsync(cancellationToken);
            while (!run.IsCompleted)
            {
                context.UpdateTarget(view.Render());
                await Task.WhenAny(run, Task.Delay(250, CancellationToken.None));
            }

            context.UpdateTarget(view.Render());
            best = await run;
        });
        return best!;
    }
}
