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
    public void Compute_UnrolledExactReversalAndCheckpointed_MatchCentralDifferences()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Hyperparameters();
        var method = new UnrolledReverseMode(new ReverseModeOptions { Steps = Steps });

        double[] analytic = method.Compute(problem, h).Flatten(h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);

        double[] exact = new ExactReversalReverseMode(method.Options).Compute(problem, h).Flatten(h);
        HypergradientResult checkpointed = new CheckpointedReverseMode(method.Options, interval: 3).Compute(problem, h);

        output.WriteLine($"max relative error vs finite differences: unrolled {MaxRelativeError(numeric, analytic):E3}, exact reversal {MaxRelativeError(numeric, exact):E3}, checkpointed {MaxRelativeError(numeric, checkpointed.Flatten(h)):E3}");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        FiniteDifferences.AssertClose(numeric, exact, 1e-4);
        FiniteDifferences.AssertClose(numeric, checkpointed.Flatten(h), 1e-4);
        Assert.True(checkpointed.Cost.StoredBytes < 2 * Steps * problem.WeightShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b)) * sizeof(double));
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
    public void Compute_ExactReversalMlp784x50x10For100Steps_BufferFarSmallerThanTrajectory()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(1000, 500);
        using var problem = new MlpInnerProblem(new Mlp([784, 50, 10], Activation.Tanh), train, validation, batchSize: 200, seed: 7);
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, 100), 0.1)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, 100), 0.9)
            .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), 1e-4)
            .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), 1.0);

        HypergradientResult result = new ExactReversalReverseMode(new ReverseModeOptions { Steps = 100 }).Compute(problem, h);

        double ratio = (double)result.Cost.TrajectoryBytes / result.Cost.StoredBytes;
        output.WriteLine($"exact reversal bit-exact: {(result.ExactlyReversed == true ? "yes" : "no")}; buffer bytes {result.Cost.StoredBytes} vs trajectory bytes {result.Cost.TrajectoryBytes} (1/{ratio:F0}); validation CE {result.OuterLoss:F4}; {result.Cost.Elapsed.TotalSeconds:F1} s");
        Assert.True(result.ExactlyReversed);
        Assert.InRange(ratio, 100, 1000);
    }

    [Fact]
    public void Compute_BlockSchedules_AllReverseModesMatchCentralDifferences()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, 4), [0.4, 0.3, 0.35, 0.2])
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, 3), [0.9, 0.5, 0.8]);
        var options = new ReverseModeOptions { Steps = Steps };
        var unrolled = new UnrolledReverseMode(options);

        double[] numeric = FiniteDifferences.Gradient(u => unrolled.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);

        foreach (IHypergradientMethod method in new IHypergradientMethod[] { unrolled, new ExactReversalReverseMode(options), new CheckpointedReverseMode(options) })
        {
            double[] analytic = method.Compute(problem, h).Flatten(h);
            output.WriteLine($"{method.Name}: max relative error vs finite differences {MaxRelativeError(numeric, analytic):E3}");
            FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        }

        Assert.All(numeric, g => Assert.NotEqual(0.0, g));
    }

    [Fact]
    public void Compute_DrMadOneStep_EqualsExactReverseMode()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Schedule(1);
        var options = new ReverseModeOptions { Steps = 1 };

        double[] unrolled = new UnrolledReverseMode(options).Compute(problem, h).Flatten(h);
        double[] drmad = new DrMad(options).Compute(problem, h).Flatten(h);

        FiniteDifferences.AssertClose(unrolled, drmad, 1e-10);
    }

    [Fact]
    public void Compute_DrMadManySteps_MemoryConstantInStepsAndErrorReported()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterResultPair Run(int steps)
        {
            HyperparameterSet h = Schedule(steps);
            var options = new ReverseModeOptions { Steps = steps };
            return new(h, new DrMad(options).Compute(problem, h), new ExactReversalReverseMode(options).Compute(problem, h));
        }

        HyperparameterResultPair short8 = Run(8);
        HyperparameterResultPair long16 = Run(16);

        foreach (HyperparameterResultPair run in new[] { short8, long16 })
        {
            double[] exact = run.Exact.Flatten(run.Set);
            double[] drmad = run.DrMad.Flatten(run.Set);
            double agreement = exact.Zip(drmad, (e, d) => Math.Sign(e) == Math.Sign(d) ? 1.0 : 0.0).Average();
            double globalAgreement = exact[^4..].Zip(drmad[^4..], (e, d) => Math.Sign(e) == Math.Sign(d) ? 1.0 : 0.0).Average();
            output.WriteLine($"T = {(exact.Length - 4) / 2}: DrMAD max relative error vs exact reversal {MaxRelativeError(exact, drmad):E3}, sign agreement {agreement:P0} (L2 and init scales {globalAgreement:P0}); stored bytes {run.DrMad.Cost.StoredBytes} (exact reversal buffer {run.Exact.Cost.StoredBytes}), {run.DrMad.Cost.Elapsed.TotalMilliseconds:F0} ms vs {run.Exact.Cost.Elapsed.TotalMilliseconds:F0} ms");
            Assert.All(drmad, g => Assert.True(double.IsFinite(g)));
        }

        Assert.Equal(short8.DrMad.Cost.StoredBytes, long16.DrMad.Cost.StoredBytes);
        Assert.True(long16.Exact.Cost.StoredBytes > short8.Exact.Cost.StoredBytes);
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

    private static HyperparameterSet Schedule(int steps) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, steps), 0.3)
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, steps), 0.9)
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [0.01, 0.03])
        .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.2, 0.8]);

    internal static double MaxRelativeError(double[] expected, double[] actual)
    {
        double scale = expected.Max(Math.Abs);
        return expected.Zip(actual, (e, a) => Math.Abs(e - a) / scale).Max();
    }

    private sealed record HyperparameterResultPair(HyperparameterSet Set, HypergradientResult DrMad, HypergradientResult Exact);
}
