using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using static MLNet.HyperGrad.Bench.HypergradBench;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Part <c>greedy-region</c> of <c>hypergrad-core</c>: greedy one-step tuning (Luketina et al. 2016) of per-layer L2,
/// online during one training run, started from L2 values two orders of magnitude apart; does it end in one region?
/// </summary>
/// <remarks>
/// MLP 784-100-10 ReLU (initial weights from seed 4, as part 6, or <c>--greedy-region-seed</c>), T steps of SGD with momentum (learning rate 0.1,
/// momentum 0.9, batch 200 in order), both layers' L2 tuned online, the one-step outer loss a 200-row validation
/// minibatch per step (<see cref="GreedyOneStep.ValidationMinibatches"/>); starts 1e-5, 1e-3, 1e-1 for both layers.
/// Each start is run untuned (plain training), with the plain gradient step u ← u − β_g·g (β_g = 100, part 6's), and
/// with the normalized step (<see cref="GreedyOuterStep.Adam"/>, β_a in log units per differentiated step). The tuned
/// CE is that of the tuned run's own final weights on the whole validation set (the test CE likewise); "retrained" is
/// a plain training run of the same T steps with the run's end L2 values fixed from the start, which judges the region
/// reached apart from the path taken to it.
/// </remarks>
internal static class HypergradGreedyRegion
{
    internal sealed record Outcome(double[] SpreadPerLayer, double CeSpread);

    public static Outcome Run(HypergradBench.Split split, int steps, double gradientRate, IReadOnlyList<GreedyArm> adamArms, bool gradientArm = true, ulong seed = 4)
    {
        using var relu = new MlpInnerProblem(new Mlp([784, 100, 10], Activation.Relu), split.Train, split.Validation, batchSize: 200, seed: seed);
        // One problem per validation minibatch size (the same data and initial weights; only OuterLossOnBatch differs).
        var byRows = new Dictionary<int, MlpInnerProblem> { [relu.ValidationBatchSize] = relu };
        using var reluTest = new MlpInnerProblem(new Mlp([784, 100, 10], Activation.Relu), split.Train, split.Test, batchSize: 200, seed: seed);
        var options = new ReverseModeOptions { Steps = steps };
        string[] tuned = [MlpInnerProblem.L2Name];
        double[] starts = [1e-5, 1e-3, 1e-1];

        Console.WriteLine();
        Console.WriteLine(Invariant($"## Greedy one-step from different L2 values: MLP 784-100-10 ReLU (initial weights from seed {seed}), T = {steps} steps, lr 0.1, momentum 0.9, batch 200, both layers' L2 tuned online, one-step outer loss on a validation minibatch per differentiated step (200 rows unless the arm says otherwise); CE on the whole validation / test set at the run's final weights"));
        Console.WriteLine("| start L2 (both layers) | outer step | end L2 layer 0 | end L2 layer 1 | validation CE of the tuned run | test CE of the tuned run | validation CE retrained at the end L2 | seconds (tuned run) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        (string Name, GreedyOuterStep Kind, double Rate, int Interval, int Rows, double Fraction)[] arms =
        [
            .. gradientArm ? new[] { ("gradient", GreedyOuterStep.Gradient, gradientRate, 1, relu.ValidationBatchSize, 0.0) } : [],
            .. adamArms.Select(a => (Invariant($"adam, {a.Label}, β {a.Rate}"), GreedyOuterStep.Adam, a.Rate, a.Interval, a.Rows, a.EveryStepFraction)),
        ];
        foreach (int rows in arms.Select(a => a.Rows).Distinct().Where(r => !byRows.ContainsKey(r)))
        {
            byRows[rows] = new MlpInnerProblem(new Mlp([784, 100, 10], Activation.Relu), split.Train, split.Validation, batchSize: 200, seed: seed) { ValidationBatchSize = rows };
        }

        var ends = arms.ToDictionary(a => a.Name, _ => new List<(double[] L2, double Ce, double Retrained)>(), StringComparer.Ordinal);
        foreach (double l2 in starts)
        {
            HyperparameterSet s = Set(l2);
            double[] plain = Train(relu, s, options);
            double plainCe = Outer(relu, s, plain);
            Console.WriteLine(Invariant($"| {l2:G2} | none (untuned) | {l2:G3} | {l2:G3} | {plainCe:F4} | {Outer(reluTest, s, plain):F4} | {plainCe:F4} | |"));
            foreach ((string name, GreedyOuterStep kind, double rate, int interval, int rows, double fraction) in arms)
            {
                var method = new GreedyOneStep(options, rate, tuned, validationMinibatches: true, updateInterval: interval, outerStep: kind, everyStepFraction: fraction);
                HypergradientResult result = method.Compute(byRows[rows], s);
                HyperparameterSet end = method.TunedHyperparameters!;
                double[] endL2 = end.Values(MlpInnerProblem.L2Name);
                double test = Outer(reluTest, end, method.FinalWeights!);
                double retrained = Outer(relu, end, Train(relu, end, options));
                ends[name].Add((endL2, result.OuterLoss, retrained));
                string label = kind == GreedyOuterStep.Adam
                    ? Invariant($"Adam, β {rate}, hypergradient every {interval}. step{(fraction > 0 ? Invariant($" after every step of the first {fraction:P0}") : string.Empty)}, {rows} validation rows")
                    : Invariant($"gradient, β {rate}");
                Console.WriteLine(Invariant($"| {l2:G2} | {label} | {endL2[0]:G3} | {endL2[1]:G3} | {result.OuterLoss:F4} | {test:F4} | {retrained:F4} | {result.Cost.Elapsed.TotalSeconds:F1} |"));
            }
        }

        foreach (MlpInnerProblem extra in byRows.Values.Where(p => !ReferenceEquals(p, relu)))
        {
            extra.Dispose();
        }

        Outcome? adamOutcome = null;
        foreach ((string name, List<(double[] L2, double Ce, double Retrained)> list) in ends)
        {
            double[] spread = [.. Enumerable.Range(0, 2).Select(l => list.Max(e => e.L2[l]) / list.Min(e => e.L2[l]))];
            double ceSpread = list.Max(e => e.Ce) - list.Min(e => e.Ce);
            double retrainedSpread = list.Max(e => e.Retrained) - list.Min(e => e.Retrained);
            Console.WriteLine(Invariant($"greedy ({name}) from L2 {string.Join(", ", starts.Select(x => x.ToString("G2", System.Globalization.CultureInfo.InvariantCulture)))}: end L2 max/min ratio layer 0 {spread[0]:F2}, layer 1 {spread[1]:F2}; validation CE of the tuned runs {list.Min(e => e.Ce):F4} … {list.Max(e => e.Ce):F4} (spread {ceSpread:F4}); retrained at the end L2 {list.Min(e => e.Retrained):F4} … {list.Max(e => e.Retrained):F4} (spread {retrainedSpread:F4})"));
            if (name != "gradient")
            {
                adamOutcome ??= new Outcome(spread, ceSpread);
            }
        }

        return adamOutcome ?? new Outcome([double.NaN, double.NaN], double.NaN);
    }

    private static HyperparameterSet Set(double l2) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.1)
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9)
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), l2);
}
