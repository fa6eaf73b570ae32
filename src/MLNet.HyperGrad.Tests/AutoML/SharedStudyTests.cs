using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>
/// Two experiments on one study, each with its own storage instance (its own connections) on one
/// SQLite file, running at the same time: as two processes resuming one study would.
/// </summary>
public sealed class SharedStudyTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-shared-study-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static HyperGradExperiment Experiment(ITrialRunner runner, IStudyStorage storage, Action<HyperGradOptions>? options = null) =>
        new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).SetSeed(5)
            .WithHyperGrad(options).SetStudy(storage, "shared").SetParallelism(2);

    [Fact]
    public async Task RunAsync_TwoExperimentsResumeAStudyWithInterruptedTrials_EachIsRetriedOnceAndNoTwoProposalsAreEqual()
    {
        string path = Path.Combine(directory, "study.db");
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Experiment(runner, storage).SetMaxModelToExplore(4).RunAsync();

            // Six trials a killed process (a pid that does not run on this host) left running.
            long studyId = (await storage.GetStudyAsync("shared"))!.Id;
            for (int i = 0; i < 6; i++)
            {
                await storage.CreateTrialAsync(studyId, $$$"""{"branin":{"x1":{{{i}}}.5,"x2":{{{i}}}.25}}""", $"{Environment.MachineName}:{int.MaxValue - 7}");
            }
        }

        using var first = new SqliteStudyStorage(path);
        using var second = new SqliteStudyStorage(path);
        using var firstRunner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(20) };
        using var secondRunner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(20) };
        await Task.WhenAll(
            Task.Run(() => Experiment(firstRunner, first).SetMaxModelToExplore(10).RunAsync()),
            Task.Run(() => Experiment(secondRunner, second).SetMaxModelToExplore(10).RunAsync()));

        IReadOnlyList<TrialRecord> trials = await first.GetTrialsAsync((await first.GetStudyAsync("shared"))!.Id);
        Assert.Equal(30, trials.Count);
        Assert.Equal(Enumerable.Range(4, 6), trials.Where(t => t.State == TrialState.Interrupted).Select(t => t.Number));
        List<TrialRecord> retries = [.. trials.Where(t => t.RetryOf is not null)];
        Assert.Equal(Enumerable.Range(4, 6), retries.Select(t => t.RetryOf!.Value).Order());
        Assert.All(retries, r => Assert.Equal(trials[r.RetryOf!.Value].ParametersJson, r.ParametersJson));
        List<string> fresh = [.. trials.Where(t => t.RetryOf is null).Select(t => t.ParametersJson)];
        Assert.Equal(fresh.Count, fresh.Distinct(StringComparer.Ordinal).Count());
        Assert.All(trials.Where(t => t.Number >= 10), t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(2, trials.Where(t => t.Number >= 10).Select(t => t.WorkerId).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_TwoExperimentsProposeForTheSameTrialNumber_TheSecondProposalIsReplaced()
    {
        string path = Path.Combine(directory, "same-number.db");
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Experiment(runner, storage).SetMaxModelToExplore(4).RunAsync();
        }

        // Both experiments make their first proposal before either records it: both for trial 4.
        using var meeting = new CountdownEvent(2);
        var firstTuner = new MeetingTuner(meeting);
        var secondTuner = new MeetingTuner(meeting);
        using var first = new SqliteStudyStorage(path);
        using var second = new SqliteStudyStorage(path);
        using var firstRunner = new BraninRunner();
        using var secondRunner = new BraninRunner();
        await Task.WhenAll(
            Task.Run(() => Experiment(firstRunner, first).SetTuner(c => firstTuner.Wrap(c)).SetParallelism(1).SetMaxModelToExplore(3).RunAsync()),
            Task.Run(() => Experiment(secondRunner, second).SetTuner(c => secondTuner.Wrap(c)).SetParallelism(1).SetMaxModelToExplore(3).RunAsync()));

        Assert.Equal(4, firstTuner.FirstProposalFor);
        Assert.Equal(4, secondTuner.FirstProposalFor);
        IReadOnlyList<TrialRecord> trials = await first.GetTrialsAsync((await first.GetStudyAsync("shared"))!.Id);
        Assert.Equal(10, trials.Count);
        Assert.Equal(10, trials.Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count());
        Assert.True(firstTuner.Proposals + secondTuner.Proposals > 6, "no proposal was replaced");
    }

    [Fact]
    public async Task RunAsync_TwoExperimentsProposeTheStudysLastTrialTogether_TheStudyEndsWithExactlyItsBudget()
    {
        string path = Path.Combine(directory, "budget.db");
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Experiment(runner, storage).SetMaxModelToExplore(4).RunAsync();
        }

        // Both experiments read the count (4 of 5) and propose for trial 4 before either records it: the race that made a study
        // of n workers end with up to n - 1 trials past --max-trials, made certain here. The storage counts and creates in one
        // step, so only one of the two proposals becomes a trial.
        using var meeting = new CountdownEvent(2);
        var firstTuner = new MeetingTuner(meeting);
        var secondTuner = new MeetingTuner(meeting);
        using var first = new SqliteStudyStorage(path);
        using var second = new SqliteStudyStorage(path);
        using var firstRunner = new BraninRunner();
        using var secondRunner = new BraninRunner();
        await Task.WhenAll(
            Task.Run(() => Experiment(firstRunner, first).SetTuner(c => firstTuner.Wrap(c)).SetParallelism(1).SetMaxStudyTrials(5).RunAsync()),
            Task.Run(() => Experiment(secondRunner, second).SetTuner(c => secondTuner.Wrap(c)).SetParallelism(1).SetMaxStudyTrials(5).RunAsync()));

        Assert.Equal((4, 4), (firstTuner.FirstProposalFor, secondTuner.FirstProposalFor));
        IReadOnlyList<TrialRecord> trials = await first.GetTrialsAsync((await first.GetStudyAsync("shared"))!.Id);
        Assert.Equal(5, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task RunAsync_TwoExperimentsShareAGridStudy_TogetherTheyRunEveryPointOnce()
    {
        string path = Path.Combine(directory, "grid.db");
        using var first = new SqliteStudyStorage(path);
        using var second = new SqliteStudyStorage(path);
        using var firstRunner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(10) };
        using var secondRunner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(10) };
        await first.GetOrCreateStudyAsync("shared", "hyperparameter tuning", StudySessionDescription(), StudyDirection.Minimize, new Dictionary<string, string> { ["seed"] = "5" });
        void Grid(HyperGradOptions o)
        {
            o.Tuner = TunerKind.Grid;
            o.GridStepsPerContinuousDimension = 4;
        }

        await Task.WhenAll(
            Task.Run(() => Experiment(firstRunner, first, Grid).RunAsync()),
            Task.Run(() => Experiment(secondRunner, second, Grid).RunAsync()));

        IReadOnlyList<TrialRecord> trials = await first.GetTrialsAsync((await first.GetStudyAsync("shared"))!.Id);
        // The 16 grid points, and trial 0 at the space's defaults, which one of them started the study with.
        Assert.Equal(17, trials.Count);
        Assert.Equal(17, trials.Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count());
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    private static string StudySessionDescription() => StudySession.Describe(new MLNet.HyperGrad.SearchSpaces.SearchSpace { ["branin"] = BraninRunner.Space() });

    /// <summary>A random-search tuner whose first proposal waits until every tuner of the meeting has made its own.</summary>
    private sealed class MeetingTuner(CountdownEvent meeting) : ITuner
    {
        private MLNet.HyperGrad.Tuners.RandomSearchTuner? inner;

        public int? FirstProposalFor { get; private set; }

        public int Proposals { get; private set; }

        public MeetingTuner Wrap(ExperimentContext context)
        {
            inner = new MLNet.HyperGrad.Tuners.RandomSearchTuner(context.SearchSpace, context.Seed);
            return this;
        }

        public MLNet.HyperGrad.SearchSpaces.Parameter Propose(TrialSettings settings)
        {
            MLNet.HyperGrad.SearchSpaces.Parameter proposal = inner!.Propose(settings);
            if (Proposals++ == 0)
            {
                FirstProposalFor = settings.TrialId;
                meeting.Signal();
                Assert.True(meeting.Wait(TimeSpan.FromSeconds(30)), "the other experiment never proposed");
            }

            return proposal;
        }

        public void Update(TrialResult result) => inner!.Update(result);
    }
}
