using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary>Complexity control: the KL-weighted variational criterion, its hypernetwork's gradient in λ, and pruning by |μ|/σ.</summary>
public sealed class ComplexityControlTests
{
    [Fact]
    public void TrainingLoss_KlWeights_AddLambdaMinusOneKlPerTrainingRow()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(50, 30);
        using var variational = new VariationalMlpInnerProblem(new Mlp([784, 4, 10]), train, validation, batchSize: 25, seed: 2);
        var problem = new KlWeightedVariationalProblem(variational);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors one = new HyperparameterSet().Add(KlWeightedVariationalProblem.KlWeight(), 1.0).CreateTensors();
        HyperparameterTensors three = new HyperparameterSet().Add(KlWeightedVariationalProblem.KlWeight(), 3.0).CreateTensors();
        Tensor[] w = problem.InitialWeights(one);

        double plain = variational.TrainingLoss(w, one, 1).item<double>();
        double kl = variational.KullbackLeibler(w, one).item<double>();

        Assert.Equal(plain, problem.TrainingLoss(w, one, 1).item<double>(), 12);
        Assert.Equal(plain + (2 * kl / 50), problem.TrainingLoss(w, three, 1).item<double>(), 10);
        Assert.Throws<ArgumentException>(() => problem.TrainingLoss(w, new HyperparameterSet().CreateTensors(), 1));
    }

    [Fact]
    public void ValidationLoss_ComplexityHypernetwork_GradientInLogLambdaMatchesCentralDifferences()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(60, 40);
        using var variational = new VariationalMlpInnerProblem(new Mlp([784, 3, 10]), train, validation, batchSize: 30, seed: 2);
        var problem = new KlWeightedVariationalProblem(variational);
        HyperparameterSet set = new HyperparameterSet().Add(KlWeightedVariationalProblem.KlWeight(), 1.0);
        using var network = new BestResponseHypernetwork(problem, set, [new HyperparameterRange(KlWeightedVariationalProblem.KlWeightName, Math.Log(0.01), Math.Log(10))], 3, 4);
        BestResponseHypernetworkTests.Train(network, steps: 8);

        (_, double[] analytic) = network.ValidationLoss([0.4]);
        double[] numeric = FiniteDifferences.Gradient(u => network.ValidationLoss(u, withGradient: false).Loss, [0.4], 1e-5);

        Assert.NotEqual(0.0, analytic[0]);
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void Prune_HalfKept_KeepsTheParametersWithTheLargestSignalToNoise()
    {
        using var scope = torch.NewDisposeScope();
        Tensor mu = torch.tensor(new[] { 1.0, -4.0, 0.5, 2.0 }, ScalarType.Float64).reshape(2, 2);
        Tensor logSigma = torch.tensor(new[] { 0.0, Math.Log(8), Math.Log(0.1), 0.0 }, ScalarType.Float64).reshape(2, 2);
        Tensor bias = torch.tensor(new[] { 0.3, -3.0 }, ScalarType.Float64);
        Tensor biasLogSigma = torch.zeros(2, ScalarType.Float64);

        // |μ|/σ: 1, 0.5, 5, 2 | 0.3, 3 → the top half (3 of 6) is 5, 3, 2.
        Tensor[] pruned = PosteriorPruning.Prune([mu, bias], [logSigma, biasLogSigma], 0.5);

        Assert.Equal(new[] { 0.0, 0.0, 0.5, 2.0 }, TensorData.ToArray<double>(pruned[0]));
        Assert.Equal(new[] { 0.0, -3.0 }, TensorData.ToArray<double>(pruned[1]));
        Assert.Equal(0.5, PosteriorPruning.NonZeroFraction(pruned), 12);
        Assert.Equal(1.0, PosteriorPruning.NonZeroFraction(PosteriorPruning.Prune([mu, bias], [logSigma, biasLogSigma], 1.0)), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => PosteriorPruning.Prune([mu], [logSigma], 0));
        Assert.Throws<ArgumentException>(() => PosteriorPruning.Prune([mu, bias], [logSigma], 0.5));
    }
}
