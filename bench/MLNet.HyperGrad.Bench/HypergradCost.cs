using System.Diagnostics;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using static MLNet.HyperGrad.Bench.HypergradBench;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Part 6 of <c>hypergrad-core</c>: wall time of each method divided by one plain training run of the same problem
/// (interleaved repeats, median of the paired ratios), and greedy one-step tuning of per-layer L2 started from
/// different values.
/// </summary>
/// <remarks>
/// A plain training run is what one random-search trial costs: T steps of SGD with momentum (gradients without a
/// second-order graph) and the validation CE. Reverse mode and DrMAD: forward run plus reverse pass (MLP 784-50-10
/// tanh). HOAG: the inner Newton-CG solve plus the implicit system, against the same inner solve alone, both cold at
/// ε = 1e-3 (softmax regression at the grid's θ). Greedy: the tuned run (MLP 784-100-10 ReLU, per-layer L2 tuned
/// online) against the same training without tuning.
/// </remarks>
internal static class HypergradCost
{
    internal sealed record Outcome(double Reverse, double DrMad, double Hoag, double Greedy);

    public static Outcome Run(HypergradBench.Split split, int steps, int repeats, double hoagTheta, int greedySteps, double greedyRate)
    {
        var options = new ReverseModeOptions { Steps = steps };
        using var tanh = new MlpInnerProblem(new Mlp([784, 50, 10], Activation.Tanh), split.Train, split.Validation, batchSize: 200, seed: 1);
        using var softmax = new MlpInnerProblem(new Mlp([784, 10]), split.Train, split.Validation, batchSize: 200, seed: 3);
        using var relu = new MlpInnerProblem(new Mlp([784, 100, 10], Activation.Relu), split.Train, split.Validation, batchSize: 200, seed: 4);
        using var reluSmallValidation = new MlpInnerProblem(new Mlp([784, 100, 10], Activation.Relu), split.Train, split.Validation.Subset(Enumerable.Range(0, 200).ToArray()), batchSize: 200, seed: 4);
        HyperparameterSet reverseSet = Schedule(steps, 0.1, 0.9, 3e-4, 1.0, 2);
        HyperparameterSet hoagSet = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(hoagTheta));
        HyperparameterSet greedySet = GreedySet(1e-4);
        string[] tuned = [MlpInnerProblem.L2Name];

        Console.WriteLine();
        Console.WriteLine(Invariant($"## 6. Cost relative to one plain training run (T = {steps}, batch 200; {repeats} interleaved repeats, median of paired ratios)"));
        Console.WriteLine("| repeat | plain 784-50-10 s | exact reversal s (ratio) | DrMAD s (ratio) | Newton-CG solve s | HOAG s (ratio) | plain 784-100-10 s | greedy s (ratio) | greedy, 200-row validation s (ratio) | others' CPU share |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var ratios = new List<double[]>();
        for (int r = 0; r < repeats; r++)
        {
            MachineLoad.Mark mark = MachineLoad.Now();
            double plain = Time(() => Outer(tanh, reverseSet, Train(tanh, reverseSet, options)));
            double exact = Time(() => new ExactReversalReverseMode(options).Compute(tanh, reverseSet));
            double drmad = Time(() => new DrMad(options).Compute(tanh, reverseSet));
            double solve = Time(() => new ImplicitDifferentiation().SolveFromInitialWeights(softmax, hoagSet, 1e-3));
            double hoag = Time(() => new ImplicitDifferentiation().Compute(softmax, hoagSet));
            double plainRelu = Time(() => Outer(relu, greedySet, Train(relu, greedySet, options)));
            double greedy = Time(() => new GreedyOneStep(options, greedyRate, tuned).Compute(relu, greedySet));
            double greedySmall = Time(() => new GreedyOneStep(options, greedyRate, tuned).Compute(reluSmallValidation, greedySet));
            double[] row = [exact / plain, drmad / plain, hoag / solve, greedy / plainRelu, greedySmall / plainRelu];
            ratios.Add(row);
            Console.WriteLine(Invariant($"| {r + 1} | {plain:F2} | {exact:F2} ({row[0]:F2}) | {drmad:F2} ({row[1]:F2}) | {solve:F2} | {hoag:F2} ({row[2]:F2}) | {plainRelu:F2} | {greedy:F2} ({row[3]:F2}) | {greedySmall:F2} ({row[4]:F2}) | {MachineLoad.OthersShareSince(mark):P0} |"));
        }

        double[] medians = [.. Enumerable.Range(0, 5).Select(i => Median(ratios.Select(x => x[i])))];
        Console.WriteLine(Invariant($"median ratios: reverse {medians[0]:F2} (target ≤ 3: {(medians[0] <= 3 ? "met" : "NOT met")}), drmad {medians[1]:F2}, hoag {medians[2]:F2} (target ≤ 1.5: {(medians[2] <= 1.5 ? "met" : "NOT met")}), greedy {medians[3]:F2} (target ≤ 1.5: {(medians[3] <= 1.5 ? "met" : "NOT met")}; its outer loss is the whole 10,000-row validation set at every step), greedy with a 200-row validation set {medians[4]:F2}"));

        Console.WriteLine();
        Console.WriteLine(Invariant($"### Greedy one-step (Luketina et al. 2016) from different L2 values: MLP 784-100-10 ReLU, T = {greedySteps} steps, lr 0.1, momentum 0.9, per-layer L2 tuned online with step β = {greedyRate} in log space"));
        Console.WriteLine("| start L2 (both layers) | end L2 layer 0 | end L2 layer 1 | validation CE untuned | validation CE tuned | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var greedyOptions = new ReverseModeOptions { Steps = greedySteps };
        foreach (double l2 in new[] { 1e-5, 1e-3, 1e-1 })
        {
            HyperparameterSet s = GreedySet(l2);
            double untuned = Outer(relu, s, Train(relu, s, greedyOptions));
            var method = new GreedyOneStep(greedyOptions, greedyRate, tuned);
            HypergradientResult result = method.Compute(relu, s);
            double[] end = method.TunedHyperparameters!.Values(MlpInnerProblem.L2Name);
            Console.WriteLine(Invariant($"| {l2:G2} | {end[0]:G3} | {end[1]:G3} | {untuned:F4} | {result.OuterLoss:F4} | {result.Cost.Elapsed.TotalSeconds:F1} |"));
        }

        return new Outcome(medians[0], medians[1], medians[2], medians[3]);
    }

    private static HyperparameterSet GreedySet(double l2) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.1)
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9)
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), l2);

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
