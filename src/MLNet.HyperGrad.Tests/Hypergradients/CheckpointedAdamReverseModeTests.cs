using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>Checkpointed reverse mode through Adam on a small tanh MLP trained on real Fashion-MNIST rows, in float64.</summary>
public sealed class CheckpointedAdamReverseModeTests(ITestOutputHelper output)
{
    private const int Steps = 7;

    private static HyperparameterSet Hyperparameters() => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.01 + (0.002 * t))])
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9)
        .Add(new Hyperparameter("beta2", HyperparameterTransform.Logit), 0.99)
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [0.01, 0.03])
        .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.2, 0.8]);

    [Fact]
    public void Compute_AdamSchedule_MatchesCentralDifferences()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 100);
        using var problem = new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 5);
        HyperparameterSet h = Hyperparameters();
        var method = new CheckpointedAdamReverseMode(new ReverseModeOptions { Steps = Steps }, interval: 3);

        HypergradientResult result = method.Compute(problem, h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);

        output.WriteLine($"max relative error vs finite differences: {ReverseModeTests.MaxRelativeError(numeric, result.Flatten(h)):E3}; stored bytes {result.Cost.StoredBytes} vs trajectory bytes {result.Cost.TrajectoryBytes}");
        FiniteDifferences.AssertClose(numeric, result.Flatten(h), 1e-4);
        Assert.All(result.Flatten(h), g => Assert.NotEqual(0.0, g));
    }

    [Fact]
    public void Compute_WithoutBeta2_ThrowsListingPresentNames()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(40, 20);
        using var problem = new MlpInnerProblem(new Mlp([784, 3, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 5);
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.01)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9);

        var error = Assert.Throws<ArgumentException>(() => new CheckpointedAdamReverseMode(new ReverseModeOptions { Steps = 3 }).Compute(problem, h));
        Assert.Contains("\"beta2\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("present: [learning_rate, momentum]", error.Message, StringComparison.Ordinal);
    }
}
