using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bench;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.Bench;

/// <summary>
/// The benchmark's Optuna sampler as an <see cref="ITuner"/> over our search spaces (real driver processes under
/// /usr/bin/python3, as <see cref="OptunaAskTellTests"/>).
/// </summary>
public sealed class OptunaTunerTests
{
    private static SearchSpace MixedSpace() => new()
    {
        ["learning_rate"] = new UniformDoubleOption(1e-4, 0.5, logBase: true),
        ["hidden_width"] = new UniformIntOption(16, 256, logBase: true),
        ["batch_size"] = new ChoiceOption(32, 64, 128, 256),
        ["depth"] = new ChoiceOption([1], 1),
        ["momentum"] = new UniformDoubleOption(0.0, 0.99),
    };

    [Fact]
    public void Dimensions_MixedSpace_OneOptunaDimensionPerFreeOptionInKeyOrder()
    {
        IReadOnlyList<OptunaDimension> dimensions = OptunaTuner.Dimensions(MixedSpace());

        Assert.Equal(
            [
                new OptunaDimension("batch_size", 0, 3, Log: false, OptunaDimensionKind.Categorical),
                new OptunaDimension("hidden_width", 16, 256, Log: true, OptunaDimensionKind.Integer),
                new OptunaDimension("learning_rate", 1e-4, 0.5, Log: true),
                new OptunaDimension("momentum", 0.0, 0.99, Log: false),
            ],
            dimensions);
    }

    [Fact]
    public void Dimensions_NestedSpace_ThrowsArgumentExceptionNamingTheOption()
    {
        var space = new SearchSpace { ["mlp"] = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1) } };

        ArgumentException e = Assert.Throws<ArgumentException>("space", () => OptunaTuner.Dimensions(space));

        Assert.Contains("\"mlp\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Propose_MixedSpace_PointsOfTheSpaceWithItsKindsThatVary()
    {
        SearchSpace space = MixedSpace();
        using var tuner = new OptunaTuner("random", space, seed: 4);
        var widths = new HashSet<long>();
        for (int id = 0; id < 8; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            Parameter p = tuner.Propose(settings);

            // A point of the space decodes back to itself: the kinds and values are the space's own.
            Assert.Equal(p, space.SampleFromFeatureSpace(space.MappingToFeatureSpace(p)));
            Assert.Equal(ParameterType.Integer, p["hidden_width"].ParameterType);
            Assert.InRange(p["hidden_width"].AsType<long>(), 16, 256);
            Assert.Contains(p["batch_size"].AsType<int>(), new[] { 32, 64, 128, 256 });
            Assert.Equal(1, p["depth"].AsType<int>());
            Assert.InRange(p["learning_rate"].AsType<double>(), 1e-4, 0.5);
            widths.Add(p["hidden_width"].AsType<long>());
            tuner.Update(new TrialResult { TrialSettings = settings with { Parameter = p }, Loss = id % 3 == 0 ? double.NaN : -id, Metric = id });
        }

        Assert.True(widths.Count > 1, "8 random proposals all had the same hidden width.");
    }

    [Fact]
    public void Propose_SameSeedTwice_SameProposals()
    {
        List<Parameter> Proposals()
        {
            using var tuner = new OptunaTuner("tpe", MixedSpace(), seed: 9);
            var proposals = new List<Parameter>();
            for (int id = 0; id < 3; id++)
            {
                var settings = new TrialSettings { TrialId = id };
                Parameter p = tuner.Propose(settings);
                proposals.Add(p);
                tuner.Update(new TrialResult { TrialSettings = settings with { Parameter = p }, Loss = p["momentum"].AsType<double>() });
            }

            return proposals;
        }

        Assert.Equal(Proposals(), Proposals());
    }

    [Fact]
    public void Update_AnotherTrialThanTheOpenOne_ThrowsInvalidOperation()
    {
        using var tuner = new OptunaTuner("random", MixedSpace(), seed: 0);
        var settings = new TrialSettings { TrialId = 0 };
        Parameter p = tuner.Propose(settings);

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = 1, Parameter = p } }));

        Assert.Contains("open trial is 0", e.Message, StringComparison.Ordinal);
    }
}
