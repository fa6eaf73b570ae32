using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using static MLNet.HyperGrad.Bench.HypergradBench;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Part 1 of <c>hypergrad-core</c>: every method's hypergradient against float64 central differences of its own
/// outer loss on small real problems (MLP 784-6-10 tanh, 120 training and 100 validation rows, T = 8, batch 20;
/// softmax regression on 200/200 rows); DrMAD and Neumann against the exact method they approximate.
/// </summary>
internal static class HypergradCorrectness
{
    private const int Steps = 8;

    /// <returns>The largest relative error of the exact methods.</returns>
    public static double Run(FashionMnistData data)
    {
        Console.WriteLine();
        Console.WriteLine("## 1. Correctness: hypergradients vs float64 central differences (small problems, real Fashion-MNIST rows)");
        Console.WriteLine("| method | problem | hyperparameters | max relative error vs finite differences | sign agreement with the exact method | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|");
        double worst = 0;

        (TabularDataset train, TabularDataset validation) = data.SplitTrain(120, 100);
        using var mlp = new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 5);
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.3 + (0.02 * t))])
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.9 - (0.01 * t))])
            .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [0.01, 0.03])
            .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.2, 0.8]);
        var options = new ReverseModeOptions { Steps = Steps };
        const string mlpName = "MLP 784-6-10 tanh, T = 8 SGD-momentum";
        var unrolled = new UnrolledReverseMode(options);
        double[] numeric = FiniteDifferences(u => unrolled.Compute(mlp, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);
        double[] exact = [];
        foreach (IHypergradientMethod method in new IHypergradientMethod[] { unrolled, new ExactReversalReverseMode(options), new CheckpointedReverseMode(options, interval: 3) })
        {
            HypergradientResult r = method.Compute(mlp, h);
            double[] g = r.Flatten(h);
            exact = method is ExactReversalReverseMode ? g : exact;
            worst = Math.Max(worst, Row(method.Name, mlpName, h, numeric, g, r));
        }

        HypergradientResult drmad = new DrMad(options).Compute(mlp, h);
        double[] drmadGradient = drmad.Flatten(h);
        Console.WriteLine(Invariant($"| drmad (approximate) | {mlpName} | {h.ElementCount} | {MaxRelativeError(numeric, drmadGradient):E2} | {SignAgreement(exact, drmadGradient):P0} (L2 and init scales {SignAgreement(exact[^4..], drmadGradient[^4..]):P0}) | {drmad.Cost.Elapsed.TotalSeconds:F2} |"));

        HyperparameterSet adamH = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, Steps), [.. Enumerable.Range(0, Steps).Select(t => 0.01 + (0.002 * t))])
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9)
            .Add(new Hyperparameter("beta2", HyperparameterTransform.Logit), 0.99)
            .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), [0.01, 0.03])
            .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, 2), [1.2, 0.8]);
        var adam = new CheckpointedAdamReverseMode(options, interval: 3);
        double[] adamNumeric = FiniteDifferences(u => adam.Compute(mlp, adamH.WithUnconstrained(u)).OuterLoss, adamH.FlattenUnconstrained(), 1e-5);
        HypergradientResult adamResult = adam.Compute(mlp, adamH);
        worst = Math.Max(worst, Row(adam.Name, "MLP 784-6-10 tanh, T = 8 Adam", adamH, adamNumeric, adamResult.Flatten(adamH), adamResult));

        HyperparameterSet greedyH = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.3)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.8)
            .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), 0.05);
        var greedy = new GreedyOneStep(new ReverseModeOptions { Steps = 1 });
        double[] greedyNumeric = FiniteDifferences(u => greedy.Compute(mlp, greedyH.WithUnconstrained(u)).OuterLoss, greedyH.FlattenUnconstrained(), 1e-5);
        HypergradientResult greedyResult = greedy.Compute(mlp, greedyH);
        worst = Math.Max(worst, Row(greedy.Name, "MLP 784-6-10 tanh, one step (its criterion)", greedyH, greedyNumeric, greedyResult.Flatten(greedyH), greedyResult));

        (TabularDataset smallTrain, TabularDataset smallValidation) = data.SplitTrain(200, 200);
        using var softmax = new MlpInnerProblem(new Mlp([784, 10]), smallTrain, smallValidation, batchSize: 200, seed: 2);
        HyperparameterSet theta = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(-2));
        var hoag = new ImplicitDifferentiation(Tight(ImplicitSolver.ConjugateGradient));
        double[] hoagNumeric = FiniteDifferences(u => hoag.Compute(softmax, theta.WithUnconstrained(u)).OuterLoss, theta.FlattenUnconstrained(), 1e-3);
        HypergradientResult hoagResult = hoag.Compute(softmax, theta);
        const string softmaxName = "softmax regression 784-10, 200/200 rows";
        worst = Math.Max(worst, Row(hoag.Name, softmaxName + ", θ = −2", theta, hoagNumeric, hoagResult.Flatten(theta), hoagResult));
        HypergradientResult neumann = new ImplicitDifferentiation(Tight(ImplicitSolver.Neumann)).Compute(softmax, theta);
        double[] hoagGradient = hoagResult.Flatten(theta);
        double[] neumannGradient = neumann.Flatten(theta);
        Console.WriteLine(Invariant($"| implicit-neumann (truncated, J = 100, α = 0.01) | {softmaxName}, θ = −2 | 1 | {MaxRelativeError(hoagNumeric, neumannGradient):E2} | {SignAgreement(hoagGradient, neumannGradient):P0} | {neumann.Cost.Elapsed.TotalSeconds:F2} |"));

        // 784 per-pixel coefficients: one directional central difference along a seeded random direction.
        var perPixel = new PerPixelL2Problem(softmax);
        HyperparameterSet pixels = new HyperparameterSet().Add(new Hyperparameter(PerPixelL2Problem.Name, HyperparameterTransform.Log, 784), Math.Exp(-2));
        var random = new Random(9);
        double[] direction = [.. Enumerable.Range(0, 784).Select(_ => random.NextDouble() - 0.5)];
        double[] u0 = pixels.FlattenUnconstrained();
        double Along(double s) => hoag.Compute(perPixel, pixels.WithUnconstrained([.. u0.Zip(direction, (u, d) => u + (s * d))])).OuterLoss;
        HypergradientResult pixelResult = hoag.Compute(perPixel, pixels);
        double[] pixelGradient = pixelResult.Flatten(pixels);
        double directionalNumeric = (Along(1e-3) - Along(-1e-3)) / 2e-3;
        double directional = pixelGradient.Zip(direction, (g, d) => g * d).Sum();
        worst = Math.Max(worst, Row(hoag.Name, softmaxName + ", per-pixel L2 (directional derivative)", pixels, [directionalNumeric], [directional], pixelResult));
        HypergradientResult pixelNeumann = new ImplicitDifferentiation(Tight(ImplicitSolver.Neumann)).Compute(perPixel, pixels);
        double[] pixelNeumannGradient = pixelNeumann.Flatten(pixels);
        double neumannDirectional = pixelNeumannGradient.Zip(direction, (g, d) => g * d).Sum();
        Console.WriteLine(Invariant($"| implicit-neumann (truncated) | {softmaxName}, per-pixel L2 (directional; error vs CG over the 784) | 784 | {Math.Abs(neumannDirectional - directionalNumeric) / Math.Abs(directionalNumeric):E2} ({MaxRelativeError(pixelGradient, pixelNeumannGradient):E2} vs CG) | {SignAgreement(pixelGradient, pixelNeumannGradient):P0} | {pixelNeumann.Cost.Elapsed.TotalSeconds:F2} |"));
        return worst;
    }

    private static ImplicitDifferentiationOptions Tight(ImplicitSolver solver) => new()
    {
        InitialTolerance = 1e-11,
        MinimumTolerance = 1e-11,
        ToleranceDecrease = 1,
        Solver = solver,
    };

    private static double Row(string method, string problem, HyperparameterSet h, double[] numeric, double[] analytic, HypergradientResult result)
    {
        double error = MaxRelativeError(numeric, analytic);
        Console.WriteLine(Invariant($"| {method} | {problem} | {h.ElementCount} | {error:E2} | exact | {result.Cost.Elapsed.TotalSeconds:F2} |"));
        return error;
    }

    private static double[] FiniteDifferences(Func<double[], double> f, double[] x, double step)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double[] plus = (double[])x.Clone();
            double[] minus = (double[])x.Clone();
            plus[i] += step;
            minus[i] -= step;
            g[i] = (f(plus) - f(minus)) / (2 * step);
        }

        return g;
    }
}
