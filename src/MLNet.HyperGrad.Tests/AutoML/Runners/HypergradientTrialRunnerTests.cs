using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tests.Hypergradients;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.AutoML.Runners;

/// <summary>The hypergradient runner on real Fashion-MNIST rows: a tiny MLP, a few inner steps, float64.</summary>
public sealed class HypergradientTrialRunnerTests(ITestOutputHelper output)
{
    internal static HypergradientTrialRunnerOptions Small(HypergradientMethodKind method = HypergradientMethodKind.Checkpointed) => new()
    {
        Method = method,
        HiddenLayers = [8],
        Steps = 12,
        BatchSize = 50,
        LearningRateEntries = 3,
        MomentumEntries = 2,
        InitialLearningRate = 0.05,
        InitialL2 = 1e-3,
        ThreadsPerTrial = 1,
    };

    internal static TrialSettings Trial(SearchSpace runnerSpace, Parameter? hypergradient = null, int id = 0) => new()
    {
        TrialId = id,
        Parameter = Parameter.CreateNestedParameter((HypergradientTrialRunner.SearchSpaceKey, hypergradient ?? runnerSpace.SampleFromFeatureSpace(runnerSpace.Default))),
    };

    [Fact]
    public async Task RunAsync_DefaultPoint_ReturnsTheMethodsHypergradientAndTheTrainedNetwork()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 150);
        (_, TabularDataset test) = FashionMnistSplits.Take(350, 100);
        HypergradientTrialRunnerOptions options = Small();
        using var runner = new HypergradientTrialRunner(train, validation, test, options);
        SearchSpace space = runner.CreateSearchSpace();

        var result = (HypergradientTrialResult)await runner.RunAsync(Trial(space), CancellationToken.None);

        // The same computation made by hand: the runner only plumbs.
        using var problem = new MlpInnerProblem(new Mlp([784, 8, 10]), train, validation, 50, options.WeightSeed);
        HyperparameterSet set = HyperparameterSet.FromParameter(space.SampleFromFeatureSpace(space.Default), options.Definitions([784, 8, 10]));
        HypergradientResult direct = new CheckpointedReverseMode(new ReverseModeOptions { Steps = 12 }).Compute(problem, set);
        Assert.Equal(direct.OuterLoss, result.OuterLoss);
        Assert.Equal(direct.OuterLoss, result.Loss);
        Assert.Equal(new[] { "init_scale", "l2", "learning_rate", "momentum" }, result.Hypergradient.Keys.Order(StringComparer.Ordinal));
        foreach ((string name, double[] g) in direct.Gradients)
        {
            Assert.Equal(g, result.Hypergradient[name]);
        }

        Assert.Equal("checkpointed", result.MethodName);
        Assert.InRange(result.Metric, 0.0, 1.0);
        Assert.True(result.TestLoss is > 0, $"test loss {result.TestLoss}");
        Assert.Equal(result.TestLoss, result.Attributes[HypergradientTrialRunner.TestLossAttribute]);
        Assert.Equal([784, 8, 10], result.LayerSizes);
        Assert.Equal([784 * 8, 8, 8 * 10, 10], result.Weights.Select(w => w.Length));
        Assert.Null(result.TunedHyperparameters);
        output.WriteLine($"validation CE {result.OuterLoss:F4}, accuracy {result.Metric:F3}, test CE {result.TestLoss:F4}");
    }

    [Fact]
    public async Task RunAsync_L2AndInitScale_HypergradientMatchesCentralDifferencesOfTheTrialLoss()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 150);
        using var runner = new HypergradientTrialRunner(train, validation, null, Small() with { Steps = 6 });
        SearchSpace space = runner.CreateSearchSpace();
        Parameter start = space.SampleFromFeatureSpace(space.Default);
        var result = (HypergradientTrialResult)await runner.RunAsync(Trial(space, start), CancellationToken.None);

        // Central differences in the unconstrained (log) space of l2[1] and init_scale[0], through whole trials.
        foreach ((string name, int index) in new[] { ("l2", 1), ("init_scale", 0) })
        {
            double Loss(double delta)
            {
                Parameter p = Parameter.FromJson(start.ToString());
                double[] values = p[name].AsDoubleArray();
                values[index] = Math.Exp(Math.Log(values[index]) + delta);
                p[name] = Parameter.FromDoubleArray(values);
                return runner.RunAsync(Trial(space, p), CancellationToken.None).GetAwaiter().GetResult().Loss;
            }

            const double h = 1e-5;
            double numeric = (Loss(h) - Loss(-h)) / (2 * h);
            double analytic = result.Hypergradient[name][index];
            output.WriteLine($"{name}[{index}]: analytic {analytic:E6}, numeric {numeric:E6}");
            FiniteDifferences.AssertClose([numeric], [analytic], 1e-4);
        }
    }

    [Fact]
    public async Task RunAsync_Greedy_CarriesTheHyperparametersTheRunEndedWith()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 150);
        using var runner = new HypergradientTrialRunner(train, validation, null, Small(HypergradientMethodKind.Greedy) with { GreedyOuterLearningRate = 0.5 });
        SearchSpace space = runner.CreateSearchSpace();

        var result = (HypergradientTrialResult)await runner.RunAsync(Trial(space), CancellationToken.None);

        Assert.Equal("greedy", result.MethodName);
        Assert.NotNull(result.TunedHyperparameters);
        Assert.NotEqual(result.Hyperparameters!.FlattenUnconstrained(), result.TunedHyperparameters!.FlattenUnconstrained());
    }

    [Fact]
    public async Task RunAsync_GreedyUpdateInterval_DifferentiatesEveryKthStepOnly()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 150);
        HypergradientTrialRunnerOptions options = Small(HypergradientMethodKind.Greedy) with { GreedyUpdateInterval = 4 };
        using var runner = new HypergradientTrialRunner(train, validation, null, options);
        SearchSpace space = runner.CreateSearchSpace();

        var result = (HypergradientTrialResult)await runner.RunAsync(Trial(space), CancellationToken.None);

        Assert.Equal(3, new HypergradientTrialRunnerOptions().GreedyUpdateInterval);
        Assert.Equal(options.Steps, result.Cost.GradientEvaluations);
        Assert.Equal(options.Steps / 4, result.Cost.HessianVectorProducts);
    }

    [Fact]
    public async Task RunAsync_GreedyEveryStepFractionAndValidationRows_ReachTheMethodAndTheProblem()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 150);
        HypergradientTrialRunnerOptions options = Small(HypergradientMethodKind.Greedy) with { GreedyUpdateInterval = 4, GreedyEveryStepFraction = 0.5, GreedyValidationBatchSize = 10 };
        HypergradientTrialRunnerOptions wide = options with { GreedyValidationBatchSize = 150 };
        using var runner = new HypergradientTrialRunner(train, validation, null, options);
        using var wideRunner = new HypergradientTrialRunner(train, validation, null, wide);
        SearchSpace space = runner.CreateSearchSpace();

        var result = (HypergradientTrialResult)await runner.RunAsync(Trial(space), CancellationToken.None);
        var wideResult = (HypergradientTrialResult)await wideRunner.RunAsync(Trial(space), CancellationToken.None);

        Assert.Equal(0.0, new HypergradientTrialRunnerOptions().GreedyEveryStepFraction);
        Assert.Null(new HypergradientTrialRunnerOptions().GreedyValidationBatchSize);
        // Steps 0 … 5 every step, then 6 and 10.
        Assert.Equal(8, result.Cost.HessianVectorProducts);
        // 10 validation rows per differentiated step against all 150: other one-step hypergradients, so other tuned values.
        Assert.NotEqual(result.TunedHyperparameters!.FlattenUnconstrained(), wideResult.TunedHyperparameters!.FlattenUnconstrained());
    }

    [Fact]
    public async Task RunAsync_HiddenWidthChoice_TrainsTheChosenWidth()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 150);
        using var runner = new HypergradientTrialRunner(train, validation, null, Small() with { HiddenWidthChoices = [4, 8] });
        SearchSpace space = runner.CreateSearchSpace();
        Parameter p = space.SampleFromFeatureSpace(space.Default);
        p[HypergradientTrialRunner.HiddenWidthKey] = Parameter.FromInt(4);

        var result = (HypergradientTrialResult)await runner.RunAsync(Trial(space, p), CancellationToken.None);

        Assert.Equal([784, 4, 10], result.LayerSizes);
        Assert.IsType<ChoiceOption>(space[HypergradientTrialRunner.HiddenWidthKey]);
    }

    [Fact]
    public void CreateSearchSpace_PerWeightL2_OneArrayPerWeightShapedLikeIt()
    {
        SearchSpace space = (Small() with { L2 = L2Granularity.PerWeight, TuneInitScale = false }).CreateSearchSpace(784, 10);

        Assert.Equal(["l2.w0", "l2.w1", "learning_rate", "momentum"], space.Keys);
        Assert.Equal(784 * 8, ((UniformDoubleArrayOption)space["l2.w0"]).Length);
        Assert.Equal(8 * 10, ((UniformDoubleArrayOption)space["l2.w1"]).Length);
        Assert.Equal(3, ((UniformDoubleArrayOption)space["learning_rate"]).Length);
    }

    [Fact]
    public void Validate_BadOptions_ListsEveryProblem()
    {
        var options = Small() with { Steps = 0, InitialMomentum = 1.5, HiddenWidthChoices = [4], L2 = L2Granularity.PerWeight, GreedyUpdateInterval = 0, GreedyEveryStepFraction = 1.5, GreedyValidationBatchSize = 0 };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Steps must be at least 1; got 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("InitialMomentum must be in [0.01, 0.99]; got 1.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HiddenWidthChoices cannot be used with L2 = PerWeight", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GreedyUpdateInterval must be at least 1; got 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GreedyEveryStepFraction must be in [0, 1]; got 1.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GreedyValidationBatchSize must be null or at least 1; got 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ParameterWithoutTheKey_ClearError()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(100, 50);
        using var runner = new HypergradientTrialRunner(train, validation, null, Small());
        var settings = new TrialSettings { Parameter = Parameter.CreateNestedParameter(("mlp", Parameter.FromInt(1))) };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => runner.RunAsync(settings, CancellationToken.None));

        Assert.Contains("no \"hypergradient\" entry", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[mlp]", ex.Message, StringComparison.Ordinal);
    }
}
