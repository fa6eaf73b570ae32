using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.AutoML;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Pruning;

/// <summary>An experiment with a pruner on a small real Fashion-MNIST subset: pruned trials stop, are stored as pruned with their curve, and reach the tuner.</summary>
public sealed class ExperimentPruningTests : IDisposable
{
    private const int Epochs = 4;

    private static readonly Lazy<(TabularDataset Train, TabularDataset Validation)> FashionSubset = new(() =>
    {
        FashionMnistData data = FashionMnist.Load();
        TabularDataset small = data.Train.Subset(Enumerable.Range(0, 1500).ToArray());
        TrainValidationSplit split = DatasetSplit.TrainValidation(small, 1.0 / 3, seed: 3);
        return (split.Train, split.Validation);
    });

    private readonly string directory = Directory.CreateTempSubdirectory("hg-pruning-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The MLP's space with few, narrow units and a fixed number of epochs.</summary>
    private static SearchSpace Space()
    {
        SearchSpace space = MlpTrialRunner.CreateSearchSpace(maxEpochs: Epochs, maxHiddenWidth: 32);
        space["epochs"] = new ChoiceOption([Epochs], Epochs);
        return space;
    }

    private static HyperGradExperiment Experiment(SqliteStudyStorage storage, ITuner? tuner = null, MlpReportedValue reported = MlpReportedValue.ValidationLoss)
    {
        var (train, validation) = FashionSubset.Value;
        var experiment = new HyperGradExperiment()
            .SetDataset(train, validation)
            .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, Space())
            .SetSeed(5)
            .SetStudy(storage, "pruning");
        experiment.SetTrialRunner(c => new MlpTrialRunner(c.Train!, c.Validation!, new MlpTrialRunnerOptions { ThreadsPerTrial = 1, ReportedValue = reported }));
        return tuner is null ? experiment : experiment.SetTuner(tuner);
    }

    private static async Task<IReadOnlyList<TrialRecord>> Trials(SqliteStudyStorage storage) =>
        await storage.GetTrialsAsync((await storage.GetStudyAsync("pruning"))!.Id);

    [Fact]
    public async Task RunAsync_PrunerStopsTrialsAfterStep2_StoredPrunedWithTheirCurveAndTunerSeesThem()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "fixed.db"));
        var tuner = new CountingTuner(new RandomSearchTuner(Space().Wrap(MlpTrialRunner.SearchSpaceKey), 5));
        TrialResult best = await Experiment(storage, tuner).SetPruner(new PruneAfterStep2ExceptTrial0()).SetMaxModelToExplore(3).RunAsync();

        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Equal([TrialState.Complete, TrialState.Pruned, TrialState.Pruned], trials.Select(t => t.State));
        Assert.Equal(Epochs, trials[0].IntermediateValues.Count);
        foreach (TrialRecord pruned in trials.Skip(1))
        {
            Assert.Equal([1, 2], pruned.IntermediateValues.Select(v => v.Step));
            Assert.All(pruned.IntermediateValues, v => Assert.True(v.Value > 0, $"validation loss {v.Value}"));
            Assert.InRange(pruned.Metric!.Value, 0.0, 1.0);
            Assert.Equal(-pruned.Metric.Value, pruned.Loss);
            Assert.StartsWith("stopped by PruneAfterStep2ExceptTrial0 after step 2", pruned.Error, StringComparison.Ordinal);
        }

        Assert.Equal(0, best.TrialSettings.TrialId);
        Assert.Equal([TrialState.Complete, TrialState.Pruned, TrialState.Pruned], tuner.Updates.OrderBy(u => u.TrialSettings.TrialId).Select(u => u.State));
        var prunedUpdate = (MlpTrialResult)tuner.Updates.First(u => u.State == TrialState.Pruned);
        Assert.Equal(2, prunedUpdate.ValidationLossCurve.Count);
        Assert.Equal(-prunedUpdate.ValidationMetricCurve[^1], prunedUpdate.Loss);
    }

    [Fact]
    public async Task RunAsync_MedianPrunerOnRealTrials_PrunesSomeAndKeepsTheirCurves()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "median.db"));
        await Experiment(storage).WithHyperGrad(o => o.CustomPruner = new MedianPruner(startupTrials: 2)).SetMaxModelToExplore(8).RunAsync();

        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Equal(8, trials.Count);
        Assert.Contains(trials, t => t.State == TrialState.Pruned);
        Assert.All(trials.Where(t => t.State == TrialState.Pruned), t => Assert.InRange(t.IntermediateValues.Count, 1, Epochs - 1));
        Assert.All(trials.Where(t => t.State == TrialState.Complete), t => Assert.Equal(Epochs, t.IntermediateValues.Count));
    }

    [Fact]
    public async Task RunAsync_MedianPrunerJudgingValidationError_StoresAndJudgesOneMinusAccuracy()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "error.db"));
        var tuner = new CountingTuner(new RandomSearchTuner(Space().Wrap(MlpTrialRunner.SearchSpaceKey), 5));
        await Experiment(storage, tuner, MlpReportedValue.ValidationError).SetPruner(new MedianPruner(startupTrials: 2)).SetMaxModelToExplore(8).RunAsync();

        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Equal(8, trials.Count);
        Assert.Contains(trials, t => t.State == TrialState.Pruned);
        MlpTrialResult[] results = [.. tuner.Updates.OfType<MlpTrialResult>()];
        Assert.Contains(results, r => r.State == TrialState.Pruned);
        Assert.Contains(results, r => r.State == TrialState.Complete);
        foreach (MlpTrialResult result in results)
        {
            // The stored values are the errors of the epochs trained; the last one is the trial's loss + 1.
            TrialRecord stored = trials.Single(t => t.Number == result.TrialSettings.TrialId);
            Assert.Equal(result.ValidationMetricCurve.Select(a => 1 - a), stored.IntermediateValues.OrderBy(v => v.Step).Select(v => v.Value));
            Assert.Equal(result.Loss + 1, stored.IntermediateValues.MaxBy(v => v.Step)!.Value, 12);
        }
    }

    [Fact]
    public void WithHyperGrad_BothPrunerAndCustomPruner_ThrowsNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => new HyperGradExperiment().WithHyperGrad(o =>
        {
            o.Pruner = PrunerKind.Median;
            o.CustomPruner = new MedianPruner();
        }));
        Assert.Contains("Set either Pruner (got Median) or CustomPruner, not both", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new HyperGradExperiment().WithHyperGrad(o => o.Pruner = (PrunerKind)42));
    }

    [Theory]
    [InlineData(PrunerKind.None, null)]
    [InlineData(PrunerKind.Median, typeof(MedianPruner))]
    [InlineData(PrunerKind.SuccessiveHalving, typeof(SuccessiveHalvingPruner))]
    [InlineData(PrunerKind.LearningCurve, typeof(LearningCurvePruner))]
    public void WithHyperGrad_PrunerKind_SetsThatPruner(PrunerKind kind, Type? expected) =>
        Assert.Equal(expected, new HyperGradExperiment().WithHyperGrad(o => o.Pruner = kind).Pruner?.GetType());

    /// <summary>Stops every trial but number 0 once it reported step 2.</summary>
    private sealed class PruneAfterStep2ExceptTrial0 : IPruner
    {
        public bool ShouldPrune(PrunerTrial trial, IReadOnlyList<PrunerTrial> trials)
        {
            Assert.Contains(trials, t => t.Number == trial.Number);
            Assert.Equal(Epochs, trial.FinalStep);
            return trial.Number != 0 && trial.LastStep == 2;
        }
    }
}
