using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Estimators;

/// <summary>Fit and Transform of the ML.NET trainer release every native tensor (the count is process-wide, so this runs alone).</summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class HyperGradMlpLiveTensorTests
{
    [Fact]
    public void FitAndTransform_WinePipeline_LiveTensorCountReturnsToStart()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        TorchRuntime.EnsureLoaded();
        long before = SettledCount();

        var model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 3, seed: 1)).Fit(data);
        float[][] scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();

        Assert.Equal(178, scores.Length);
        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void Fit_10000TrainingSteps_LiveTensorCountStaysFlatAndReturnsToStart()
    {
        // Wine's 178 rows in batches of 4 are 45 steps an epoch: 223 epochs are 10,035 steps of a 13-8-3 network.
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        TorchRuntime.EnsureLoaded();
        var perEpoch = new List<long>();
        var options = new HyperGradMlpOptions
        {
            HiddenWidth = 8,
            Depth = 1,
            BatchSize = 4,
            Epochs = 223,
            LearningRate = 0.01,
            Seed = 2,
            EpochCompleted = _ => perEpoch.Add(TorchRuntime.LiveTensorCount),
        };
        long before = SettledCount();

        var model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(options)).Fit(data);
        float[][] scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();

        Assert.Equal(223, perEpoch.Count);
        Assert.True(perEpoch.Count * (int)Math.Ceiling(178 / 4.0) >= 10_000);

        // No step leaks: the count at every epoch's end is the count at the first epoch's end (weights, velocities, data).
        Assert.All(perEpoch, count => Assert.Equal(perEpoch[0], count));
        Assert.Equal(178, scores.Length);
        Assert.All(scores, row => Assert.All(row, v => Assert.True(float.IsFinite(v))));
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
