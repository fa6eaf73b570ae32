// Tunes an MLP on a CSV with the experiment API, persists the study, and predicts with the best model.
// Run: dotnet run -c Release --project samples/TuneCsv -- data.csv LabelColumn [classification|regression]
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Storage;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TuneCsv <data.csv> <label column> [classification|regression]");
    return 2;
}

TaskKind task = args.Length > 2 && args[2] == "regression" ? TaskKind.Regression : TaskKind.Classification;
// ReadSplit holds 20% of the rows out before fitting, so imputation values come from the training rows only.
CsvSplitDataset csv = CsvReader.ReadSplit(args[0], new CsvReadOptions { LabelColumn = args[1], Task = task, MissingValuePolicy = MissingValuePolicy.Impute }, 0.2, seed: 0);
TrainValidationSplit split = csv.Split;

using var storage = new SqliteStudyStorage("tune-csv-study.db");
TrialResult best = await new HyperGradExperiment()
    .SetDataset(split.Train, split.Validation)
    .SetStudy(storage, Path.GetFileNameWithoutExtension(args[0]))
    .SetTrainingTimeInSeconds(60)
    .SetMaxModelToExplore(20)
    .WithHyperGrad()
    .RunAsync();

Console.WriteLine($"best trial {best.TrialSettings.TrialId}: metric {best.Metric:F4} with {best.TrialSettings.Parameter}");
return 0;
