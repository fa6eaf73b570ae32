using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>Trials isolated in worker processes (src/MLNet.HyperGrad.TestWorker) that share one SQLite study.</summary>
public sealed class StudyWorkerProcessesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-workers-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The test worker built next to this test assembly's configuration.</summary>
    internal static string WorkerPath
    {
        get
        {
            string tests = AppContext.BaseDirectory;
            string configuration = new DirectoryInfo(tests).Parent!.Name;
            string path = Path.GetFullPath(Path.Combine(tests, "..", "..", "..", "..", "MLNet.HyperGrad.TestWorker", "bin", configuration, "net10.0", "MLNet.HyperGrad.TestWorker.dll"));
            return File.Exists(path) ? path : throw new FileNotFoundException("The test worker is not built: " + path);
        }
    }

    internal static ProcessStartInfo WorkerStart(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(WorkerPath);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return start;
    }

    [Fact]
    public async Task RunAsync_WorkerAbortsNativelyOnTrial3_Trial3FailsWithTheExitReasonAndEveryOtherTrialCompletes()
    {
        string path = Path.Combine(directory, "study.db");
        using var storage = new SqliteStudyStorage(path);
        var lines = new List<string>();
        var pool = new StudyWorkerProcesses(
            storage,
            "abort",
            _ => WorkerStart("--storage", path, "--study", "abort", "--max-study-trials", "12", "--abort-on", "3", "--sleep-ms", "30"),
            new StudyWorkerProcessesOptions { OnOutputLine = (_, line) => { lock (lines) { lines.Add(line); } } });

        IReadOnlyList<WorkerExit> exits = await pool.RunAsync(2).WaitAsync(TimeSpan.FromMinutes(2));

        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync((await storage.GetStudyAsync("abort"))!.Id);
        TrialRecord aborted = trials.Single(t => t.Number == 3);
        Assert.Equal(TrialState.Failed, aborted.State);
        Assert.Contains("killed by signal 6 (SIGABRT, exit code 134)", aborted.Error, StringComparison.Ordinal);
        Assert.Contains("test worker aborts natively on trial 3", aborted.Error, StringComparison.Ordinal);
        Assert.All(trials.Where(t => t.Number != 3), t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(12, trials.Count);
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
        Assert.Equal(trials.Count, trials.Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count());

        // The dead worker was replaced, and the others ended by themselves.
        WorkerExit dead = Assert.Single(exits, e => e.Signal is not null);
        Assert.Equal([3], dead.FailedTrials);
        Assert.True(dead.Replaced);
        Assert.Equal(3, exits.Count);
        Assert.All(exits.Where(e => e.Signal is null), e => Assert.Equal(0, e.ExitCode));
        Assert.Contains(lines, l => l.StartsWith("trial 11:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("trial 12:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_WorkerKilledMidTrial_ItsTrialFailsWithSigkill()
    {
        string path = Path.Combine(directory, "study.db");
        using var storage = new SqliteStudyStorage(path);
        int killed = 0;
        var pool = new StudyWorkerProcesses(
            storage,
            "kill",
            i => WorkerStart("--storage", path, "--study", "kill", "--max-study-trials", "4", "--hang-on", i == 0 ? "1" : "-1", "--sleep-ms", "10"),
            new StudyWorkerProcessesOptions
            {
                OnOutputLine = (_, _) => { },
                MaxRestarts = 1,
            });
        Task<IReadOnlyList<WorkerExit>> run = pool.RunAsync(1);
        long studyId = 0;
        TrialRecord? hanging = null;
        for (int i = 0; i < 600 && hanging is null; i++)
        {
            await Task.Delay(100);
            if (studyId == 0 && await storage.GetStudyAsync("kill") is { } study)
            {
                studyId = study.Id;
            }

            hanging = studyId == 0 ? null : await storage.GetTrialAsync(studyId, 1) is { State: TrialState.Running } t ? t : null;
        }

        Assert.NotNull(hanging);
        int pid = int.Parse(hanging.WorkerId!.Split(':')[1], CultureInfo.InvariantCulture);
        using (Process kill = Process.Start("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            killed = kill.ExitCode == 0 ? 1 : 0;
        }

        IReadOnlyList<WorkerExit> exits = await run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, killed);
        TrialRecord trial = (await storage.GetTrialAsync(studyId, 1))!;
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Contains("killed by signal 9 (SIGKILL", trial.Error, StringComparison.Ordinal);
        Assert.Equal(9, exits[0].Signal);
        Assert.True(exits[0].Replaced);
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(studyId);
        Assert.Equal(4, trials.Count);
        Assert.All(trials.Where(t => t.Number != 1), t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Theory]
    [InlineData(134, 6)]
    [InlineData(137, 9)]
    [InlineData(1, null)]
    [InlineData(0, null)]
    public void SignalOf_ExitCode_IsTheSignalAbove128(int exitCode, int? signal) =>
        Assert.Equal(signal, StudyWorkerProcesses.SignalOf(exitCode));

    [Fact]
    public void ExitReason_ExitedWithCode_SaysTheCodeAndTheLastLine()
    {
        string reason = StudyWorkerProcesses.ExitReason(42, 3, "Unhandled exception. System.Exception: boom");
        Assert.Equal("the worker process running it (pid 42) exited with code 3 before the trial finished; its last line on standard error: Unhandled exception. System.Exception: boom", reason);
    }

    [Fact]
    public async Task RunAsync_TwoExperimentsShareAStudy_EachTunerReceivesTheOthersFinishedTrials()
    {
        string path = Path.Combine(directory, "study.db");
        using var first = new SqliteStudyStorage(path);
        using var second = new SqliteStudyStorage(path);
        var space = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1, defaultValue: 0.5) };
        HyperGradExperiment Experiment(IStudyStorage storage, CountingTuner tuner, SlowRunner runner) =>
            new HyperGradExperiment().AddSearchSpace("q", space).SetTrialRunner(runner).SetTuner(tuner).SetStudy(storage, "sync").SetMaxStudyTrials(12);
        var firstTuner = new CountingTuner(new RandomSearchTuner(new SearchSpace { ["q"] = space }, 1));
        var secondTuner = new CountingTuner(new RandomSearchTuner(new SearchSpace { ["q"] = space }, 2));
        using var firstRunner = new SlowRunner();
        using var secondRunner = new SlowRunner();

        await Task.WhenAll(
            Task.Run(() => Experiment(first, firstTuner, firstRunner).RunAsync()),
            Task.Run(() => Experiment(second, secondTuner, secondRunner).RunAsync()));

        IReadOnlyList<TrialRecord> trials = await first.GetTrialsAsync((await first.GetStudyAsync("sync"))!.Id);
        Assert.Equal(12, trials.Count);
        Assert.True(firstRunner.Trials > 0 && secondRunner.Trials > 0, $"{firstRunner.Trials} and {secondRunner.Trials} trials");

        // Every Update is for a distinct trial, each tuner saw trials the other ran, and neither saw one twice.
        foreach (CountingTuner tuner in (CountingTuner[])[firstTuner, secondTuner])
        {
            List<int> updated = [.. tuner.Updates.Select(u => u.TrialSettings.TrialId)];
            Assert.Equal(updated.Count, updated.Distinct().Count());
            Assert.True(updated.Count > (tuner == firstTuner ? firstRunner.Trials : secondRunner.Trials), "the tuner saw only its own trials");
        }
    }

    [Fact]
    public async Task RunAsync_MaxStudyTrials_CountsEarlierRunsOfTheStudy()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "study.db"));
        var space = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1) };
        using var runner = new SlowRunner();
        await new HyperGradExperiment().AddSearchSpace("q", space).SetTrialRunner(runner).SetStudy(storage, "limit").SetMaxModelToExplore(3).RunAsync();
        await new HyperGradExperiment().AddSearchSpace("q", space).SetTrialRunner(runner).SetStudy(storage, "limit").SetMaxStudyTrials(5).RunAsync();

        Assert.Equal(5, (await storage.GetTrialsAsync((await storage.GetStudyAsync("limit"))!.Id)).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperGradExperiment().SetMaxStudyTrials(0));
    }

    private sealed class SlowRunner : ITrialRunner
    {
        private int trials;

        public int Trials => trials;

        public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref trials);
            await Task.Delay(15, cancellationToken);
            double x = settings.Parameter["q"]["x"].AsType<double>();
            return new TrialResult { TrialSettings = settings, Loss = (x - 0.3) * (x - 0.3) };
        }

        public void Dispose()
        {
        }
    }
}
