using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Training;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Training;

/// <summary><see cref="Trainer.Fit"/> on a 2,048-image Fashion-MNIST subset: reproducible, seed-driven, and it learns.</summary>
public sealed class TrainerTests
{
    private static readonly Lazy<TabularDataset> Subset = new(() => FashionMnist.Load().Train.Subset(Enumerable.Range(0, 2048).ToArray()));

    [Theory]
    [InlineData(OptimizerKind.SgdMomentum)]
    [InlineData(OptimizerKind.Adam)]
    public void Fit_SameSeedTwice_IdenticalWeightsBitForBit(OptimizerKind optimizer)
    {
        IReadOnlyList<double[]> a = Train(7, 7, optimizer);
        IReadOnlyList<double[]> b = Train(7, 7, optimizer);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i], b[i]);
        }
    }

    [Fact]
    public void Fit_DifferentSeeds_DifferentWeights()
    {
        Assert.NotEqual(Train(1, 1)[0], Train(2, 2)[0]);
    }

    [Fact]
    public void Fit_SameInitialWeightsDifferentOrderSeed_DifferentWeights()
    {
        // The options' seed alone (the minibatch order) changes the result.
        Assert.NotEqual(Train(1, 1)[0], Train(1, 2)[0]);
    }

    [Fact]
    public void Fit_RealData_LossDecreasesAndAccuracyBeatsChance()
    {
        using TensorDataset data = Subset.Value.ToTensors();
        var mlp = new Mlp([784, 64, 10]);
        using var generator = new torch.Generator(3);
        using ParameterSet weights = mlp.CreateParameters(generator);
        IReadOnlyList<EpochReport> reports = new Trainer(mlp, new TrainingOptions { Epochs = 4, BatchSize = 64 })
            .Fit(weights, data.Features, data.Labels, (data.Features, data.Labels));
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Epoch));
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss, $"loss went from {reports[0].TrainLoss} to {reports[^1].TrainLoss}");
        Assert.InRange(reports[^1].Validation!.Accuracy!.Value, 0.7, 1.0);
        Assert.Equal(2048, reports[^1].Validation!.Count);
    }

    private static IReadOnlyList<double[]> Train(ulong initSeed, ulong orderSeed, OptimizerKind optimizer = OptimizerKind.SgdMomentum)
    {
        using TensorDataset data = Subset.Value.ToTensors();
        var mlp = new Mlp([784, 32, 10]);
        using var generator = new torch.Generator(initSeed);
        using ParameterSet weights = mlp.CreateParameters(generator);
        var options = new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 64,
            Seed = orderSeed,
            Optimizer = optimizer,
            LearningRate = optimizer == OptimizerKind.Adam ? 0.001 : 0.05,
            WeightDecay = 1e-4,
        };
        new Trainer(mlp, options).Fit(weights, data.Features, data.Labels);
        return weights.ToArrays();
    }
}
