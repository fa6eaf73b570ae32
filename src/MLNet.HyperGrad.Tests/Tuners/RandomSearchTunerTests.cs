using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.Tuners;

public sealed class RandomSearchTunerTests : TunerContractTests
{
    protected override ITuner CreateTuner(SearchSpace space, int seed) => new RandomSearchTuner(space, seed);

    [Fact]
    public void Propose_DifferentSeeds_DifferentProposals()
    {
        Assert.NotEqual(Sequence(seed: 1), Sequence(seed: 2));
    }

    [Fact]
    public void Propose_DependsOnlyOnSeedAndTrialId_NotOnCallOrder()
    {
        SearchSpace space = MixedSpace();
        var a = new RandomSearchTuner(space, 5);
        var b = new RandomSearchTuner(space, 5);
        Parameter a3 = a.Propose(new TrialSettings { TrialId = 3 });
        b.Propose(new TrialSettings { TrialId = 0 });
        b.Propose(new TrialSettings { TrialId = 1 });
        Assert.Equal(a3, b.Propose(new TrialSettings { TrialId = 3 }));
    }

    [Fact]
    public void Propose_LogScaleOption_IsUniformInTheLogarithm()
    {
        var space = new SearchSpace { ["lr"] = new UniformDoubleOption(1e-4, 1, logBase: true) };
        var tuner = new RandomSearchTuner(space, 0);
        int belowOneThousandth = 0;
        const int n = 4000;
        for (int id = 0; id < n; id++)
        {
            if (tuner.Propose(new TrialSettings { TrialId = id })["lr"].AsType<double>() < 1e-3)
            {
                belowOneThousandth++;
            }
        }

        Assert.InRange(belowOneThousandth / (double)n, 0.22, 0.28);
    }

    [Fact]
    public void Propose_ConditionalSpace_PicksEachTrainerEquallyOftenAndVariesOnlyItsBranch()
    {
        SearchSpace space = ConditionalSpace();
        var tuner = new RandomSearchTuner(space, 11);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var sdcaL2 = new HashSet<double>();
        const int n = 3000;
        for (int id = 0; id < n; id++)
        {
            Parameter p = tuner.Propose(new TrialSettings { TrialId = id })["pipeline"];
            string trainer = p["trainer"].AsType<string>();
            counts[trainer] = counts.GetValueOrDefault(trainer) + 1;
            if (trainer == "sdca")
            {
                sdcaL2.Add(p["sdca"]["l2"].AsType<double>());
            }
        }

        Assert.Equal(["lightgbm", "mlp", "sdca"], counts.Keys.Order(StringComparer.Ordinal));
        Assert.All(counts.Values, c => Assert.InRange(c / (double)n, 0.30, 0.37));
        Assert.Equal(counts["sdca"], sdcaL2.Count);
    }
}
