using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.Tuners;

/// <summary>The contract every tuner must honour; a new tuner inherits this class to get the whole suite, the multi-worker contract included.</summary>
public abstract class TunerContractTests : MultiWorkerTunerContractTests
{
    /// <inheritdoc />
    protected override SearchSpace MultiWorkerSpace() => MixedSpace();

    /// <summary>A space with every kind of option, nested, as experiments build them.</summary>
    protected static SearchSpace MixedSpace() => new()
    {
        ["model"] = new SearchSpace
        {
            ["learning_rate"] = new UniformDoubleOption(1e-4, 1, logBase: true),
            ["momentum"] = new UniformDoubleOption(0, 0.99),
            ["width"] = new UniformIntOption(8, 256, logBase: true),
            ["depth"] = new UniformIntOption(1, 3),
            ["batch"] = new ChoiceOption(32, 64, 128),
            ["shuffle"] = new ChoiceOption(true, false),
        },
        ["x"] = new UniformSingleOption(-1f, 1f),
    };

    /// <summary>A choice of trainer, each with its own nested space, beside a plain option: the CLI's multi-trainer study.</summary>
    protected static SearchSpace ConditionalSpace() => new()
    {
        ["pipeline"] = new ConditionalSearchSpace(
            new Dictionary<string, SearchSpace>
            {
                ["mlp"] = new()
                {
                    ["learning_rate"] = new UniformDoubleOption(1e-4, 0.5, logBase: true),
                    ["depth"] = new UniformIntOption(1, 3),
                    ["batch"] = new ChoiceOption(32, 64, 128),
                },
                ["lightgbm"] = new()
                {
                    ["learning_rate"] = new UniformDoubleOption(1e-3, 1, logBase: true),
                    ["num_leaves"] = new UniformIntOption(4, 64, logBase: true),
                },
                ["sdca"] = new()
                {
                    ["l2"] = new UniformDoubleOption(1e-6, 1, logBase: true),
                },
            },
            defaultBranch: "mlp"),
        ["x"] = new UniformSingleOption(-1f, 1f),
    };

    [Fact]
    public void Propose_ConditionalSpace_EachProposalHoldsTheSelectorAndOnlyTheActiveBranch()
    {
        SearchSpace space = ConditionalSpace();
        var conditional = (ConditionalSearchSpace)space["pipeline"];
        ITuner tuner = CreateTuner(space, seed: 5);
        for (int id = 0; id < 40; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            Parameter p = tuner.Propose(settings);
            string trainer = p["pipeline"]["trainer"].AsType<string>();
            Assert.Contains(trainer, conditional.BranchNames);
            Assert.Equal(new[] { trainer, "trainer" }.Order(StringComparer.Ordinal), p["pipeline"].Keys);
            Assert.Equal(conditional.Branches[trainer].Keys, p["pipeline"][trainer].Keys);

            // A proposal is a point of the space: it encodes, decodes to itself and survives the study's JSON.
            double[] features = space.MappingToFeatureSpace(p);
            Assert.All(features, f => Assert.InRange(f, 0.0, 1.0));
            Assert.Equal(p, space.SampleFromFeatureSpace(features));
            Assert.Equal(p, Parameter.FromJson(p.ToString()));
            double loss = features.Sum(f => (f - 0.3) * (f - 0.3));
            tuner.Update(new TrialResult { TrialSettings = settings with { Parameter = p }, Loss = loss, Metric = -loss });
        }
    }

