using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Models;

/// <summary>The in-memory description: copying from tensors, validation, and back to tensors.</summary>
public sealed class TrainedModelTests(SklearnModelsFixture sklearn) : IClassFixture<SklearnModelsFixture>
{
    [Fact]
    public void FromParameters_TrainedWine_CopiesEveryTensorBitForBit()
    {
        TrainedMlp wine = sklearn.Wine;
        TrainedModel model = wine.Model;

        Assert.Equal(["w0", "b0", "w1", "b1"], model.ParameterNames);
        Assert.Equal([13, 16, 3], model.LayerSizes);
        Assert.Equal(Activation.Relu, model.Activation);
        for (int i = 0; i < wine.Weights.Count; i++)
        {
            using Tensor detached = wine.Weights[i].detach();
            Assert.Equal(TensorData.ToArray<float>(detached), model.Weights[i].ToArray());
            Assert.Equal(detached.shape.Select(s => (int)s), model.GetParameterShape(i));
        }
    }

    [Fact]
    public void FromParameters_TrainedWine_TakesNamesSchemaAndStandardizer()
    {
        TrainedMlp wine = sklearn.Wine;

        Assert.Equal(TaskKind.Classification, wine.Model.Task);
        Assert.Equal(["class_0", "class_1", "class_2"], wine.Model.ClassNames);
        Assert.Equal("alcohol", wine.Model.FeatureNames[0]);
        Assert.Equal(13, wine.Model.InputSize);
        Assert.Equal(3, wine.Model.OutputSize);
        Assert.Equal("cultivar", wine.Model.Schema!.LabelColumn);
        Assert.Same(wine.Standardizer, wine.Model.Standardizer);
    }

    [Fact]
    public void FromParameters_Float64Weights_RoundsToNearestFloat32()
    {
        var mlp = new Mlp([2, 1]);
        using var weights = new ParameterSet();
        weights.Add("w0", TensorData.FromSpan<double>(new double[] { 0.1, -1.0 / 3 }, [1, 2]));
        weights.Add("b0", TensorData.FromSpan<double>(new double[] { 2.0 / 3 }, [1]));

        TrainedModel model = TrainedModel.FromParameters(mlp, weights, TaskKind.Regression, ["a", "b"], null, TestModels.Metadata);

        Assert.Equal(new[] { 0.1f, (float)(-1.0 / 3) }, model.Weights[0].ToArray());
        Assert.Equal(new[] { (float)(2.0 / 3) }, model.Weights[1].ToArray());
    }

    [Fact]
    public void FromParameters_MissingTensor_ThrowsNamingIt()
    {
        var mlp = new Mlp([2, 3, 2]);
        using var weights = new ParameterSet();
        weights.Add("w0", torch.zeros([3, 2]));
        weights.Add("b0", torch.zeros([3]));
        weights.Add("w1", torch.zeros([2, 3]));

        var e = Assert.Throws<ArgumentException>(() => TrainedModel.FromParameters(mlp, weights, TaskKind.Classification, ["a", "b"], ["x", "y"], TestModels.Metadata));

        Assert.Contains("no tensor named \"b1\"", e.Message);
    }

    [Fact]
    public void FromParameters_WrongShape_Throws()
    {
        var mlp = new Mlp([2, 2]);
        using var weights = new ParameterSet();
        weights.Add("w0", torch.zeros([2, 3]));
        weights.Add("b0", torch.zeros([2]));

        var e = Assert.Throws<ArgumentException>(() => TrainedModel.FromParameters(mlp, weights, TaskKind.Classification, ["a", "b"], ["x", "y"], TestModels.Metadata));

        Assert.Contains("must hold 4 values for shape [2, 2]; it holds 6", e.Message);
    }

    [Fact]
    public void Constructor_SourceArrayChangedAfterwards_ModelUnchanged()
    {
        float[] w = [1, 2];
        float[] b = [3];
        var model = new TrainedModel(TaskKind.Regression, [2, 1], Activation.Relu, [w, b], ["a", "b"], null, null, null, TestModels.Metadata);

        w[0] = 100;

        Assert.Equal(new float[] { 1, 2 }, model.Weights[0].ToArray());
    }

