using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>A study records what it is about (data fingerprint, task, label, metric) and refuses a resume that changes it.</summary>
public sealed class StudyIdentityTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-identity-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static Dictionary<string, string> Identity(string task = "classification", string hash = "ab12") =>
        new() { ["task"] = task, ["metric"] = "accuracy", ["data SHA-256"] = hash };

    private static Task<TrialResult> Run(IStudyStorage storage, BraninRunner runner, IReadOnlyDictionary<string, string>? identity) =>
        (identity is null ? Experiment(storage, runner) : Experiment(storage, runner).SetStudyIdentity(identity)).RunAsync();

    private static HyperGradExperiment Experiment(IStudyStorage storage, BraninRunner runner) =>
        new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).WithHyperGrad().SetStudy(storage, "s").SetMaxModelToExplore(2);

    [Fact]
    public async Task RunAsync_ResumedWithAnotherTaskAndData_ThrowsNamingEachChangeAndRunsNoTrial()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "a.db"));
        using var runner = new BraninRunner();
        await Run(storage, runner, Identity());

        var ex = await Assert.ThrowsAsync<StudyIdentityMismatchException>(() => Run(storage, runner, Identity("regression", "cd34")));

        Assert.Equal(
            [new StudyIdentityDifference("task", "classification", "regression"), new StudyIdentityDifference("data SHA-256", "ab12", "cd34")],
            ex.Differences);
        Assert.Contains("task was classification, this run's is regression", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await storage.GetTrialsAsync((await storage.GetStudyAsync("s"))!.Id)).Count);
    }

    [Fact]
    public async Task RunAsync_ResumedWithTheSameIdentity_Resumes()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "b.db"));
        using var runner = new BraninRunner();
        await Run(storage, runner, Identity());
        await Run(storage, runner, Identity());

        Assert.Equal(4, (await storage.GetTrialsAsync((await storage.GetStudyAsync("s"))!.Id)).Count);
    }

    [Fact]
    public async Task RunAsync_StudyCreatedWithoutIdentity_RecordsItOnTheNextRunThenChecksIt()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "c.db"));
        using var runner = new BraninRunner();
        await Run(storage, runner, null);
        await Run(storage, runner, Identity());

        StudyRecord study = (await storage.GetStudyAsync("s"))!;
        Assert.Equal("classification", study.Attributes[StudyIdentity.AttributePrefix + "task"]);
        await Assert.ThrowsAsync<StudyIdentityMismatchException>(() => Run(storage, runner, Identity(hash: "ef56")));
    }
}
