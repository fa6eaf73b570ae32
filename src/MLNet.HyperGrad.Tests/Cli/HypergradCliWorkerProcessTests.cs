using System.Diagnostics;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>The CLI's worker processes (--parallelism above 1, the default mode): they stop with the run that started them.</summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliWorkerProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-workers-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void FashionMnist_WorkerProcesses_TheBestTrialIsTrainedAgainForTheModelAndTheRunSaysWhy()
    {
        // Workers keep no model: the run that started them trains the best trial again, and says so without blaming an
        // interrupted earlier run (the message a fresh machine's quick start printed before).
        string output = Path.Combine(directory, "fashion");
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", "fashion-mnist", "--max-trials", "2", "--max-epochs", "1", "--parallelism", "2", "--tuner", "random", "-o", output);

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("again with its stored hyperparameters and seed for the saved model (worker processes keep no model)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("an earlier run was interrupted", run.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(output, "model")), run.Output);
    }

    [Fact]
    public async Task Classification_ParentKilledWithSigkillAlone_NoWorkerLeftAndTheStudyResumes()
    {
        string csv = SklearnCsv.Export("breast_cancer", directory);
        string output = Path.Combine(directory, "killed");
        string db = Path.Combine(output, "study.db");
        // 40 trials of up to 100 epochs take about 12 s on a quiet machine: long enough that the run is still going when the
        // first trial completes (12 trials of 12 epochs all finished within one 200 ms poll on a quiet machine, leaving no worker).
        string[] args = ["classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--train-time", "120", "--max-trials", "40", "--max-epochs", "100", "--parallelism", "2", "-o", output];
        IReadOnlyList<int> workers;
        List<TrialRecord> beforeKill;
        using (HypergradProcess first = HypergradProcess.Start(directory, args))
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                await Task.Delay(200);
                Assert.True(clock.Elapsed < Timeout, "no trial completed in time: " + first.Output + first.Errors);
                if (File.Exists(db) && (await CompletedTrials(db)).Count >= 1)
                {
                    break;
                }
            }

            workers = HypergradProcess.ChildrenOf(first.Id);
            Assert.True(workers.Count == 2, $"expected 2 worker processes, found {workers.Count}: " + first.Output + first.Errors);
            first.KillAlone();
            beforeKill = await CompletedTrials(db);
        }

        // The workers got no signal: they notice that their run is gone and stop by themselves, within seconds.
        var wait = Stopwatch.StartNew();
        while (workers.Any(HypergradProcess.IsRunning) && wait.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.True(!workers.Any(HypergradProcess.IsRunning), $"worker processes still running {wait.Elapsed.TotalSeconds:F1} s after their run was killed: {string.Join(", ", workers.Where(HypergradProcess.IsRunning))}");

        using HypergradProcess second = HypergradProcess.Run(directory, Timeout, args);
        Assert.True(second.ExitCode == 0, second.Output + second.Errors);
        Assert.Contains("resuming", second.Output, StringComparison.Ordinal);
        using var storage = new SqliteStudyStorage(db);
        StudyRecord study = (await storage.ListStudiesAsync()).Single();
        IReadOnlyList<TrialRecord> all = await storage.GetTrialsAsync(study.Id);
        foreach (TrialRecord kept in beforeKill)
        {
            TrialRecord now = all.Single(t => t.Number == kept.Number);
            Assert.Equal(kept.ParametersJson, now.ParametersJson);
            Assert.Equal(kept.Loss, now.Loss);
        }

        // The study-wide --max-trials is exact: the storage counts the study's trials and creates the next one in one transaction.
        Assert.Equal(40, all.Count(t => t.State == TrialState.Complete));
        Assert.DoesNotContain(all, t => t.State is TrialState.Failed or TrialState.Running);
        Assert.All(all.Where(t => t.State == TrialState.Interrupted), t => Assert.Equal("the process running it stopped before it finished", t.Error));
        Assert.All(all.Where(t => t.State == TrialState.Interrupted), t => Assert.Single(all, r => r.RetryOf == t.Number));
    }

    private static async Task<List<TrialRecord>> CompletedTrials(string db)
    {
        using var storage = new SqliteStudyStorage(db);
        IReadOnlyList<StudyRecord> studies = await storage.ListStudiesAsync();
        return studies.Count == 0 ? [] : [.. (await storage.GetTrialsAsync(studies[0].Id)).Where(t => t.State == TrialState.Complete)];
    }
}
