using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// Training loops release every tensor they make: <see cref="TorchRuntime.LiveTensorCount"/> returns to where it started.
/// The count is process-wide, so these tests run alone (xunit.runner.json turns off parallel collections too).
/// </summary>
[Collection(NativeHandleCountCollection.Name)]
public sealed class LiveTensorCountTests
{
    [Fact]
    public void TrainerFit_1000Steps_LiveTensorCountReturnsToStart()
    {
        using var generator = new torch.Generator(1);
        using Tensor x = torch.randn([256, 20], generator: generator).DetachFromDisposeScope();
        using Tensor y = torch.randint(0, 4, [256], ScalarType.Int64, generator: generator).DetachFromDisposeScope();
        var mlp = new Mlp([20, 16, 4]);
        long before = SettledCount();
        using (ParameterSet weights = mlp.CreateParameters(generator))
        {
            // 125 epochs of 256 / 32 = 8 minibatches: 1,000 steps, and a validation pass per epoch.
            var trainer = new Trainer(mlp, new TrainingOptions { Epochs = 125, BatchSize = 32, LearningRate = 0.05 });
            IReadOnlyList<EpochReport> reports = trainer.Fit(weights, x, y, validation: (x, y));
            Assert.Equal(125, reports.Count);
            Assert.Equal(before + weights.Count, TorchRuntime.LiveTensorCount);
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void TrainerFitWithAdam_LiveTensorCountReturnsToStart()
    {
        using var generator = new torch.Generator(2);
        using Tensor x = torch.randn([64, 8], generator: generator).DetachFromDisposeScope();
        using Tensor y = torch.randn([64], generator: generator).DetachFromDisposeScope();
        var mlp = new Mlp([8, 8, 1]);
        long before = SettledCount();
        using (ParameterSet weights = mlp.CreateParameters(generator))
        {
            new Trainer(mlp, new TrainingOptions { Epochs = 50, BatchSize = 16, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Loss = LossKind.MeanSquaredError })
                .Fit(weights, x, y, validation: (x, y));
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void StepInPlaceLoop_1000Steps_LiveTensorCountReturnsToStart()
    {
        using var generator = new torch.Generator(3);
        var mlp = new Mlp([10, 8, 3]);
        long before = SettledCount();
        using (ParameterSet weights = mlp.CreateParameters(generator))
        using (ParameterSet velocities = weights.ZerosLike())
        using (Tensor x = torch.randn([16, 10], generator: generator).DetachFromDisposeScope())
        using (Tensor y = torch.randint(0, 3, [16], ScalarType.Int64, generator: generator).DetachFromDisposeScope())
        {
            long withData = TorchRuntime.LiveTensorCount;
            for (int step = 0; step < 1000; step++)
            {
                using var scope = torch.NewDisposeScope();
                Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.Forward(weights, x), y);
                Tensor[] gradients = TorchAutograd.Grad([loss], weights);
                SgdMomentum.StepInPlace(weights, velocities, gradients, 0.05, 0.9, 1e-4);
            }

            Assert.Equal(withData, TorchRuntime.LiveTensorCount);
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void UnrolledDifferentiableSteps_InsideAScope_LiveTensorCountReturnsToStart()
    {
        long before = SettledCount();
        using (torch.NewDisposeScope())
        {
            var problem = new MlpProblem(Activation.Tanh, LossKind.CrossEntropy);
            Tensor lr = Float64.Scalar(0.1, requiresGrad: true);
            Tensor momentum = Float64.Scalar(0.9);
            Tensor[] w = Float64.Unflatten(problem.Shapes, problem.Weights, requiresGrad: true);
            Tensor[] v = w.Select(t => torch.zeros_like(t)).ToArray();
            for (int step = 0; step < 20; step++)
            {
                Tensor[] g = TorchAutograd.Grad([problem.LossOf(w)], w, createGraph: true);
                (w, v) = SgdMomentum.Step(w, v, g, lr, momentum);
            }

            Assert.NotEqual(0.0, Float64.Value(TorchAutograd.Grad(problem.LossOf(w), lr)));
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void Grad_WithUnusedInputs_LiveTensorCountReturnsToStart()
    {
        long before = SettledCount();
        using (torch.NewDisposeScope())
        {
            Tensor a = Float64.Of([1, 2], 2).requires_grad_();
            Tensor b = Float64.Of([1, 2], 2).requires_grad_();
            Tensor c = Float64.Of([1, 2], 2).requires_grad_();
            for (int i = 0; i < 10; i++)
            {
                TorchAutograd.Grad([(a * a).sum()], [a, b, c], allowUnused: true);
                Assert.ThrowsAny<ArgumentException>(() => TorchAutograd.Grad([(a * a).sum()], [b, a, c]));
            }
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    /// <summary>Runs pending finalizers (tensors other tests dropped) so that the count does not move mid-test.</summary>
    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
