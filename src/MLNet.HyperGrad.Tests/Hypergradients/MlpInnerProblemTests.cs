using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>The outer criteria of <see cref="MlpInnerProblem"/> (validation loss, validation error) on real Fashion-MNIST rows, in float64.</summary>
public sealed class MlpInnerProblemTests(ITestOutputHelper output)
{
    private const int Steps = 8;

    private static HyperparameterSet Hyperparameters() => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.3 + (0.02 * t))])
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.9 - (0.01 * t))])
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [0.01, 0.03])
        .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.2, 0.8]);

    [Fact]
    public void Compute_ValidationErrorUnrolledAndExactReversal_MatchCentralDifferences()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 100);
        using var problem = new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 5, OuterCriterion.ValidationError);
        HyperparameterSet h = Hyperparameters();
        var method = new UnrolledReverseMode(new ReverseModeOptions { Steps = Steps });

        HypergradientResult result = method.Compute(problem, h);
        double[] analytic = result.Flatten(h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);
        double[] exact = new ExactReversalReverseMode(method.Options).Compute(problem, h).Flatten(h);

        output.WriteLine($"expected validation error {result.OuterLoss:F6}; max relative error vs finite differences: unrolled {ReverseModeTests.MaxRelativeError(numeric, analytic):E3}, exact reversal {ReverseModeTests.MaxRelativeError(numeric, exact):E3}");
        Assert.InRange(result.OuterLoss, 0.0, 1.0);
        FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        FiniteDifferences.AssertClose(numeric, exact, 1e-4);
        Assert.All(analytic.Where((_, i) => i != Steps), g => Assert.NotEqual(0.0, g));
    }

    [Fact]
    public void Compute_ValidationErrorImplicit_MatchesCentralDifferences()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 200);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 200, seed: 2, OuterCriterion.ValidationError);
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(-2));
        var method = new ImplicitDifferentiation(new ImplicitDifferentiationOptions { InitialTolerance = 1e-11, MinimumTolerance = 1e-11, ToleranceDecrease = 1 });

        HypergradientResult result = method.Compute(problem, h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-3);

        output.WriteLine($"theta -2: expected validation error {result.OuterLoss:F6}, hypergradient {result.Flatten(h)[0]:E6}, finite differences {numeric[0]:E6}");
        Assert.NotEqual(0.0, result.Flatten(h)[0]);
        FiniteDifferences.AssertClose(numeric, result.Flatten(h), 1e-4);
    }

    [Fact]
    public void ValidationErrorRate_TrainedWeights_EqualsCountedArgmaxErrorsAndOuterLossIsExpectedError()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 150);
        var mlp = new Mlp([784, 6, 10], Activation.Tanh);
        using var problem = new MlpInnerProblem(mlp, train, validation, batchSize: 20, seed: 5, OuterCriterion.ValidationError);
        HyperparameterSet h = Hyperparameters();
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors leaves = h.CreateTensors();
        Tensor[] weights = [.. problem.InitialWeights(leaves).Select(w => w.detach())];
        for (int t = 0; t < 30; t++)
        {
            Tensor[] leaf = [.. weights.Select(w => w.detach().requires_grad_(true))];
            Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(leaf, leaves, t)], leaf);
            weights = [.. leaf.Zip(g, (w, d) => (w - (0.3 * d)).detach())];
        }

        double reported = problem.ValidationErrorRate(weights);
        double surrogate = problem.OuterLoss(weights, leaves).item<double>();

        // The reference, by hand from the logits: count rows whose largest logit is not the label's; the mean of 1 − softmax(label).
        using TensorDataset data = validation.ToTensors();
        double[] logits = TensorData.ToArray<double>(mlp.Forward(weights, data.Features.to(ScalarType.Float64)));
        long[] labels = TensorData.ToArray<long>(data.Labels.to(ScalarType.Int64));
        int wrong = 0;
        double expected = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double[] row = logits[(i * 10)..((i + 1) * 10)];
            int best = Array.IndexOf(row, row.Max());
            wrong += best == labels[i] ? 0 : 1;
            double max = row.Max();
            expected += 1 - (Math.Exp(row[labels[i]] - max) / row.Sum(z => Math.Exp(z - max)));
        }

        output.WriteLine($"0-1 error {reported:F4} ({wrong} of {labels.Length} wrong), expected error {surrogate:F6}");
        Assert.Equal((double)wrong / labels.Length, reported);
        Assert.InRange(wrong, 1, labels.Length - 1);
        Assert.Equal(expected / labels.Length, surrogate, 12);
    }

    [Fact]
    public void CenterInputs_SameWeightsUpToTheFirstBias_SameLossesPenaltyAndInitialFunction()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 80);
        var mlp = new Mlp([784, 6, 10], Activation.Tanh);
        using var raw = new MlpInnerProblem(mlp, train, validation, batchSize: 50, seed: 5);
        using var centred = new MlpInnerProblem(mlp, train, validation, batchSize: 50, seed: 5, centerInputs: true);
        HyperparameterSet h = Hyperparameters();
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors leaves = h.CreateTensors();

        // Weights in the centred coordinates, moved away from the initial ones so that the first layer's weights matter.
        using var generator = new torch.Generator(11);
        Tensor[] weights = [.. centred.InitialWeights(leaves).Select(w => w + (0.1 * torch.randn(w.shape, ScalarType.Float64, generator: generator)))];
        Tensor[] uncentred = [weights[0], centred.UncentredFirstBias(weights), .. weights.Skip(2)];

        Assert.False(raw.CentersInputs);
        Assert.True(centred.CentersInputs);
        Assert.False(TensorData.ToArray<double>(uncentred[1]).SequenceEqual(TensorData.ToArray<double>(weights[1])));
        foreach (int? step in new int?[] { null, 0, 3 })
        {
            Assert.Equal(raw.TrainingLoss(uncentred, leaves, step).item<double>(), centred.TrainingLoss(weights, leaves, step).item<double>(), 10);
        }

        Assert.Equal(raw.OuterLoss(uncentred, leaves).item<double>(), centred.OuterLoss(weights, leaves).item<double>(), 10);
        Assert.Equal(raw.ValidationErrorRate(uncentred), centred.ValidationErrorRate(weights));

        // The centred initial weights are the raw ones with b̃ = b + W₀·m: the same initial function.
        Tensor[] rawInitial = raw.InitialWeights(leaves);
        Tensor[] centredInitial = centred.InitialWeights(leaves);
        Assert.Equal(TensorData.ToArray<double>(rawInitial[0]), TensorData.ToArray<double>(centredInitial[0]));
        Assert.InRange((rawInitial[1] - centred.UncentredFirstBias(centredInitial)).abs().max().item<double>(), 0, 1e-12);
        Assert.True((centredInitial[1] - rawInitial[1]).abs().max().item<double>() > 1e-3);
        Assert.Equal(raw.OuterLoss(rawInitial, leaves).item<double>(), centred.OuterLoss(centredInitial, leaves).item<double>(), 10);
    }

    [Fact]
    public void Constructor_UndefinedOuterCriterion_ThrowsNamingIt()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(20, 20);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MlpInnerProblem(new Mlp([784, 10]), train, validation, 10, 1, (OuterCriterion)7));

        Assert.Equal("outerCriterion", error.ParamName);
        Assert.Contains("ValidationLoss, ValidationError", error.Message, StringComparison.Ordinal);
    }
}