    [Fact]
    public void Update_ConditionalSpaceStartAndFailures_AcceptedAndProposalsStayInsideTheSpace()
    {
        SearchSpace space = ConditionalSpace();
        ITuner tuner = CreateTuner(space, seed: 6);
        Parameter start = space.SampleFromFeatureSpace(space.Default);
        Assert.Equal("mlp", start["pipeline"]["trainer"].AsType<string>());
        tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = 0, Parameter = start }, Loss = 0.5, Metric = -0.5 });
        for (int id = 1; id < 12; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            Assert.All(space.MappingToFeatureSpace(settings.Parameter), f => Assert.InRange(f, 0.0, 1.0));
            tuner.Update(id % 3 == 0
                ? TrialResult.Failed(settings, new InvalidOperationException("boom"), 1)
                : new TrialResult { TrialSettings = settings, Loss = id % 3 == 1 ? double.NaN : id, Metric = -id });
        }
    }

    [Fact]
    public void Propose_ConditionalSpaceSameSeed_SameProposals()
    {
        Assert.Equal(Sequence(7, ConditionalSpace), Sequence(7, ConditionalSpace));
    }

    [Fact]
    public void Propose_ManyTrials_StayInsideTheSearchSpace()
    {
        SearchSpace space = MixedSpace();
        ITuner tuner = CreateTuner(space, seed: 3);
        for (int id = 0; id < 40; id++)
        {
            Parameter p = tuner.Propose(new TrialSettings { TrialId = id });
            double[] features = space.MappingToFeatureSpace(p);
            Assert.All(features, f => Assert.InRange(f, 0.0, 1.0));
            double lr = p["model"]["learning_rate"].AsType<double>();
            Assert.InRange(lr, 1e-4, 1);
            Assert.Contains(p["model"]["batch"].AsType<int>(), new[] { 32, 64, 128 });
            tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = id, Parameter = p }, Loss = features.Sum(), Metric = -features.Sum() });
        }
    }

    [Fact]
    public void Update_FailedTrialsWithMaxValueLoss_AreAcceptedAndTuningGoesOn()
    {
        SearchSpace space = MixedSpace();
        ITuner tuner = CreateTuner(space, seed: 1);
        for (int id = 0; id < 10; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            tuner.Update(TrialResult.Failed(settings, new InvalidOperationException("boom"), 1));
        }

        Parameter next = tuner.Propose(new TrialSettings { TrialId = 10 });
        Assert.Equal(space.FeatureSpaceDim, space.MappingToFeatureSpace(next).Length);
    }

    [Fact]
    public void Update_ATrialTheTunerDidNotPropose_IsAcceptedAndProposalsStayInsideTheSpace()
    {
        // The experiment runs a new study's trial 0 at the space's defaults and tells the tuner through Update only.
        SearchSpace space = MixedSpace();
        ITuner tuner = CreateTuner(space, seed: 4);
        Parameter start = space.SampleFromFeatureSpace(space.Default);
        tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = 0, Parameter = start }, Loss = 0.5, Metric = -0.5 });
        for (int id = 1; id < 6; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            Assert.All(space.MappingToFeatureSpace(settings.Parameter), f => Assert.InRange(f, 0.0, 1.0));
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = id, Metric = -id });
        }
    }

    [Fact]
    public void Propose_SameSeedSameResults_SameProposals()
    {
        Assert.Equal(Sequence(seed: 7), Sequence(seed: 7));
    }

    [Fact]
    public void Update_NaNLoss_DoesNotBreakProposals()
    {
        SearchSpace space = MixedSpace();
        ITuner tuner = CreateTuner(space, seed: 2);
        var settings = new TrialSettings { TrialId = 0 };
        settings = settings with { Parameter = tuner.Propose(settings) };
        tuner.Update(new TrialResult { TrialSettings = settings, Loss = double.NaN, Metric = double.NaN });
        Parameter next = tuner.Propose(new TrialSettings { TrialId = 1 });
        Assert.All(space.MappingToFeatureSpace(next), f => Assert.InRange(f, 0.0, 1.0));
    }

    /// <summary>Proposals of a tuner fed a deterministic objective (the sphere around 0.3).</summary>
    protected List<string> Sequence(int seed) => Sequence(seed, MixedSpace);

    /// <summary>Proposals of a tuner over a space fed a deterministic objective (the sphere around 0.3).</summary>
    protected List<string> Sequence(int seed, Func<SearchSpace> createSpace)
    {
        ArgumentNullException.ThrowIfNull(createSpace);
        SearchSpace space = createSpace();
        ITuner tuner = CreateTuner(space, seed);
        var proposals = new List<string>();
        for (int id = 0; id < 15; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            proposals.Add(settings.Parameter.ToString());
            double loss = space.MappingToFeatureSpace(settings.Parameter).Sum(f => (f - 0.3) * (f - 0.3));
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        }

        return proposals;
    }
}
