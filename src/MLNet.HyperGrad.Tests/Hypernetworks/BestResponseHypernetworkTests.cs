using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary>The best-response hypernetwork on real Fashion-MNIST rows: its hypergradient against float64 central differences, its checks.</summary>
public sealed class BestResponseHypernetworkTests(ITestOutputHelper output)
{
    [Fact]
    public void ValidationLoss_TwoLayerL2_GradientMatchesCentralDifferences()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 90);
        using var problem = new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, batchSize: 40, seed: 4);
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [0.01, 0.001])
            .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.0, 1.0]);
        using var network = new BestResponseHypernetwork(problem, h, [new HyperparameterRange(MlpInnerProblem.L2Name, -8, 0)], hiddenUnits: 5, seed: 3);
        Train(network, steps: 15);
        double[] lambda = [-3.1, -5.2];

        (double loss, double[] analytic) = network.ValidationLoss(lambda);
        double[] numeric = FiniteDifferences.Gradient(u => network.ValidationLoss(u, withGradient: false).Loss, lambda, 1e-5);

        output.WriteLine($"predicted validation CE {loss:F6}; hypergradient [{string.Join(", ", analytic.Select(g => g.ToString("E6")))}], central differences [{string.Join(", ", numeric.Select(g => g.ToString("E6")))}]");
        Assert.Equal(2, analytic.Length);
        Assert.All(analytic, g => Assert.NotEqual(0.0, g));
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void ValidationLoss_VariationalPriorPrecision_GradientIncludesDirectPartAndMatchesCentralDifferences()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(100, 60);
        using var problem = new VariationalMlpInnerProblem(new Mlp([784, 4, 10]), train, validation, batchSize: 50, seed: 2);
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), [1.0, 1.0]);
        using var network = new BestResponseHypernetwork(problem, h, [new HyperparameterRange(VariationalMlpInnerProblem.PriorPrecisionName, -3, 3)], hiddenUnits: 4, seed: 1);
        Train(network, steps: 10);
        double[] lambda = [0.7, -1.3];

        (_, double[] analytic) = network.ValidationLoss(lambda);
        double[] numeric = FiniteDifferences.Gradient(u => network.ValidationLoss(u, withGradient: false).Loss, lambda, 1e-5);

        output.WriteLine($"hypergradient [{string.Join(", ", analytic.Select(g => g.ToString("E6")))}], central differences [{string.Join(", ", numeric.Select(g => g.ToString("E6")))}]");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void Constructor_InputNotInSet_ThrowsNamingIt()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(20, 20);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 10, seed: 1);
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), 1e-3);

        ArgumentException e = Assert.Throws<ArgumentException>(() => new BestResponseHypernetwork(problem, h, [new HyperparameterRange("dropout", -2, 2)], 4, 0));
        Assert.Contains("\"dropout\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("l2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BestResponseHypernetwork(problem, h, [], 4, 0));
        Assert.Throws<ArgumentException>(() => new BestResponseHypernetwork(problem, h, [new HyperparameterRange("l2", -2, 2), new HyperparameterRange("l2", -3, 2)], 4, 0));
        Assert.Throws<ArgumentException>(() => new HyperparameterRange("l2", 1, 1));
    }

    [Fact]
    public void At_WrongLength_ThrowsWithLayout()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(20, 20);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 10, seed: 1);
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), 1e-3);
        using var network = new BestResponseHypernetwork(problem, h, [new HyperparameterRange(MlpInnerProblem.L2Name, -9, -1)], 3, 0);

        ArgumentException e = Assert.Throws<ArgumentException>(() => network.At([1.0, 2.0]));
        Assert.Contains("l2: 1 in [-9, -1]", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => network.ValidationLoss([double.NaN]));
        Assert.Equal(Math.Exp(-4), network.At([-4.0]).Values(MlpInnerProblem.L2Name)[0], 12);
    }

    internal static void Train(BestResponseHypernetwork network, int steps) =>
        HypernetworkSearch.Run(network, network.LambdaOf(network.At(network.SampleUniform(new Random(1)))), new HypernetworkSearchOptions { TrainingSteps = steps, HyperparameterSteps = 0, SamplesPerStep = 2, LearningRate = 0.01, CurvePoints = 2 });
}
