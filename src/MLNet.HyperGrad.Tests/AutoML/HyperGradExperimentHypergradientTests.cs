using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.AutoML.Runners;
using MLNet.HyperGrad.Tests.Hypergradients;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>An experiment tuned by gradient through <c>WithHyperGrad</c>, on real Fashion-MNIST rows.</summary>
public sealed class HyperGradExperimentHypergradientTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-experiment-hypergradient-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task RunAsync_HyperGradientTuner_StoresTrialsWhoseParametersAreTheHyperparameterArrays()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 150);
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "study.db"));
        HypergradientTrialRunnerOptions runnerOptions = HypergradientTrialRunnerTests.Small();

        TrialResult best = await new HyperGradExperiment()
            .SetDataset(train, validation)
            .SetSeed(3)
            .WithHyperGrad(o =>
            {
                o.Tuner = TunerKind.HyperGradient;
                o.Method = HypergradientMethodKind.ExactReversal;
                o.HypergradientRunner = runnerOptions;
            })
            .SetStudy(storage, "gradient")
            .SetMaxModelToExplore(3)
            .RunAsync();

        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync((await storage.GetStudyAsync("gradient"))!.Id);
        Assert.Equal(3, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Parameter[] parameters = [.. trials.Select(t => Parameter.FromJson(t.ParametersJson)[HypergradientTrialRunner.SearchSpaceKey])];
        Assert.All(parameters, p => Assert.Equal(3, p["learning_rate"].AsDoubleArray().Length));
        Assert.All(parameters, p => Assert.Equal(2, p["momentum"].AsDoubleArray().Length));
        Assert.All(parameters, p => Assert.Equal(2, p["l2"].AsDoubleArray().Length));
        Assert.All(parameters, p => Assert.Equal(0.05, p["learning_rate"].AsDoubleArray()[0], 0.05));

        // Each trial after the first is an outer step away from its predecessor.
        Assert.NotEqual(parameters[0]["learning_rate"].AsDoubleArray(), parameters[1]["learning_rate"].AsDoubleArray());
        Assert.NotEqual(parameters[1]["learning_rate"].AsDoubleArray(), parameters[2]["learning_rate"].AsDoubleArray());
        var gradientBest = Assert.IsType<HypergradientTrialResult>(best);
        Assert.Equal("exact-reversal", gradientBest.MethodName);
        Assert.True(gradientBest.ExactlyReversed);
        Assert.Equal(trials.Min(t => t.Loss), best.Loss);
    }

    [Fact]
    public void WithHyperGrad_MethodWithGridTuner_ClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => new HyperGradExperiment().WithHyperGrad(o =>
        {
            o.Tuner = TunerKind.Grid;
            o.Method = HypergradientMethodKind.DrMad;
        }));

        Assert.Contains("Method DrMad tunes by gradient and needs Tuner = HyperGradient", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got Tuner = Grid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithHyperGrad_MethodWithoutDataset_SaysToSetTheDatasetFirst()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new HyperGradExperiment().WithHyperGrad(o => o.Method = HypergradientMethodKind.Greedy));

        Assert.Contains("call SetDataset(train, validation) first", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EffectiveTuner_MethodSet_IsHyperGradient()
    {
        var options = new HyperGradOptions { Method = HypergradientMethodKind.Implicit };

        Assert.Equal(TunerKind.HyperGradient, options.EffectiveTuner);
        Assert.Equal(TunerKind.Random, new HyperGradOptions().EffectiveTuner);
    }
}
