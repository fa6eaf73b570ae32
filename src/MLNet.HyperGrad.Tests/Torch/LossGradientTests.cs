using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>Gradients and Hessian-vector products of our losses through <see cref="Mlp.Forward"/>, against float64 central differences.</summary>
public sealed class LossGradientTests
{
    [Theory]
    [InlineData(Activation.Tanh, LossKind.CrossEntropy, 3)]
    [InlineData(Activation.Softplus, LossKind.CrossEntropy, 3)]
    [InlineData(Activation.Relu, LossKind.CrossEntropy, 3)]
    [InlineData(Activation.Tanh, LossKind.MeanSquaredError, 3)]
    [InlineData(Activation.Relu, LossKind.MeanSquaredError, 3)]
    [InlineData(Activation.Softplus, LossKind.MeanSquaredError, 1)]
    public void Grad_LossThroughMlp_MatchesCentralDifferences(Activation activation, LossKind loss, int outputs)
    {
        using var scope = torch.NewDisposeScope();
        var problem = new MlpProblem(activation, loss, outputs);
        Tensor[] weights = Float64.Unflatten(problem.Shapes, problem.Weights, requiresGrad: true);

        double[] analytic = Float64.Flatten(TorchAutograd.Grad([problem.LossOf(weights)], weights));

        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(problem.LossAt, problem.Weights), analytic, 1e-6);
    }

    [Theory]
    [InlineData(Activation.Tanh, LossKind.CrossEntropy, 3)]
    [InlineData(Activation.Softplus, LossKind.CrossEntropy, 3)]
    [InlineData(Activation.Tanh, LossKind.MeanSquaredError, 3)]
    [InlineData(Activation.Softplus, LossKind.MeanSquaredError, 1)]
    public void HessianVectorProduct_LossThroughMlp_MatchesDifferenceOfGradients(Activation activation, LossKind loss, int outputs)
    {
        using var scope = torch.NewDisposeScope();
        var problem = new MlpProblem(activation, loss, outputs);
        double[] direction = Float64.Randn(problem.Weights.Length, seed: 7);

        double[] GradientAt(double[] flat)
        {
            using var inner = torch.NewDisposeScope();
            Tensor[] w = Float64.Unflatten(problem.Shapes, flat, requiresGrad: true);
            return Float64.Flatten(TorchAutograd.Grad([problem.LossOf(w)], w));
        }

        Tensor[] weights = Float64.Unflatten(problem.Shapes, problem.Weights, requiresGrad: true);
        Tensor[] gradients = TorchAutograd.Grad([problem.LossOf(weights)], weights, createGraph: true);
        Tensor[] v = Float64.Unflatten(problem.Shapes, direction);
        Tensor dot = gradients.Zip(v, (g, d) => (g * d).sum()).Aggregate((a, b) => a + b);
        double[] hv = Float64.Flatten(TorchAutograd.Grad([dot], weights));

        double[] expected = FiniteDifferences.Directional(GradientAt, problem.Weights, direction);
        Assert.Contains(expected, e => Math.Abs(e) > 1e-3);
        FiniteDifferences.AssertClose(expected, hv, 1e-5);
    }
}
