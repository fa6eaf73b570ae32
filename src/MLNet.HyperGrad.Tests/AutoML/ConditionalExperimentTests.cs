using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>An experiment whose space is a choice of trainer, each with its own sub-space, as the CLI's multi-trainer mode builds it.</summary>
public sealed class ConditionalExperimentTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-conditional-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task RunAsync_GridOverTrainers_RunsEachTrainersGridOnceThenStops()
    {
        using var runner = new TrainerChoiceRunner();
        TrialResult best = await new HyperGradExperiment()
            .AddSearchSpace("pipeline", TrainerChoiceRunner.Space())
            .SetTrialRunner(runner)
            .SetSeed(3)
            .WithHyperGrad(o => o.Tuner = TunerKind.Grid)
            .SetMaxModelToExplore(100)
            .RunAsync();

        Parameter[] ran = [.. runner.Ran];

        // Trial 0 is the default (mlp, depth 2), a grid point; then the rest of the 4 + 3 + 1 points.
        Assert.Equal("""{"pipeline":{"mlp":{"depth":2},"trainer":"mlp"}}""", ran[0].ToString());
        Assert.Equal(8, ran.Length);
        Assert.Equal(8, ran.Select(p => p.ToString()).Distinct().Count());
        Assert.Equal([4, 3, 1], ran.GroupBy(p => p["pipeline"]["trainer"].AsType<string>()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count()));
        Assert.Equal(1.0 / 3, best.Loss, 12);
        Assert.Equal("lightgbm", best.TrialSettings.Parameter["pipeline"]["trainer"].AsType<string>());
    }

    [Fact]
    public async Task RunAsync_NewStudyWithAChoiceOfTrainers_StartsWithEveryTrainersDefaults()
    {
        using var runner = new TrainerChoiceRunner();
        var space = TrainerChoiceRunner.Space();
        await new HyperGradExperiment()
            .AddSearchSpace("pipeline", space)
            .SetTrialRunner(runner)
            .SetSeed(3)
            .WithHyperGrad(o => o.Tuner = TunerKind.Random)
            .SetMaxModelToExplore(5)
            .RunAsync();

        Parameter[] ran = [.. runner.Ran];

        // The default branch first, then the others in the branches' order, each at its own defaults; then the tuner.
        Assert.Equal(5, ran.Length);
        AssertEveryTrainersDefaultsFirst(space, ran);
    }

    [Fact]
    public async Task RunAsync_StudyAnotherProcessOpenedFirst_RunsTheStartPointsItLacksBeforeAnyProposal()
    {
        // Worker processes open one study together: the one that opens it second finds trial 0 (the first start point)
        // taken and must still run the other trainers' defaults before the tuner's proposals; a start point the study
        // has is never run again (the grid tuner proposes each of the 8 points once, so a rerun would show as a duplicate).
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "study.db"));
        using var runner = new TrainerChoiceRunner();
        var space = TrainerChoiceRunner.Space();
        Task<TrialResult> Run(int trials) => new HyperGradExperiment()
            .AddSearchSpace("pipeline", space).SetTrialRunner(runner).SetStudy(storage, "s").SetSeed(3).SetMaxModelToExplore(trials)
            .WithHyperGrad(o => o.Tuner = TunerKind.Grid).RunAsync();

        await Run(1);
        await Run(2);
        await Run(2);

        Parameter[] ran = [.. runner.Ran];
        Assert.Equal(5, ran.Length);
        AssertEveryTrainersDefaultsFirst(space, ran);

        Assert.Equal(5, ran.Select(p => p.ToString()).Distinct().Count());
    }

    [Fact]
    public void StartPoints_PlainSpace_IsTheDefaultAlone()
    {
        var space = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1, defaultValue: 0.25) };

        Parameter[] starts = [.. HyperGradExperiment.StartPoints(space)];

        Assert.Equal("""{"x":0.25}""", Assert.Single(starts).ToString());
    }

    [Fact]
    public async Task RunAsync_ResumedWithAnotherTrainerList_NamesTheSelectorsBranches()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "study.db"));
        using var runner = new TrainerChoiceRunner();
        Task<TrialResult> Run(ConditionalSearchSpace space, int trials) => new HyperGradExperiment()
            .AddSearchSpace("pipeline", space).SetTrialRunner(runner).SetStudy(storage, "s").SetMaxModelToExplore(trials).WithHyperGrad().RunAsync();

        await Run(TrainerChoiceRunner.Space("mlp", "sdca"), 3);
        await Run(TrainerChoiceRunner.Space("mlp", "sdca"), 2);
        Assert.Equal(5, (await storage.GetTrialsAsync((await storage.GetStudyAsync("s"))!.Id)).Count);

        StorageException ex = await Assert.ThrowsAsync<StorageException>(() => Run(TrainerChoiceRunner.Space(), 1));
        Assert.Contains("pipeline.trainer: branches mlp,sdca in the study, lightgbm,mlp,sdca in this run", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pipeline.lightgbm.num_leaves: in this run, not in the study", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The default branch first, then the others in the branches' order, each at its own defaults.</summary>
    private static void AssertEveryTrainersDefaultsFirst(ConditionalSearchSpace space, Parameter[] ran)
    {
        Assert.Equal(["mlp", "lightgbm", "sdca"], ran.Take(3).Select(p => p["pipeline"]["trainer"].AsType<string>()));
        foreach (Parameter start in ran.Take(3))
        {
            string trainer = start["pipeline"]["trainer"].AsType<string>();
            SearchSpace branch = space.Branches[trainer];
            Assert.Equal(branch.SampleFromFeatureSpace(branch.Default).ToString(), start["pipeline"][trainer].ToString());
        }
    }
}
