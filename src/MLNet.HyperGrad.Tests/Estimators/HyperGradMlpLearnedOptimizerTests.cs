using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.LearnedOptimizers;
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
        (TabularDataset train, TabularDataset test) = FashionMnistSplits.Take(1000, 500);

        // A small optimizer meta-trained for a few seconds on the training rows, saved and loaded as a user would.
        string path = Path.Combine(directory, "lstm.hgo");
        using (TensorDataset tensors = train.ToTensors())
        using (LstmOptimizer fresh = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 6 }, seed: 1))
        {
            new LstmMetaTrainer(new LstmMetaTrainingOptions { Episodes = 8, EpisodeSteps = 20, UnrollLength = 5, BatchSize = 64, HiddenSizes = [8], MetaLearningRate = 0.03, Seed = 2 })
                .Train(fresh, tensors.Features, tensors.Labels);
            fresh.Save(path);
        }

        var ml = new MLContext(seed: 1);
        IDataView trainView = ml.Data.LoadFromEnumerable(Rows(train));
        IDataView testView = ml.Data.LoadFromEnumerable(Rows(test));
        using LstmOptimizer optimizer = LstmOptimizer.Load(path);
        var losses = new List<double>();
        var options = new HyperGradMlpOptions { HiddenWidth = 8, Depth = 1, BatchSize = 64, Epochs = 4, Seed = 3, Optimizer = optimizer, EpochCompleted = e => losses.Add(e.TrainLoss) };
        var learned = ml.Transforms.Conversion.MapValueToKey("Label", nameof(PixelRow.Class))
            .Append(ml.MulticlassClassification.Trainers.HyperGradMlp(options)).Fit(trainView);
        var sgd = ml.Transforms.Conversion.MapValueToKey("Label", nameof(PixelRow.Class))
            .Append(ml.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions { HiddenWidth = 8, Depth = 1, BatchSize = 64, Epochs = 4, Seed = 3 })).Fit(trainView);

        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(learned.Transform(testView));
        output.WriteLine($"learned optimizer: epoch losses {string.Join(", ", losses.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}; held-out accuracy {metrics.MicroAccuracy:F4}");
        Assert.Equal(4, losses.Count);
        Assert.True(losses[^1] < losses[0] && losses[^1] < 1.5, $"the training loss should fall well below ln 10: {string.Join(", ", losses)}");
        Assert.InRange(metrics.MicroAccuracy, 0.5, 1.0);
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
