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

// The data: a CSV read with schema inference. Small data (fewer than 200 rows) is scored by 5-fold
// cross-validation, as the command does; otherwise 20% is held out (stratified) to score the trials.
CsvDataset csv = CsvReader.Read(args[0], new CsvReadOptions { LabelColumn = args[1], Task = task, MissingValuePolicy = MissingValuePolicy.Impute });
int folds = CrossValidation.FoldsFor(csv.Dataset.Rows, null);
TrainValidationSplit? split = folds >= 2 ? null : DatasetSplit.TrainValidation(csv.Dataset, 0.2, Seed, stratify: task == TaskKind.Classification);
TabularDataset train = split?.Train ?? csv.Dataset;
ITrialRunner CreateRunner() => split is null
    ? new CrossValidationRunner(csv.Dataset, folds, Seed, (t, v) => new MlpTrialRunner(t, v))
    : new MlpTrialRunner(split.Train, split.Validation);

// The saved model: the best trial's, or with cross-validation its hyperparameters trained on all rows.
ITrialRunner CreateModelRunner() => split is null ? new MlpTrialRunner(csv.Dataset, csv.Dataset) : CreateRunner();

// The experiment: every trial stored in the study; the best model saved to <output>/model as soon as it is the best.
using var storage = new SqliteStudyStorage(Path.Combine(output, "study.db"));
string studyName = $"{task.ToString().ToLowerInvariant()}-{Path.GetFileNameWithoutExtension(args[0])}";
var bestModel = new BestModelWriter(output, train, csv.Schema);
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
await bestModel.EnsureSavedAsync(TrialRanking.Best(trials), Seed, CreateModelRunner);
IReadOnlyList<string> written = StudyOutputs.Write(output, study, trials, experiment.SearchSpace, new StudyOutputOptions
{
    Task = task,
    Tuner = nameof(TunerKind.Random),
    Seed = Seed,
    StoragePath = Path.Combine(output, "study.db"),
    DataDescription = Path.GetFileName(args[0]),
    TrainRows = train.Rows,
    ValidationRows = split?.Validation.Rows,
});
Console.WriteLine($"wrote {bestModel.ModelDirectory} and {string.Join(", ", written)}");
return 0;
