using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>Greedy one-step hypergradients on a small tanh MLP trained on real Fashion-MNIST rows, in float64.</summary>
public sealed class GreedyOneStepTests(ITestOutputHelper output)
{
    private static MlpInnerProblem Problem()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 200);
        return new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, batchSize: 50, seed: 4);
    }

    private static HyperparameterSet Hyperparameters(double l2) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.3)
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.8)
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), l2);

    [Fact]
    public void Compute_OneStepWithoutTuning_MatchesCentralDifferences()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters(0.05);
        var method = new GreedyOneStep(new ReverseModeOptions { Steps = 1 });

        double[] analytic = method.Compute(problem, h).Flatten(h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);

        output.WriteLine($"max relative error vs finite differences: {ReverseModeTests.MaxRelativeError(numeric, analytic):E3}");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        Assert.Equal(0.0, analytic[1]);
        Assert.All(analytic.Where((_, i) => i != 1), g => Assert.NotEqual(0.0, g));
    }

    [Fact]
    public void Compute_OneStepOnValidationMinibatch_MatchesCentralDifferencesOfTheBatchLoss()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters(0.05);
        var options = new ReverseModeOptions { Steps = 1 };
        var batchProblem = new BatchOuterLoss(problem);

        double[] analytic = new GreedyOneStep(options, validationMinibatches: true).Compute(problem, h).Flatten(h);
        double[] whole = new GreedyOneStep(options).Compute(problem, h).Flatten(h);
        double[] numeric = FiniteDifferences.Gradient(u => new GreedyOneStep(options).Compute(batchProblem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);

        FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        Assert.True(Math.Abs(analytic[0] - whole[0]) > 1e-6 * Math.Abs(whole[0]), "the 50-row validation batch gave the whole 200-row set's hypergradient");
    }

    [Fact]
    public void Compute_UpdateInterval_PlainStepsFollowTheSameTrajectoryAndOnlyEveryKthStepIsDifferentiated()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters(0.05);
        var options = new ReverseModeOptions { Steps = 10 };

        HypergradientResult every = new GreedyOneStep(options).Compute(problem, h);
        HypergradientResult sparse = new GreedyOneStep(options, updateInterval: 5).Compute(problem, h);

        Assert.Equal(every.OuterLoss, sparse.OuterLoss, 10);
        Assert.Equal(10, every.Cost.HessianVectorProducts);
        Assert.Equal(2, sparse.Cost.HessianVectorProducts);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreedyOneStep(options, updateInterval: 0));
    }

    [Fact]
    public void Compute_OnlineTuningFromStrongL2_LowersL2AndValidationLoss()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters(1.0);
        var options = new ReverseModeOptions { Steps = 40 };

        HypergradientResult plain = new GreedyOneStep(options).Compute(problem, h);
        var tuner = new GreedyOneStep(options, outerLearningRate: 5);
        HypergradientResult tuned = tuner.Compute(problem, h);
        double[] l2 = tuner.TunedHyperparameters!.Values(MlpInnerProblem.L2Name);

        output.WriteLine($"validation CE untuned {plain.OuterLoss:F4}, tuned {tuned.OuterLoss:F4}; L2 1.0 -> [{string.Join(", ", l2.Select(x => x.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}]; {tuned.Cost.Elapsed.TotalMilliseconds:F0} ms vs {plain.Cost.Elapsed.TotalMilliseconds:F0} ms");
        Assert.All(l2, x => Assert.True(x < 1.0, $"L2 {x} did not decrease"));
        Assert.True(tuned.OuterLoss < plain.OuterLoss, $"tuned {tuned.OuterLoss} not below untuned {plain.OuterLoss}");
        Assert.Equal(1.0, h.Values(MlpInnerProblem.L2Name)[0], 12);
    }

    [Fact]
    public void Compute_OnlyL2Tuned_L2MovesLearningRateAndMomentumStayFixed()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters(1.0);
        var tuner = new GreedyOneStep(new ReverseModeOptions { Steps = 10 }, outerLearningRate: 5, tunedNames: [MlpInnerProblem.L2Name]);

        tuner.Compute(problem, h);
        HyperparameterSet tuned = tuner.TunedHyperparameters!;

        Assert.Equal(h.UnconstrainedValues("learning_rate"), tuned.UnconstrainedValues("learning_rate"));
        Assert.Equal(h.UnconstrainedValues("momentum"), tuned.UnconstrainedValues("momentum"));
        Assert.All(tuned.Values(MlpInnerProblem.L2Name), x => Assert.True(Math.Abs(x - 1.0) > 1e-3, $"L2 {x} was not tuned"));
    }

    [Fact]
    public void Compute_AdamOuterStepFromTinyL2_MovesLogL2ByTheStepSizeWhereTheGradientStepDoesNot()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters(1e-8);
        string[] tuned = [MlpInnerProblem.L2Name];
        double[] before = h.UnconstrainedValues(MlpInnerProblem.L2Name);

        var oneAdam = new GreedyOneStep(new ReverseModeOptions { Steps = 1 }, 0.05, tuned, outerStep: GreedyOuterStep.Adam);
        HypergradientResult one = oneAdam.Compute(problem, h);
        double[] afterOne = oneAdam.TunedHyperparameters!.UnconstrainedValues(MlpInnerProblem.L2Name);

        var adam = new GreedyOneStep(new ReverseModeOptions { Steps = 10 }, 0.05, tuned, outerStep: GreedyOuterStep.Adam);
        adam.Compute(problem, h);
        double[] afterAdam = adam.TunedHyperparameters!.UnconstrainedValues(MlpInnerProblem.L2Name);
        var plain = new GreedyOneStep(new ReverseModeOptions { Steps = 10 }, 100, tuned);
        plain.Compute(problem, h);
        double[] afterPlain = plain.TunedHyperparameters!.UnconstrainedValues(MlpInnerProblem.L2Name);

        output.WriteLine($"log L2 from {before[0]:F4}: one Adam step {string.Join(", ", afterOne.Select(u => $"{u - before[0]:+0.000000;-0.000000}"))}; 10 Adam steps (β 0.05) {string.Join(", ", afterAdam.Select(u => $"{u - before[0]:+0.0000;-0.0000}"))}; 10 gradient steps (β 100) {string.Join(", ", afterPlain.Select(u => $"{u - before[0]:E2}"))}");
        double[] g = one.Gradients[MlpInnerProblem.L2Name];
        for (int l = 0; l < 2; l++)
        {
            Assert.NotEqual(0.0, g[l]);
            Assert.Equal(before[l] - (0.05 * Math.Sign(g[l])), afterOne[l], 6);
            Assert.InRange(Math.Abs(afterAdam[l] - before[l]), 0.05, 0.5 + 1e-9);
            Assert.True(Math.Abs(afterPlain[l] - before[l]) < 1e-3, $"the gradient step moved log L2 of layer {l} by {afterPlain[l] - before[l]:E3}");
        }

        Assert.Equal(h.Values("learning_rate"), adam.TunedHyperparameters!.Values("learning_rate"));
        Assert.Equal(h.Values("momentum"), adam.TunedHyperparameters!.Values("momentum"));
    }

    [Fact]
    public void Constructor_UndefinedOuterStep_ThrowsNamingIt()
    {
        Assert.Equal("outerStep", Assert.Throws<ArgumentOutOfRangeException>(() => new GreedyOneStep(outerStep: (GreedyOuterStep)9)).ParamName);
    }

    [Fact]
    public void Compute_TunedNameMissing_ThrowsListingPresentNames()
    {
        using MlpInnerProblem problem = Problem();
        var tuner = new GreedyOneStep(new ReverseModeOptions { Steps = 2 }, outerLearningRate: 1, tunedNames: ["l2.w0"]);

        var error = Assert.Throws<ArgumentException>(() => tuner.Compute(problem, Hyperparameters(1.0)));
        Assert.Contains("[l2.w0] are not in the set; present: [learning_rate, momentum, l2]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A problem whose whole outer loss is the first validation batch of another (for finite differences of the batch loss).</summary>
    private sealed class BatchOuterLoss(IInnerProblem inner) : IInnerProblem
    {
        public IReadOnlyList<long[]> WeightShapes => inner.WeightShapes;

        public TorchSharp.torch.Tensor[] InitialWeights(HyperparameterTensors hyperparameters) => inner.InitialWeights(hyperparameters);

        public TorchSharp.torch.Tensor TrainingLoss(IReadOnlyList<TorchSharp.torch.Tensor> weights, HyperparameterTensors hyperparameters, int? step) => inner.TrainingLoss(weights, hyperparameters, step);

        public TorchSharp.torch.Tensor OuterLoss(IReadOnlyList<TorchSharp.torch.Tensor> weights, HyperparameterTensors hyperparameters) => inner.OuterLossOnBatch(weights, hyperparameters, 0);
    }
}
