using System.Diagnostics;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class MlpTrialRunnerTests
{
    private static readonly Lazy<(TabularDataset Train, TabularDataset Validation)> FashionSubset = new(() =>
    {
        FashionMnistData data = FashionMnist.Load();
        TabularDataset small = data.Train.Subset(Enumerable.Range(0, 4000).ToArray());
        TrainValidationSplit split = DatasetSplit.TrainValidation(small, 0.25, seed: 1);
        return (split.Train, split.Validation);
    });

    private static TrialSettings Trial(int id, double lr = 0.05, int width = 32, int depth = 1, int batch = 64, int epochs = 3) => new()
    {
        TrialId = id,
        Seed = 100 + id,
        Parameter = Parameter.CreateNestedParameter((MlpTrialRunner.SearchSpaceKey, Parameter.CreateNestedParameter(
            ("learning_rate", Parameter.FromDouble(lr)),
            ("momentum", Parameter.FromDouble(0.9)),
            ("l2", Parameter.FromDouble(1e-5)),
            ("hidden_width", Parameter.FromInt(width)),
            ("depth", Parameter.FromInt(depth)),
            ("batch_size", Parameter.FromInt(batch)),
            ("epochs", Parameter.FromInt(epochs))))),
    };

    [Fact]
    public async Task RunAsync_FashionMnistSubset_ReportsCurveAndAccuracyWellAboveChance()
    {
        var (train, validation) = FashionSubset.Value;
        using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });
        var result = (MlpTrialResult)await runner.RunAsync(Trial(0), CancellationToken.None);
        Assert.Equal(3, result.ValidationLossCurve.Count);
        Assert.Equal(3, result.ValidationMetricCurve.Count);
        Assert.InRange(result.Metric, 0.7, 1.0);
        Assert.Equal(-result.Metric, result.Loss);
        Assert.Equal(result.ValidationMetricCurve[^1], result.Metric);
        Assert.Equal(new[] { 784, 32, 10 }, result.LayerSizes);
        Assert.Equal(4, result.Weights.Count);
    }

    [Fact]
    public async Task RunAsync_WithAReporter_ReportsEachEpochsValidationLossBeforeTheNextEpochStarts()
    {
        var (train, validation) = FashionSubset.Value;
        int progressEpoch = 0;
        var reporter = new RecordingReporter(() => Volatile.Read(ref progressEpoch));
        using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions
        {
            ThreadsPerTrial = 1,
            OnProgress = (_, p) => Volatile.Write(ref progressEpoch, p.Epoch),
        });

        var result = (MlpTrialResult)await runner.RunAsync(Trial(5, epochs: 3) with { Reporter = reporter }, CancellationToken.None);

        Assert.Equal([1, 2, 3], reporter.Reports.Select(r => r.Step));
        Assert.Equal(result.ValidationLossCurve, reporter.Reports.Select(r => r.Value));
        Assert.Equal([1, 2, 3], reporter.Reports.Select(r => r.ProgressEpochWhenReported));
    }

    [Fact]
    public async Task RunAsync_ReportedValueValidationError_ReportsOneMinusEachEpochsAccuracyAndTrainsTheSame()
    {
        var (train, validation) = FashionSubset.Value;
        var lossReporter = new RecordingReporter(() => 0);
        var errorReporter = new RecordingReporter(() => 0);
        using var lossRunner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });
        using var errorRunner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1, ReportedValue = MlpReportedValue.ValidationError });

        var byLoss = (MlpTrialResult)await lossRunner.RunAsync(Trial(6, epochs: 3) with { Reporter = lossReporter }, CancellationToken.None);
        var byError = (MlpTrialResult)await errorRunner.RunAsync(Trial(6, epochs: 3) with { Reporter = errorReporter }, CancellationToken.None);

        Assert.Equal([1, 2, 3], errorReporter.Reports.Select(r => r.Step));
        Assert.Equal(byError.ValidationMetricCurve.Select(a => 1 - a), errorReporter.Reports.Select(r => r.Value));
        Assert.Equal(byError.Loss + 1, errorReporter.Reports[^1].Value, 12);
        Assert.Equal(byLoss.ValidationLossCurve, lossReporter.Reports.Select(r => r.Value));
        Assert.NotEqual(lossReporter.Reports.Select(r => r.Value), errorReporter.Reports.Select(r => r.Value));

        // Only the reported value differs: the same training, curves and metric.
        Assert.Equal(byLoss.ValidationLossCurve, byError.ValidationLossCurve);
        Assert.Equal(byLoss.ValidationMetricCurve, byError.ValidationMetricCurve);
        Assert.Equal(byLoss.Metric, byError.Metric);
    }

    [Fact]
    public void Constructor_UndefinedReportedValue_ThrowsNamingTheOption()
    {
        var (train, validation) = FashionSubset.Value;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ReportedValue = (MlpReportedValue)7 }));
        Assert.Contains("ReportedValue must be ValidationLoss or ValidationError; got 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FrozenClock_EpochTimesComeFromTheRunnersTimeProvider()
    {
        var (train, validation) = FashionSubset.Value;
        var epochs = new List<MLNet.HyperGrad.Training.EpochReport>();
        using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions
        {
            ThreadsPerTrial = 1,
            TimeProvider = new MLNet.HyperGrad.Tests.Storage.ManualTimeProvider(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            OnProgress = (_, p) =>
            {
                if (p.CompletedEpoch is { } e)
                {
                    epochs.Add(e);
                }
            },
        });

        await runner.RunAsync(Trial(6, epochs: 2), CancellationToken.None);

        Assert.Equal(2, epochs.Count);
        Assert.All(epochs, e => Assert.Equal(0, e.Seconds));
    }

    private sealed class RecordingReporter(Func<int> progressEpoch) : ITrialReporter
    {
        public List<(int Step, double Value, int ProgressEpochWhenReported)> Reports { get; } = [];

        public Task ReportAsync(int step, double value, CancellationToken cancellationToken = default)
        {
            Reports.Add((step, value, progressEpoch()));
            return Task.CompletedTask;
        }

        public bool ShouldPrune(int finalStep) => false;
    }

    [Fact]
    public async Task RunAsync_SameTrialTwice_IdenticalResults()
    {
        var (train, validation) = FashionSubset.Value;
        using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });
        var a = (MlpTrialResult)await runner.RunAsync(Trial(3, epochs: 1), CancellationToken.None);
        var b = (MlpTrialResult)await runner.RunAsync(Trial(3, epochs: 1), CancellationToken.None);
        Assert.Equal(a.Metric, b.Metric);
        Assert.Equal(a.Weights[0], b.Weights[0]);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsWithinASecond()
    {
        var (train, validation) = FashionSubset.Value;
        using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(Trial(1, width: 256, depth: 3, batch: 32, epochs: 50), cancel.Token));
        Assert.True(clock.Elapsed.TotalSeconds < 1.4, $"took {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task RunAsync_DivergingLearningRate_FailsSayingTrainingDivergedAtWhichEpoch()
    {
        var (train, validation) = FashionSubset.Value;
        using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1, Standardize = false });
        var result = (MlpTrialResult)await runner.RunAsync(Trial(2, lr: 1e6, epochs: 4), CancellationToken.None);

        Assert.Equal(MLNet.HyperGrad.Storage.TrialState.Failed, result.State);
        Assert.True(result.IsFailed);
        Assert.True(double.IsNaN(result.Metric));
        Assert.True(double.IsNaN(result.Loss));
        var error = Assert.IsType<TrialDivergedException>(result.Exception);
        int epoch = result.TrainLossCurve.ToList().FindIndex(l => !double.IsFinite(l)) + 1;
        Assert.InRange(epoch, 1, 4);
        Assert.StartsWith($"training diverged at epoch {epoch} of 4 (training loss ", error.Message, StringComparison.Ordinal);
        Assert.Contains("learning rate 1E+06", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Weights);
    }

    [Fact]
    public async Task Experiment_ParallelTrialsInsideACallersDisposeScope_LeakNothing()
    {
        var (train, validation) = FashionSubset.Value;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = MLNet.HyperGrad.Torch.TorchRuntime.LiveTensorCount;
        using (TorchSharp.torch.NewDisposeScope())
        {
            using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });
            await new HyperGradExperiment()
                .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, MlpTrialRunner.CreateSearchSpace(maxEpochs: 1, maxHiddenWidth: 32))
                .SetTrialRunner(runner).WithHyperGrad().SetParallelism(2).SetMaxModelToExplore(6).SetSeed(1)
                .RunAsync();
        }

        Assert.Equal(before, MLNet.HyperGrad.Torch.TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public async Task Experiment_WithDefaultRunnerOnRealData_FindsAGoodModel()
    {
        var (train, validation) = FashionSubset.Value;
        TrialResult best = await new HyperGradExperiment()
            .SetDataset(train, validation)
            .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, MlpTrialRunner.CreateSearchSpace(maxEpochs: 2, maxHiddenWidth: 64))
            .WithHyperGrad()
            .SetMaxModelToExplore(4)
            .SetSeed(3)
            .RunAsync();
        Assert.IsType<MlpTrialResult>(best);
        Assert.InRange(best.Metric, 0.3, 1.0);
    }
}

public sealed class MlpTrialRunnerRegressionTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-reg-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task RunAsync_Diabetes_SavedWeightsPredictRawTargetsWithTheReportedRSquared()
    {
        string csv = SklearnCsv.Export("diabetes", directory);
        TabularDataset data = CsvReader.Read(csv, new CsvReadOptions { LabelColumn = "target", Task = TaskKind.Regression }).Dataset;
        TrainValidationSplit split = DatasetSplit.TrainValidation(data, 0.25, seed: 2, stratify: false);
        using var runner = new MlpTrialRunner(split.Train, split.Validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });
        Assert.InRange(runner.TargetMean, 100, 200);
        var settings = new TrialSettings
        {
            TrialId = 0,
            Seed = 5,
            Parameter = Parameter.CreateNestedParameter((MlpTrialRunner.SearchSpaceKey, Parameter.CreateNestedParameter(
                ("learning_rate", Parameter.FromDouble(0.01)), ("momentum", Parameter.FromDouble(0.9)), ("l2", Parameter.FromDouble(1e-4)),
                ("hidden_width", Parameter.FromInt(32)), ("depth", Parameter.FromInt(1)), ("batch_size", Parameter.FromInt(32)), ("epochs", Parameter.FromInt(30))))),
        };
        var result = (MlpTrialResult)await runner.RunAsync(settings, CancellationToken.None);
        Assert.InRange(result.Metric, 0.2, 1.0);

        var model = new MLNet.HyperGrad.Models.TrainedModel(
            TaskKind.Regression, result.LayerSizes, MLNet.HyperGrad.Models.Activation.Relu,
            result.Weights.Select(w => w.Select(x => (float)x).ToArray()).ToArray(),
            split.Train.FeatureNames, null, null, result.Standardizer,
            new MLNet.HyperGrad.Models.TrainedModelMetadata(DateTimeOffset.UnixEpoch));
        using var predictor = new MLNet.HyperGrad.Prediction.MlpPredictor(model);
        var predictions = predictor.Predict(split.Validation);
        float[] y = split.Validation.Targets.ToArray();
        double mean = y.Average(v => (double)v);
        double residual = y.Select((v, i) => Math.Pow(v - predictions[i].Value, 2)).Sum();
        double total = y.Sum(v => Math.Pow(v - mean, 2));
        Assert.Equal(result.Metric, 1 - (residual / total), 3);
    }
}