    [Fact]
    public void Constructor_NonFiniteWeight_Throws()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new TrainedModel(TaskKind.Regression, [2, 1], Activation.Relu, [[1, float.NaN], [0]], ["a", "b"], null, null, null, TestModels.Metadata));

        Assert.Contains("(w0) holds NaN at element 1", e.Message);
    }

    [Fact]
    public void Constructor_WrongNumberOfArrays_Throws()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new TrainedModel(TaskKind.Regression, [2, 3, 1], Activation.Relu, [new float[6], new float[3]], ["a", "b"], null, null, null, TestModels.Metadata));

        Assert.Contains("need 4 weight arrays", e.Message);
    }

    [Fact]
    public void Constructor_FeatureNameCountDiffersFromInputSize_Throws()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new TrainedModel(TaskKind.Regression, [2, 1], Activation.Relu, [new float[2], new float[1]], ["a"], null, null, null, TestModels.Metadata));

        Assert.Contains("input size is 2 but 1 feature names", e.Message);
    }

    [Fact]
    public void Constructor_ClassCountDiffersFromOutputSize_Throws()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new TrainedModel(TaskKind.Classification, [2, 3], Activation.Relu, [new float[6], new float[3]], ["a", "b"], ["x", "y"], null, null, TestModels.Metadata));

        Assert.Contains("output size is 3 and 2 class names", e.Message);
    }

    [Fact]
    public void Constructor_RegressionWithTwoOutputs_Throws()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new TrainedModel(TaskKind.Regression, [2, 2], Activation.Relu, [new float[4], new float[2]], ["a", "b"], null, null, null, TestModels.Metadata));

        Assert.Contains("one output and no class names; found 2 outputs", e.Message);
    }

    [Fact]
    public void Constructor_DuplicateFeatureNames_Throws()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new TrainedModel(TaskKind.Regression, [2, 1], Activation.Relu, [new float[2], new float[1]], ["a", "a"], null, null, null, TestModels.Metadata));

        Assert.Contains("\"a\" appears twice", e.Message);
    }

    [Fact]
    public void Constructor_SchemaWithOtherFeatures_Throws()
    {
        TrainedModel wine = sklearn.Wine.Model;
        string[] renamed = [.. wine.FeatureNames];
        renamed[2] = "ash2";

        var e = Assert.Throws<ArgumentException>(() => new TrainedModel(
            wine.Task, wine.LayerSizes, wine.Activation, [.. wine.Weights.Select(w => w.ToArray())], renamed, wine.ClassNames, wine.Schema, wine.Standardizer, wine.Metadata));

        Assert.Contains("position 2 is \"ash\" in the schema and \"ash2\" here", e.Message);
    }

    [Fact]
    public void Constructor_SchemaForAnotherTask_Throws()
    {
        TrainedModel wine = sklearn.Wine.Model;
        TabularSchema regressionSchema = sklearn.Diabetes.Model.Schema!;

        var e = Assert.Throws<ArgumentException>(() => new TrainedModel(
            wine.Task, wine.LayerSizes, wine.Activation, [.. wine.Weights.Select(w => w.ToArray())], wine.FeatureNames, wine.ClassNames, regressionSchema, null, wine.Metadata));

        Assert.Contains("schema is for Regression but the model does Classification", e.Message);
    }

    [Fact]
    public void Constructor_StandardizerOfOtherWidth_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainedModel(
            TaskKind.Regression, [2, 1], Activation.Relu, [new float[2], new float[1]], ["a", "b"], null, null, new Standardizer([0.0], [1.0]), TestModels.Metadata));

        Assert.Contains("fitted on 1 features but the input size is 2", e.Message);
    }

    [Fact]
    public void CreateParameters_Model_GivesEqualTensorsWithoutGrad()
    {
        TrainedModel model = sklearn.Wine.Model;

        using ParameterSet set = model.CreateParameters();

        Assert.Equal(model.ParameterNames, set.Names);
        for (int i = 0; i < set.Count; i++)
        {
            Assert.False(set[i].requires_grad);
            Assert.Equal(ScalarType.Float32, set[i].dtype);
            Assert.Equal(model.GetParameterShape(i).Select(s => (long)s), set[i].shape);
            Assert.Equal(model.Weights[i].ToArray(), TensorData.ToArray<float>(set[i]));
        }
    }

    [Fact]
    public void GetParameterShape_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => sklearn.Wine.Model.GetParameterShape(4));
    }

    [Fact]
    public void Metadata_LocalTime_StoredInUtc()
    {
        var metadata = new TrainedModelMetadata(new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)));

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero), metadata.CreatedAtUtc);
        Assert.Equal(TimeSpan.Zero, metadata.CreatedAtUtc.Offset);
        Assert.Equal(TrainedModelMetadata.CurrentLibraryVersion, metadata.LibraryVersion);
        Assert.Null(metadata.HyperparametersJson);
        Assert.Null(metadata.ValidationMetric);
    }

    [Fact]
    public void Metadata_HyperparametersJson_KeptCompact()
    {
        var metadata = new TrainedModelMetadata(TestModels.CreatedAt, "{ \"a\" : [1, 2.50],\n \"b\": \"x+y\" }");

        Assert.Equal("{\"a\":[1,2.50],\"b\":\"x+y\"}", metadata.HyperparametersJson);
    }

    [Fact]
    public void Metadata_InvalidHyperparametersJson_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainedModelMetadata(TestModels.CreatedAt, "{\"a\":"));

        Assert.Equal("hyperparametersJson", e.ParamName);
    }

    [Fact]
    public void Metadata_MetricNameWithoutValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TrainedModelMetadata(TestModels.CreatedAt, validationMetricName: "accuracy"));
    }

    [Fact]
    public void Metadata_NonFiniteMetric_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TrainedModelMetadata(TestModels.CreatedAt, null, "loss", double.NaN));
    }
}
