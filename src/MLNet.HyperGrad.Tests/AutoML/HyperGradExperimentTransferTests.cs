using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Transfer;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>The user's own history as the prior: earlier studies of an ML.NET trainer's space on real tables, then <c>WithHyperGrad(o =&gt; o.TransferFrom(...))</c>.</summary>
public sealed class HyperGradExperimentTransferTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly SqliteStudyStorage storage;

    public HyperGradExperimentTransferTests() => storage = new SqliteStudyStorage(directory.File("history.db"));

    public void Dispose()
    {
        storage.Dispose();
        directory.Dispose();
    }

    /// <summary>Few pre-training steps: this test checks the plumbing, not the prior's quality (the bench does that).</summary>
    private static readonly GpPriorPretrainingOptions QuickPretraining = new() { Steps = 40, Seed = 5 };

    /// <summary>Tunes SDCA (multiclass, through ML.NET's featurization as the CLI does) on a scikit-learn table, stored as <paramref name="study"/>.</summary>
    private async Task<TrialResult> TuneAsync(string study, string dataset, int trials, Action<HyperGradOptions> configure, IReadOnlyDictionary<string, double>? studyMetaFeatures = null)
    {
        CsvDataViewSplit data = CsvDataViewReader.ReadSplit(SklearnDataView.Csv(dataset), new CsvReadOptions { LabelColumn = "target" }, 0.2, seed: 1);
        TabularSchema schema = data.Schema;
        IEstimator<ITransformer> Pipeline(MLContext ml, Parameter parameter) =>
            TabularFeaturizer.Create(ml, schema).Append(TunableTrainers.Sdca.CreateEstimator(ml, PredictionTask.MulticlassClassification, parameter["sdca"]));
        using var runner = new PipelineTrialRunner(data.Train, Pipeline, new PipelineTrialRunnerOptions { Task = PredictionTask.MulticlassClassification, ValidationData = data.Validation });
        return await new HyperGradExperiment()
            .AddSearchSpace("sdca", TunableTrainers.Sdca.CreateSearchSpace())
            .SetTrialRunner(runner)
            .SetStudy(storage, study)
            .SetStudyMetaFeatures(studyMetaFeatures ?? DataMetaFeatures.Of(schema, data.Train, data.Validation!))
            .SetSeed(5)
            .SetMaxModelToExplore(trials)
            .WithHyperGrad(configure)
            .RunAsync();
    }

    private async Task<(StudyRecord Study, IReadOnlyList<TrialRecord> Trials)> ReadAsync(string name)
    {
        StudyRecord study = (await storage.GetStudyAsync(name))!;
        return (study, await storage.GetTrialsAsync(study.Id));
    }

    [Fact]
    public async Task WithHyperGrad_TransferFromEarlierStudies_PriorBuiltFromThemAndTheNewStudyRecordsWhichAndTheirFit()
    {
        await TuneAsync("earlier-iris", "iris", 6, o => o.Tuner = TunerKind.Random);
        await TuneAsync("earlier-breast_cancer", "breast_cancer", 6, o => o.Tuner = TunerKind.Random);
        await TuneAsync("unrelated-wine", "wine", 5, o => o.Tuner = TunerKind.Random);

        void Transfer(HyperGradOptions o)
        {
            o.TransferFrom(storage, StudyFilter.NamePrefix("earlier-"));
            o.Pretraining = QuickPretraining;
        }

        await TuneAsync("new-wine-a", "wine", 4, Transfer);
        await TuneAsync("new-wine-b", "wine", 4, Transfer);

        (StudyRecord a, IReadOnlyList<TrialRecord> trialsA) = await ReadAsync("new-wine-a");
        (StudyRecord b, IReadOnlyList<TrialRecord> trialsB) = await ReadAsync("new-wine-b");
        TransferSummary summary = TransferSummary.FromAttributes(a.Attributes)!;
        Assert.Equal("studies named earlier-*", summary.Filter);
        Assert.Equal(["earlier-iris", "earlier-breast_cancer"], summary.Sources.Select(s => s.Study));
        foreach (TransferSource source in summary.Sources)
        {
            (_, IReadOnlyList<TrialRecord> earlier) = await ReadAsync(source.Study);
            Assert.Equal(earlier.Count(t => t.State == TrialState.Complete), source.Trials);
            Assert.True(double.IsFinite(source.NegativeLogLikelihoodPerPoint), $"{source.Study}: {source.NegativeLogLikelihoodPerPoint}");
        }

        Assert.Empty(summary.Rejected);
        PretrainedGpPrior prior = PretrainedGpPrior.FromJson(summary.PriorJson!);
        Assert.Equal(["earlier-iris", "earlier-breast_cancer"], prior.SourceTasks);

        // The meta-features of each study's data are recorded alongside, and reach the transfer tasks.
        Assert.Equal("178", a.Attributes[DataMetaFeatures.AttributePrefix + "rows"]);
        Assert.Equal("3", a.Attributes[DataMetaFeatures.AttributePrefix + "classes"]);
        TransferHistory history = await TransferHistory.ReadAsync(storage, new SearchSpace { ["sdca"] = TunableTrainers.Sdca.CreateSearchSpace() }, StudyFilter.NamePrefix("earlier-"));
        Assert.Equal(150, history.Tasks[0].MetaFeatures!["rows"]);
        Assert.Equal(2, history.Tasks[1].MetaFeatures!["classes"]);

        // Deterministic: the same history, seed and settings give the same prior (up to the last bits of libtorch's
        // threaded reductions) and the same trials.
        TransferSummary again = TransferSummary.FromAttributes(b.Attributes)!;
        Assert.Equal(summary.Sources.Select(s => (s.Study, s.Trials)), again.Sources.Select(s => (s.Study, s.Trials)));
        Assert.All(summary.Sources.Zip(again.Sources), p => Assert.Equal(p.First.NegativeLogLikelihoodPerPoint, p.Second.NegativeLogLikelihoodPerPoint, 1e-9));
        Assert.Equal(4, trialsA.Count);
        Assert.Equal(trialsA.Select(t => t.ParametersJson), trialsB.Select(t => t.ParametersJson));
        Assert.All(trialsA, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task WithHyperGrad_TransferPriorReadingMetaFeatures_EvaluatedAtTheNewStudysOwnMetaFeatures()
    {
        await TuneAsync("earlier-iris", "iris", 6, o => o.Tuner = TunerKind.Random);
        await TuneAsync("earlier-breast_cancer", "breast_cancer", 6, o => o.Tuner = TunerKind.Random);
        var pretraining = new GpPriorPretrainingOptions { Steps = 40, Seed = 5, MeanKind = PriorMeanKind.Mlp, MetaFeatureInput = true };
        CsvDataViewSplit wine = CsvDataViewReader.ReadSplit(SklearnDataView.Csv("wine"), new CsvReadOptions { LabelColumn = "target" }, 0.2, seed: 1);
        IReadOnlyDictionary<string, double> wineFeatures = DataMetaFeatures.Of(wine.Schema, wine.Train, wine.Validation!);

        // The study's own meta-features (recorded from its data) reach the prior without the user naming them ...
        await TuneAsync("own-wine", "wine", 3, o =>
        {
            o.TransferFrom(storage, StudyFilter.NamePrefix("earlier-"));
            o.Pretraining = pretraining;
        });

        // ... and give the same trials as naming wine's features explicitly, other trials than naming features far from
        // every source's (the sources' own, iris's, move this briefly pre-trained mean too little to change a pick).
        void Named(HyperGradOptions o, IReadOnlyDictionary<string, double> features)
        {
            o.TransferFrom(storage, StudyFilter.NamePrefix("earlier-"));
            o.Pretraining = pretraining;
            o.MetaTuner = new MetaGaussianProcessTunerOptions { TaskMetaFeatures = features };
        }

        await TuneAsync("named-wine", "wine", 3, o => Named(o, wineFeatures));
        await TuneAsync("named-far", "wine", 3, o => Named(o, wineFeatures.ToDictionary(f => f.Key, f => 1000 * (f.Value + 1))));

        (StudyRecord own, IReadOnlyList<TrialRecord> ownTrials) = await ReadAsync("own-wine");
        (_, IReadOnlyList<TrialRecord> namedTrials) = await ReadAsync("named-wine");
        (_, IReadOnlyList<TrialRecord> farTrials) = await ReadAsync("named-far");
        PretrainedGpPrior prior = PretrainedGpPrior.FromJson(TransferSummary.FromAttributes(own.Attributes)!.PriorJson!);
        Assert.True(prior.TakesMetaFeatures);
        Assert.Equal(3, ownTrials.Count);
        Assert.All(ownTrials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(namedTrials.Select(t => t.ParametersJson), ownTrials.Select(t => t.ParametersJson));
        Assert.NotEqual(farTrials.Select(t => t.ParametersJson), ownTrials.Select(t => t.ParametersJson));

        // A study whose meta-features lack some the prior reads: a clear error naming the remedy, not a tuner's stack trace.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TuneAsync("partial-wine", "wine", 1, o =>
        {
            o.TransferFrom(storage, StudyFilter.NamePrefix("earlier-"));
            o.Pretraining = pretraining;
        }, new Dictionary<string, double> { ["rows"] = 178 }));
        Assert.Contains("the new study's do not fit it", error.Message, StringComparison.Ordinal);
        Assert.Contains("SetStudyMetaFeatures", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TransferFromWithNothingUsable_ThrowsListingTheRejectedStudiesBeforeCreatingTheStudy()
    {
        var space = new SearchSpace { ["branin"] = BraninRunner.Space() };
        StudyRecord few = await storage.CreateStudyAsync("earlier-few", "test", SearchSpaceDescription.ToJson(space), StudyDirection.Minimize);
        TrialRecord only = await storage.CreateTrialAsync(few.Id, space.SampleFromFeatureSpace([0.5, 0.5]).ToString());
        await storage.CompleteTrialAsync(few.Id, only.Number, 1.0, -1.0, 1);
        using var runner = new BraninRunner();
        HyperGradExperiment experiment = new HyperGradExperiment()
            .AddSearchSpace("branin", BraninRunner.Space())
            .SetTrialRunner(runner)
            .SetStudy(storage, "new")
            .WithHyperGrad(o => o.TransferFrom(storage, "earlier-*"));

        var error = await Assert.ThrowsAsync<TransferHistoryException>(() => experiment.RunAsync());

        Assert.Contains("earlier-few: 1 usable complete trial(s) of 1, at least 5 needed", error.Message, StringComparison.Ordinal);
        Assert.Null(await storage.GetStudyAsync("new"));
        Assert.Equal(0, runner.Runs);
    }

    [Fact]
    public void WithHyperGrad_MetaTunerWithoutTransferFrom_ThrowsNamingTransferFrom()
    {
        var error = Assert.Throws<ArgumentException>(() => new HyperGradExperiment().WithHyperGrad(o => o.Tuner = TunerKind.MetaGaussianProcess));

        Assert.Contains("call TransferFrom(storage, filter)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithHyperGrad_TransferFromWithAnotherTuner_ThrowsNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => new HyperGradExperiment().WithHyperGrad(o =>
        {
            o.TransferFrom(storage, StudyFilter.All);
            o.Tuner = TunerKind.Random;
        }));

        Assert.Contains("TransferFrom builds a prior for Tuner = MetaGaussianProcess; got Tuner = Random", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithHyperGrad_HedgeTransfer_MetaAndSingleTaskGpShareTheTrialsAndEachTrialRecordsItsMember()
    {
        await TuneAsync("earlier-iris", "iris", 6, o => o.Tuner = TunerKind.Random);
        await TuneAsync("earlier-wine", "wine", 6, o => o.Tuner = TunerKind.Random);

        await TuneAsync("hedged-breast_cancer", "breast_cancer", 10, o =>
        {
            o.TransferFrom(storage, StudyFilter.NamePrefix("earlier-"));
            o.Pretraining = QuickPretraining;
            o.HedgeTransfer = true;
        });

        (StudyRecord study, IReadOnlyList<TrialRecord> trials) = await ReadAsync("hedged-breast_cancer");
        Assert.Equal(["earlier-iris", "earlier-wine"], TransferSummary.FromAttributes(study.Attributes)!.Sources.Select(s => s.Study));
        Assert.Equal(10, trials.Count);
        TrialRecord[] proposed = [.. trials.Where(t => t.Attributes.ContainsKey(PortfolioTuner.MemberAttribute))];

        // Every trial but the space's start point (the trainer's defaults, queued by the study) was proposed by a member:
        // "meta" (0) with the meta tuner's attribute, or "gp" (1) with the GP tuner's; both members proposed.
        Assert.Equal(trials.Count - 1, proposed.Length);
        Assert.All(proposed, t => Assert.Equal(
            t.Attributes[PortfolioTuner.MemberAttribute] == 0 ? MetaGaussianProcessTuner.SourceAttribute : GaussianProcessTuner.SourceAttribute,
            t.Attributes.Keys.Single(k => k is MetaGaussianProcessTuner.SourceAttribute or GaussianProcessTuner.SourceAttribute)));
        Assert.True(new[] { 0.0, 1.0 }.SequenceEqual(proposed.Select(t => t.Attributes[PortfolioTuner.MemberAttribute]).Distinct().Order()), string.Join(" ", trials.Select(t => $"{t.Number}:{(t.Attributes.TryGetValue(PortfolioTuner.MemberAttribute, out double m) ? m : -1)}:{t.Loss:F4}")));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task WithHyperGrad_TransferFromFewStudiesWithDefaultPretraining_PriorHasAConstantMean()
    {
        // Fewer than MlpMeanMinimumStudies earlier studies: the default pre-training fits a constant mean, not HyperBO's MLP
        // (which extrapolates from a handful of studies); the kernel is still pre-trained on them.
        await TuneAsync("earlier-iris", "iris", 6, o => o.Tuner = TunerKind.Random);
        await TuneAsync("earlier-breast_cancer", "breast_cancer", 6, o => o.Tuner = TunerKind.Random);

        await TuneAsync("default-wine", "wine", 2, o => o.TransferFrom(storage, StudyFilter.NamePrefix("earlier-")));

        (StudyRecord study, _) = await ReadAsync("default-wine");
        PretrainedGpPrior prior = PretrainedGpPrior.FromJson(TransferSummary.FromAttributes(study.Attributes)!.PriorJson!);
        Assert.Equal(PriorMeanKind.Constant, prior.MeanKind);
        Assert.Equal(PriorMeanKind.Constant, HyperGradOptions.DefaultPretraining(HyperGradOptions.MlpMeanMinimumStudies - 1, 3).MeanKind);
        Assert.Equal(PriorMeanKind.Mlp, HyperGradOptions.DefaultPretraining(HyperGradOptions.MlpMeanMinimumStudies, 3).MeanKind);
        Assert.Equal(3, HyperGradOptions.DefaultPretraining(2, 3).Seed);
    }

    [Fact]
    public void WithHyperGrad_HedgeTransferWithoutTransferFrom_ThrowsNamingTransferFrom()
    {
        var error = Assert.Throws<ArgumentException>(() => new HyperGradExperiment().WithHyperGrad(o =>
        {
            o.Tuner = TunerKind.GaussianProcess;
            o.HedgeTransfer = true;
        }));

        Assert.Contains("HedgeTransfer shares the transfer tuner's trials with the single-task GP tuner: call TransferFrom(storage, filter)", error.Message, StringComparison.Ordinal);
    }
}
