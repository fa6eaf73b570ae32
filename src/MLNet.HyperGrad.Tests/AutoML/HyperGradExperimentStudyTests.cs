using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>What the experiment keeps in its study: states, learning curves as they are reported, time from its clock.</summary>
public sealed class HyperGradExperimentStudyTests : IDisposable
{
    private static readonly DateTime Start = new(2025, 6, 1, 8, 0, 0, DateTimeKind.Utc);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-experiment-study-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static HyperGradExperiment Experiment(ITrialRunner runner, IStudyStorage storage) =>
        new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).SetSeed(11).WithHyperGrad().SetStudy(storage, "branin");

    private static async Task<IReadOnlyList<TrialRecord>> Trials(SqliteStudyStorage storage) =>
        await storage.GetTrialsAsync((await storage.GetStudyAsync("branin"))!.Id);

    [Fact]
    public async Task RunAsync_TimeBudgetOnAFakeClock_CompletesWhatFitsAndInterruptsTheTrialRunningWhenItEnds()
    {
        var clock = new ManualTimeProvider(Start);
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "budget.db"), clock);
        using var runner = new ClockRunner(clock, TimeSpan.FromMinutes(5), epochs: 2);
        var monitor = new RecordingMonitor();

        TrialResult best = await Experiment(runner, storage).SetTimeProvider(clock).SetTrainingTimeInSeconds(3600).SetMonitor(monitor).RunAsync();

        // Trials of 10 minutes in a budget of 60: trials 0-4 complete; trial 5 is cut off at minute 60, after its first epoch.
        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Equal([.. Enumerable.Repeat(TrialState.Complete, 5), TrialState.Interrupted], trials.Select(t => t.State));
        Assert.All(trials.Take(5), t => Assert.Equal(600_000, t.DurationMilliseconds));
        Assert.All(trials.Take(5), t => Assert.Equal(t.StartedAtUtc + TimeSpan.FromMinutes(10), t.EndedAtUtc));
        Assert.Equal(Start.AddMinutes(50), trials[5].StartedAtUtc);
        Assert.Equal(Start.AddMinutes(60), trials[5].EndedAtUtc);
        Assert.Equal(600_000, trials[5].DurationMilliseconds);
        Assert.Equal("the time budget ran out", trials[5].Error);
        Assert.Single(trials[5].IntermediateValues);
        Assert.Equal(Start.AddMinutes(60), clock.UtcNow);
        Assert.Equal(5, monitor.Completed.Count);
        Assert.All(monitor.Completed, r => Assert.Equal(600_000, r.DurationInMilliseconds));
        Assert.Equal(trials.Take(5).Min(t => t.Loss), best.Loss);
    }

    [Fact]
    public async Task RunAsync_StudyWithATrialInterruptedByTheBudget_NextRunRetriesItFirstWithItsParameters()
    {
        var clock = new ManualTimeProvider(Start);
        string path = Path.Combine(directory, "retry.db");
        using (var storage = new SqliteStudyStorage(path, clock))
        using (var runner = new ClockRunner(clock, TimeSpan.FromMinutes(5), epochs: 2))
        {
            await Experiment(runner, storage).SetTimeProvider(clock).SetTrainingTimeInSeconds(1500).RunAsync();
        }

        var monitor = new RecordingMonitor();
        using (var storage = new SqliteStudyStorage(path, clock))
        using (var runner = new ClockRunner(clock, TimeSpan.FromMinutes(5), epochs: 2))
        {
            await Experiment(runner, storage).SetTimeProvider(clock).SetMaxModelToExplore(2).SetMonitor(monitor).RunAsync();
            IReadOnlyList<TrialRecord> trials = await Trials(storage);
            Assert.Equal([TrialState.Complete, TrialState.Complete, TrialState.Interrupted, TrialState.Complete, TrialState.Complete], trials.Select(t => t.State));
            Assert.Equal(2, trials[3].RetryOf);
            Assert.Equal(trials[2].ParametersJson, trials[3].ParametersJson);
            Assert.Null(trials[4].RetryOf);
        }

        Assert.Equal([3, 4], monitor.Running);
    }

    [Fact]
    public async Task RunAsync_RunnerReportsTwoEpochsThenIsCancelled_StudyKeepsBothValuesAndTheTrialIsInterrupted()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "curve.db"));
        using var runner = new ReportingRunner(0.9, 0.75);
        using var cancel = new CancellationTokenSource();
        Task<TrialResult> run = Experiment(runner, storage).SetMaxModelToExplore(1).RunAsync(cancel.Token);

        await runner.Reported.WaitAsync(TimeSpan.FromSeconds(30));
        TrialRecord whileRunning = (await Trials(storage)).Single();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // Stored as they were reported, while the trial still ran, and kept after it was cut off.
        Assert.Equal(TrialState.Running, whileRunning.State);
        Assert.Equal([new IntermediateValue(1, 0.9), new IntermediateValue(2, 0.75)], whileRunning.IntermediateValues);
        TrialRecord after = (await Trials(storage)).Single();
        Assert.Equal(TrialState.Interrupted, after.State);
        Assert.Equal("cancelled by the caller", after.Error);
        Assert.Equal(whileRunning.IntermediateValues, after.IntermediateValues);
    }

    [Fact]
    public async Task RunAsync_RunnerReturnsACurveWithoutReportingIt_CurveIsStoredWhenTheTrialCompletes()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "late-curve.db"));
        using var runner = new CurveOnlyRunner();

        await Experiment(runner, storage).SetMaxModelToExplore(2).RunAsync();

        Assert.All(await Trials(storage), t => Assert.Equal([new IntermediateValue(1, 3.0), new IntermediateValue(2, 2.0)], t.IntermediateValues));
    }

    [Fact]
    public async Task RunAsync_RunnerReturnsAttributes_StudyStoresThemAndReplayGivesThemBack()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "attributes.db"));
        using var runner = new AttributesRunner();

        await Experiment(runner, storage).SetMaxModelToExplore(3).RunAsync();

        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Equal(3, trials.Count);
        Assert.Equal(["test_loss", "train_loss"], trials[0].Attributes.Keys);
        Assert.All(trials.Skip(1), t => Assert.Equal([HyperGradExperiment.ProposalTimeAttribute, "test_loss", "train_loss"], t.Attributes.Keys));
        Assert.All(trials, t => Assert.Equal(t.Loss!.Value + 0.5, t.Attributes["test_loss"]));
        Assert.All(trials, t => Assert.True(double.IsNaN(t.Attributes["train_loss"])));
        Assert.Equal(trials[1].Attributes, StudySession.Replay(trials[1]).Attributes);
    }

    [Fact]
    public async Task RunAsync_RunnerReportsANegativeStep_TrialFailsWithTheArgumentError()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "negative.db"));
        using var runner = new NegativeStepRunner();

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Experiment(runner, storage).SetMaxModelToExplore(1).RunAsync());

        Assert.Equal("step", ex.ParamName);
        TrialRecord trial = (await Trials(storage)).Single();
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.StartsWith("ArgumentOutOfRangeException", trial.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TrialsFailingAfterASuccess_AreFailedNotInterruptedAndAreNotRetried()
    {
        string path = Path.Combine(directory, "failed.db");
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner { FailOn = [1] })
        {
            await Experiment(runner, storage).SetMaxModelToExplore(3).RunAsync();
        }

        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Experiment(runner, storage).SetMaxModelToExplore(1).RunAsync();
            IReadOnlyList<TrialRecord> trials = await Trials(storage);
            Assert.Equal([TrialState.Complete, TrialState.Failed, TrialState.Complete, TrialState.Complete], trials.Select(t => t.State));
            Assert.Equal("InvalidOperationException: trial 1 failed on purpose", trials[1].Error);
            Assert.All(trials, t => Assert.Null(t.RetryOf));
        }
    }

    private sealed class CurveOnlyRunner : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<TrialResult>(new LearningCurveTrialResult { TrialSettings = settings, Loss = 2, Metric = 2, ValidationLossCurve = [3.0, 2.0] });

        public void Dispose()
        {
        }
    }

    private sealed class AttributesRunner : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult(new TrialResult
            {
                TrialSettings = settings,
                Loss = 1 + settings.TrialId,
                Metric = 1 + settings.TrialId,
                Attributes = new Dictionary<string, double> { ["test_loss"] = 1.5 + settings.TrialId, ["train_loss"] = double.NaN },
            });

        public void Dispose()
        {
        }
    }

    private sealed class NegativeStepRunner : ITrialRunner
    {
        public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            await settings.Reporter.ReportAsync(-1, 0.5, cancellationToken);
            return new TrialResult { TrialSettings = settings };
        }

        public void Dispose()
        {
        }
    }
}
