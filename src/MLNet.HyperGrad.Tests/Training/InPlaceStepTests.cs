using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Training;

/// <summary>The in-place fast paths (plain training) do the same arithmetic as the differentiable steps.</summary>
public sealed class InPlaceStepTests
{
    [Theory]
    [InlineData(ScalarType.Float64, true)]
    [InlineData(ScalarType.Float32, true)]
    [InlineData(ScalarType.Float32, false)]
    public void StepInPlace_MatchesTheDifferentiableStep(ScalarType dtype, bool contiguous)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(9);
        using var weights = new ParameterSet();
        using var velocities = new ParameterSet();
        var gradients = new List<Tensor>();
        var w0 = new List<Tensor>();
        var v0 = new List<Tensor>();
        foreach (long[] shape in new[] { new long[] { 40, 3 }, [7] })
        {
            Tensor Make() => contiguous || shape.Length == 1
                ? torch.randn(shape, dtype, generator: generator)
                : torch.randn([shape[1], shape[0]], dtype, generator: generator).t();
            Tensor w = Make();
            Tensor v = Make();
            Assert.Equal(contiguous || shape.Length == 1, w.is_contiguous());
            w0.Add(w.clone());
            v0.Add(v.clone());
            gradients.Add(Make());
            weights.Add($"w{w0.Count}", w);
            velocities.Add($"v{w0.Count}", v);
        }

        double tolerance = dtype == ScalarType.Float32 ? 1e-6 : 1e-14;
        Tensor[] decay = w0.Select(_ => torch.tensor(0.01, dtype)).ToArray();
        (Tensor[] expectedW, Tensor[] expectedV) = SgdMomentum.Step(w0, v0, gradients, torch.tensor(0.1, dtype), torch.tensor(0.9, dtype), decay);
        SgdMomentum.StepInPlace(weights, velocities, gradients, 0.1, 0.9, 0.01);
        for (int i = 0; i < weights.Count; i++)
        {
            Assert.True(weights[i].allclose(expectedW[i], tolerance, tolerance), $"weights {i}");
            Assert.True(velocities[i].allclose(expectedV[i], tolerance, tolerance), $"velocities {i}");
            Assert.False(weights[i].allclose(w0[i], tolerance, tolerance), $"weights {i} did not move");
        }
    }

    [Theory]
    [InlineData(OptimizerKind.SgdMomentum)]
    [InlineData(OptimizerKind.Adam)]
    public void TrainerFit_OneFullBatchStep_MatchesTheDifferentiableStep(OptimizerKind optimizer)
    {
        using var scope = torch.NewDisposeScope();
        var problem = new MlpProblem(Activation.Tanh, LossKind.CrossEntropy);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 6, Optimizer = optimizer, LearningRate = 0.1, Momentum = 0.9, WeightDecay = 0.01, Beta1 = 0.8, Beta2 = 0.95 };

        Tensor[] w = Float64.Unflatten(problem.Shapes, problem.Weights, requiresGrad: true);
        Tensor[] g = TorchAutograd.Grad([problem.LossOf(w)], w);
        Tensor[] zeros = w.Select(t => torch.zeros_like(t)).ToArray();
        Tensor[] decay = w.Select(_ => Float64.Scalar(options.WeightDecay)).ToArray();
        Tensor[] expected = optimizer == OptimizerKind.Adam
            ? Adam.Step(w, zeros, zeros, g, 1, Float64.Scalar(options.LearningRate), Float64.Scalar(options.Beta1), Float64.Scalar(options.Beta2), options.Epsilon, decay).Weights
            : SgdMomentum.Step(w, zeros, g, Float64.Scalar(options.LearningRate), Float64.Scalar(options.Momentum), decay).Weights;

        using var weights = new ParameterSet();
        for (int i = 0; i < w.Length; i++)
        {
            weights.Add($"p{i}", Float64.Of(TensorData.ToArray<double>(w[i]), problem.Shapes[i]).requires_grad_());
        }

        new Trainer(problem.Mlp, options).Fit(weights, problem.Inputs(), problem.Targets());
        FiniteDifferences.AssertClose(Float64.Flatten(expected), Float64.Flatten(weights), 1e-12);
        Assert.NotEqual(problem.Weights, Float64.Flatten(weights));
    }
}
