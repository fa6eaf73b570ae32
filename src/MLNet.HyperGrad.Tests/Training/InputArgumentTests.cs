using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Training;

/// <summary>
/// Bad inputs to the model, the losses and the trainer throw an <see cref="ArgumentException"/> naming
/// the argument, the expected and the actual shape, before libtorch sees them.
/// </summary>
public sealed class InputArgumentTests
{
    private static readonly Mlp Model = new([5, 4, 3]);

    [Fact]
    public void MlpForward_WrongInputWidth_NamesInputAndBothShapes()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1);
        using ParameterSet weights = Model.CreateParameters(generator);
        ArgumentAssert.Throws(() => Model.Forward(weights, torch.ones(6, 4)), "input", "[batch, 5]", "[6, 4]");
        ArgumentAssert.Throws(() => Model.Forward(weights, torch.ones(5)), "input", "[batch, 5]", "[5]");
    }

    [Fact]
    public void MlpForward_WrongParameterCount_NamesParameters()
    {
        using var scope = torch.NewDisposeScope();
        ArgumentAssert.Throws(() => Model.Forward([torch.ones(4, 5)], torch.ones(6, 5)), "parameters", "needs 4", "got 1");
    }

    [Fact]
    public void CrossEntropy_FloatOrMisalignedTargets_NamesTargetAndShapes()
    {
        using var scope = torch.NewDisposeScope();
        Tensor output = torch.ones(2, 3);
        ArgumentAssert.Throws(() => Losses.Compute(LossKind.CrossEntropy, output, torch.ones(2)), "target", "int64 class indices", "Float32");
        Tensor threeLabels = TensorData.FromSpan<long>([0, 1, 2], [3]);
        ArgumentAssert.Throws(() => Losses.Compute(LossKind.CrossEntropy, output, threeLabels), "target", "[2, 3]", "[3]");
    }

    [Fact]
    public void MeanSquaredError_TargetShapeMismatch_NamesTargetAndShapes()
    {
        using var scope = torch.NewDisposeScope();
        ArgumentAssert.Throws(() => Losses.Compute(LossKind.MeanSquaredError, torch.ones(2, 3), torch.ones(3, 2)), "target", "[2, 3]", "[3, 2]");
        ArgumentAssert.Throws(() => Losses.Compute(LossKind.MeanSquaredError, torch.ones(2, 3), torch.ones(2)), "target", "[2, 3]", "[2]");
    }

    [Fact]
    public void MeanSquaredError_OneOutputWithFlatTargets_AveragesOverRows()
    {
        using var scope = torch.NewDisposeScope();
        Tensor output = Float64.Of([1, 2, 3], 3, 1);
        Tensor target = Float64.Of([1, 0, 0], 3);
        Assert.Equal((0 + 4 + 9) / 3.0, Float64.Value(Losses.Compute(LossKind.MeanSquaredError, output, target)), 12);
    }

    [Fact]
    public void TrainerFit_LabelRowsDifferFromFeatureRows_NamesLabelsAndBothCounts()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1);
        using ParameterSet weights = Model.CreateParameters(generator);
        var trainer = new Trainer(Model, new TrainingOptions { Epochs = 1, BatchSize = 2 });
        Tensor labels = TensorData.FromSpan<long>([0, 1, 2], [3]);
        ArgumentAssert.Throws(() => trainer.Fit(weights, torch.ones(4, 5), labels), "labels", "4 feature rows", "[3]");
        Tensor fourLabels = TensorData.FromSpan<long>([0, 1, 2, 0], [4]);
        ArgumentAssert.Throws(() => trainer.Fit(weights, torch.ones(4, 5), fourLabels, validation: (torch.ones(3, 5), fourLabels)), "validation", "3 feature rows", "[4]");
    }

    [Fact]
    public void TrainerFit_FeaturesOfAnotherDtypeOrRank_NamesFeatures()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1);
        using ParameterSet weights = Model.CreateParameters(generator);
        var trainer = new Trainer(Model, new TrainingOptions { Epochs = 1, BatchSize = 2 });
        Tensor labels = TensorData.FromSpan<long>([0, 1, 2, 0], [4]);
        ArgumentAssert.Throws(() => trainer.Fit(weights, torch.ones([4, 5], ScalarType.Float64), labels), "features", "Float32", "Float64");
        ArgumentAssert.Throws(() => trainer.Fit(weights, torch.ones(4, 5, 1), labels), "features", "[rows, inputs]", "[4, 5, 1]");
    }

    [Fact]
    public void TrainerFit_FewerRowsThanOneBatch_NamesFeatures()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1);
        using ParameterSet weights = Model.CreateParameters(generator);
        var trainer = new Trainer(Model, new TrainingOptions { Epochs = 1, BatchSize = 8 });
        Tensor labels = TensorData.FromSpan<long>([0, 1, 2, 0], [4]);
        ArgumentAssert.Throws(() => trainer.Fit(weights, torch.ones(4, 5), labels), "features", "4 rows", "minibatch of 8");
    }
}
