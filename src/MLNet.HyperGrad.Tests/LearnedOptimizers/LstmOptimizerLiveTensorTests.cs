using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.LearnedOptimizers;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.LearnedOptimizers;

/// <summary>Training with a learned optimizer, and meta-training, release every native tensor (the count is process-wide, so this runs alone).</summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class LstmOptimizerLiveTensorTests
{
    [Fact]
    public void TrainerFit_WithLearnedOptimizer_ChangesWeightsAndReleasesEveryTensor()
    {
        (TabularDataset train, _) = FashionMnistSplits.Take(256, 1);
        using TensorDataset data = train.ToTensors();
        var mlp = new Mlp([784, 8, 10], Activation.Sigmoid);
        using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 6 }, seed: 2);
        using var generator = new torch.Generator(5);
        using ParameterSet weights = mlp.CreateParameters(generator);
        double[] before = weights.ToArrays()[0];
        var options = new TrainingOptions { Epochs = 2, BatchSize = 32, LearnedOptimizer = optimizer, WeightDecay = 1e-4 };

        long live = SettledCount();
        IReadOnlyList<EpochReport> reports = new Trainer(mlp, options).Fit(weights, data.Features, data.Labels);

        Assert.Equal(live, TorchRuntime.LiveTensorCount);
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.True(double.IsFinite(r.TrainLoss)));
        Assert.NotEqual(before, weights.ToArrays()[0]);
    }

    [Fact]
    public void MetaTrain_TwoEpisodes_ReleasesEveryTensor()
    {
        (TabularDataset train, _) = FashionMnistSplits.Take(128, 1);
        using TensorDataset data = train.ToTensors();
        using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 4 }, seed: 2);
        var trainer = new LstmMetaTrainer(new LstmMetaTrainingOptions { Episodes = 2, EpisodeSteps = 7, UnrollLength = 3, BatchSize = 16, HiddenSizes = [4] });

        long live = SettledCount();
        trainer.Train(optimizer, data.Features, data.Labels);

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
