using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>The hypergradient methods release every tensor they create (the count is process-wide, so this runs alone).</summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class HypergradientLiveTensorTests
{
    public static TheoryData<string> Methods => ["unrolled", "exact-reversal", "checkpointed", "drmad", "greedy", "implicit", "checkpointed-adam"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void Compute_Method_LiveTensorCountReturnsToStart(string name)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(60, 40);
        using var problem = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 1);
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, 5), 0.2)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9)
            .Add(new Hyperparameter("beta2", HyperparameterTransform.Logit), 0.99)
            .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), 0.01)
            .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), 1.0);
        var options = new ReverseModeOptions { Steps = 5 };
        IHypergradientMethod method = name switch
        {
            "unrolled" => new UnrolledReverseMode(options),
            "exact-reversal" => new ExactReversalReverseMode(options),
            "checkpointed" => new CheckpointedReverseMode(options, interval: 2),
            "drmad" => new DrMad(options),
            "greedy" => new GreedyOneStep(options, outerLearningRate: 1),
            "checkpointed-adam" => new CheckpointedAdamReverseMode(options, interval: 2),
            _ => new ImplicitDifferentiation(new ImplicitDifferentiationOptions { InitialTolerance = 1e-6 }),
        };
        method.Compute(problem, h);
        long before = SettledCount();

        HypergradientResult result = method.Compute(problem, h);

        Assert.True(double.IsFinite(result.OuterLoss));
        Assert.Equal(before, SettledCount());
    }

    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
