using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary>A self-tuning run releases every native tensor (the count is process-wide, so this runs alone).</summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class SelfTuningLiveTensorTests
{
    [Fact]
    public void Train_TwoEpochs_ReleasesEveryTensor()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(96, 40);
        using TensorDataset trainTensors = train.ToTensors();
        using TensorDataset validationTensors = validation.ToTensors();
        var trainer = new SelfTuningTrainer(new SelfTuningOptions { HiddenLayers = [6, 5], Epochs = 2, BatchSize = 16, TrainSteps = 2, WarmupEpochs = 0 });

        long live = SettledCount();
        SelfTuningRun run = trainer.Train(trainTensors.Features, trainTensors.Labels, validationTensors.Features, validationTensors.Labels);

        Assert.Equal(live, SettledCount());
        Assert.Equal(2, run.Schedule.Count);
    }

    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
