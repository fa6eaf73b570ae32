using System.CommandLine;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Torch;
using Spectre.Console;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary><c>hypergrad classification|regression</c>: tunes an MLP on a CSV or Fashion-MNIST, as ML.NET's <c>mlnet</c> CLI does.</summary>
internal static class TuneCommand
{
    public static Command Create(TaskKind task)
    {
        string name = task == TaskKind.Classification ? "classification" : "regression";
        var dataset = new Option<string>("--dataset", "-d") { Description = "A CSV file, or fashion-mnist.", Required = true };
        var label = new Option<string?>("--label-col") { Description = "The label column: its name, or its 0-based index." };
        var hasHeader = new Option<bool>("--has-header") { Description = "Whether the CSV's first line names the columns.", DefaultValueFactory = _ => true };
        var ignore = new Option<string?>("--ignore-cols") { Description = "Columns to leave out, comma-separated names or indices." };
        var validation = new Option<string?>("--validation-dataset") { Description = "A CSV to score trials on (default: 20% of the data, seeded)." };
        var test = new Option<string?>("--test-dataset") { Description = "A CSV to report the best model's final score on." };
        var trainTime = new Option<uint>("--train-time") { Description = "Seconds this run may tune for.", DefaultValueFactory = _ => 120u };
        var maxTrials = new Option<int?>("--max-trials") { Description = "Trials in the whole study, earlier runs of it included." };
        var tuner = new Option<TunerKind>("--tuner") { Description = "Random or Grid.", DefaultValueFactory = _ => TunerKind.Random };
        var storage = new Option<string?>("--storage") { Description = "The SQLite file of the study (default: <output>/study.db)." };
        var study = new Option<string?>("--study") { Description = "The study's name (default: task and data set). Re-running resumes it." };
        var seed = new Option<int>("--seed") { Description = "Seed of the study.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output", "-o") { Description = "Output folder (default: hypergrad-output/<study>)." };
        var parallelism = new Option<int>("--parallelism") { Description = "Trials run at once, sharing the cores (default: one per core, at most 4).", DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount, 1, 4) };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "The most epochs a trial may train.", DefaultValueFactory = _ => 20 };
        var missing = new Option<MissingValuePolicy>("--missing") { Description = "Missing CSV cells: Error, DropRow or Impute (mean / most frequent, from the training data).", DefaultValueFactory = _ => MissingValuePolicy.Impute };

        var command = new Command(name, $"Tune an MLP for {name} on a CSV or Fashion-MNIST, save the best model and a report.")
        {
            dataset, label, hasHeader, ignore, validation, test, trainTime, maxTrials, tuner, storage, study, seed, output, parallelism, maxEpochs, missing,
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
                StoragePath = result.GetValue(storage),
                StudyName = result.GetValue(study),
                Seed = result.GetValue(seed),
                OutputDirectory = result.GetValue(output),
                Parallelism = result.GetValue(parallelism),
                MaxEpochs = result.GetValue(maxEpochs),
                MissingValues = result.GetValue(missing),
            },
            cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(TuneSettings settings, CancellationToken cancellationToken)
    {
        settings.Validate();
        TuneData data = TuneData.Load(settings);
        string outputDirectory = settings.ResolvedOutputDirectory;
        Directory.CreateDirectory(outputDirectory);
        string metricName = settings.Task == TaskKind.Classification ? "accuracy" : "R²";
        int threadsPerTrial = Math.Max(1, Environment.ProcessorCount / settings.Parallelism);
        AnsiConsole.MarkupLine($"[bold]hypergrad {settings.Task.ToString().ToLowerInvariant()}[/] on {Markup.Escape(data.Description)}: {data.Train.Rows:N0} training and {data.Validation.Rows:N0} validation rows");
        AnsiConsole.MarkupLine($"study [bold]{Markup.Escape(settings.ResolvedStudyName)}[/] in {Markup.Escape(settings.ResolvedStoragePath)}; tuner {settings.Tuner}; libtorch {TorchRuntime.Version}, {threadsPerTrial} thread(s) per trial");

        using var storage = new SqliteStudyStorage(settings.ResolvedStoragePath);
        StudyRecord? existing = await storage.GetStudyAsync(settings.ResolvedStudyName, cancellationToken);
        IReadOnlyList<TrialRecord> before = existing is null ? [] : await storage.GetTrialsAsync(existing.Id, cancellationToken);
        int finishedBefore = before.Count(t => t.IsFinished && t.State != TrialState.Interrupted);
        if (existing is not null)
        {
            AnsiConsole.MarkupLine($"resuming: {finishedBefore} trial(s) already in the study");
        }

        bool interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        var view = new TuneProgressView(metricName, settings.TrainTimeSeconds, TimeProvider.System, interactive);
        IReadOnlyList<TrialRecord> previousTop = TuneSummary.Top(before, 1);
        view.SetPreviousBest(previousTop.Count > 0 ? previousTop[0] : null, finishedBefore);
        var bestModel = new BestModelWriter(outputDirectory, settings, data);
        var experiment = new HyperGradExperiment()
            .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, MlpTrialRunner.CreateSearchSpace(settings.MaxEpochs))
            .SetTrialRunner(_ => new MlpTrialRunner(data.Train, data.Validation, new MlpTrialRunnerOptions { ThreadsPerTrial = threadsPerTrial, OnProgress = view.OnProgress }))
            .SetStudy(storage, settings.ResolvedStudyName)
            .SetTaskDescription($"{settings.Task.ToString().ToLowerInvariant()} of {data.Description}")
            .SetTrainingTimeInSeconds(settings.TrainTimeSeconds)
            .SetSeed(settings.Seed)
            .SetParallelism(settings.Parallelism)
            .WithHyperGrad(o => o.Tuner = settings.Tuner)
            .SetMonitor(view)
            .SetMonitor(bestModel);
        int remaining = settings.MaxTrials is int max ? max - finishedBefore : int.MaxValue;
        TrialResult? best = null;
        bool cancelled = false;
        if (remaining > 0)
        {
            if (settings.MaxTrials is not null)
            {
                experiment.SetMaxModelToExplore(remaining);
            }

            try
            {
                best = await RunWithDisplayAsync(experiment, view, interactive, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
            }
            catch (TimeoutException ex)
            {
                Console.Error.WriteLine($"hypergrad: {ex.Message}");
            }

            cancelled |= cancellationToken.IsCancellationRequested;
        }
        else
        {
            AnsiConsole.MarkupLine($"the study already holds {finishedBefore} trial(s), --max-trials {settings.MaxTrials}: writing the report only");
        }

        StudyRecord studyRecord = (await storage.GetStudyAsync(settings.ResolvedStudyName, CancellationToken.None))!;
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(studyRecord.Id, CancellationToken.None);
        TuneSummary.Print(trials, before, cancelled, metricName, settings);
        IReadOnlyList<TrialRecord> top = TuneSummary.Top(trials, 1);
        if (!cancelled)
        {
            await bestModel.EnsureBestSavedAsync(top.Count > 0 ? top[0] : null, () => new MlpTrialRunner(data.Train, data.Validation, new MlpTrialRunnerOptions { ThreadsPerTrial = threadsPerTrial }));
        }

        bestModel.ReportTestScore(best, metricName);
        TuneOutputs.Write(outputDirectory, settings, data, trials, metricName, studyRecord);
        AnsiConsole.MarkupLine($"output: [bold]{Markup.Escape(outputDirectory)}[/] (model/, trials.csv, report.html, study.db)");
        return cancelled ? CliErrors.Cancelled : 0;
    }

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

    internal static string Format(double? value) => value is double v && double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
