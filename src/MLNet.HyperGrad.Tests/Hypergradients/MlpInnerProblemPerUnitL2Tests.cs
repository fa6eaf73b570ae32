using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>The per-input-unit L2 penalty of <see cref="MlpInnerProblem"/> ("l2.in{l}"), on real Fashion-MNIST rows in float64.</summary>
public sealed class MlpInnerProblemPerUnitL2Tests(ITestOutputHelper output)
{
    private const int Steps = 8;

    private static MlpInnerProblem Problem()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 100);
        return new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 5);
    }

    private static double[] Varied(int count, double center, ulong seed) =>
        [.. MLNet.HyperGrad.Tests.Torch.Float64.Randn(count, seed).Select(z => center * Math.Exp(0.5 * z))];

    private static HyperparameterSet Schedule() => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.3 + (0.02 * t))])
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.9 - (0.01 * t))]);

    [Fact]
    public void TrainingLoss_PerInputUnitL2_AddsHalfCoefficientTimesColumnSquaredNorm()
    {
        using MlpInnerProblem problem = Problem();
        double[] first = Varied(784, 0.01, 1);
        double[] second = Varied(6, 0.05, 2);
        HyperparameterSet with = new HyperparameterSet()
            .Add(new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(0), HyperparameterTransform.Log, 784), first)
            .Add(new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(1), HyperparameterTransform.Log, 6), second);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = with.CreateTensors();
        Tensor[] weights = problem.InitialWeights(h);

        double penalized = problem.TrainingLoss(weights, h, step: 0).item<double>();
        double plain = problem.TrainingLoss(weights, new HyperparameterSet().CreateTensors(), step: 0).item<double>();

        double expected = 0;
        foreach ((int layer, double[] l2) in new[] { (0, first), (1, second) })
        {
            double[] w = TensorData.ToArray<double>(weights[2 * layer]);
            int inputs = l2.Length;
            for (int i = 0; i < w.Length; i++)
            {
                expected += 0.5 * l2[i % inputs] * w[i] * w[i];
            }
        }

        Assert.True(expected > 0);
        Assert.Equal(expected, penalized - plain, 12);
    }

    [Fact]
    public void Compute_PerInputUnitL2OfOutputLayer_ExactReversalAndCheckpointedMatchCentralDifferences()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = Schedule().Add(new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(1), HyperparameterTransform.Log, 6), Varied(6, 0.05, 3));
        var options = new ReverseModeOptions { Steps = Steps };
        var checkpointed = new CheckpointedReverseMode(options, interval: 3);
        double[] u0 = h.FlattenUnconstrained();
        double[] schedule = u0[..(2 * Steps)];

        // Central differences in the 6 L2 coefficients (the schedule's gradients are checked in ReverseModeTests).
        double[] numeric = FiniteDifferences.Gradient(u => checkpointed.Compute(problem, h.WithUnconstrained([.. schedule, .. u])).OuterLoss, u0[(2 * Steps)..], 1e-5);
        double[] exact = new ExactReversalReverseMode(options).Compute(problem, h).Gradients[MlpInnerProblem.PerInputUnitL2Name(1)];
        double[] recomputed = checkpointed.Compute(problem, h).Gradients[MlpInnerProblem.PerInputUnitL2Name(1)];

        output.WriteLine($"l2.in1: finite differences [{string.Join(", ", numeric.Select(g => g.ToString("E4")))}]; exact reversal [{string.Join(", ", exact.Select(g => g.ToString("E4")))}]");
        FiniteDifferences.AssertClose(numeric, exact, 1e-4);
        FiniteDifferences.AssertClose(numeric, recomputed, 1e-4);
        Assert.All(numeric, g => Assert.NotEqual(0.0, g));
    }

    [Fact]
    public void Compute_PerPixelL2OfFirstLayer_MatchesDirectionalCentralDifference()
    {
        using MlpInnerProblem problem = Problem();
        var definition = new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(0), HyperparameterTransform.Log, 784);
        HyperparameterSet h = Schedule().Add(definition, Varied(784, 0.05, 4));
        var method = new ExactReversalReverseMode(new ReverseModeOptions { Steps = Steps });
        double[] direction = [.. new double[2 * Steps], .. MLNet.HyperGrad.Tests.Torch.Float64.Randn(784, seed: 9)];
        double[] u0 = h.FlattenUnconstrained();
        const double step = 1e-4;

        double[] gradient = method.Compute(problem, h).Flatten(h);
        double Along(double s) => new CheckpointedReverseMode(method.Options).Compute(problem, h.WithUnconstrained([.. u0.Zip(direction, (u, d) => u + (s * d))])).OuterLoss;
        double numeric = (Along(step) - Along(-step)) / (2 * step);
        double analytic = gradient.Zip(direction, (g, d) => g * d).Sum();

        output.WriteLine($"directional derivative along the 784 per-pixel L2s: analytic {analytic:E6}, finite differences {numeric:E6}");
        Assert.NotEqual(0.0, analytic);
        Assert.True(Math.Abs(analytic - numeric) <= 1e-4 * Math.Abs(numeric), $"analytic {analytic:R}, numeric {numeric:R}");
        // A pixel that is zero in every training and validation row cannot change the validation loss: its column of
        // weights only decays under its L2, never meets the data. Every other pixel's coefficient has a gradient.
        bool[] seen = SeenPixels();
        double[] perPixel = gradient[(2 * Steps)..];
        output.WriteLine($"{seen.Count(b => !b)} pixels are zero in every row; their hypergradients: {string.Join(", ", perPixel.Where((_, j) => !seen[j]).Distinct())}");
        Assert.Contains(false, seen);
        Assert.All(Enumerable.Range(0, 784), j => Assert.Equal(seen[j], perPixel[j] != 0.0));
    }

    private static bool[] SeenPixels()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 100);
        var seen = new bool[784];
        foreach (TabularDataset set in new[] { train, validation })
        {
            using TensorDataset tensors = set.ToTensors();
            float[] x = TensorData.ToArray<float>(tensors.Features.to(ScalarType.Float32));
            for (int i = 0; i < x.Length; i++)
            {
                seen[i % 784] |= x[i] != 0;
            }
        }

        return seen;
    }

    [Fact]
    public void TrainingLoss_PerInputUnitL2OfWrongLength_ThrowsNamingHyperparameterAndShapes()
    {
        using MlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(1), HyperparameterTransform.Log, 10), 0.1);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors tensors = h.CreateTensors();

        ArgumentException e = Assert.Throws<ArgumentException>("hyperparameters", () => problem.TrainingLoss(problem.InitialWeights(tensors), tensors, step: 0));

        Assert.Contains("\"l2.in1\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("[6]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[10]", e.Message, StringComparison.Ordinal);
    }
}
