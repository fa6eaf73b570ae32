using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

public sealed class TransferHistoryTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly SqliteStudyStorage storage;

    public TransferHistoryTests() => storage = new SqliteStudyStorage(directory.File("history.db"));

    public void Dispose()
    {
        storage.Dispose();
        directory.Dispose();
    }

    /// <summary>A mixed space: a log-scaled continuous option, an integer and a choice.</summary>
    private static SearchSpace Space(double maxRate = 1.0) => new()
    {
        ["rate"] = new UniformDoubleOption(1e-4, maxRate, logBase: true),
        ["layers"] = new UniformIntOption(1, 4),
        ["activation"] = new ChoiceOption("relu", "tanh", "gelu"),
    };

    /// <summary>Stores a study of <paramref name="space"/> whose trial i sits at u = (i+0.5)/n (1 - u in every other slot) and scores loss 10 + i.</summary>
    private async Task<StudyRecord> StoreAsync(string name, SearchSpace space, int complete, int pruned = 0, int failed = 0, IReadOnlyDictionary<string, string>? attributes = null)
    {
        StudyRecord study = await storage.CreateStudyAsync(name, "test", SearchSpaceDescription.ToJson(space), StudyDirection.Minimize, attributes);
        int total = complete + pruned + failed;
        for (int i = 0; i < total; i++)
        {
            double u = (i + 0.5) / total;
            Parameter parameter = space.SampleFromFeatureSpace([.. Enumerable.Range(0, space.FeatureSpaceDim).Select(j => j % 2 == 0 ? u : 1 - u)]);
            TrialRecord trial = await storage.CreateTrialAsync(study.Id, parameter.ToString());
            if (i < complete)
            {
                await storage.CompleteTrialAsync(study.Id, trial.Number, 10 + i, -(10 + i), 5);
            }
            else if (i < complete + pruned)
            {
                await storage.PruneTrialAsync(study.Id, trial.Number, 1.0, -1.0, 5, "pruned");
            }
            else
            {
                await storage.FailTrialAsync(study.Id, trial.Number, "boom", 5);
            }
        }

        return study;
    }

    [Fact]
    public async Task ReadAsync_SameSpace_OneTaskPerStudyFromCompleteTrialsEncodedAsTheGpTunerEncodes()
    {
        SearchSpace space = Space();
        await StoreAsync("earlier-a", space, complete: 6, pruned: 2, failed: 1);
        await StoreAsync("earlier-b", space, complete: 5, attributes: DataMetaFeatures.ToAttributes(new Dictionary<string, double> { ["rows"] = 150, ["classes"] = 3 }));
        await StoreAsync("other", space, complete: 5);

        TransferHistory history = await TransferHistory.ReadAsync(storage, space, StudyFilter.NamePrefix("earlier-"));

        Assert.Equal(["earlier-a", "earlier-b"], history.Tasks.Select(t => t.Name));
        Assert.Equal(["earlier-a", "earlier-b"], history.Sources.Select(s => s.Name));
        Assert.Empty(history.Rejected);
        TransferTask a = history.Tasks[0];
        Assert.Equal([10.0, 11, 12, 13, 14, 15], a.Losses);
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(history.Sources[0].Id);
        for (int i = 0; i < 6; i++)
        {
            // The GP tuner's canonical encoding: the point the space evaluates for the stored parameters.
            double[] expected = space.MappingToFeatureSpace(space.SampleFromFeatureSpace(space.MappingToFeatureSpace(Parameter.FromJson(trials[i].ParametersJson))));
            Assert.Equal(expected, a.Inputs[i]);
        }

        Assert.Null(a.MetaFeatures);
        Assert.Equal(new Dictionary<string, double> { ["rows"] = 150, ["classes"] = 3 }, history.Tasks[1].MetaFeatures);
    }

    [Fact]
    public async Task ReadAsync_StudyOfAnotherSpace_RejectedNamingTheOption()
    {
        SearchSpace space = Space();
        SearchSpace other = Space();
        other["dropout"] = new UniformDoubleOption(0, 0.5);
        await StoreAsync("same", space, complete: 5);
        await StoreAsync("wider", other, complete: 5);

        TransferHistory history = await TransferHistory.ReadAsync(storage, space, StudyFilter.All);

        Assert.Equal(["same"], history.Tasks.Select(t => t.Name));
        RejectedStudy rejected = Assert.Single(history.Rejected);
        Assert.Equal("wider", rejected.Name);
        Assert.Contains("another search space", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("dropout", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TooFewCompleteTrials_RejectedWithWhatWasSkipped()
    {
        SearchSpace space = Space();
        await StoreAsync("enough", space, complete: 5);
        await StoreAsync("few", space, complete: 3, pruned: 2, failed: 1);

        TransferHistory history = await TransferHistory.ReadAsync(storage, space, StudyFilter.All);

        RejectedStudy rejected = Assert.Single(history.Rejected);
        Assert.Equal("few: 3 usable complete trial(s) of 6, at least 5 needed; skipped 2 pruned, 1 failed", rejected.ToString());
    }

    [Fact]
    public async Task ReadAsync_NarrowerRange_UsesTheStudyWithoutTrialsOutsideThisRunsRange()
    {
        await StoreAsync("wide", Space(maxRate: 1.0), complete: 8);
        SearchSpace narrow = Space(maxRate: 0.01);

        TransferHistory history = await TransferHistory.ReadAsync(storage, narrow, StudyFilter.All, new TransferHistoryOptions { MinCompleteTrials = 2 });
        TransferTask task = Assert.Single(history.Tasks);

        // Rates are 1e-4 * 10^(4u) at u = (i + 0.5) / 8: up to 0.01 (u <= 0.5) for i = 0..3 only.
        Assert.Equal([10.0, 11, 12, 13], task.Losses);
        Assert.All(task.Inputs, x => Assert.All(x, v => Assert.InRange(v, 0.0, 1.0)));

        var strict = await Assert.ThrowsAsync<TransferHistoryException>(() => TransferHistory.ReadAsync(storage, narrow, StudyFilter.All, new TransferHistoryOptions { AllowRangeDifferences = false }));
        Assert.Contains("wide: another search space (rate: max 1 in the study, 0.01 in this run)", strict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ExcludedStudy_RejectedAsTheStudyBeingTuned()
    {
        SearchSpace space = Space();
        await StoreAsync("a", space, complete: 5);
        await StoreAsync("b", space, complete: 5);

        TransferHistory history = await TransferHistory.ReadAsync(storage, space, StudyFilter.All, new TransferHistoryOptions { ExcludeStudy = "b" });

        Assert.Equal(["a"], history.Tasks.Select(t => t.Name));
        Assert.Equal("b: it is the study being tuned", Assert.Single(history.Rejected).ToString());
    }

    [Fact]
    public async Task ReadAsync_NoStudyMatches_ThrowsNamingTheFilterAndTheStoredStudies()
    {
        await StoreAsync("iris", Space(), complete: 5);

        var error = await Assert.ThrowsAsync<TransferHistoryException>(() => TransferHistory.ReadAsync(storage, Space(), StudyFilter.Parse("wine-*")));

        Assert.Equal("No earlier study matches studies named wine-*: the storage holds iris.", error.Message);
        Assert.Empty(error.Rejected);
    }

    [Fact]
    public async Task ReadAsync_EveryMatchRejected_ThrowsWithEachStudyAndItsReason()
    {
        SearchSpace space = Space();
        SearchSpace other = new() { ["x"] = new UniformDoubleOption(0, 1) };
        await StoreAsync("few", space, complete: 2);
        await storage.CreateStudyAsync("other", "test", SearchSpaceDescription.ToJson(other), StudyDirection.Minimize);

        var error = await Assert.ThrowsAsync<TransferHistoryException>(() => TransferHistory.ReadAsync(storage, space, StudyFilter.All));

        Assert.StartsWith("No earlier study can form a transfer prior: of the studies matching every study, few: 2 usable complete trial(s) of 2, at least 5 needed; other: another search space (", error.Message, StringComparison.Ordinal);
        Assert.Equal(["few", "other"], error.Rejected.Select(r => r.Name));
    }

    [Fact]
    public async Task ReadAsync_BadOptions_ThrowsArgumentException()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TransferHistory.ReadAsync(storage, Space(), StudyFilter.All, new TransferHistoryOptions { MinCompleteTrials = 1 }));

        Assert.Contains("MinCompleteTrials must be at least 2, got 1", error.Message, StringComparison.Ordinal);
    }
}
