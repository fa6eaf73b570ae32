using MLNet.HyperGrad.SearchSpaces;
using System.Diagnostics;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class HyperGradExperimentTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-experiment-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static HyperGradExperiment Branin(BraninRunner runner, ITuner? tuner = null, int seed = 0)
    {
        var experiment = new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).SetSeed(seed);
        return tuner is null ? experiment.WithHyperGrad() : experiment.SetTuner(tuner);
    }

    [Fact]
    public async Task RunAsync_MaxModels_RunsExactlyThatManyAndReturnsTheBest()
    {
        var monitor = new RecordingMonitor();
        using var runner = new BraninRunner();
        TrialResult best = await Branin(runner).SetMaxModelToExplore(30).SetMonitor(monitor).RunAsync();
        Assert.Equal(30, monitor.Completed.Count);
        Assert.Equal(Enumerable.Range(0, 30), monitor.Running);
        Assert.Equal(monitor.Completed.Min(r => r.Loss), best.Loss);
        Assert.InRange(best.Loss, 0.397887, 5);
        Assert.Equal(best, monitor.Best[^1]);
        Assert.True(monitor.Best.Select(b => b.Loss).Zip(monitor.Best.Skip(1).Select(b => b.Loss)).All(p => p.Second < p.First));
    }

    [Fact]
    public async Task RunAsync_NewStudy_TrialZeroRunsAtTheDeclaredStartPointAndTheTunerIsUpdatedWithIt()
    {
        var monitor = new RecordingMonitor();
        var space = BraninRunner.Space().Wrap("branin");
        var tuner = new CountingTuner(new RandomSearchTuner(space, 0));
        using var runner = new BraninRunner();
        await Branin(runner, tuner).SetMaxModelToExplore(3).SetMonitor(monitor).RunAsync();

        TrialResult first = monitor.Completed.Single(r => r.TrialSettings.TrialId == 0);
        Assert.Equal(space.SampleFromFeatureSpace(space.Default).ToString(), first.TrialSettings.Parameter.ToString());
        Assert.Equal(2, tuner.Proposals);
        Assert.Contains(tuner.Updates, u => u.TrialSettings.TrialId == 0 && u.TrialSettings.Parameter.ToString() == first.TrialSettings.Parameter.ToString());
    }

    [Fact]
    public async Task RunAsync_ResumedStudy_DoesNotRunTheStartPointAgain()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "resume.db"));
        var space = BraninRunner.Space().Wrap("branin");
        string start = space.SampleFromFeatureSpace(space.Default).ToString();
        using var runner = new BraninRunner();
        await Branin(runner).SetStudy(storage, "s").SetMaxModelToExplore(2).RunAsync();
        await Branin(runner).SetStudy(storage, "s").SetMaxModelToExplore(3).RunAsync();

        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync((await storage.GetStudyAsync("s"))!.Id);
        Assert.Equal(5, trials.Count);
        Assert.Single(trials, t => Parameter.FromJson(t.ParametersJson).ToString() == start);
    }

    [Fact]
    public async Task RunAsync_FailureBeforeAnySuccess_IsFatalAndRethrown()
    {
        using var runner = new BraninRunner { FailOn = [0] };
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Branin(runner).SetMaxModelToExplore(10).RunAsync());
        Assert.Contains("trial 0 failed on purpose", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, runner.Runs);
    }

    [Fact]
    public async Task RunAsync_FailuresAfterASuccess_AreReportedAndTheTunerSeesMaxValue()
    {
        var monitor = new RecordingMonitor();
        var tuner = new CountingTuner(new RandomSearchTuner(BraninRunner.Space().Wrap("branin"), 0));
        using var runner = new BraninRunner { FailOn = [2, 5] };
        await Branin(runner, tuner).SetMaxModelToExplore(8).SetMonitor(monitor).RunAsync();
        Assert.Equal(new[] { 2, 5 }, monitor.Failed.Select(f => f.Id));
        Assert.Equal(8, tuner.Updates.Count);
        Assert.Equal(double.MaxValue, tuner.Updates.Single(u => u.TrialSettings.TrialId == 2).Loss);
        Assert.Equal(6, monitor.Completed.Count);
    }

    [Fact]
    public async Task RunAsync_NaNLoss_FailsTheTrialWithTheReasonAndTheStudyGoesOn()
    {
        // NaN losses of the first trials are divergences, not a broken setup: they fail alone and the study goes on.
        var monitor = new RecordingMonitor();
        using var runner = new BraninRunner { NaNOn = [0, 1, 2] };
        TrialResult best = await Branin(runner).SetMaxModelToExplore(5).SetMonitor(monitor).RunAsync();
        Assert.False(double.IsNaN(best.Loss));
        Assert.DoesNotContain(monitor.Best, b => double.IsNaN(b.Loss));
        Assert.InRange(best.TrialSettings.TrialId, 3, 4);
        Assert.Equal([0, 1, 2], monitor.Failed.Select(f => f.Id));
        Assert.All(monitor.Failed, f => Assert.Contains("is not a finite number (loss NaN", Assert.IsType<TrialDivergedException>(f.Error).Message, StringComparison.Ordinal));
        Assert.DoesNotContain(monitor.Completed, c => double.IsNaN(c.Loss));
    }

    [Fact]
    public async Task RunAsync_TimeBudget_StopsAndCancelsTheRunningTrialWithinASecond()
    {
        var monitor = new RecordingMonitor();
        using var runner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(700) };
        var clock = Stopwatch.StartNew();
        TrialResult best = await Branin(runner).SetTrainingTimeInSeconds(2).SetMonitor(monitor).RunAsync();
        clock.Stop();
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 3.2);
        Assert.InRange(monitor.Completed.Count, 1, 3);
        Assert.Single(monitor.Failed);
        Assert.IsAssignableFrom<OperationCanceledException>(monitor.Failed[0].Error);
        Assert.False(best.IsFailed);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_RunningTrialStopsWithinASecondAndBestIsReturned()
    {
        using var runner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(300) };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        var clock = Stopwatch.StartNew();
        TrialResult best = await Branin(runner).RunAsync(cancel.Token);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 2.6);
        Assert.False(best.IsFailed);
    }

    [Fact]
    public async Task RunAsync_NoSuccessWithinBudget_ThrowsTimeoutException()
    {
        using var runner = new BraninRunner { Delay = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => Branin(runner).SetTrainingTimeInSeconds(1).RunAsync());
        Assert.True(clock.Elapsed.TotalSeconds < 2.5);
    }

    [Fact]
    public async Task RunAsync_Parallelism_RunsTrialsConcurrentlyWithSerializedTunerCalls()
    {
        var tuner = new CountingTuner(new RandomSearchTuner(BraninRunner.Space().Wrap("branin"), 0));
        using var runner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(50) };
        await Branin(runner, tuner).SetParallelism(4).SetMaxModelToExplore(24).RunAsync();
        Assert.Equal(4, runner.MaxConcurrency);
        Assert.Equal(24, tuner.Updates.Count);
        Assert.Equal(23, tuner.Proposals); // trial 0 of the new study runs at the space's defaults, unproposed
        Assert.False(tuner.Overlapped);
    }

    [Fact]
    public async Task RunAsync_SameSeed_SameTrialsAndSameBest()
    {
        async Task<List<string>> Run(int seed)
        {
            var monitor = new RecordingMonitor();
            using var runner = new BraninRunner();
            await Branin(runner, seed: seed).SetMaxModelToExplore(12).SetMonitor(monitor).RunAsync();
            return monitor.Completed.Select(r => $"{r.TrialSettings.Parameter}|{r.TrialSettings.Seed}|{r.Loss:R}").ToList();
        }

        Assert.Equal(await Run(4), await Run(4));
        Assert.NotEqual(await Run(4), await Run(5));
    }

    [Fact]
    public async Task RunAsync_GridTuner_StopsWhenTheGridIsExhausted()
    {
        var monitor = new RecordingMonitor();
        using var runner = new BraninRunner();
        await new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner)
            .WithHyperGrad(o => { o.Tuner = TunerKind.Grid; o.GridStepsPerContinuousDimension = 3; })
            .SetMonitor(monitor).RunAsync();
        Assert.Equal(9, monitor.Completed.Count);
    }

    [Fact]
    public async Task RunAsync_StudyResumed_NumberingContinuesAndTrialsAreReplayedIntoTheTuner()
    {
        string path = Path.Combine(directory, "study.db");
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Branin(runner).SetStudy(storage, "branin").SetMaxModelToExplore(5).RunAsync();
        }

        var tuner = new CountingTuner(new RandomSearchTuner(BraninRunner.Space().Wrap("branin"), 0));
        var monitor = new RecordingMonitor();
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Branin(runner, tuner).SetStudy(storage, "branin").SetMaxModelToExplore(3).SetMonitor(monitor).RunAsync();
            StudyRecord study = (await storage.GetStudyAsync("branin"))!;
            IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
            Assert.Equal(Enumerable.Range(0, 8), trials.Select(t => t.Number));
            Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        }

        Assert.Equal(new[] { 5, 6, 7 }, monitor.Running);
        Assert.Equal(Enumerable.Range(0, 8), tuner.Updates.Select(u => u.TrialSettings.TrialId));
    }

    [Fact]
    public async Task RunAsync_TrialLeftRunningByAKilledProcess_IsMarkedInterruptedAndRetriedButLiveOrForeignWorkersAreLeftAlone()
    {
        string path = Path.Combine(directory, "killed.db");
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Branin(runner).SetStudy(storage, "branin").SetMaxModelToExplore(2).RunAsync();
            StudyRecord study = (await storage.GetStudyAsync("branin"))!;
            await storage.CreateTrialAsync(study.Id, """{"branin":{"x1":3.0,"x2":2.5}}""", $"{Environment.MachineName}:{int.MaxValue - 7}");
            await storage.CreateTrialAsync(study.Id, """{"branin":{"x1":1.0,"x2":1.0}}""", $"{Environment.MachineName}:1");
            await storage.CreateTrialAsync(study.Id, """{"branin":{"x1":2.0,"x2":2.0}}""", "another-host:1");
        }

        var monitor = new RecordingMonitor();
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Branin(runner).SetStudy(storage, "branin").SetMaxModelToExplore(1).SetMonitor(monitor).RunAsync();
            StudyRecord study = (await storage.GetStudyAsync("branin"))!;
            IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
            Assert.Equal(TrialState.Interrupted, trials[2].State);
            Assert.Equal("the process running it stopped before it finished", trials[2].Error);
            Assert.Equal(TrialState.Running, trials[3].State);
            Assert.Equal(TrialState.Running, trials[4].State);
            Assert.Equal(2, trials[5].RetryOf);
            Assert.Equal(TrialState.Complete, trials[5].State);
            Assert.Equal(BraninRunner.Branin(3, 2.5), trials[5].Loss!.Value, 12);
        }
    }

    [Fact]
    public async Task RunAsync_StudyWithAnotherSearchSpace_ThrowsStorageException()
    {
        string path = Path.Combine(directory, "mismatch.db");
        using var storage = new SqliteStudyStorage(path);
        using var runner = new BraninRunner();
        await Branin(runner).SetStudy(storage, "s").SetMaxModelToExplore(1).RunAsync();
        var other = new HyperGradExperiment().AddSearchSpace("other", BraninRunner.Space()).SetTrialRunner(runner).SetStudy(storage, "s").SetMaxModelToExplore(1);
        await Assert.ThrowsAsync<StorageException>(() => other.RunAsync());
    }

    [Fact]
    public async Task RunAsync_StudyResumedWithAnotherSeed_ThrowsStorageExceptionNamingBothSeeds()
    {
        string path = Path.Combine(directory, "seed.db");
        using var storage = new SqliteStudyStorage(path);
        using var runner = new BraninRunner();
        await Branin(runner, seed: 3).SetStudy(storage, "s").SetMaxModelToExplore(1).RunAsync();
        StudyRecord study = (await storage.GetStudyAsync("s"))!;
        Assert.Equal("3", study.Attributes["seed"]);
        var ex = await Assert.ThrowsAsync<StorageException>(() => Branin(runner, seed: 4).SetStudy(storage, "s").SetMaxModelToExplore(1).RunAsync());
        Assert.Contains("seed 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("seed 4", ex.Message, StringComparison.Ordinal);
        Assert.Single(await storage.GetTrialsAsync(study.Id));
    }

    [Fact]
    public async Task RunAsync_TiedLossesFinishingOutOfOrder_BestIsTheLowestTrialNumber()
    {
        using var runner = new TiedRunner();
        TrialResult best = await new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner)
            .WithHyperGrad().SetParallelism(4).SetMaxModelToExplore(4).RunAsync();
        Assert.Equal(0, best.TrialSettings.TrialId);
    }

    [Fact]
    public async Task RunAsync_MonitorThrows_RunGoesOnAndTheErrorIsKept()
    {
        using var runner = new BraninRunner();
        var experiment = Branin(runner).SetMaxModelToExplore(3).SetMonitor(new ThrowingMonitor());
        TrialResult best = await experiment.RunAsync();
        Assert.False(best.IsFailed);
        Assert.Equal(3, runner.Runs);
        Assert.NotEmpty(experiment.MonitorErrors);
        Assert.IsType<IOException>(experiment.MonitorErrors[0]);
    }

    [Fact]
    public async Task RunAsync_LargestTimeBudget_DoesNotOverflowTheTimer()
    {
        using var runner = new BraninRunner();
        TrialResult best = await Branin(runner).SetTrainingTimeInSeconds(uint.MaxValue).SetMaxModelToExplore(2).RunAsync();
        Assert.False(best.IsFailed);
    }

    private sealed class TiedRunner : ITrialRunner
    {
        public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50 * (4 - settings.TrialId)), cancellationToken);
            return new TrialResult { TrialSettings = settings, Loss = 1, Metric = 1 };
        }

        public void Dispose()
        {
        }
    }

    private sealed class ThrowingMonitor : IMonitor
    {
        public void ReportRunningTrial(TrialSettings settings)
        {
        }

        public void ReportCompletedTrial(TrialResult result) => throw new IOException("disk full");

        public void ReportBestTrial(TrialResult result) => throw new IOException("disk full");

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
        {
        }
    }

    [Fact]
    public async Task RunAsync_NoSearchSpace_ThrowsInvalidOperation()
    {
        using var runner = new BraninRunner();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new HyperGradExperiment().SetTrialRunner(runner).RunAsync());
        Assert.Contains("AddSearchSpace", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DatasetButNoRunner_ThrowsInsteadOfFallingBackToTheMlp()
    {
        var (train, validation) = TinyData();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new HyperGradExperiment()
            .SetDataset(train, validation).AddSearchSpace("branin", BraninRunner.Space()).SetMaxModelToExplore(1).RunAsync());
        Assert.Contains("SetTrialRunner", ex.Message, StringComparison.Ordinal);
        Assert.Contains("WithHyperGrad", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithHyperGrad_NoDataset_SaysToCallSetDataset()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new HyperGradExperiment().WithHyperGrad().SetMaxModelToExplore(1).RunAsync());
        Assert.Contains("SetDataset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithHyperGrad_RunnerAlreadyChosen_KeepsItAndAddsNoMlpSpace()
    {
        using var runner = new BraninRunner();
        HyperGradExperiment experiment = new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).WithHyperGrad();
        Assert.True(experiment.HasTrialRunner);
        Assert.Equal(["branin"], experiment.SearchSpace.Keys);
    }

    private static (MLNet.HyperGrad.Data.TabularDataset Train, MLNet.HyperGrad.Data.TabularDataset Validation) TinyData()
    {
        MLNet.HyperGrad.Data.TabularDataset Make(int rows) => MLNet.HyperGrad.Data.TabularDataset.ForClassification(
            new float[rows * 2], Enumerable.Range(0, rows).Select(i => (long)(i % 2)).ToArray(), ["a", "b"], ["x", "y"]);
        return (Make(8), Make(4));
    }

    [Fact]
    public async Task RunAsync_RunnerFactory_IsDisposedAtTheEndNotAfterEveryTrial()
    {
        BraninRunner? created = null;
        int disposedDuringRun = 0;
        var monitor = new DisposalWatcher(() => created?.Disposed == true ? ++disposedDuringRun : 0);
        await new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space())
            .SetTrialRunner(_ => created = new BraninRunner()).SetMonitor(monitor).SetMaxModelToExplore(4).RunAsync();
        Assert.Equal(0, disposedDuringRun);
        Assert.True(created!.Disposed);
    }

    private sealed class DisposalWatcher(Func<int> check) : IMonitor
    {
        public void ReportRunningTrial(TrialSettings settings) => check();

        public void ReportCompletedTrial(TrialResult result) => check();

        public void ReportBestTrial(TrialResult result) => check();

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null) => check();
    }
}
