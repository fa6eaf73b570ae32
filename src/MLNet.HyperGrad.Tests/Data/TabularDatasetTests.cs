using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Data;

public sealed class TabularDatasetTests
{
    private static TabularDataset Classification() =>
        TabularDataset.ForClassification(
            new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 0, 2, 1 }, ["a", "b"], ["x", "y", "z"]);

    [Fact]
    public void ForClassification_ValidInput_ExposesShapeNamesAndLabels()
    {
        TabularDataset data = Classification();

        Assert.Equal(TaskKind.Classification, data.Task);
        Assert.Equal(3, data.Rows);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(new float[] { 3, 4 }, data.Row(1).ToArray());
        Assert.Equal(new long[] { 0, 2, 1 }, data.Labels.ToArray());
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Throws<InvalidOperationException>(() => data.Targets.Length);
    }

    [Fact]
    public void ForClassification_SourceArrayChangedAfterwards_DatasetUnchanged()
    {
        float[] x = [1, 2];
        long[] y = [1];
        TabularDataset data = TabularDataset.ForClassification(x, y, ["a", "b"], ["p", "q"]);

        x[0] = 100;
        y[0] = 0;

        Assert.Equal(1f, data.Features[0]);
        Assert.Equal(1L, data.Labels[0]);
    }

    [Fact]
    public void ForClassification_LabelOutOfRange_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            TabularDataset.ForClassification(new float[] { 1, 2 }, new long[] { 0, 2 }, ["a"], ["x", "y"]));
        Assert.Contains("Label 2 at row 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForRegression_LengthMismatch_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            TabularDataset.ForRegression(new float[] { 1, 2, 3 }, new float[] { 0.5f, 1 }, ["a", "b"]));
        Assert.Contains("2 rows of 2 features need 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForRegression_NonFiniteFeature_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            TabularDataset.ForRegression(new float[] { 1, float.NaN }, new float[] { 0.5f }, ["a", "b"]));
        Assert.Contains("Feature 1 of row 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForRegression_DuplicateFeatureNames_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() =>
            TabularDataset.ForRegression(new float[] { 1, 2 }, new float[] { 0.5f }, ["a", "a"]));
    }

    [Fact]
    public void Subset_RowsInAnyOrderWithRepeats_CopiesFeaturesAndLabels()
    {
        TabularDataset subset = Classification().Subset([2, 0, 2]);

        Assert.Equal(new float[] { 5, 6, 1, 2, 5, 6 }, subset.Features.ToArray());
        Assert.Equal(new long[] { 1, 0, 1 }, subset.Labels.ToArray());
        Assert.Equal(["x", "y", "z"], subset.ClassNames);
    }

    [Fact]
    public void Subset_IndexOutOfRange_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Classification().Subset([0, 3]));
    }

    [Fact]
    public void ToTensors_Classification_GivesFloat32FeaturesAndInt64Labels()
    {
        using TensorDataset tensors = Classification().ToTensors();

        Assert.Equal(TaskKind.Classification, tensors.Task);
        Assert.Equal(new long[] { 3, 2 }, tensors.Features.shape);
        Assert.Equal(ScalarType.Float32, tensors.Features.dtype);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, TensorData.ToArray<float>(tensors.Features));
        Assert.Equal(new long[] { 3 }, tensors.Labels.shape);
        Assert.Equal(ScalarType.Int64, tensors.Labels.dtype);
        Assert.Equal(new long[] { 0, 2, 1 }, TensorData.ToArray<long>(tensors.Labels));
    }

    [Fact]
    public void ToTensors_Regression_GivesFloat32Targets()
    {
        TabularDataset data = TabularDataset.ForRegression(new float[] { 1, 2, 3, 4 }, new float[] { -1.5f, 2.25f }, ["a", "b"]);

        using TensorDataset tensors = data.ToTensors(torch.CPU);

        Assert.Equal(new long[] { 2, 2 }, tensors.Features.shape);
        Assert.Equal(ScalarType.Float32, tensors.Labels.dtype);
        Assert.Equal(new long[] { 2 }, tensors.Labels.shape);
        Assert.Equal(new float[] { -1.5f, 2.25f }, TensorData.ToArray<float>(tensors.Labels));
        Assert.Throws<InvalidOperationException>(() => data.Labels.Length);
    }

    [Fact]
    public void ToTensors_Dispose_FreesBothTensors()
    {
        TensorDataset tensors = Classification().ToTensors();

        tensors.Dispose();
        tensors.Dispose();

        Assert.True(tensors.Features.IsInvalid);
        Assert.True(tensors.Labels.IsInvalid);
    }
}
