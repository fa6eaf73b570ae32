using System.Diagnostics;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>
/// The trials of dead workers: a worker of a <see cref="StudyWorkerProcesses"/> pool leaves them to its supervisor (which sweeps
/// before it starts any worker and fails a sibling's trial with the exit reason); a worker on its own interrupts them at open.
/// </summary>
/// <remarks>
/// Found by CI on a loaded machine (2026-12-04): a pool's second worker opened the study only after the first had aborted on its
/// trial 3, took that trial as interrupted and retried it, so the pool found no running trial to fail and started no replacement.
/// </remarks>
public sealed class SupervisedWorkersTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-supervised-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Open_SupervisedWorker_LeavesADeadWorkersRunningTrial_AWorkerOnItsOwnInterruptsAndRetriesIt()
    {
        string path = Path.Combine(directory, "study.db");
        (long studyId, int dead) = await StudyWithADeadWorkersRunningTrialAsync(path);

        RunWorker(path, studyTrials: 5, supervised: true);
        using (var storage = new SqliteStudyStorage(path))
        {
            IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(studyId);
            Assert.Equal(TrialState.Running, trials.Single(t => t.Number == dead).State);
            Assert.Equal(5, trials.Count);
            Assert.DoesNotContain(trials, t => t.RetryOf is not null);
        }

        RunWorker(path, studyTrials: 7, supervised: false);
        using (var storage = new SqliteStudyStorage(path))
        {
            IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(studyId);
            TrialRecord interrupted = trials.Single(t => t.Number == dead);
            Assert.Equal(TrialState.Interrupted, interrupted.State);
            Assert.Equal(StudySession.ProcessStoppedReason, interrupted.Error);
            Assert.Equal(TrialState.Complete, trials.Single(t => t.RetryOf == dead).State);
        }
    }

    [Fact]
    public async Task RunAsync_Pool_InterruptsADeadWorkersRunningTrialBeforeItStarts_AndAWorkerRetriesIt()
    {
        string path = Path.Combine(directory, "study.db");
        (long studyId, int dead) = await StudyWithADeadWorkersRunningTrialAsync(path);
        using var storage = new SqliteStudyStorage(path);
        var pool = new StudyWorkerProcesses(storage, "s", _ => StudyWorkerProcessesTests.WorkerStart("--storage", path, "--study", "s", "--max-study-trials", "6", "--sleep-ms", "5"));

        IReadOnlyList<WorkerExit> exits = await pool.RunAsync(2).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(exits, e => Assert.Equal(0, e.ExitCode));
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(studyId);
        Assert.Equal(TrialState.Interrupted, trials.Single(t => t.Number == dead).State);
        Assert.Equal(TrialState.Complete, trials.Single(t => t.RetryOf == dead).State);
        Assert.All(trials.Where(t => t.Number != dead), t => Assert.Equal(TrialState.Complete, t.State));
    }

    /// <summary>A study of the test worker with two complete trials and a third left running by a process that has exited.</summary>
    private static async Task<(long StudyId, int Dead)> StudyWithADeadWorkersRunningTrialAsync(string path)
    {
        RunWorker(path, studyTrials: 2, supervised: false);
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await exited.WaitForExitAsync();
        using var storage = new SqliteStudyStorage(path);
        long studyId = (await storage.GetStudyAsync("s"))!.Id;
        string parameters = (await storage.GetTrialsAsync(studyId))[0].ParametersJson;
        TrialCreation created = await storage.TryCreateTrialAsync(studyId, parameters, $"{Environment.MachineName}:{exited.Id}:0badc0de", maxTrials: null, acceptDuplicate: true);
        Assert.True(TrialWorkers.IsGone(created.Trial!.WorkerId!));
        return (studyId, created.Trial.Number);
    }

    /// <summary>Runs the test worker to its end on study "s" with a study-wide budget, as a pool's worker or on its own.</summary>
    private static void RunWorker(string path, int studyTrials, bool supervised)
    {
        ProcessStartInfo start = StudyWorkerProcessesTests.WorkerStart("--storage", path, "--study", "s", "--max-study-trials", studyTrials.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sleep-ms", "5");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment.Remove(TrialWorkers.SupervisedVariable);
        if (supervised)
        {
            start.Environment[TrialWorkers.SupervisedVariable] = "1";
        }

        using Process worker = Process.Start(start)!;
        Task<string> output = worker.StandardOutput.ReadToEndAsync();
        Task<string> errors = worker.StandardError.ReadToEndAsync();
        Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(2)), "the test worker did not finish in 2 minutes");
        Assert.True(worker.ExitCode == 0, $"exit {worker.ExitCode}: {output.Result}{errors.Result}");
    }
}
