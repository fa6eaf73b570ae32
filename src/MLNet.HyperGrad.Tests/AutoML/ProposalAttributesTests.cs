using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>What the experiment stores about each proposal: its time for any tuner, and the Gaussian-process tuner's source and acquisition.</summary>
public sealed class ProposalAttributesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-proposal-attributes-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static GaussianProcessTuner HedgeTuner(ExperimentContext context) =>
        new(context.SearchSpace, context.Seed, new GaussianProcessTunerOptions { Acquisition = AcquisitionKind.Hedge, StartupTrials = 3 });

    private static HyperGradExperiment Experiment(ITrialRunner runner, IStudyStorage storage, Func<ExperimentContext, ITuner>? tuner = null)
    {
        HyperGradExperiment experiment = new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).SetSeed(5).SetStudy(storage, "branin");
        return tuner is null ? experiment.WithHyperGrad() : experiment.SetTuner(tuner);
    }

    private static async Task<IReadOnlyList<TrialRecord>> Trials(SqliteStudyStorage storage) =>
        await storage.GetTrialsAsync((await storage.GetStudyAsync("branin"))!.Id);

    [Fact]
    public async Task RunAsync_GaussianProcessTuner_StoresProposalTimeSourceAndAcquisitionOfEveryProposedTrial()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "gp.db"));
        using var runner = new BraninRunner();

        await Experiment(runner, storage, HedgeTuner).SetMaxModelToExplore(9).RunAsync();

        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Equal(9, trials.Count);
        Assert.Empty(trials[0].Attributes); // the study's start point, at the space's defaults: not proposed
        Assert.All(trials.Skip(1), t => Assert.InRange(t.Attributes[HyperGradExperiment.ProposalTimeAttribute], 0, 60_000));

        // Trial 0 and two Sobol points make the three startup trials; the model proposes from trial 3 on.
        Assert.Equal([GaussianProcessTuner.SourceSobol, GaussianProcessTuner.SourceSobol], trials.Skip(1).Take(2).Select(t => t.Attributes[GaussianProcessTuner.SourceAttribute]));
        Assert.All(trials.Take(3), t => Assert.False(t.Attributes.ContainsKey(GaussianProcessTuner.AcquisitionAttribute)));
        TrialRecord[] modelled = [.. trials.Skip(3)];
        Assert.All(modelled, t => Assert.Contains(t.Attributes[GaussianProcessTuner.SourceAttribute], new[] { GaussianProcessTuner.SourceModel, GaussianProcessTuner.SourceFallback }));
        Assert.Contains(modelled, t => t.Attributes[GaussianProcessTuner.SourceAttribute] == GaussianProcessTuner.SourceModel);
        Assert.All(
            modelled.Where(t => t.Attributes[GaussianProcessTuner.SourceAttribute] == GaussianProcessTuner.SourceModel),
            t => Assert.Contains(GaussianProcessTuner.AcquisitionNames[(int)t.Attributes[GaussianProcessTuner.AcquisitionAttribute]], new[] { "log-ei", "log-pi", "ucb" }));

        // A model proposal fits a GP and optimizes three acquisitions: it takes measurably longer than a Sobol point.
        Assert.True(modelled.Max(t => t.Attributes[HyperGradExperiment.ProposalTimeAttribute]) > trials[1].Attributes[HyperGradExperiment.ProposalTimeAttribute]);
    }

    [Fact]
    public async Task RunAsync_RandomSearch_StoresOnlyTheProposalTime()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "random.db"));
        using var runner = new BraninRunner();

        await Experiment(runner, storage).SetMaxModelToExplore(4).RunAsync();

        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Empty(trials[0].Attributes);
        Assert.All(trials.Skip(1), t => Assert.Equal([HyperGradExperiment.ProposalTimeAttribute], t.Attributes.Keys));
        Assert.All(trials.Skip(1), t => Assert.InRange(t.Attributes[HyperGradExperiment.ProposalTimeAttribute], 0, 60_000));
    }

    [Fact]
    public async Task RunAsync_ParallelTrialsAndAResumedStudy_EachProposedTrialKeepsItsOwnAttributes()
    {
        string path = Path.Combine(directory, "parallel.db");
        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner { Delay = TimeSpan.FromMilliseconds(20) })
        {
            await Experiment(runner, storage, HedgeTuner).SetParallelism(3).SetMaxModelToExplore(7).RunAsync();
            Assert.True(runner.MaxConcurrency > 1);
        }

        using (var storage = new SqliteStudyStorage(path))
        using (var runner = new BraninRunner())
        {
            await Experiment(runner, storage, HedgeTuner).SetMaxModelToExplore(3).RunAsync();
            IReadOnlyList<TrialRecord> trials = await Trials(storage);
            Assert.Equal(10, trials.Count);
            Assert.All(trials.Skip(1), t => Assert.True(t.Attributes.ContainsKey(HyperGradExperiment.ProposalTimeAttribute), $"trial {t.Number} lacks proposal_ms"));
            Assert.All(trials.Skip(1), t => Assert.True(t.Attributes.ContainsKey(GaussianProcessTuner.SourceAttribute), $"trial {t.Number} lacks gp.source"));

            // The resumed run replays seven trials (three complete startup trials): its proposals all come from the model.
            Assert.All(trials.Skip(7), t => Assert.NotEqual(GaussianProcessTuner.SourceSobol, t.Attributes[GaussianProcessTuner.SourceAttribute]));
        }
    }

    [Fact]
    public async Task RunAsync_RunnerReturnsAPrunedResult_StudyStoresTheProposalAttributesWithThePrunedTrial()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "pruned.db"));
        using var runner = new PruningRunner();

        await Experiment(runner, storage, HedgeTuner).SetMaxModelToExplore(3).RunAsync();

        IReadOnlyList<TrialRecord> trials = await Trials(storage);
        Assert.Equal(TrialState.Pruned, trials[2].State);
        Assert.Equal([GaussianProcessTuner.SourceAttribute, HyperGradExperiment.ProposalTimeAttribute, "runner_value"], trials[2].Attributes.Keys);
        Assert.Equal(7.0, trials[2].Attributes["runner_value"]);
    }

    [Fact]
    public void ProposalAttributes_UnknownOrAlreadyTakenTrial_IsEmpty()
    {
        var tuner = new GaussianProcessTuner(BraninRunner.Space(), 1);
        tuner.Propose(new TrialSettings { TrialId = 4 });

        Assert.Empty(tuner.ProposalAttributes(3));
        Assert.Equal(GaussianProcessTuner.SourceSobol, tuner.ProposalAttributes(4)[GaussianProcessTuner.SourceAttribute]);
        Assert.Empty(tuner.ProposalAttributes(4));
    }

    /// <summary>Completes every trial but the third, which it returns pruned with a runner attribute.</summary>
    private sealed class PruningRunner : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) => Task.FromResult(new TrialResult
        {
            TrialSettings = settings,
            State = settings.TrialId == 2 ? TrialState.Pruned : TrialState.Complete,
            Loss = settings.TrialId,
            Metric = settings.TrialId,
            Attributes = settings.TrialId == 2 ? new Dictionary<string, double> { ["runner_value"] = 7.0 } : TrialAttributes.Empty,
        });

        public void Dispose()
        {
        }
    }
}
