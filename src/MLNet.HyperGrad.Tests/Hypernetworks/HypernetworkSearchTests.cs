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
    private const int Rows = 400;

    private static readonly Lazy<(double Theta, string Table)> Grid = new(() =>
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(Rows, Rows);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 200, seed: 3);
        return GridOptimum(problem, -8, -2);
    });

    [Fact]
    public void Run_GlobalSoftmaxRegressionLogL2_ChosenAndCurveArgminNearGridOptimum()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(Rows, Rows);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 200, seed: 3);
        (double gridOptimum, string table) = Grid.Value;
        using var network = new BestResponseHypernetwork(problem, L2(-1), [new HyperparameterRange(MlpInnerProblem.L2Name, -10, 0)], hiddenUnits: 8, seed: 1);

        HypernetworkSearchResult result = HypernetworkSearch.Run(network, [-1.0], new HypernetworkSearchOptions { TrainingSteps = 1000, SamplesPerStep = 2, LearningRate = 0.01, HyperparameterSteps = 150, HyperparameterLearningRate = 0.1, CurvePoints = 41 });

        output.WriteLine(table);
        output.WriteLine($"grid optimum θ {gridOptimum}; hypernetwork: chosen θ {result.Lambda[0]:F3} (predicted CE {result.PredictedValidationLoss:F4}), curve argmin θ {result.CurveArgmin().Lambda[0]:F2}");
        Assert.InRange(result.Lambda[0], gridOptimum - 0.5, gridOptimum + 0.5);
        Assert.InRange(result.CurveArgmin().Lambda[0], gridOptimum - 0.5, gridOptimum + 0.5);
        Assert.Equal(151, result.Trajectory.Count);
        Assert.True(result.Trajectory[^1].PredictedValidationLoss < result.Trajectory[0].PredictedValidationLoss);
        Assert.Equal(Math.Exp(result.Lambda[0]), result.Hyperparameters.Values(MlpInnerProblem.L2Name)[0], 12);
    }

    [Fact]
    public void Run_LocalFromStrongL2_MovesTowardsGridOptimum()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(Rows, Rows);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 200, seed: 3);
        (double gridOptimum, string table) = Grid.Value;
        using var network = new BestResponseHypernetwork(problem, L2(-1), [new HyperparameterRange(MlpInnerProblem.L2Name, -10, 0)], hiddenUnits: 4, seed: 1);

        HypernetworkSearchResult result = HypernetworkSearch.Run(network, [-1.0], new HypernetworkSearchOptions { Mode = HypernetworkMode.Local, TrainingSteps = 150, LocalHypernetworkSteps = 5, SamplesPerStep = 2, LearningRate = 0.01, HyperparameterSteps = 100, HyperparameterLearningRate = 0.1, CurvePoints = 2 });

        output.WriteLine(table);
        output.WriteLine($"grid optimum θ {gridOptimum}; local: θ {string.Join(" → ", result.Trajectory.Where(s => s.Step % 20 == 0).Select(s => s.Lambda[0].ToString("F2")))}");
        Assert.Equal(150 + (100 * 5), result.HypernetworkSteps);
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
