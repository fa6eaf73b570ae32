using System.Diagnostics;
using MLNet.HyperGrad.AutoML.Runners;
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
/// online on a validation minibatch per differentiated step, the hypergradient every step or every k-th step) against the
/// same training without tuning. Wall and process CPU seconds are both recorded (the machine may be shared); the summary
/// figures are the medians of the wall-time ratios.
/// </remarks>
internal static class HypergradCost
{
    internal sealed record Outcome(double Reverse, double DrMad, double Hoag, double Greedy);

    /// <summary>The greedy setting of the summary line: the hypergradient runner's default (<see cref="HypergradientTrialRunnerOptions.GreedyUpdateInterval"/>, <see cref="HypergradientTrialRunnerOptions.GreedyValidationBatchSize"/>, <see cref="HypergradientTrialRunnerOptions.GreedyEveryStepFraction"/>).</summary>
    private static GreedyArm RunnerArm
    {
        get
        {
            var defaults = new HypergradientTrialRunnerOptions();
            return new GreedyArm(defaults.GreedyUpdateInterval, 100, defaults.GreedyValidationBatchSize ?? 200, defaults.GreedyEveryStepFraction);
        }
    }

    public static Outcome Run(HypergradBench.Split split, int steps, int repeats, double hoagTheta, int greedySteps, double greedyRate, IReadOnlyList<GreedyArm> greedyArms)
    {
        var options = new ReverseModeOptions { Steps = steps };
        using var tanh = new MlpInnerProblem(new Mlp([784, 50, 10], Activation.Tanh), split.Train, split.Validation, batchSize: 200, seed: 1);
        using var softmax = new MlpInnerProblem(new Mlp([784, 10]), split.Train, split.Validation, batchSize: 200, seed: 3);
        using var relu = new MlpInnerProblem(new Mlp([784, 100, 10], Activation.Relu), split.Train, split.Validation, batchSize: 200, seed: 4);
        HyperparameterSet reverseSet = Schedule(steps, 0.1, 0.9, 3e-4, 1.0, 2);
        HyperparameterSet hoagSet = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1), Math.Exp(hoagTheta));
        HyperparameterSet greedySet = GreedySet(1e-4);
        string[] tuned = [MlpInnerProblem.L2Name];
        // Greedy settings: k = 1 on 200 rows (the reference), the requested ones, and the runner's default (the summary line's).
        GreedyArm reference = new(1, greedyRate, 200, 0);
        GreedyArm runnerArm = RunnerArm with { Rate = greedyRate };
        GreedyArm[] arms = [.. new[] { reference }.Concat(greedyArms.Select(a => a with { Rate = greedyRate })).Append(runnerArm).Distinct()];
        var byRows = new Dictionary<int, MlpInnerProblem> { [relu.ValidationBatchSize] = relu };
        foreach (int rows in arms.Select(a => a.Rows).Distinct().Where(r => !byRows.ContainsKey(r)))
        {
            byRows[rows] = new MlpInnerProblem(new Mlp([784, 100, 10], Activation.Relu), split.Train, split.Validation, batchSize: 200, seed: 4) { ValidationBatchSize = rows };
        }

        GreedyOneStep Greedy(ReverseModeOptions o, GreedyArm a) =>
            new(o, greedyRate, tuned, validationMinibatches: true, updateInterval: a.Interval, everyStepFraction: a.EveryStepFraction);

        // Columns: (name, denominator column, action); a ratio is paired with the plain run of its own repeat.
        (string Name, int Plain, Action Action)[] columns =
        [
            ("plain 784-50-10", -1, () => Outer(tanh, reverseSet, Train(tanh, reverseSet, options))),
            ("exact reversal", 0, () => new ExactReversalReverseMode(options).Compute(tanh, reverseSet)),
            ("DrMAD", 0, () => new DrMad(options).Compute(tanh, reverseSet)),
            ("Newton-CG solve", -1, () => new ImplicitDifferentiation().SolveFromInitialWeights(softmax, hoagSet, 1e-3)),
            ("HOAG", 3, () => new ImplicitDifferentiation().Compute(softmax, hoagSet)),
            ("plain 784-100-10", -1, () => Outer(relu, greedySet, Train(relu, greedySet, options))),
            .. arms.Select(a => ("greedy " + a.Label, 5, (Action)(() => Greedy(options, a).Compute(byRows[a.Rows], greedySet)))),
        ];
        const int FirstGreedy = 6;

        Console.WriteLine();
        Console.WriteLine(Invariant($"## 6. Cost relative to one plain training run (T = {steps}, batch 200; {repeats} interleaved repeats, median and range of the paired ratios; load average {MachineLoad.LoadAverage()} (uptime){(double.Parse(MachineLoad.LoadAverage().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 2 ? ": LOADED machine" : string.Empty)}; libtorch threads {TorchSharp.torch.get_num_threads()})"));
        Console.WriteLine("Greedy: per-layer L2 tuned online on a validation minibatch (the rows given) per differentiated step (Luketina et al. 2016), the hypergradient every step (k = 1) or every k-th step (the others are plain SGD-momentum steps), optionally every step in a first part of the run; closed-form differentiated steps (IAnalyticGreedyStep).");
        Console.WriteLine("Each cell: wall s / process CPU s (ratio by wall, ratio by CPU). CPU seconds are the process's user + system time: on a machine that other processes keep busy they are what the work cost, while wall time also counts waits for a core.");
        Console.WriteLine("| repeat | " + string.Join(" | ", columns.Select(c => c.Name)) + " | others' CPU share |");
        Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", columns.Length + 1)));
        // Warm-up (untimed): each method once on T = 5 steps, so that JIT compilation is not in the first repeat.
        var warmOptions = new ReverseModeOptions { Steps = 5 };
        HyperparameterSet warmSet = Schedule(5, 0.1, 0.9, 3e-4, 1.0, 2);
        Outer(tanh, warmSet, Train(tanh, warmSet, warmOptions));
        new ExactReversalReverseMode(warmOptions).Compute(tanh, warmSet);
        new DrMad(warmOptions).Compute(tanh, warmSet);
        Outer(relu, greedySet, Train(relu, greedySet, warmOptions));
        foreach (GreedyArm a in arms)
        {
            Greedy(warmOptions, a).Compute(byRows[a.Rows], greedySet);
        }

        var wallRatios = new List<double[]>();
        var cpuRatios = new List<double[]>();
        for (int r = 0; r < repeats; r++)
        {
            MachineLoad.Mark mark = MachineLoad.Now();
            double[] wall = new double[columns.Length];
            double[] cpu = new double[columns.Length];
            for (int c = 0; c < columns.Length; c++)
            {
                (wall[c], cpu[c]) = Time(columns[c].Action);
            }

            double[] wallRatio = [.. columns.Select((c, i) => c.Plain < 0 ? double.NaN : wall[i] / wall[c.Plain])];
            double[] cpuRatio = [.. columns.Select((c, i) => c.Plain < 0 ? double.NaN : cpu[i] / cpu[c.Plain])];
            wallRatios.Add(wallRatio);
            cpuRatios.Add(cpuRatio);
            IEnumerable<string> cells = columns.Select((c, i) => c.Plain < 0
                ? Invariant($"{wall[i]:F2} / {cpu[i]:F2}")
                : Invariant($"{wall[i]:F2} / {cpu[i]:F2} ({wallRatio[i]:F2}, {cpuRatio[i]:F2})"));
            Console.WriteLine(Invariant($"| {r + 1} | {string.Join(" | ", cells)} | {MachineLoad.OthersShareSince(mark):P0} |"));
        }

        string Summary(List<double[]> ratios, int c)
        {
            double[] values = [.. ratios.Select(x => x[c])];
            return Invariant($"{Median(values):F2} ({values.Min():F2} … {values.Max():F2})");
        }

        Console.WriteLine("| median (range), by wall | " + string.Join(" | ", columns.Select((c, i) => c.Plain < 0 ? string.Empty : Summary(wallRatios, i))) + " | |");
        Console.WriteLine("| median (range), by CPU | " + string.Join(" | ", columns.Select((c, i) => c.Plain < 0 ? string.Empty : Summary(cpuRatios, i))) + " | |");
        double Wall(int c) => Median(wallRatios.Select(x => x[c]));
        int runnerColumn = FirstGreedy + Array.IndexOf(arms, runnerArm);
        string greedyFigures = string.Join(", ", arms.Select((a, i) => Invariant($"greedy {a.Label} {Wall(FirstGreedy + i):F2} (target ≤ 1.5: {Met(Wall(FirstGreedy + i), 1.5)})")));
        Console.WriteLine(Invariant($"median ratios by wall time: reverse {Wall(1):F2} (target ≤ 3: {Met(Wall(1), 3)}), drmad {Wall(2):F2}, hoag {Wall(4):F2} (target ≤ 1.5: {Met(Wall(4), 1.5)}), {greedyFigures}; the summary line's greedy figure is {runnerArm.Label}, the hypergradient runner's default (HypergradientTrialRunnerOptions.GreedyUpdateInterval, GreedyValidationBatchSize, GreedyEveryStepFraction); load average now {MachineLoad.LoadAverage()}"));
        Outcome outcome = new(Wall(1), Wall(2), Wall(4), Wall(runnerColumn));

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

        foreach (MlpInnerProblem extra in byRows.Values.Where(p => !ReferenceEquals(p, relu)))
        {
            extra.Dispose();
        }

        return outcome;
    }

    private static string Met(double ratio, double target) => ratio <= target ? "met" : "NOT met";

    private static HyperparameterSet GreedySet(double l2) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.1)
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9)
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), l2);

    private static (double Wall, double Cpu) Time(Action action)
    {
        double cpu = CpuClock.ProcessSeconds();
        var clock = Stopwatch.StartNew();
        action();
        return (clock.Elapsed.TotalSeconds, CpuClock.ProcessSeconds() - cpu);
    }
}
