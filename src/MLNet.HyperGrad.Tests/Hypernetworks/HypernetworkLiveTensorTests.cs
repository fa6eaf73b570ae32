using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary>A hypernetwork search releases every native tensor it creates (the count is process-wide, so this runs alone).</summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class HypernetworkLiveTensorTests
{
    [Theory]
    [InlineData(HypernetworkMode.Global)]
    [InlineData(HypernetworkMode.Local)]
    public void Run_BothModes_ReleasesEveryTensor(HypernetworkMode mode)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(60, 40);
        using var problem = new MlpInnerProblem(new Mlp([784, 5, 10]), train, validation, batchSize: 30, seed: 3);
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [1e-3, 1e-3]);

        long live = SettledCount();
        using (var network = new BestResponseHypernetwork(problem, h, [new HyperparameterRange(MlpInnerProblem.L2Name, -8, 0)], 3, 5))
        {
            HypernetworkSearchResult result = HypernetworkSearch.Run(network, [-3.0, -4.0], new HypernetworkSearchOptions { Mode = mode, TrainingSteps = 4, HyperparameterSteps = 3, LocalHypernetworkSteps = 2, CurvePoints = 3 });
            Assert.Equal(2 * 3, result.Curve.Count);
        }

        Assert.Equal(live, TorchRuntime.LiveTensorCount);
    }

    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
