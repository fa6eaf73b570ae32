using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>
/// Exact reversal's forward pass takes training gradients without a second-order graph and its reverse pass recomputes
/// them with one: the bits must be the same, on every inner problem of the library, or the reversal is not exact (on
/// the autograd path; MLPs with an analytic step take both from it).
/// </summary>
public sealed class ReverseSweepTests
{
    public static TheoryData<string> Problems => ["tanh 784-20-10", "relu 784-30-10", "softmax 784-10", "per-weight l2 784-8-10", "per-unit l2 784-8-10", "variational 784-6-10"];

    [Theory]
    [MemberData(nameof(Problems))]
    public void TrainingGradient_WithoutSecondOrderGraph_SameBitsAsWithOne(string name)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(600, 100);
        (IInnerProblem problem, HyperparameterSet set) = Create(name, train, validation);
        if (problem is MlpInnerProblem mlp)
        {
            // The autograd path (the analytic step's bits are checked in MlpInnerProblemAnalyticTests).
            mlp.AnalyticReverseSteps = false;
        }

        try
        {
            long[][] shapes = [.. problem.WeightShapes];
            using var scope = torch.NewDisposeScope();
            HyperparameterTensors h = set.CreateTensors();
            double[] w;
            using (torch.NewDisposeScope())
            {
                w = FlatTensors.Flatten(problem.InitialWeights(h));
            }

            var random = new Random(7);
            for (int t = 0; t < 5; t++)
            {
                // Move the weights between steps so that each step sees other values.
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] += 0.05 * (random.NextDouble() - 0.5);
                }

                double[] plain = ReverseSweep.TrainingGradient(problem, h, w, shapes, t);
                double[] withGraph;
                using (torch.NewDisposeScope())
                {
                    Tensor[] leaves = FlatTensors.Leaves(w, shapes);
                    withGraph = FlatTensors.Flatten(TorchAutograd.Grad([problem.TrainingLoss(leaves, h, t)], leaves, createGraph: true));
                }

                Assert.Equal(withGraph.Length, plain.Length);
                int differing = plain.Where((g, i) => BitConverter.DoubleToInt64Bits(g) != BitConverter.DoubleToInt64Bits(withGraph[i])).Count();
                Assert.True(differing == 0, $"{name}, step {t}: {differing} of {plain.Length} gradient entries differ in their bits with and without createGraph");
                Assert.Contains(plain, g => g != 0);
            }
        }
        finally
        {
            ((IDisposable)problem).Dispose();
        }
    }

    private static (IInnerProblem Problem, HyperparameterSet Set) Create(string name, TabularDataset train, TabularDataset validation)
    {
        HyperparameterSet schedule = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.1)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9);
        return name switch
        {
            "tanh 784-20-10" => (new MlpInnerProblem(new Mlp([784, 20, 10], Activation.Tanh), train, validation, batchSize: 200, seed: 1),
                schedule.Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [3e-4, 1e-3]).Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.0, 1.0])),
            "relu 784-30-10" => (new MlpInnerProblem(new Mlp([784, 30, 10], Activation.Relu), train, validation, batchSize: 200, seed: 2),
                schedule.Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [1e-4, 1e-4])),
            "softmax 784-10" => (new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 600, seed: 3),
                schedule.Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(-7))),
            "per-weight l2 784-8-10" => (new MlpInnerProblem(new Mlp([784, 8, 10], Activation.Tanh), train, validation, batchSize: 100, seed: 4),
                schedule.Add(new Hyperparameter(MlpInnerProblem.PerWeightL2Name(0), HyperparameterTransform.Log, 8, 784), 1e-3).Add(new Hyperparameter(MlpInnerProblem.PerWeightL2Name(1), HyperparameterTransform.Log, 10, 8), 1e-3)),
            "per-unit l2 784-8-10" => (new MlpInnerProblem(new Mlp([784, 8, 10], Activation.Tanh), train, validation, batchSize: 100, seed: 5),
                schedule.Add(new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(0), HyperparameterTransform.Log, 784), 1e-3)),
            "variational 784-6-10" => (new VariationalMlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, 50, seed: 3, initialSigma: 0.05, validationSamples: 2),
                schedule.Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), [2.0, 0.5])),
            _ => throw new ArgumentException($"Unknown problem {name}.", nameof(name)),
        };
    }
}
