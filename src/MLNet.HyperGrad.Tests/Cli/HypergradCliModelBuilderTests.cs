using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Tests.Outputs;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>Must show 3 of issue 8: the command with the default trainers writes model.zip, the config and a consumer project that builds and predicts what the command's model predicts.</summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliModelBuilderTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-mb-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Classification_DefaultTrainers_WritesModelConfigAndAConsumerProjectThatPredictsTheSameLabels()
    {
        string csv = SklearnCsv.Export("iris", directory);
        string output = Path.Combine(directory, "out");
        using (HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--max-trials", "6", "--train-time", "40", "--parallelism", "1", "--seed", "2",
            "--package-source", ConsumerProjectBuild.Packages, "-o", output))
        {
            Assert.True(run.ExitCode == 0, run.Output + run.Errors);
            Assert.Contains("multiclass classification; trainers", run.Output, StringComparison.Ordinal);
            Assert.Contains("top 5 models", run.Output, StringComparison.Ordinal);
            Assert.Matches(@"│ 1 +│ \d+ +│ (mlp|lightgbm|fasttree|fastforest|sdca|lbfgs) ", run.Output);
        }

        RunConfig config = RunConfig.Load(Path.Combine(output, RunConfig.FileName));
        Assert.Empty(config.Trainers); // the default: every trainer that suits the task
        Assert.Equal("target", config.LabelColumn);
        string trialsHeader = File.ReadLines(Path.Combine(output, StudyOutputs.TrialsFileName)).First();
        Assert.Contains("trainer", trialsHeader, StringComparison.Ordinal);
        Assert.InRange(File.ReadAllLines(Path.Combine(output, StudyOutputs.TrialsFileName)).Length, 2, 7);

        // What the command's model predicts, loaded here as a user of the library would.
        var ml = new MLContext(seed: 0);
        ITransformer model = HyperGradModel.Load(ml, Path.Combine(output, PipelineModel.FileName), out _);
        IDataView rows = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "target" }).Train;
        string[] expected = [.. model.Transform(rows).GetColumn<string>(PipelineModel.PredictedLabelColumn)];

        string name = ConsumerProjectWriter.ProjectNameFor("classification-iris");
        string project = Path.Combine(output, name, name + ".csproj");
        ConsumerProjectBuild.Build(project, Path.Combine(directory, "nuget-cache"));
        string[] predicted = ConsumerProjectBuild.RunProgram(Path.Combine(output, name, "bin", "Release", $"net{Environment.Version.Major}.0", name + ".dll"), csv);

        Assert.Equal(150, predicted.Length);
        Assert.Equal(expected, predicted);
        Assert.True(predicted.Zip(rows.GetColumn<string>("target")).Count(p => p.First == p.Second) >= 120, string.Join(",", predicted));
    }

    [Fact]
    public void Classification_MetricThatDoesNotSuitMulticlass_ErrorListsTheMetricsThatDo()
    {
        string csv = SklearnCsv.Export("iris", directory);

        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", csv, "--label-col", "target", "--metric", "auc", "-o", Path.Combine(directory, "out"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--metric auc does not suit MulticlassClassification; the metrics for it are micro-accuracy, macro-accuracy, log-loss", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_TreeTrainerOnSmallData_LeavesCappedAtTheTrainingRows()
    {
        string csv = SklearnCsv.Export("iris", directory);
        string output = Path.Combine(directory, "out");

        using (HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", csv, "--label-col", "target", "--trainers", "fastforest", "--tuner", "random", "--max-trials", "6", "--train-time", "90", "--seed", "2", "-o", output))
        {
            Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        }

        // AutoML's range goes to 32,768 leaves; iris has 150 rows (all of them train under cross-validation), so a
        // random draw in the capped range never exceeds 150, where five uncapped log-scale draws would with probability 0.99.
        string[] lines = File.ReadAllLines(Path.Combine(output, "trials.csv"));
        int column = Array.IndexOf(lines[0].Split(','), "pipeline.fastforest.number_of_leaves");
        Assert.True(column >= 0, lines[0]);
        int[] leaves = [.. lines.Skip(1).Select(l => int.Parse(l.Split(',')[column], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(6, leaves.Length);
        Assert.All(leaves, l => Assert.InRange(l, 4, 150));
        Assert.True(leaves.Distinct().Count() >= 3, string.Join(", ", leaves));
    }

    [Fact]
    public void Classification_UnknownMetric_ErrorListsTheMetrics()
    {
        string csv = SklearnCsv.Export("iris", directory);

        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", csv, "--label-col", "target", "--metric", "kappa", "-o", Path.Combine(directory, "out"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--metric: no metric is named \"kappa\"; the metrics are micro-accuracy, macro-accuracy, log-loss, auc, f1, r2, rmse, mae", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_FashionMnistWithOtherTrainers_Refused()
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--trainers", "lightgbm");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("fashion-mnist is tuned with the MLP alone", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_RowsWithoutALabel_SaysHowManyWereDropped()
    {
        string csv = SklearnCsv.Export("diabetes", directory);
        string[] lines = File.ReadAllLines(csv);
        // Blank the label (the last column) of two data rows: they are left out, and the run must say so.
        foreach (int line in new[] { 5, 40 })
        {
            lines[line] = lines[line][..(lines[line].LastIndexOf(',') + 1)];
        }

        File.WriteAllLines(csv, lines);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "regression", "--dataset", csv, "--label-col", "target", "--trainers", "lbfgs", "--max-trials", "1", "-o", Path.Combine(directory, "dropped"));

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains($"diabetes.csv ({lines.Length - 3} rows, 10 columns, label \"target\", 2 row(s) dropped for a missing label)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_TestFileRowsWithMissingValuesUnderDropRow_SaysHowManyWereDroppedThere_AndQuotesThePathWithASpace()
    {
        string csv = SklearnCsv.Export("diabetes", directory);
        string[] lines = File.ReadAllLines(csv);
        // The first 300 data rows train, the rest are the test file; two test rows lose a cell (the label of one, a feature of the
        // other): under --missing DropRow both are left out of the test metric, and the run must say so for the test file.
        // In a folder whose name has a space: the consumer project's run line must quote the path for the shell.
        string folder = Directory.CreateDirectory(Path.Combine(directory, "my data")).FullName;
        string train = Path.Combine(folder, "train.csv");
        string test = Path.Combine(folder, "test.csv");
        File.WriteAllLines(train, lines[..301]);
        string[] testLines = [lines[0], .. lines[301..]];
        testLines[3] = testLines[3][..(testLines[3].LastIndexOf(',') + 1)];
        testLines[7] = "," + testLines[7][(testLines[7].IndexOf(',') + 1)..];
        File.WriteAllLines(test, testLines);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "regression", "--dataset", train, "--test-dataset", test, "--label-col", "target", "--missing", "DropRow", "--trainers", "lbfgs", "--max-trials", "1", "-o", Path.Combine(directory, "dropped-test"));

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains($"--test-dataset test.csv: {testLines.Length - 3} rows, 2 row(s) dropped for a missing value", run.Output, StringComparison.Ordinal);
        string flat = System.Text.RegularExpressions.Regex.Replace(run.Output, @"\s+", " ");
        Assert.Contains($"-- '{train}'`", flat, StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_TwoTrainersOnDiabetes_ModelZipScoresTheTestFileAsReported()
    {
        string csv = SklearnCsv.Export("diabetes", directory);
        string output = Path.Combine(directory, "reg");

        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "regression", "--dataset", csv, "--label-col", "target", "--trainers", "lbfgs,sdca", "--metric", "rmse", "--max-trials", "3", "--test-dataset", csv, "--seed", "4", "-o", output);

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("regression; trainers lbfgs, sdca; metric rmse", run.Output, StringComparison.Ordinal);
        System.Text.RegularExpressions.Match reported = System.Text.RegularExpressions.Regex.Match(run.Output, @"test rmse of the best model \(trial \d+, (lbfgs|sdca)\): (?<rmse>[0-9.]+)");
        Assert.True(reported.Success, run.Output);
        // The consumer project's run line names the training file (a CSV laid out like it), not a placeholder.
        Assert.Matches("-- +" + System.Text.RegularExpressions.Regex.Escape(csv) + "`", run.Output.Replace("\n", " ", StringComparison.Ordinal));
        var ml = new MLContext(seed: 0);
        ITransformer model = HyperGradModel.Load(ml, Path.Combine(output, PipelineModel.FileName), out _);
        IDataView rows = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "target", Task = MLNet.HyperGrad.Data.TaskKind.Regression }).Train;
        float[] scores = [.. model.Transform(rows).GetColumn<float>("Score")];
        float[] targets = [.. rows.GetColumn<float>("target")];
        double rmse = Math.Sqrt(scores.Zip(targets).Average(p => (p.First - p.Second) * (double)(p.First - p.Second)));
        Assert.Equal(double.Parse(reported.Groups["rmse"].Value, System.Globalization.CultureInfo.InvariantCulture), rmse, 3);
    }
}
