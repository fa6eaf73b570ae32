using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Tests.Data.Idx;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Prediction;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Tests.Models;
using MLNet.HyperGrad.Training;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Prediction;

/// <summary>A model trained on a subset of the real Fashion-MNIST (raw pixels, no schema, no standardizer) survives a save and load.</summary>
public sealed class MlpPredictorFashionMnistTests(FashionMnistFixture fashion) : IClassFixture<FashionMnistFixture>, IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void SaveLoadPredict_FashionMnistSubset_BitForBitAndWellAboveChance()
    {
        TabularDataset train = fashion.Data.Train.Subset([.. Enumerable.Range(0, 3000)]);
        TabularDataset test = fashion.Data.Test.Subset([.. Enumerable.Range(0, 1000)]);
        var mlp = new Mlp([784, 64, 10]);
        using var generator = new torch.Generator(5);
        using ParameterSet weights = mlp.CreateParameters(generator);
        using (TensorDataset tensors = train.ToTensors())
        {
            new Trainer(mlp, new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.05, Seed = 5 }).Fit(weights, tensors.Features, tensors.Labels);
        }

        TrainedModel model = TrainedModel.FromParameters(mlp, weights, TaskKind.Classification, train.FeatureNames, train.ClassNames, TestModels.Metadata);
        (float[] logits, float[] probabilities) = TestModels.Forward(mlp, weights, test);
        model.Save(temp.File("fashion"));

        using MlpPredictor predictor = MlpPredictor.Load(temp.File("fashion"));
        IReadOnlyList<MlpPrediction> predictions = predictor.Predict(test);

        Assert.Null(predictor.Model.Schema);
        Assert.Null(predictor.Model.Standardizer);
        Assert.Equal(FashionMnist.ClassNames, predictor.Model.ClassNames);
        Assert.Equal(logits.Select(BitConverter.SingleToInt32Bits), predictions.SelectMany(p => p.Outputs).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(probabilities.Select(BitConverter.SingleToInt32Bits), predictions.SelectMany(p => p.Probabilities).Select(BitConverter.SingleToInt32Bits));
        double accuracy = Enumerable.Range(0, test.Rows).Count(i => predictions[i].ClassIndex == test.Labels[i]) / (double)test.Rows;
        Assert.True(accuracy >= 0.6, $"Test accuracy {accuracy:F3} is not well above the 0.1 of chance.");
        MlpPrediction first = predictor.Predict(test.Row(0));
        Assert.Equal(predictions[0].ClassName, first.ClassName);
    }
}
