using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using TorchSharp;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary>Hyperparameter search through a hypernetwork on a small real problem: softmax regression on Fashion-MNIST rows with one log-L2.</summary>
public sealed class HypernetworkSearchTests(ITestOutputHelper output)
{
    // Small enough to run in seconds: 300 training and 300 validation rows, every hypernetwork step on the whole training set
    // (batch = rows), so the inner problem's best response is reachable in a few hundred steps.
    private const int Rows = 300;

    private static readonly Lazy<(double Theta, string Table)> Grid = new(() =>
    {
        using MlpInnerProblem problem = SmallProblem();
        return GridOptimum(problem, -8, -1);
    });

    [Fact]
    public void Run_GlobalSoftmaxRegressionLogL2_ChosenAndCurveArgminNearGridOptimum()
    {
        using MlpInnerProblem problem = SmallProblem();
        (double gridOptimum, string table) = Grid.Value;
        using var network = new BestResponseHypernetwork(problem, L2(-1), [new HyperparameterRange(MlpInnerProblem.L2Name, -9, 0)], hiddenUnits: 8, seed: 1);

        HypernetworkSearchResult result = HypernetworkSearch.Run(network, [-1.0], new HypernetworkSearchOptions { TrainingSteps = 300, SamplesPerStep = 1, LearningRate = 0.03, HyperparameterSteps = 60, HyperparameterLearningRate = 0.2, CurvePoints = 37 });
        double chosen = result.Lambda[0];
        double trained = TrueValidation(problem, chosen);

        output.WriteLine(table);
        output.WriteLine($"grid optimum θ {gridOptimum}; hypernetwork: chosen θ {chosen:F3} (predicted CE {result.PredictedValidationLoss:F4}, converged model there {trained:F4}), curve argmin θ {result.CurveArgmin().Lambda[0]:F2}");
        Assert.InRange(chosen, gridOptimum - 0.5, gridOptimum + 0.5);
        Assert.InRange(result.CurveArgmin().Lambda[0], gridOptimum - 0.5, gridOptimum + 0.5);

        // The hypernetwork's weights at the chosen θ are close to the best response there: their validation CE is the converged model's.
        Assert.InRange(result.PredictedValidationLoss, trained - 0.02, trained + 0.02);
        Assert.Equal(61, result.Trajectory.Count);
        Assert.True(result.Trajectory[^1].PredictedValidationLoss < result.Trajectory[0].PredictedValidationLoss);
        Assert.Equal(Math.Exp(chosen), result.Hyperparameters.Values(MlpInnerProblem.L2Name)[0], 12);
    }

    [Fact]
    public void Run_LocalFromStrongL2_MovesTowardsGridOptimum()
    {
        using MlpInnerProblem problem = SmallProblem();
        (double gridOptimum, string table) = Grid.Value;
        using var network = new BestResponseHypernetwork(problem, L2(-1), [new HyperparameterRange(MlpInnerProblem.L2Name, -9, 0)], hiddenUnits: 4, seed: 1);

        HypernetworkSearchResult result = HypernetworkSearch.Run(network, [-1.0], new HypernetworkSearchOptions { Mode = HypernetworkMode.Local, TrainingSteps = 100, LocalHypernetworkSteps = 5, SamplesPerStep = 1, LearningRate = 0.03, HyperparameterSteps = 60, HyperparameterLearningRate = 0.2, CurvePoints = 2 });

        output.WriteLine(table);
        output.WriteLine($"grid optimum θ {gridOptimum}; local: θ {string.Join(" → ", result.Trajectory.Where(s => s.Step % 10 == 0).Select(s => s.Lambda[0].ToString("F2")))}");
        Assert.Equal(100 + (60 * 5), result.HypernetworkSteps);
        Assert.InRange(result.Lambda[0], gridOptimum - 1.0, gridOptimum + 1.0);
    }

    [Fact]
    public void Run_SameSeed_SameResult()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(60, 40);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 30, seed: 3);
        var options = new HypernetworkSearchOptions { TrainingSteps = 5, HyperparameterSteps = 3, CurvePoints = 3, Seed = 7 };
        double[] Once()
        {
            using var network = new BestResponseHypernetwork(problem, L2(-3), [new HyperparameterRange(MlpInnerProblem.L2Name, -6, 0)], 3, 5);
            HypernetworkSearchResult r = HypernetworkSearch.Run(network, [-3.0], options);
            return [.. r.Lambda, .. r.Curve.Select(p => p.PredictedValidationLoss)];
        }

        Assert.Equal(Once(), Once());
    }

    [Fact]
    public void Validate_SeveralBadSettings_ListsEach()
    {
        var options = new HypernetworkSearchOptions { SamplesPerStep = 0, LearningRate = -1, CurvePoints = 1, LocalScale = double.NaN, Mode = (HypernetworkMode)9 };

        ArgumentException e = Assert.Throws<ArgumentException>(options.Validate);
        foreach (string name in new[] { "SamplesPerStep", "LearningRate", "CurvePoints", "LocalScale", "Mode" })
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_Cancelled_Throws()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(40, 40);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 20, seed: 3);
        using var network = new BestResponseHypernetwork(problem, L2(-3), [new HyperparameterRange(MlpInnerProblem.L2Name, -6, 0)], 3, 5);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => HypernetworkSearch.Run(network, [-3.0], null, cancelled.Token));
    }

    private static MlpInnerProblem SmallProblem()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(Rows, Rows);
        return new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: Rows, seed: 3);
    }

    private static double TrueValidation(MlpInnerProblem problem, double theta)
    {
        HyperparameterSet h = L2(theta);
        double[] solved = new ImplicitDifferentiation().SolveFromInitialWeights(problem, h, 1e-4);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return problem.OuterLoss(FlatTensors.Unflatten(solved, problem.WeightShapes), h.CreateTensors()).item<double>();
    }

    internal static HyperparameterSet L2(double theta) =>
        new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(theta));

    /// <summary>Softmax regression trained to gradient norm 1e-4 (Newton-CG, warm-started) at θ = max, max − 0.5, …, min; the θ of the least validation CE and the table.</summary>
    internal static (double Theta, string Table) GridOptimum(MlpInnerProblem problem, double min, double max)
    {
        var solver = new ImplicitDifferentiation();
        double[]? warm = null;
        var grid = new SortedDictionary<double, double>();
        for (double t = max; t >= min - 1e-9; t -= 0.5)
        {
            HyperparameterSet h = L2(t);
            warm = solver.SolveFromInitialWeights(problem, h, 1e-4, warm);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            grid[t] = problem.OuterLoss(FlatTensors.Unflatten(warm, problem.WeightShapes), h.CreateTensors()).item<double>();
        }

        return (grid.MinBy(p => p.Value).Key, "grid: " + string.Join(", ", grid.Select(p => $"θ {p.Key}: {p.Value:F4}")));
    }
}
