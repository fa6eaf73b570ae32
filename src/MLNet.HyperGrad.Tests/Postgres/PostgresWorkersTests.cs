using System.Diagnostics;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Postgres;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.AutoML;
using Npgsql;

namespace MLNet.HyperGrad.Tests.Postgres;

/// <summary>Worker processes (src/MLNet.HyperGrad.TestWorker) sharing one PostgreSQL study.</summary>
public sealed class PostgresWorkersTests : IDisposable
{
    private readonly string schema = PostgresTestServer.NewSchema();
    private readonly string connectionString = PostgresTestServer.ConnectionString;

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        PostgresTestServer.DropSchema(schema);
    }

    private PostgresStudyStorage Open() => new(connectionString, new PostgresStudyStorageOptions { Schema = schema });

    [Fact]
    public async Task FourWorkers_FiftyTrials_NoTrialLostNoneDuplicated()
    {
        using PostgresStudyStorage storage = Open();
        var pool = new StudyWorkerProcesses(
            storage,
            "many",
            _ => StudyWorkerProcessesTests.WorkerStart("--storage", connectionString, "--schema", schema, "--study", "many", "--max-study-trials", "50", "--sleep-ms", "20"));

        IReadOnlyList<WorkerExit> exits = await pool.RunAsync(4).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.All(exits, e => Assert.Equal(0, e.ExitCode));
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync((await storage.GetStudyAsync("many"))!.Id);
        Assert.Equal(50, trials.Count);
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(trials.Count, trials.Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count());
        Assert.True(trials.Select(t => t.WorkerId).Distinct().Count() >= 2, "one worker ran every trial");
    }

    [Fact]
    public async Task WorkerKilledMidTrial_ItsTrialIsRequeuedAndRunByAnother()
    {
        using PostgresStudyStorage storage = Open();
        Process Start(string hangOn) => Process.Start(StudyWorkerProcessesTests.WorkerStart(
            "--storage", connectionString, "--schema", schema, "--study", "killed", "--max-study-trials", "30", "--sleep-ms", "150",
            "--hang-on", hangOn, "--heartbeat-ms", "200", "--stale-ms", "1500"))!;
        using Process doomed = Start("2");
        long studyId = 0;
        for (int i = 0; i < 600 && (studyId == 0 || await storage.GetTrialAsync(studyId, 2) is not { State: TrialState.Running }); i++)
        {
            await Task.Delay(100);
            studyId = (await storage.GetStudyAsync("killed"))?.Id ?? 0;
        }

        using Process survivor = Start("-1");
        await Task.Delay(300);
        doomed.Kill();
        await doomed.WaitForExitAsync();
        Assert.True(await survivor.WaitForExitAsync(TimeSpan.FromMinutes(2)), "the surviving worker did not finish");

        Assert.Equal(0, survivor.ExitCode);
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(studyId);
        TrialRecord killed = trials.Single(t => t.Number == 2);
        Assert.Equal(TrialState.Interrupted, killed.State);
        // Re-queued by its stale heartbeat, or, when the survivor opened the study after the kill, by the same-host check that its process is gone.
        Assert.Contains(killed.Error, (string[])[PostgresStudyStorage.StaleHeartbeatReason, "the process running it stopped before it finished"]);
        TrialRecord retry = trials.Single(t => t.RetryOf == 2);
        Assert.Equal(TrialState.Complete, retry.State);
        Assert.Equal(killed.ParametersJson, retry.ParametersJson);
        Assert.NotEqual(killed.WorkerId, retry.WorkerId);
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
    }
}

internal static class ProcessExtensions
{
    public static async Task<bool> WaitForExitAsync(this Process process, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return false;
        }
    }
}
