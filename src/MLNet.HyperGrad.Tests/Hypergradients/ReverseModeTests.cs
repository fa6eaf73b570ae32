using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>Reverse-mode hypergradients on a small tanh MLP trained on real Fashion-MNIST rows, in float64.</summary>
public sealed class ReverseModeTests(ITestOutputHelper output)
{
    private const int Steps = 8;

    private static MlpInnerProblem Problem()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 100);
        return new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 5);
    }

    // A learning rate and a momentum per step (varied, so every step differs), an L2 and an init scale per layer.
    private static HyperparameterSet Hyperparameters() => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.3 + (0.02 * t))])
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.9 - (0.01 * t))])
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [0.01, 0.03])
        .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.2, 0.8]);

    [Fact]
    public void Compute_UnrolledAndExactReversal_MatchCentralDifferences()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters();
        var method = new UnrolledReverseMode(new ReverseModeOptions { Steps = Steps });

        double[] analytic = method.Compute(problem, h).Flatten(h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);

        double[] exact = new ExactReversalReverseMode(method.Options).Compute(problem, h).Flatten(h);

        output.WriteLine($"max relative error vs finite differences: unrolled {MaxRelativeError(numeric, analytic):E3}, exact reversal {MaxRelativeError(numeric, exact):E3}");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        FiniteDifferences.AssertClose(numeric, exact, 1e-4);
        // Every hyperparameter matters except the first step's momentum, which multiplies the zero initial velocity.
        Assert.Equal(0.0, analytic[Steps]);
        Assert.All(analytic.Where((_, i) => i != Steps), g => Assert.NotEqual(0.0, g));
    }

    [Fact]
    public void Compute_ExactReversal_RecoversInitialStateAndMatchesUnrolled()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters();
        var options = new ReverseModeOptions { Steps = Steps };

        HypergradientResult exact = new ExactReversalReverseMode(options).Compute(problem, h);
        HypergradientResult unrolled = new UnrolledReverseMode(options).Compute(problem, h);

        output.WriteLine($"exact reversal bit-exact: {exact.ExactlyReversed}; buffer bytes {exact.Cost.StoredBytes} vs trajectory bytes {exact.Cost.TrajectoryBytes}");
        output.WriteLine($"max relative difference vs unrolled autograd: {MaxRelativeError(unrolled.Flatten(h), exact.Flatten(h)):E3}");
        Assert.True(exact.ExactlyReversed);
        Assert.Equal(unrolled.OuterLoss, exact.OuterLoss, 1e-6);
        FiniteDifferences.AssertClose(unrolled.Flatten(h), exact.Flatten(h), 1e-4);
        Assert.InRange(exact.Cost.StoredBytes, 1, exact.Cost.TrajectoryBytes / 50);
    }

    [Fact]
    public void Compute_ExactReversalDiverging_ThrowsHyperGradException()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters();
        h.SetUnconstrained("learning_rate", [.. Enumerable.Repeat(Math.Log(1e6), Steps)]);

        var error = Assert.Throws<HyperGradException>(() => new ExactReversalReverseMode(new ReverseModeOptions { Steps = Steps }).Compute(problem, h));
        Assert.Contains("fixed-point range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_MissingMomentum_ThrowsListingPresentNames()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.1);

        var error = Assert.Throws<ArgumentException>(() => new ExactReversalReverseMode(new ReverseModeOptions { Steps = Steps }).Compute(problem, h));
        Assert.Contains("no \"momentum\"; present: [learning_rate]", error.Message, StringComparison.Ordinal);
    }

    internal static double MaxRelativeError(double[] expected, double[] actual)
    {
        double scale = expected.Max(Math.Abs);
        return expected.Zip(actual, (e, a) => Math.Abs(e - a) / scale).Max();
    }
}
