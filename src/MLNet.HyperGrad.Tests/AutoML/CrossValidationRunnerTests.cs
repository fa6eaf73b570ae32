using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class CrossValidationRunnerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cv-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static TrialSettings Trial(int epochs) => new()
    {
        TrialId = 2,
        Seed = 11,
        Parameter = Parameter.CreateNestedParameter((MlpTrialRunner.SearchSpaceKey, Parameter.CreateNestedParameter(
            ("learning_rate", Parameter.FromDouble(0.05)),
            ("momentum", Parameter.FromDouble(0.9)),
            ("l2", Parameter.FromDouble(1e-5)),
            ("hidden_width", Parameter.FromInt(16)),
            ("depth", Parameter.FromInt(1)),
            ("batch_size", Parameter.FromInt(32)),
            ("epochs", Parameter.FromInt(epochs))))),
    };

    [Fact]
    public async Task RunAsync_FakeFolds_MetricIsTheMeanSpreadTheStdCurvesThePerEpochMeans()
    {
        var data = TabularDataset.ForRegression([.. Enumerable.Range(0, 12).Select(i => (float)i)], [.. Enumerable.Range(0, 12).Select(i => (float)i)], ["x"]);
        var seen = new List<(int Train, int Validation)>();
        double[] metrics = [0.5, 0.7, 0.9];
        using var runner = new CrossValidationRunner(data, 3, seed: 1, (train, validation) =>
        {
            seen.Add((train.Rows, validation.Rows));
            double m = metrics[seen.Count - 1];
            return new FixedRunner(m, [1.0 + m, m]);
        });

        var result = (CrossValidationTrialResult)await runner.RunAsync(new TrialSettings { TrialId = 4 }, CancellationToken.None);

        Assert.Equal([(8, 4), (8, 4), (8, 4)], seen);
        Assert.Equal(4, result.TrialSettings.TrialId);
        Assert.Equal(metrics, result.FoldMetrics);
        Assert.Equal(0.7, result.Metric, 12);
        Assert.Equal(-0.7, result.Loss, 12);
        Assert.Equal(Math.Sqrt(0.08 / 3), result.MetricStandardDeviation, 12);
        Assert.Equal([1.7, 0.7], result.ValidationLossCurve.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.7, TrialOrder.ValidationLoss(result), 12);
        // The folds' metrics travel with the trial into the study, so that another process can show the spread.
        Assert.Equal(["fold_metric_0", "fold_metric_1", "fold_metric_2"], result.Attributes.Keys);
        Assert.Equal(metrics, CrossValidation.FoldMetricsOf(result.Attributes));
    }

    [Fact]
    public void FoldMetricsOf_TwelveFoldsAndForeignKeys_FoldOrderNotKeyOrder()
    {
        double[] metrics = [.. Enumerable.Range(0, 12).Select(i => i / 10.0)];
        var attributes = new Dictionary<string, double>(CrossValidation.FoldMetricAttributes(metrics)) { ["proposal_ms"] = 3, ["fold_metric_x"] = 9 };
        // Sorted by key, fold 10 comes before fold 2: the reader goes by index.
        Assert.Equal(metrics, CrossValidation.FoldMetricsOf(MLNet.HyperGrad.Storage.TrialAttributes.Copy(attributes, "a")));
        Assert.Empty(CrossValidation.FoldMetricsOf(new Dictionary<string, double> { ["fold_metric_1"] = 0.5 }));
    }

    [Fact]
    public async Task RunAsync_WineWithMlpFolds_EachFoldStandardizedOnItsTrainingRowsAndTheMetricIsTheFoldMean()
    {
        string csv = SklearnCsv.Export("wine", directory);
        TabularDataset wine = CsvReader.Read(csv, new CsvReadOptions { LabelColumn = "target" }).Dataset;
        IReadOnlyList<TrainValidationSplit> folds = DatasetFolds.KFold(wine, 5, seed: 3);
        using var runner = new CrossValidationRunner(wine, 5, seed: 3, (t, v) => new MlpTrialRunner(t, v, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 }));

        var result = (CrossValidationTrialResult)await runner.RunAsync(Trial(epochs: 2), CancellationToken.None);

        Assert.Equal(5, result.Folds.Count);
        Assert.Equal(result.FoldMetrics.Average(), result.Metric, 12);
        double mean = result.FoldMetrics.Average();
        Assert.Equal(Math.Sqrt(result.FoldMetrics.Average(m => (m - mean) * (m - mean))), result.MetricStandardDeviation, 12);
        Assert.InRange(result.Metric, 0.5, 1.0);
        Assert.Equal(2, result.ValidationLossCurve.Count);
        for (int f = 0; f < 5; f++)
        {
            var fold = (MlpTrialResult)result.Folds[f];
            Assert.Equal(Standardizer.Fit(folds[f].Train).Means, fold.Standardizer!.Means);

            // Scored on the fold's own validation rows: the accuracy is a whole number of them.
            double correct = fold.Metric * folds[f].Validation.Rows;
            Assert.Equal(Math.Round(correct), correct, 6);
        }
    }

    private sealed class FixedRunner(double metric, double[] validationLossCurve) : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<TrialResult>(new LearningCurveTrialResult { TrialSettings = settings, Metric = metric, Loss = -metric, ValidationLossCurve = validationLossCurve });

        public void Dispose()
        {
        }
    }
}
