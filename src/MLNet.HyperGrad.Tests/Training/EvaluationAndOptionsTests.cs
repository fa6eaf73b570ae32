using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Training;

public sealed class EvaluationAndOptionsTests
{
    [Fact]
    public void Evaluate_MeanSquaredErrorWithSeveralOutputs_AveragesOverEveryElement()
    {
        using var scope = torch.NewDisposeScope();
        var mlp = new Mlp([2, 2]);
        using var weights = new ParameterSet();
        weights.Add("w0", Float64.Of([1, 0, 0, 1], 2, 2));
        weights.Add("b0", Float64.Of([0, 0], 2));
        Tensor x = Float64.Of([1, 2, 3, 4], 2, 2);
        Tensor y = Float64.Of([1, 2, 3, 6], 2, 2);
        Evaluation e = Trainer.Evaluate(mlp, weights, x, y, LossKind.MeanSquaredError, batchSize: 1);
        Assert.Equal(4.0 / 4, e.Loss, 12);
        Assert.Null(e.Accuracy);
        Assert.Equal(2, e.Count);
    }

    [Fact]
    public void Evaluate_CrossEntropyInSeveralBatches_MatchesOneBatchAndCountsCorrectRows()
    {
        using var scope = torch.NewDisposeScope();
        var mlp = new Mlp([2, 2]);
        using var weights = new ParameterSet();
        weights.Add("w0", Float64.Of([1, 0, 0, 1], 2, 2));
        weights.Add("b0", Float64.Of([0, 0], 2));
        Tensor x = Float64.Of([3, 0, 0, 3, 1, 2], 3, 2);
        Tensor y = MLNet.HyperGrad.Torch.TensorData.FromSpan<long>([0, 1, 0], [3]);
        Evaluation batched = Trainer.Evaluate(mlp, weights, x, y, LossKind.CrossEntropy, batchSize: 2);
        Evaluation whole = Trainer.Evaluate(mlp, weights, x, y, LossKind.CrossEntropy);
        Assert.Equal(whole.Loss, batched.Loss, 12);
        Assert.Equal(Float64.Value(Losses.Compute(LossKind.CrossEntropy, mlp.Forward(weights, x), y)), whole.Loss, 12);
        Assert.Equal(2.0 / 3, batched.Accuracy!.Value, 12);
    }

    [Fact]
    public void Options_Invalid_ReportsEveryProblemAtOnce()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { Epochs = 0, LearningRate = -1, Momentum = 1.5, Beta2 = double.NaN }.Validate());
        Assert.Contains("Epochs must be at least 1, got 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LearningRate must be a positive number, got -1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Momentum must be in [0, 1), got 1.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Beta2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BatchSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trainer_InvalidOptions_ThrowsOnConstruction()
    {
        Assert.Throws<ArgumentException>(() => new Trainer(new Mlp([2, 2]), new TrainingOptions { BatchSize = 0 }));
    }
}
