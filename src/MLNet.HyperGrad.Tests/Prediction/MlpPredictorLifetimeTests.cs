using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Prediction;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Tests.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Prediction;

/// <summary>A predictor releases every native tensor: none per call, its weights on dispose.</summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class MlpPredictorLifetimeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Predict1000RowsThenDispose_LiveTensorCount_ReturnsToStart()
    {
        TrainedModel model = TestModels.Random(3, [4, 16, 3]);
        var random = new Random(42);
        float[] features = [.. Enumerable.Range(0, 1000 * 4).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        long[] labels = new long[1000];
        var data = TabularDataset.ForClassification(features, labels, model.FeatureNames, model.ClassNames);
        model.Save(temp.File("m"));
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;

        using (MlpPredictor predictor = MlpPredictor.Load(temp.File("m")))
        {
            long loaded = TorchRuntime.LiveTensorCount;
            Assert.Equal(before + 4, loaded);
            for (int i = 0; i < data.Rows; i++)
            {
                predictor.Predict(data.Row(i));
            }

            Assert.Equal(loaded, TorchRuntime.LiveTensorCount);
            IReadOnlyList<MlpPrediction> batch = predictor.Predict(data);
            Assert.Equal(1000, batch.Count);
            Assert.Equal(loaded, TorchRuntime.LiveTensorCount);
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void PredictMoreRowsThanOneBatch_LiveTensorCount_ReturnsToStartAndRowsMatchSmallBatches()
    {
        TrainedModel model = TestModels.Random(4, [4, 8, 3]);
        var random = new Random(7);
        float[] features = [.. Enumerable.Range(0, 2500 * 4).Select(_ => (float)random.NextDouble())];
        var data = TabularDataset.ForClassification(features, new long[2500], model.FeatureNames, model.ClassNames);
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;

        using (var predictor = new MlpPredictor(model))
        {
            IReadOnlyList<MlpPrediction> all = predictor.Predict(data);

            Assert.Equal(2500, all.Count);
            foreach (int row in new[] { 0, 1023, 1024, 2048, 2499 })
            {
                MlpPrediction single = predictor.Predict(data.Row(row));
                Assert.Equal(single.ClassIndex, all[row].ClassIndex);
                Assert.Equal(single.Outputs[0], all[row].Outputs[0], 5);
            }
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    private static void SettleFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
