using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Tests.Training;

public sealed class TrainerTests
{
    private static readonly Lazy<TabularDataset> Subset = new(() => FashionMnist.Load().Train.Subset(Enumerable.Range(0, 2048).ToArray()));

    private static IReadOnlyList<double[]> Train(ulong seed, OptimizerKind optimizer = OptimizerKind.SgdMomentum)
    {
        using TensorDataset data = Subset.Value.ToTensors();
        var mlp = new Mlp([784, 32, 10]);
        using var generator = new Generator(seed);
        using ParameterSet weights = mlp.CreateParameters(generator);
        new Trainer(mlp, new TrainingOptions { Epochs = 2, BatchSize = 64, Seed = seed, Optimizer = optimizer, LearningRate = optimizer == OptimizerKind.Adam ? 0.001 : 0.05 })
            .Fit(weights, data.Features, data.Labels);
        return weights.ToArrays();
    }

    [Theory]
    [InlineData(OptimizerKind.SgdMomentum)]
    [InlineData(OptimizerKind.Adam)]
    public void Fit_SameSeedTwice_IdenticalWeightsBitForBit(OptimizerKind optimizer)
    {
        IReadOnlyList<double[]> a = Train(7, optimizer);
        IReadOnlyList<double[]> b = Train(7, optimizer);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i], b[i]);
        }
    }

    [Fact]
    public void Fit_DifferentSeeds_DifferentWeights()
    {
        Assert.NotEqual(Train(1)[0], Train(2)[0]);
    }

    [Fact]
    public void Fit_RealData_LossDecreasesAndAccuracyBeatsChance()
    {
        using TensorDataset data = Subset.Value.ToTensors();
        var mlp = new Mlp([784, 64, 10]);
        using var generator = new Generator(3);
        using ParameterSet weights = mlp.CreateParameters(generator);
        IReadOnlyList<EpochReport> reports = new Trainer(mlp, new TrainingOptions { Epochs = 4, BatchSize = 64 }).Fit(weights, data.Features, data.Labels, (data.Features, data.Labels));
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss);
        Assert.InRange(reports[^1].Validation!.Accuracy!.Value, 0.7, 1.0);
    }

    [Fact]
    public void StepInPlace_MatchesDifferentiableStepExactly()
    {
        using var scope = DisposeScope.Begin();
        using var generator = new Generator(4);
        var mlp = new Mlp([6, 5, 3]);
        using ParameterSet weights = mlp.CreateParameters(generator, ScalarType.Float64);
        using ParameterSet velocities = weights.ZerosLike();
        Tensor[] grads = weights.Select(w => Tensor.Randn(w.Shape, generator, ScalarType.Float64)).ToArray();
        Tensor[] w0 = weights.Select(w => w.Detach().Clone()).ToArray();
        Tensor[] v0 = weights.Select(w => Tensor.Randn(w.Shape, generator, ScalarType.Float64)).ToArray();
        for (int i = 0; i < velocities.Count; i++)
        {
            velocities[i].Copy_(v0[i]);
        }

        var (expectedW, expectedV) = SgdMomentum.Step(w0, v0, grads, Tensor.ScalarTensor(0.1, ScalarType.Float64), Tensor.ScalarTensor(0.9, ScalarType.Float64),
            w0.Select(_ => Tensor.ScalarTensor(0.01, ScalarType.Float64)).ToArray());
        using (Autograd.NoGrad())
        {
            SgdMomentum.StepInPlace(weights, velocities, grads, 0.1, 0.9, 0.01);
        }

        for (int i = 0; i < weights.Count; i++)
        {
            Assert.True(weights[i].AllClose(expectedW[i], 1e-14, 1e-14));
            Assert.True(velocities[i].AllClose(expectedV[i], 1e-14, 1e-14));
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32, true)]
    [InlineData(ScalarType.Float32, false)]
    [InlineData(ScalarType.Float64, false)]
    public void StepInPlace_FusedAndFallbackPaths_MatchTheComposedUpdate(ScalarType dtype, bool contiguous)
    {
        using var scope = DisposeScope.Begin();
        using var generator = new Generator(9);
        using var weights = new ParameterSet();
        using var velocities = new ParameterSet();
        var grads = new List<Tensor>();
        var w0 = new List<Tensor>();
        var v0 = new List<Tensor>();
        foreach (long[] shape in new[] { new long[] { 40000, 3 }, new long[] { 7, 5 } })
        {
            Tensor Make() => contiguous ? Tensor.Randn(shape, generator, dtype) : Tensor.Randn([shape[1], shape[0]], generator, dtype).T;
            Tensor w = Make();
            Tensor v = Make();
            w0.Add(w.Clone());
            v0.Add(v.Clone());
            grads.Add(Make());
            weights.Add($"w{w0.Count}", w);
            velocities.Add($"v{w0.Count}", v);
        }

        double tolerance = dtype == ScalarType.Float32 ? 1e-6 : 1e-14;
        var (expectedW, expectedV) = SgdMomentum.Step(w0, v0, grads, Tensor.ScalarTensor(0.1, dtype), Tensor.ScalarTensor(0.9, dtype),
            w0.Select(_ => Tensor.ScalarTensor(0.01, dtype)).ToArray());
        SgdMomentum.StepInPlace(weights, velocities, grads, 0.1, 0.9, 0.01);
        for (int i = 0; i < weights.Count; i++)
        {
            Assert.True(weights[i].AllClose(expectedW[i], tolerance, tolerance));
            Assert.True(velocities[i].AllClose(expectedV[i], tolerance, tolerance));
            Assert.False(weights[i].AllClose(w0[i], tolerance, tolerance));
        }
    }

    [Fact]
    public void StepInPlace_ShapeMismatchInALaterTensor_ChangesNothing()
    {
        using var scope = DisposeScope.Begin();
        using var weights = new ParameterSet();
        using var velocities = new ParameterSet();
        weights.Add("a", Tensor.Ones([3]));
        weights.Add("b", Tensor.Ones([2]));
        velocities.Add("a", Tensor.Zeros([3]));
        velocities.Add("b", Tensor.Zeros([2]));
        Tensor[] grads = [Tensor.Ones([3]), Tensor.Ones([5])];
        var ex = Assert.Throws<TorchException>(() => SgdMomentum.StepInPlace(weights, velocities, grads, 0.1, 0.9, 0));
        Assert.Contains("parameter 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new float[] { 1, 1, 1 }, weights[0].ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 0 }, velocities[0].ToArray<float>());
    }

    [Fact]
    public void Evaluate_MeanSquaredErrorWithSeveralOutputs_AveragesOverEveryElement()
    {
        using var scope = DisposeScope.Begin();
        var mlp = new Mlp([2, 2]);
        using var weights = new ParameterSet();
        weights.Add("w0", Tensor.FromArray(new float[] { 1, 0, 0, 1 }, 2, 2));
        weights.Add("b0", Tensor.Zeros([2]));
        Tensor x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        Tensor y = Tensor.FromArray(new float[] { 1, 2, 3, 6 }, 2, 2);
        Evaluation e = Trainer.Evaluate(mlp, weights, x, y, LossKind.MeanSquaredError);
        Assert.Equal(4.0 / 4, e.Loss, 12);
        Assert.Equal(Functional.MseLoss(mlp.Forward(weights, x), y).ToDouble(), e.Loss, 6);
    }

    [Fact]
    public void Options_Invalid_ReportsEveryProblemAtOnce()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { Epochs = 0, LearningRate = -1, Momentum = 1.5 }.Validate());
        Assert.Contains("Epochs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LearningRate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Momentum", ex.Message, StringComparison.Ordinal);
    }
}
