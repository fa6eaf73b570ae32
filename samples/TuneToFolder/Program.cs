// Tunes an MLP on a CSV with the library alone and leaves what `hypergrad classification` leaves:
// <output>/model/ (the best model), trials.csv, report.html and the study in study.db.
// Run: dotnet run -c Release --project samples/TuneToFolder -- data.csv LabelColumn [classification|regression] [output folder]
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Storage;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TuneToFolder <data.csv> <label column> [classification|regression] [output folder]");
    return 2;
}

TaskKind task = args.Length > 2 && args[2] == "regression" ? TaskKind.Regression : TaskKind.Classification;
string output = StudyOutputs.PrepareDirectory(args.Length > 3 ? args[3] : "tune-to-folder-output");
const int Seed = 0;

// The data: a CSV read with schema inference, 20% held out (stratified) to score the trials.
CsvDataset csv = CsvReader.Read(args[0], new CsvReadOptions { LabelColumn = args[1], Task = task, MissingValuePolicy = MissingValuePolicy.Impute });
TrainValidationSplit split = DatasetSplit.TrainValidation(csv.Dataset, 0.2, Seed, stratify: task == TaskKind.Classification);
MlpTrialRunner CreateRunner() => new(split.Train, split.Validation);

// The experiment: every trial stored in the study; the best model saved to <output>/model as soon as it is the best.
using var storage = new SqliteStudyStorage(Path.Combine(output, "study.db"));
string studyName = $"{task.ToString().ToLowerInvariant()}-{Path.GetFileNameWithoutExtension(args[0])}";
var bestModel = new BestModelWriter(output, split.Train, csv.Schema);
var experiment = new HyperGradExperiment()
    .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, MlpTrialRunner.CreateSearchSpace(maxEpochs: 20))
    .SetTrialRunner(_ => CreateRunner())
    .SetStudy(storage, studyName)
    .SetTrainingTimeInSeconds(60)
    .SetMaxModelToExplore(20)
    .SetSeed(Seed)
    .WithHyperGrad()
    .SetMonitor(bestModel);
TrialResult best = await experiment.RunAsync();
Console.WriteLine($"best trial {best.TrialSettings.TrialId}: {TaskMetric.Name(task)} {best.Metric:F4}");

// The outputs: the best model (trained again if it was lost), trials.csv and report.html.
StudyRecord study = (await storage.GetStudyAsync(studyName))!;
IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
await bestModel.EnsureSavedAsync(TrialRanking.Best(trials), Seed, CreateRunner);
IReadOnlyList<string> written = StudyOutputs.Write(output, study, trials, experiment.SearchSpace, new StudyOutputOptions
{
    Task = task,
    Tuner = nameof(TunerKind.Random),
    Seed = Seed,
    StoragePath = Path.Combine(output, "study.db"),
    DataDescription = Path.GetFileName(args[0]),
    TrainRows = split.Train.Rows,
    ValidationRows = split.Validation.Rows,
});
Console.WriteLine($"wrote {bestModel.ModelDirectory} and {string.Join(", ", written)}");
return 0;
