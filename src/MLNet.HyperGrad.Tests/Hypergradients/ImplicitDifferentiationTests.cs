using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>Implicit hypergradients of softmax regression 784→10 with penalty ½·e^θ·‖W‖² on real Fashion-MNIST rows, in float64.</summary>
public sealed class ImplicitDifferentiationTests(ITestOutputHelper output)
{
    private static MlpInnerProblem Problem()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 200);
        return new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 200, seed: 2);
    }

    private static ImplicitDifferentiationOptions Tight(ImplicitSolver solver = ImplicitSolver.ConjugateGradient, double tolerance = 1e-11) => new()
    {
        InitialTolerance = tolerance,
        MinimumTolerance = tolerance,
        ToleranceDecrease = 1,
        Solver = solver,
    };

    [Fact]
    public void Compute_HoagSingleTheta_MatchesCentralDifferences()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(-2));
        var method = new ImplicitDifferentiation(Tight());

        HypergradientResult result = method.Compute(problem, h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-3);

        output.WriteLine($"theta -2: validation CE {result.OuterLoss:F4}, hypergradient {result.Gradients[MlpInnerProblem.L2Name][0]:E6}, finite differences {numeric[0]:E6}, inner gradient norm {method.LastInnerGradientNorm:E2}, {result.Cost.HessianVectorProducts} Hessian-vector products, {result.Cost.Elapsed.TotalSeconds:F1} s");
        Assert.True(method.LastInnerGradientNorm <= 1e-11);
        FiniteDifferences.AssertClose(numeric, result.Flatten(h), 1e-4);
        Assert.NotEqual(0.0, result.Flatten(h)[0]);
    }

    [Fact]
    public void Compute_HoagPerWeightPenalty_MatchesDirectionalCentralDifference()
    {
        using MlpInnerProblem problem = Problem();
        var definition = new Hyperparameter(MlpInnerProblem.PerWeightL2Name(0), HyperparameterTransform.Log, 10, 784);
        HyperparameterSet h = new HyperparameterSet().Add(definition, Math.Exp(-2));
        var method = new ImplicitDifferentiation(Tight());
        double[] direction = MLNet.HyperGrad.Tests.Torch.Float64.Randn(definition.ElementCount, seed: 9);
        double[] u0 = h.FlattenUnconstrained();
        const double step = 1e-3;

        double[] gradient = method.Compute(problem, h).Flatten(h);
        double Along(double s) => method.Compute(problem, h.WithUnconstrained([.. u0.Zip(direction, (u, d) => u + (s * d))])).OuterLoss;
        double numeric = (Along(step) - Along(-step)) / (2 * step);
        double analytic = gradient.Zip(direction, (g, d) => g * d).Sum();

        output.WriteLine($"directional derivative: analytic {analytic:E6}, finite differences {numeric:E6}");
        Assert.NotEqual(0.0, analytic);
        Assert.True(Math.Abs(analytic - numeric) <= 1e-4 * Math.Abs(numeric), $"analytic {analytic:R}, numeric {numeric:R}");
    }

    [Fact]
    public void Compute_NeumannMoreTerms_ApproachesConjugateGradientWithSameSign()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), 1.0);
        double exact = new ImplicitDifferentiation(Tight(tolerance: 1e-8)).Compute(problem, h).Flatten(h)[0];

        double Neumann(int terms) => new ImplicitDifferentiation(Tight(ImplicitSolver.Neumann, 1e-8) with { NeumannTerms = terms, NeumannStepSize = 0.02 }).Compute(problem, h).Flatten(h)[0];
        double few = Neumann(20);
        double many = Neumann(200);

        output.WriteLine($"theta 0: CG {exact:E6}; Neumann 20 terms {few:E6} (relative error {Math.Abs(few - exact) / Math.Abs(exact):E2}), 200 terms {many:E6} (relative error {Math.Abs(many - exact) / Math.Abs(exact):E2})");
        Assert.Equal(Math.Sign(exact), Math.Sign(few));
        Assert.Equal(Math.Sign(exact), Math.Sign(many));
        Assert.True(Math.Abs(many - exact) < Math.Abs(few - exact));
        Assert.True(Math.Abs(many - exact) <= 0.1 * Math.Abs(exact));
    }

    [Fact]
    public void Compute_SuccessiveCalls_ToleranceDecreasesAndResetRestartsIt()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), 1.0);
        var method = new ImplicitDifferentiation(new ImplicitDifferentiationOptions { InitialTolerance = 1e-2, ToleranceDecrease = 0.1 });

        method.Compute(problem, h);
        method.Compute(problem, h);
        HypergradientResult third = method.Compute(problem, h);
        double thirdTolerance = method.LastTolerance;
        method.Reset();
        method.Compute(problem, h);

        Assert.Equal(1e-4, thirdTolerance, 15);
        Assert.True(third.Cost.GradientEvaluations >= 2);
        Assert.Equal(1e-2, method.LastTolerance, 15);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryFailure()
    {
        var error = Assert.Throws<ArgumentException>(() => new ImplicitDifferentiation(new ImplicitDifferentiationOptions { InitialTolerance = -1, NeumannTerms = 0 }));
        Assert.Contains("InitialTolerance must be finite and positive; got -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("NeumannTerms must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_AfterCompute_GiveTheOuterLossAndMatchAColdSolve()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(-3));
        var method = new ImplicitDifferentiation(Tight(tolerance: 1e-9));
        Assert.Null(method.Weights);

        HypergradientResult result = method.Compute(problem, h);
        double[] weights = [.. method.Weights!];
        double[] cold = new ImplicitDifferentiation(Tight(tolerance: 1e-9)).SolveFromInitialWeights(problem, h, 1e-9);
        double outer;
        using (TorchSharp.torch.NewDisposeScope())
        {
            outer = problem.OuterLoss(FlatTensors.Unflatten(weights, problem.WeightShapes), h.CreateTensors()).item<double>();
        }

        Assert.Equal(result.OuterLoss, outer, 12);
        Assert.Equal(problem.WeightShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b)), weights.Length);
        Assert.True(weights.Zip(cold, (a, b) => Math.Abs(a - b)).Max() < 1e-6, "the solve from the initial weights reaches the same optimum");
        method.Reset();
        Assert.Null(method.Weights);
    }
}
