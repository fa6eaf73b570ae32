using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Training;

/// <summary>
/// Reverse-mode hypergradients: the validation loss after several unrolled optimizer steps, differentiated
/// with respect to the hyperparameter tensors, matches central differences of whole training runs.
/// </summary>
public sealed class UnrolledHypergradientTests
{
    private const int Steps = 5;

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Softplus)]
    public void SgdMomentumSteps_HypergradientOfValidationLoss_MatchesCentralDifferences(Activation activation)
    {
        var problem = new MlpProblem(activation, LossKind.CrossEntropy);

        // Learning rate, momentum, weight decay (one scalar shared by every weight tensor).
        Tensor ValidationLoss(Tensor[] h)
        {
            Tensor[] w = Float64.Unflatten(problem.Shapes, problem.Weights, requiresGrad: true);
            Tensor[] v = w.Select(t => torch.zeros_like(t)).ToArray();
            Tensor[] decay = w.Select(_ => h[2]).ToArray();
            for (int step = 0; step < Steps; step++)
            {
                Tensor[] g = TorchAutograd.Grad([TrainLoss(problem, w)], w, createGraph: true);
                (w, v) = SgdMomentum.Step(w, v, g, h[0], h[1], decay);
            }

            return ValidationLossOf(problem, w);
        }

        double[] hypergradient = Differentiable.AssertGradientMatches(ValidationLoss, [[], [], []], [0.5, 0.7, 0.01]);
        Assert.All(hypergradient, x => Assert.True(Math.Abs(x) > 1e-6, $"hypergradient entry {x:R} is zero"));
    }

    [Fact]
    public void AdamSteps_HypergradientOfValidationLoss_MatchesCentralDifferences()
    {
        var problem = new MlpProblem(Activation.Tanh, LossKind.MeanSquaredError);

        // Learning rate, β₁, β₂.
        Tensor ValidationLoss(Tensor[] h)
        {
            Tensor[] w = Float64.Unflatten(problem.Shapes, problem.Weights, requiresGrad: true);
            Tensor[] m = w.Select(t => torch.zeros_like(t)).ToArray();
            Tensor[] v = w.Select(t => torch.zeros_like(t)).ToArray();
            for (int step = 1; step <= Steps; step++)
            {
                Tensor[] g = TorchAutograd.Grad([TrainLoss(problem, w)], w, createGraph: true);
                (w, m, v) = Adam.Step(w, m, v, g, step, h[0], h[1], h[2]);
            }

            return ValidationLossOf(problem, w);
        }

        double[] hypergradient = Differentiable.AssertGradientMatches(ValidationLoss, [[], [], []], [0.05, 0.8, 0.9]);
        Assert.All(hypergradient, x => Assert.True(Math.Abs(x) > 1e-6, $"hypergradient entry {x:R} is zero"));
    }

    private static Tensor TrainLoss(MlpProblem problem, Tensor[] w) =>
        Losses.Compute(problem.Loss, problem.Mlp.Forward(w, problem.Inputs().narrow(0, 0, 4)), problem.Targets().narrow(0, 0, 4));

    private static Tensor ValidationLossOf(MlpProblem problem, Tensor[] w) =>
        Losses.Compute(problem.Loss, problem.Mlp.Forward(w, problem.Inputs().narrow(0, 4, 2)), problem.Targets().narrow(0, 4, 2));
}
