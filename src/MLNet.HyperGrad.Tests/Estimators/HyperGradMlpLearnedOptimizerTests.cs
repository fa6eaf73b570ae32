using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.LearnedOptimizers;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Estimators;

/// <summary>HyperGradMlp in an ML.NET pipeline trained by a learned LSTM optimizer loaded from a file (<see cref="HyperGradMlpOptions.Optimizer"/>).</summary>
public sealed class HyperGradMlpLearnedOptimizerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-lstm-mlp-").FullName;

    [Fact]
    public void Fit_WithLoadedLstmOptimizer_TrainsAndDiffersFromSgd()
    {
        (TabularDataset train, TabularDataset test) = FashionMnistSplits.Take(500, 300);

        // A small optimizer meta-trained for a few seconds on the rows HyperGradMlp will see (standardized, as the trainer
        // standardizes them), on the network it will train (one ReLU hidden layer of 8: HyperGradMlp's activation is ReLU, and an optimizer
        // meta-trained on sigmoid networks overshoots on ReLU ones) and for as many steps as it will take (3 epochs of 10 minibatches),
        // saved and loaded as a user would.
        string path = Path.Combine(directory, "lstm.hgo");
        using (TensorDataset tensors = train.ToTensors())
        using (TorchSharp.torch.Tensor mean = tensors.Features.mean([0], keepdim: true))
        using (TorchSharp.torch.Tensor sd = tensors.Features.std(0, unbiased: false, keepdim: true))
        using (TorchSharp.torch.Tensor scale = TorchSharp.torch.where(sd.gt(0), sd, TorchSharp.torch.ones_like(sd)))
        using (TorchSharp.torch.Tensor standardized = (tensors.Features - mean) / scale)
        using (LstmOptimizer fresh = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 6 }, seed: 1))
        {
            new LstmMetaTrainer(new LstmMetaTrainingOptions { Episodes = 6, EpisodeSteps = 30, UnrollLength = 10, BatchSize = 50, HiddenSizes = [8], Activation = Activation.Relu, MetaLearningRate = 0.03, Seed = 2 })
                .Train(fresh, standardized, tensors.Labels);
            fresh.Save(path);
        }

        var ml = new MLContext(seed: 1);
        IDataView trainView = ml.Data.LoadFromEnumerable(Rows(train));
        IDataView testView = ml.Data.LoadFromEnumerable(Rows(test));
        using LstmOptimizer optimizer = LstmOptimizer.Load(path);
        var losses = new List<double>();
        var options = new HyperGradMlpOptions { HiddenWidth = 8, Depth = 1, BatchSize = 50, Epochs = 3, Seed = 3, Optimizer = optimizer, EpochCompleted = e => losses.Add(e.TrainLoss) };
        var learned = ml.Transforms.Conversion.MapValueToKey("Label", nameof(PixelRow.Class))
            .Append(ml.MulticlassClassification.Trainers.HyperGradMlp(options)).Fit(trainView);
        var sgd = ml.Transforms.Conversion.MapValueToKey("Label", nameof(PixelRow.Class))
            .Append(ml.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions { HiddenWidth = 8, Depth = 1, BatchSize = 50, Epochs = 3, Seed = 3 })).Fit(trainView);

        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(learned.Transform(testView));
        output.WriteLine($"learned optimizer: epoch losses {string.Join(", ", losses.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}; held-out accuracy {metrics.MicroAccuracy:F4}");
        Assert.Equal(3, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses[^1] < losses[0], $"the training loss should fall: {string.Join(", ", losses)}");

        // Ten classes: chance is 0.1. (An optimizer meta-trained for six short episodes is no match for tuned SGD, and after 30 steps it
        // reaches about 0.4 here; it must train, well above chance, not win.)
        Assert.InRange(metrics.MicroAccuracy, 0.3, 1.0);
        float[] learnedScore = learned.Transform(testView).GetColumn<float[]>("Score").First();
        float[] sgdScore = sgd.Transform(testView).GetColumn<float[]>("Score").First();
        Assert.NotEqual(sgdScore, learnedScore);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static List<PixelRow> Rows(TabularDataset data)
    {
        var rows = new List<PixelRow>(data.Rows);
        for (int i = 0; i < data.Rows; i++)
        {
            rows.Add(new PixelRow { Pixels = data.Features.Slice(i * data.FeatureCount, data.FeatureCount).ToArray(), Class = data.ClassNames[(int)data.Labels[i]] });
        }

        return rows;
    }

    private sealed class PixelRow
    {
        [ColumnName("Features")]
        [VectorType(784)]
        public float[] Pixels { get; set; } = [];

        public string Class { get; set; } = string.Empty;
    }
}
