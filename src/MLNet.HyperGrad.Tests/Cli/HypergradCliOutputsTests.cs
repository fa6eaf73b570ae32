using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>What a run leaves and how long it takes: the same outputs from the library as from the command, within --train-time.</summary>
[Collection(CliCollection.Name)]
public sealed partial class HypergradCliOutputsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-outputs-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Library_SameStudyAsTheCommand_SameTrials()
    {
        string csv = SklearnCsv.Export("wine", directory);
        const int Seed = 5;
        string cliOutput = Path.Combine(directory, "cli");
        using (HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "3", "--max-epochs", "3", "--parallelism", "1", "--seed", "5", "-o", cliOutput))
        {
            Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        }

        // The same run with the library alone: raw typed columns, ML.NET's featurization and HyperGradMlp in a
        // PipelineTrialRunner over the "pipeline" choice of trainer; wine's 178 rows are cross-validated (CrossValidation.FoldsFor), in folds stratified by class.
        Assert.Equal(5, CrossValidation.FoldsFor(178, null));
        string libraryOutput = StudyOutputs.PrepareDirectory(Path.Combine(directory, "library"));
        CsvDataViewSplit data = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "target", Task = TaskKind.Classification, MissingValuePolicy = MissingValuePolicy.Impute });
        IEstimator<ITransformer> Pipeline(MLContext ml, Parameter parameter) =>
            TabularFeaturizer.Create(ml, data.Schema).Append(TunableTrainers.Mlp.CreateEstimator(ml, PredictionTask.MulticlassClassification, parameter["pipeline"]["mlp"]));
        using var storage = new SqliteStudyStorage(Path.Combine(libraryOutput, "study.db"));
        using var runner = new PipelineTrialRunner(data.Train, Pipeline, new PipelineTrialRunnerOptions
        {
            Task = PredictionTask.MulticlassClassification,
            Metric = EvaluationMetric.MicroAccuracy,
            Folds = CsvDataViewFolds.Split(data, 5, Seed, stratify: true),
            SplitSeed = Seed,
        });
        var experiment = new HyperGradExperiment()
            .AddSearchSpace("pipeline", new ConditionalSearchSpace([KeyValuePair.Create<string, SearchSpace>("mlp", MlpTrialRunner.CreateSearchSpace(maxEpochs: 3))]))
            .SetTrialRunner(runner)
            .SetStudy(storage, "wine")
            .SetMaxModelToExplore(3)
            .SetSeed(Seed)
            .SetParallelism(1)
            .WithHyperGrad(o => o.Tuner = TunerKind.GaussianProcess); // the command's default tuner (--tuner gp)
        await experiment.RunAsync();
        StudyRecord study = (await storage.GetStudyAsync("wine"))!;
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        StudyOutputs.Write(libraryOutput, study, trials, experiment.SearchSpace, new StudyOutputOptions { Task = TaskKind.Classification });

        Assert.Equal(WithoutTimes(Path.Combine(cliOutput, "trials.csv")), WithoutTimes(Path.Combine(libraryOutput, "trials.csv")));
        Assert.True(File.Exists(Path.Combine(cliOutput, "model.zip")));
        Assert.True(File.Exists(Path.Combine(libraryOutput, "report.html")));
    }

    [Fact]
    public void TrainTime_CountsTheSetupAndKeepsTimeForTheEnd()
    {
        string csv = SklearnCsv.Export("breast_cancer", directory);
        var clock = Stopwatch.StartNew();

        // One process: worker processes (--parallelism 2 and up) each load the data and libtorch, which a 6 s budget on two cores does not fit.
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--train-time", "6", "--parallelism", "1", "-o", Path.Combine(directory, "timed"));

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Match setup = SetupLine().Match(run.Output);
        Assert.True(setup.Success, run.Output);
        double setupSeconds = double.Parse(setup.Groups["setup"].Value, CultureInfo.InvariantCulture);
        int tuningSeconds = int.Parse(setup.Groups["tuning"].Value, CultureInfo.InvariantCulture);

        // The tuning loop gets what the setup left of the budget, less half a second for the end of the run.
        Assert.Equal(Math.Max(1, (int)Math.Floor(6 - setupSeconds - 0.5)), tuningSeconds, tolerance: 1);
        Assert.True(setupSeconds + tuningSeconds <= 6, run.Output);
        Assert.True(clock.Elapsed.TotalSeconds < 6 + 20, $"took {clock.Elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public void TrainTime_NoTrialFinishes_ExitCode1SaysSoAndListsOnlyWhatWasWritten()
    {
        // 1,000,000 rows of 20 columns: even the study's cheap first trial (one epoch at batch 256 over
        // 800,000 training rows) takes about 3 s on two quiet cores (200,000 rows took 0.6 s), more than
        // the one second left for tuning.
        var text = new System.Text.StringBuilder(string.Join(',', Enumerable.Range(0, 20).Select(j => $"x{j}")) + ",label\n");
        for (int i = 0; i < 1_000_000; i++)
        {
            for (int j = 0; j < 20; j++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{i * (j + 3) % 97},");
            }

            text.Append(CultureInfo.InvariantCulture, $"{(i % 7) + (i % 11) > 8}\n");
        }

        string csv = Path.Combine(directory, "long.csv");
        File.WriteAllText(csv, text.ToString());
        string output = Path.Combine(directory, "none");

        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "--train-time", "1", "-o", output);

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Output}{run.Errors}");
        Match message = NoTrialLine().Match(run.Errors);
        Assert.True(message.Success, run.Errors);
        Assert.DoesNotContain("SetTrainingTimeInSeconds", run.Output + run.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "model.zip")));
        string listed = run.Output.Split('\n').Single(l => l.StartsWith("output: ", StringComparison.Ordinal));
        Assert.DoesNotContain("model.zip", listed, StringComparison.Ordinal);
        Assert.All(new[] { "trials.csv", "report.html", "study.db" }, f => Assert.True(File.Exists(Path.Combine(output, f)) && listed.Contains(f, StringComparison.Ordinal), f));
    }

    /// <summary>The lines of trials.csv without the duration, start-time and proposal-time columns, which differ between any two runs.</summary>
    private static string[] WithoutTimes(string path)
    {
        string[][] rows = [.. File.ReadAllLines(path).Select(l => l.Split(','))];
        int duration = Array.IndexOf(rows[0], "duration_ms");
        int started = Array.IndexOf(rows[0], "started_at_utc");
        int proposal = Array.IndexOf(rows[0], "attr:" + HyperGradExperiment.ProposalTimeAttribute);
        return [.. rows.Select(r => string.Join(',', r.Where((_, i) => i != duration && i != started && i != proposal)))];
    }

    // The default parallelism runs worker processes, and each reads the million rows itself: more than the 1 s budget, so the
    // message names their setup as the cause.
    [GeneratedRegex(@"hypergrad: no trial finished within --train-time 1 s \(the setup of the [0-9]+ worker processes, each reading the data and loading libtorch itself, took [0-9.]+-[0-9.]+ s\): the workers spent the budget loading; rerun with --train-time well above [0-9]+ s \(say [0-9]+\), or with a lower --parallelism \(fewer processes loading at once\)\.")]
    private static partial Regex NoTrialLine();

    [GeneratedRegex(@"setup took (?<setup>[0-9.]+) s of --train-time 6 s: tuning for (?<tuning>[0-9]+) s")]
    private static partial Regex SetupLine();
}
