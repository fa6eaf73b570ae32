using System.Diagnostics;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class HypergradCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Classification_UnseenCsv_WritesModelTrialsReportAndTop5Table()
    {
        string csv = SklearnCsv.Export("breast_cancer", directory);
        string output = Path.Combine(directory, "out");
        var clock = Stopwatch.StartNew();
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--train-time", "60", "--max-trials", "5", "--max-epochs", "4", "-o", output);
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.True(clock.Elapsed.TotalSeconds < 60 + 30, $"took {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Contains("top 5 models", run.Output, StringComparison.Ordinal);
        Assert.Contains("trainers mlp;", run.Output, StringComparison.Ordinal);
        Assert.Contains("ML.NET featurization", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "model.zip")));
        Assert.False(Directory.Exists(Path.Combine(output, "model")), "a CSV run writes model.zip, not the tensor path's model/");
        Assert.True(File.Exists(Path.Combine(output, "hypergrad.config.json")));
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
        string[] csvLines = File.ReadAllLines(Path.Combine(output, "trials.csv"));
        Assert.Equal(6, csvLines.Length);
        Assert.StartsWith("number,state,loss,metric", csvLines[0], StringComparison.Ordinal);
        string html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classification_TrainTime_IsRespectedAndTrialsItStoppedAreNotCalledFailed()
    {
        // Random search, as before gp became the default: the subject is the time budget, and gp's proposals reach the
        // learning-rate and momentum bounds where the MLP can diverge (a failed trial, which this test must not see).
        // The default parallelism on a CSV starts four worker processes per core (2 to 8); 20 s leaves them time to finish a trial on a loaded
        // machine (12 s did not at a load average of 30 on 2 cores: the 8 processes finished no trial, and the run rightly exited with an error).
        string csv = SklearnCsv.Export("breast_cancer", directory);
        var clock = Stopwatch.StartNew();
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--train-time", "20", "--max-epochs", "20", "--tuner", "random", "-o", Path.Combine(directory, "timed"));
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.True(clock.Elapsed.TotalSeconds < 20 + 20, $"took {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Contains($"{Math.Clamp(4 * Environment.ProcessorCount, 2, 8)} worker processes on study", run.Output, StringComparison.Ordinal);
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "timed", "study.db"));
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync((await storage.ListStudiesAsync()).Single().Id);
        int stopped = trials.Count(t => t.State == TrialState.Interrupted);
        Assert.True(stopped > 0, "no trial was running when the budget ran out: " + run.Output);
        Assert.DoesNotContain(trials, t => t.State == TrialState.Failed);
        Assert.All(trials.Where(t => t.State == TrialState.Interrupted), t => Assert.Equal("the time budget ran out", t.Error));
        Assert.Contains($"{trials.Count(t => t.State == TrialState.Complete)} complete, {stopped} stopped by the time budget", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_Diabetes_ReportsRSquared()
    {
        string csv = SklearnCsv.Export("diabetes", directory);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "regression", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "3", "--max-epochs", "5", "-o", Path.Combine(directory, "reg"));
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("metric r2", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory, "reg", "model.zip")));
    }

    [Fact]
    public async Task Classification_KilledMidStudyThenRerun_ResumesKeepingEveryCompletedTrial()
    {
        string csv = SklearnCsv.Export("breast_cancer", directory);
        string output = Path.Combine(directory, "resume");
        string[] args = ["classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--train-time", "120", "--max-trials", "8", "--max-epochs", "12", "-o", output];
        string db = Path.Combine(output, "study.db");
        List<TrialRecord> beforeKill;
        using (HypergradProcess first = HypergradProcess.Start(directory, args))
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                await Task.Delay(200);
                Assert.True(clock.Elapsed < Timeout, "no trial completed in time: " + first.Output + first.Errors);
                if (File.Exists(db) && (await CompletedTrials(db)).Count >= 3)
                {
                    break;
                }
            }

            first.Kill();
            beforeKill = await CompletedTrials(db);
        }

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

        // Exact with worker processes too (the default with --parallelism 2): the storage counts the study's trials and creates
        // the next one in one transaction, so two workers at the limit never both start a trial.
        Assert.Equal(8, all.Count(t => t.State == TrialState.Complete));
        Assert.DoesNotContain(all, t => t.State == TrialState.Failed);
        Assert.All(all.Where(t => t.State == TrialState.Interrupted), t => Assert.Equal("the process running it stopped before it finished", t.Error));
        Assert.All(all.Where(t => t.State == TrialState.Interrupted), t => Assert.Single(all, r => r.RetryOf == t.Number));
    }

    [Fact]
    public async Task Classification_ModelZipLost_RerunRestoresTheBestTrialsModel()
    {
        string csv = SklearnCsv.Export("breast_cancer", directory);
        string output = Path.Combine(directory, "restore");
        string[] args = ["classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "3", "--max-epochs", "3", "-o", output];
        string modelZip = Path.Combine(output, "model.zip");
        string bestLine;
        using (HypergradProcess first = HypergradProcess.Run(directory, Timeout, args))
        {
            Assert.True(first.ExitCode == 0, first.Output + first.Errors);
            bestLine = first.Output.Split('\n').Single(l => l.StartsWith("fitting the best trial", StringComparison.Ordinal));
        }

        Assert.True(File.Exists(modelZip));
        File.Delete(modelZip);
        using HypergradProcess second = HypergradProcess.Run(directory, Timeout, args);
        Assert.True(second.ExitCode == 0, second.Output + second.Errors);
        Assert.Contains("writing the outputs only", second.Output, StringComparison.Ordinal);
        Assert.Contains(bestLine, second.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(modelZip));
        using var storage = new SqliteStudyStorage(Path.Combine(output, "study.db"));
        StudyRecord study = (await storage.ListStudiesAsync()).Single();
        Assert.Equal(3, (await storage.GetTrialsAsync(study.Id)).Count);
    }

    [Fact]
    public async Task Classification_CtrlC_RecordsInterruptedTrialsWritesTheReportAndExits130()
    {
        string csv = SklearnCsv.Export("breast_cancer", directory);
        string output = Path.Combine(directory, "interrupted");
        string db = Path.Combine(output, "study.db");
        using HypergradProcess run = HypergradProcess.Start(directory,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--train-time", "120", "--max-epochs", "20", "-o", output);
        var clock = Stopwatch.StartNew();
        while ((await CompletedTrials(db)).Count < 2)
        {
            Assert.True(clock.Elapsed < Timeout, "no trial completed in time: " + run.Output + run.Errors);
            await Task.Delay(200);
        }

        run.Interrupt();
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(60)), "hypergrad did not stop after SIGINT: " + run.Output + run.Errors);
        Assert.Equal(130, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "report.html")), run.Output + run.Errors);
        Assert.True(File.Exists(Path.Combine(output, "trials.csv")));
        // A cancelled run fits no model.zip (fitting the best pipeline could take long after Ctrl+C); the rerun does.
        Assert.False(File.Exists(Path.Combine(output, "model.zip")));
        using var storage = new SqliteStudyStorage(db);
        StudyRecord study = (await storage.ListStudiesAsync()).Single();
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
        Assert.DoesNotContain(trials, t => t.State == TrialState.Failed);
        Assert.All(trials.Where(t => t.State == TrialState.Interrupted), t => Assert.Equal("cancelled by the caller", t.Error));
        Assert.Contains("rerun the same command to resume study", run.Output, StringComparison.Ordinal);
        int interrupted = trials.Count(t => t.State == TrialState.Interrupted);
        Assert.True(interrupted == 0 || run.Output.Contains($"{interrupted} interrupted by Ctrl+C", StringComparison.Ordinal), run.Output);
    }

    [Fact]
    public void Classification_MissingLabelColumn_OneClearLineNoStackTrace()
    {
        string csv = SklearnCsv.Export("wine", directory);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", csv, "--label-col", "species", "--trainers", "mlp", "-o", Path.Combine(directory, "bad"));
        Assert.Equal(2, run.ExitCode);
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.Contains("wine.csv", error, StringComparison.Ordinal);
        Assert.Contains("species", error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_NonNumericLabel_NamesFileLineColumnAndValue()
    {
        string path = Path.Combine(directory, "bad.csv");
        File.WriteAllText(path, "a,b,price\n1,2,3.5\n4,5,cheap\n6,7,8\n");
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "regression", "--dataset", path, "--label-col", "price", "--trainers", "mlp", "-o", Path.Combine(directory, "bad"));
        Assert.Equal(2, run.ExitCode);
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.Contains("bad.csv line 3", error, StringComparison.Ordinal);
        Assert.Contains("cheap", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classification", "--dataset", "x.csv", "--bogus")]
    [InlineData("classification", "--dataset", "x.csv", "--train-time", "soon")]
    [InlineData("classification", "--dataset", "x.csv", "--label-col", "y", "--parallelism", "0")]
    [InlineData("classification", "--label-col", "y")]
    [InlineData("classification", "--dataset", "does-not-exist.csv", "--label-col", "y")]
    public void BadFlags_OneClearLineAndExitCode2(params string[] args)
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, args);
        Assert.Equal(2, run.ExitCode);
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.StartsWith("hypergrad:", error, StringComparison.Ordinal);
    }

    private static async Task<List<TrialRecord>> CompletedTrials(string db)
    {
        using var storage = new SqliteStudyStorage(db);
        IReadOnlyList<StudyRecord> studies = await storage.ListStudiesAsync();
        if (studies.Count == 0)
        {
            return [];
        }

        return (await storage.GetTrialsAsync(studies[0].Id)).Where(t => t.State == TrialState.Complete).ToList();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "hypergrad CLI processes";
}
