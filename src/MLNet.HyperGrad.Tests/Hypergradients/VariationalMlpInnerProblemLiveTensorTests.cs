using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>The hypergradient methods and the ELBO evaluations on the variational criterion release every tensor they create (the count is process-wide, so this runs alone).</summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class VariationalMlpInnerProblemLiveTensorTests
{
    public static TheoryData<string> Methods => ["unrolled", "exact-reversal", "greedy", "implicit", "elbo"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void Compute_Method_LiveTensorCountReturnsToStart(string name)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(60, 40);
        using var problem = new VariationalMlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 1, initialSigma: 0.05);
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, 5), 0.2)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9);
        foreach (Hyperparameter d in problem.PerWeightPriorPrecisions())
        {
            h.Add(d, 2.0);
        }

        var options = new ReverseModeOptions { Steps = 5 };
        Func<double> run = name switch
        {
            "unrolled" => () => new UnrolledReverseMode(options).Compute(problem, h).OuterLoss,
            "exact-reversal" => () => new ExactReversalReverseMode(options).Compute(problem, h).OuterLoss,
            "greedy" => () => new GreedyOneStep(options, outerLearningRate: 1).Compute(problem, h).OuterLoss,
            "implicit" => () => new ImplicitDifferentiation(new ImplicitDifferentiationOptions { InitialTolerance = 1e-4, MaxNewtonIterations = 5 }).Compute(problem, h).OuterLoss,
            _ => () => Elbo(problem, h),
        };
        run();
        long before = SettledCount();

        double value = run();

        Assert.True(double.IsFinite(value));
        Assert.Equal(before, SettledCount());
    }

    private static double Elbo(VariationalMlpInnerProblem problem, HyperparameterSet h)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        TorchSharp.torch.Tensor[] weights = problem.InitialWeights(h.CreateTensors());
        return problem.TrainingElbo(weights, h, samples: 2) + problem.ValidationElbo(weights, h, samples: 2);
    }

    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
