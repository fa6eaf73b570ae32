using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Tests.Torch;

[Collection(NativeHandleCountCollection.Name)]
public sealed class HandleLifetimeTests
{
    [Fact]
    public void DisposeScope_FreesEverythingCreatedInside_ExceptMovedOut()
    {
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;
        Tensor kept;
        using (var scope = DisposeScope.Begin())
        {
            Tensor a = Tensor.Ones([3]);
            Tensor b = a * 2.0 + 1.0;
            kept = (b - a).MoveToOuterDisposeScope();
            Assert.True(scope.Count >= 3);
        }

        Assert.Equal(before + 1, TorchRuntime.LiveTensorCount);
        Assert.Equal(new float[] { 2, 2, 2 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public async Task DisposeScope_AcrossAwait_StillOwnsTensors()
    {
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;
        using (DisposeScope.Begin())
        {
            Tensor a = Tensor.Ones([3]);
            await Task.Yield();
            Tensor b = a + 1.0;
            await Task.Delay(1);
            Assert.Equal(6.0, b.Sum().ToDouble());
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void NestedScopes_MoveToOuter_LandsInOuterScope()
    {
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;
        using (DisposeScope.Begin())
        {
            Tensor fromInner;
            using (DisposeScope.Begin())
            {
                fromInner = Tensor.Ones([2]).MoveToOuterDisposeScope();
            }

            Assert.False(fromInner.IsDisposed);
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void MoveToOuter_WhenTheOuterScopeIsAlreadyDisposed_CallerOwnsTheTensor()
    {
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;
        DisposeScope outer = DisposeScope.Begin();
        DisposeScope inner = DisposeScope.Begin();
        outer.Dispose();
        Tensor t = Tensor.Ones([2]).MoveToOuterDisposeScope();
        inner.Dispose();
        Assert.False(t.IsDisposed);
        Assert.Null(DisposeScope.Current);
        t.Dispose();
        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void Training1000Steps_LiveHandleCount_ReturnsToStart()
    {
        using var generator = new Generator(1);
        Tensor x = Tensor.Randn([256, 20], generator).DetachFromDisposeScope();
        Tensor y = Tensor.RandInt(0, 4, [256], generator).DetachFromDisposeScope();
        var mlp = new Mlp([20, 16, 4]);
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;
        using (ParameterSet weights = mlp.CreateParameters(generator))
        {
            var trainer = new Trainer(mlp, new TrainingOptions { Epochs = 125, BatchSize = 32, LearningRate = 0.05 });
            IReadOnlyList<EpochReport> reports = trainer.Fit(weights, x, y, validation: (x, y));
            Assert.Equal(125, reports.Count);
            Assert.Equal(before + weights.Count, TorchRuntime.LiveTensorCount);
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
        x.Dispose();
        y.Dispose();
    }

    [Fact]
    public void AdamTraining_LiveHandleCount_ReturnsToStart()
    {
        using var generator = new Generator(1);
        using Tensor x = Tensor.Randn([64, 8], generator);
        using Tensor y = Tensor.Randn([64], generator);
        var mlp = new Mlp([8, 8, 1]);
        SettleFinalizers();
        long before = TorchRuntime.LiveTensorCount;
        using (ParameterSet weights = mlp.CreateParameters(generator))
        {
            new Trainer(mlp, new TrainingOptions { Epochs = 20, BatchSize = 16, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Loss = LossKind.MeanSquaredError })
                .Fit(weights, x, y);
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    /// <summary>Runs pending finalizers so that tensors other tests dropped do not change the count mid-test.</summary>
    private static void SettleFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeHandleCountCollection
{
    public const string Name = "Native handle counts";
}
