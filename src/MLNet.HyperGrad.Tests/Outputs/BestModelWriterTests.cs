using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Tests.Storage;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Outputs;

public sealed class BestModelWriterTests : IDisposable
{
    private const int StudySeed = 11;
    private static readonly DateTime Noon = new(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task ReportBestTrial_MlpResult_SavesTheModelWithItsHyperparametersAndTheClocksTime()
    {
        (TabularDataset train, TabularDataset validation) = Blobs(TaskKind.Classification);
        var clock = new ManualTimeProvider(Noon);
        var writer = new BestModelWriter(directory.Path, train, timeProvider: clock);

        TrialResult result = await Run(train, validation, number: 3);
        writer.ReportBestTrial(result);

        TrainedModel saved = TrainedModel.Load(Path.Combine(directory.Path, "model"));
        Assert.Equal(result.TrialSettings.Parameter, Parameter.FromJson(saved.Metadata.HyperparametersJson!));
        Assert.Equal(new DateTimeOffset(Noon), saved.Metadata.CreatedAtUtc);
        Assert.Equal(result.Metric, saved.Metadata.ValidationMetric);
        Assert.True(writer.HoldsModelOf(Record(result)));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task EnsureSavedAsync_ModelFolderDeleted_TrainsTheTrialAgainBitForBit()
    {
        (BestModelWriter writer, TrialResult result, TabularDataset train, TabularDataset validation) = await SaveBest(TaskKind.Classification, number: 5);
        string weights = Path.Combine(writer.ModelDirectory, TrainedModel.WeightsFileName);
        byte[] original = File.ReadAllBytes(weights);
        Directory.Delete(writer.ModelDirectory, recursive: true);
        TrialRecord? told = null;

        bool retrained = await writer.EnsureSavedAsync(Record(result), StudySeed, () => Runner(train, validation), t => told = t);

        Assert.True(retrained);
        Assert.Equal(5, told!.Number);
        Assert.Equal(original, File.ReadAllBytes(weights));
    }

    [Fact]
    public async Task EnsureSavedAsync_CrossValidatedBestTrial_TrainsOnAllRowsAndRecordsTheFoldMeanMetric()
    {
        (TabularDataset train, TabularDataset validation) = Blobs(TaskKind.Classification);
        var writer = new BestModelWriter(directory.Path, train);
        using var cv = new CrossValidationRunner(train, 3, seed: 1, Runner);
        TrialResult folds = await cv.RunAsync(Settings(4), CancellationToken.None);
        writer.ReportBestTrial(folds);
        Assert.False(writer.HasModel);
        TrialRecord stored = Record(folds) with { Metric = 0.625 };

        bool retrained = await writer.EnsureSavedAsync(stored, StudySeed, () => Runner(train, train));

        Assert.True(retrained);
        TrainedModel saved = TrainedModel.Load(writer.ModelDirectory);
        Assert.Equal(0.625, saved.Metadata.ValidationMetric);
        Assert.True(writer.HoldsModelOf(stored));
    }

    [Fact]
    public async Task EnsureSavedAsync_ModelOfTheBestTrialPresent_DoesNotTrain()
    {
        (BestModelWriter writer, TrialResult result, _, _) = await SaveBest(TaskKind.Classification, number: 0);

        bool retrained = await writer.EnsureSavedAsync(Record(result), StudySeed, () => throw new InvalidOperationException("no runner needed"));

        Assert.False(retrained);
        Assert.False(await writer.EnsureSavedAsync(null, StudySeed, () => throw new InvalidOperationException("no runner needed")));
    }

    [Theory]
    [InlineData(TaskKind.Classification)]
    [InlineData(TaskKind.Regression)]
    public async Task ScoreOnTest_ValidationRows_IsTheMetricTheRunnerMeasured(TaskKind task)
    {
        (BestModelWriter writer, TrialResult result, _, TabularDataset validation) = await SaveBest(task, number: 1);

        TestScore score = writer.ScoreOnTest(validation)!;

        Assert.Equal(TaskMetric.Name(task), score.MetricName);
        Assert.Equal(validation.Rows, score.Rows);
        Assert.Equal(result.Metric, score.Value, 1e-4);
    }

    [Fact]
    public void ScoreOnTest_NoModel_Null()
    {
        (TabularDataset train, TabularDataset validation) = Blobs(TaskKind.Classification);
        Assert.Null(new BestModelWriter(directory.Path, train).ScoreOnTest(validation));
    }

    /// <summary>Two Gaussian blobs in four dimensions (or a noisy linear target), split 150 / 50.</summary>
    private static (TabularDataset Train, TabularDataset Validation) Blobs(TaskKind task)
    {
        var random = new Random(3);
        const int Rows = 200;
        float[] x = new float[Rows * 4];
        long[] labels = new long[Rows];
        float[] targets = new float[Rows];
        for (int i = 0; i < Rows; i++)
        {
            labels[i] = i % 2;
            for (int j = 0; j < 4; j++)
            {
                x[(i * 4) + j] = (float)((labels[i] * 2.0) + random.NextDouble());
            }

            targets[i] = (3 * x[i * 4]) - x[(i * 4) + 1] + (float)(0.1 * random.NextDouble());
        }

        string[] names = ["a", "b", "c", "d"];
        TabularDataset data = task == TaskKind.Classification
            ? TabularDataset.ForClassification(x, labels, names, ["no", "yes"])
            : TabularDataset.ForRegression(x, targets, names);
        TrainValidationSplit split = DatasetSplit.TrainValidation(data, 0.25, seed: 2);
        return (split.Train, split.Validation);
    }

    /// <summary>Trains trial <paramref name="number"/> on the blobs and saves it as the best model of the temporary folder.</summary>
    private async Task<(BestModelWriter Writer, TrialResult Result, TabularDataset Train, TabularDataset Validation)> SaveBest(TaskKind task, int number)
    {
        (TabularDataset train, TabularDataset validation) = Blobs(task);
        var writer = new BestModelWriter(directory.Path, train);
        TrialResult result = await Run(train, validation, number);
        writer.ReportBestTrial(result);
        return (writer, result, train, validation);
    }

    private static MlpTrialRunner Runner(TabularDataset train, TabularDataset validation) => new(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });

    private static async Task<TrialResult> Run(TabularDataset train, TabularDataset validation, int number)
    {
        using MlpTrialRunner runner = Runner(train, validation);
        return await runner.RunAsync(Settings(number), CancellationToken.None);
    }

    private static TrialSettings Settings(int number) => new()
    {
        TrialId = number,
        Seed = SeedMixer.Mix(StudySeed, number),
        Parameter = Parameter.CreateNestedParameter((MlpTrialRunner.SearchSpaceKey, Parameter.FromObject(MlpHyperparameters.Default with { HiddenWidth = 16, Depth = 1, BatchSize = 32, Epochs = 3 }))),
    };

    private static TrialRecord Record(TrialResult result) => new()
    {
        StudyId = 1,
        Number = result.TrialSettings.TrialId,
        State = TrialState.Complete,
        ParametersJson = result.TrialSettings.Parameter.ToString(),
        Loss = result.Loss,
        Metric = result.Metric,
        StartedAtUtc = Noon,
    };
}
