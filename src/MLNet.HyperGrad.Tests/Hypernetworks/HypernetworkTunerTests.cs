using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Tests.Tuners;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary>The hypernetwork tuner: the tuner contract (its L2 taken from a log-scale option of the contract's spaces), its proposals, and <c>WithHyperGrad</c>.</summary>
public sealed class HypernetworkTunerTests : TunerContractTests, IDisposable
{
    private static readonly Lazy<(TabularDataset Train, TabularDataset Validation)> Data = new(() => FashionMnistSplits.Take(60, 40));
    private readonly string directory = Directory.CreateTempSubdirectory("hg-hypernetwork-tuner-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Few steps on 60 rows: the contract is about proposals, not the quality of the choice (which HypernetworkSearchTests check).</summary>
    internal static HypernetworkTunerOptions Small(string? key, string l2Key) => new()
    {
        SearchSpaceKey = key,
        L2Key = l2Key,
        HiddenSizes = [],
        HypernetworkUnits = 2,
        BatchSize = 30,
        Search = new HypernetworkSearchOptions { TrainingSteps = 4, SamplesPerStep = 1, HyperparameterSteps = 3, CurvePoints = 2 },
    };

    protected override ITuner CreateTuner(SearchSpace space, int seed) =>
        new HypernetworkTuner(space, Data.Value.Train, Data.Value.Validation, seed, space.ContainsKey("pipeline") ? Small("pipeline", "l2") : Small("model", "learning_rate"));

    [Fact]
    public void Propose_MlpRunnerSpace_EveryTrialCarriesTheChosenL2AndTrialZeroTheDefaults()
    {
        SearchSpace space = new() { [MlpTrialRunner.SearchSpaceKey] = MlpTrialRunner.CreateSearchSpace() };
        var tuner = new HypernetworkTuner(space, Data.Value.Train, Data.Value.Validation, 1, Small(MlpTrialRunner.SearchSpaceKey, "l2"));
        Parameter defaults = space.SampleFromFeatureSpace(space.Default);

        Parameter[] proposals = [.. Enumerable.Range(0, 5).Select(id => tuner.Propose(new TrialSettings { TrialId = id }))];

        Assert.InRange(tuner.L2, 1e-7, 1e-2);
        Assert.Equal(Math.Clamp(Math.Exp(tuner.Result.Lambda[0]), 1e-7, 1e-2), tuner.L2, 12);
        Assert.All(proposals, p => Assert.Equal(tuner.L2, p[MlpTrialRunner.SearchSpaceKey]["l2"].AsType<double>(), 12));
        Assert.Equal(defaults[MlpTrialRunner.SearchSpaceKey]["learning_rate"], proposals[0][MlpTrialRunner.SearchSpaceKey]["learning_rate"]);
        Assert.NotEqual(proposals[1][MlpTrialRunner.SearchSpaceKey]["learning_rate"], proposals[2][MlpTrialRunner.SearchSpaceKey]["learning_rate"]);
    }

    [Fact]
    public void Constructor_NoLogScaleL2Option_ThrowsNamingTheKeys()
    {
        SearchSpace space = MixedSpace();

        ArgumentException linear = Assert.Throws<ArgumentException>(() => new HypernetworkTuner(space, Data.Value.Train, Data.Value.Validation, 0, Small("model", "momentum")));
        ArgumentException missing = Assert.Throws<ArgumentException>(() => new HypernetworkTuner(space, Data.Value.Train, Data.Value.Validation, 0, Small("mlp", "l2")));

        Assert.Contains("log-scale continuous option \"momentum\" in \"model\"", linear.Message, StringComparison.Ordinal);
        Assert.Contains("nested search space \"mlp\"", missing.Message, StringComparison.Ordinal);
        Assert.Contains("[model, x]", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new HypernetworkTuner(space, Data.Value.Train, Data.Value.Validation, 0, Small("model", "learning_rate") with { HypernetworkUnits = 0 }));
    }

    [Fact]
    public async Task RunAsync_WithHyperGradHypernetwork_TrialsAfterTheDefaultRunAtTheChosenL2AndTheStudyRecordsIt()
    {
        (TabularDataset train, TabularDataset validation) = Data.Value;
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "study.db"));
        SearchSpace space = MlpTrialRunner.CreateSearchSpace(maxEpochs: 1, maxHiddenWidth: 16);

        await new HyperGradExperiment()
            .SetDataset(train, validation)
            .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, space)
            .SetSeed(2)
            .WithHyperGrad(o =>
            {
                o.Tuner = TunerKind.Hypernetwork;
                o.Hypernetwork = Small(MlpTrialRunner.SearchSpaceKey, "l2") with { HiddenSizes = null };
            })
            .SetStudy(storage, "hypernetwork")
            .SetMaxModelToExplore(2)
            .RunAsync();

        StudyRecord study = (await storage.GetStudyAsync("hypernetwork"))!;
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        Assert.Equal(2, trials.Count);
        double l2 = double.Parse(study.Attributes["hypernetwork_l2"], System.Globalization.CultureInfo.InvariantCulture);
        // The experiment runs a new study's trial 0 at the space's defaults on its own; the tuner proposes from trial 1 on.
        Assert.Equal(1e-5, Parameter.FromJson(trials[0].ParametersJson)[MlpTrialRunner.SearchSpaceKey]["l2"].AsType<double>(), 12);
        Assert.All(trials.Skip(1), t => Assert.Equal(l2, Parameter.FromJson(t.ParametersJson)[MlpTrialRunner.SearchSpaceKey]["l2"].AsType<double>(), 12));
        Assert.True(double.IsFinite(double.Parse(study.Attributes["hypernetwork_predicted_validation_loss"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void WithHyperGrad_HypernetworkWithoutDataset_SaysToSetTheDatasetFirst()
    {
        var experiment = new HyperGradExperiment().WithHyperGrad(o => o.Tuner = TunerKind.Hypernetwork);

        InvalidOperationException e = Assert.ThrowsAny<InvalidOperationException>(() => experiment.SetMaxModelToExplore(1).RunAsync().GetAwaiter().GetResult());
        Assert.Contains("SetDataset", e.Message, StringComparison.Ordinal);
    }
}
