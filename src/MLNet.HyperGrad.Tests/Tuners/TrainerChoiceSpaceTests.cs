using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Tuners;

/// <summary>The multi-trainer study's space: a choice among the ready trainer spaces (ML.NET's and the MLP's, all in <see cref="TunableTrainers.All"/>), tuned by every tuner we have.</summary>
public sealed class TrainerChoiceSpaceTests
{
    private static SearchSpace Space() => new()
    {
        ["pipeline"] = new ConditionalSearchSpace(
            [.. TunableTrainers.All.Select(t => new KeyValuePair<string, SearchSpace>(t.Name, t.CreateSearchSpace()))],
            defaultBranch: "mlp"),
    };

    public static TheoryData<string> Tuners => ["random", "grid"];

    private static ITuner Create(string tuner, SearchSpace space) => tuner == "grid" ? new GridSearchTuner(space, 3, seed: 1) : new RandomSearchTuner(space, 1);

    [Theory]
    [MemberData(nameof(Tuners))]
    public void Propose_EveryTrainersReadySpace_BuildsThatTrainersEstimator(string tuner)
    {
        SearchSpace space = Space();
        ITuner t = Create(tuner, space);
        var mlContext = new MLContext(seed: 0);
        var trainers = new HashSet<string>(StringComparer.Ordinal);
        for (int id = 0; id < 60; id++)
        {
            Parameter p = t.Propose(new TrialSettings { TrialId = id })["pipeline"];
            string name = p["trainer"].AsType<string>();
            trainers.Add(name);
            if (name == "mlp")
            {
                Assert.InRange(p["mlp"].AsType<MlpHyperparameters>().Depth, 1, 3);
            }

            Assert.NotNull(TunableTrainers.Find(name).CreateEstimator(mlContext, PredictionTask.MulticlassClassification, p[name]));
        }

        if (tuner == "random")
        {
            Assert.Equal(6, trainers.Count);
        }
    }

    [Fact]
    public void GridSize_TrainerChoice_IsTheSumOfEachTrainersOwnGrid()
    {
        var conditional = (ConditionalSearchSpace)Space()["pipeline"];
        long sum = conditional.Branches.Values.Sum(b => new GridSearchTuner(b, 3).Size);
        Assert.Equal(sum, new GridSearchTuner(Space(), 3).Size);
        Assert.True(sum < new GridSearchTuner(new SearchSpace { ["all"] = new SearchSpace(conditional.Branches.Select(kv => new KeyValuePair<string, OptionBase>(kv.Key, kv.Value))) }, 3).Size);
    }

    [Fact]
    public void Default_TrainerChoice_IsTheMlpsDeclaredStart()
    {
        SearchSpace space = Space();
        Parameter start = space.SampleFromFeatureSpace(space.Default)["pipeline"];
        Assert.Equal("mlp", start["trainer"].AsType<string>());
        Assert.Equal(MlpHyperparameters.Default, start["mlp"].AsType<MlpHyperparameters>());
    }
}
