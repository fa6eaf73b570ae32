using Microsoft.ML;
using Microsoft.ML.Data;
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

    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
