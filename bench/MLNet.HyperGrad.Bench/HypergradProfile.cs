using System.Diagnostics;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static MLNet.HyperGrad.Bench.HypergradBench;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// <c>hypergrad-profile</c>: where reverse mode's time goes against one plain training run (issue 9's cost), on the cost
/// part's problem (MLP 784-50-10 tanh, T steps of batch 200, Fashion-MNIST rows 0 … 9,999 train, 10,000 … 19,999
/// validate). Each phase of one plain run and of one exact-reversal run is timed on its own (per-step seconds summed
/// over T steps), repeated, medians printed; the whole runs are timed beside them.
///   hypergrad-profile [--steps 100] [--repeats 3] [--threads N]
/// </summary>
internal static class HypergradProfile
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int steps = CsvLoadBenchmark.Int(options, "--steps", 100);
        int repeats = CsvLoadBenchmark.Int(options, "--repeats", 3);
        int threads = CsvLoadBenchmark.Int(options, "--threads", 0);
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }

        Console.WriteLine(Invariant($"# hypergrad-profile: T = {steps}, batch 200, MLP 784-50-10 tanh; libtorch threads {torch.get_num_threads()}; load average {MachineLoad.LoadAverage()}"));
        FashionMnistData data = FashionMnist.Load();
        (var train, var validation) = data.SplitTrain(10_000, 10_000);
        using var problem = new MlpInnerProblem(new Mlp([784, 50, 10], Activation.Tanh), train, validation, batchSize: 200, seed: 1);
        var reverseOptions = new ReverseModeOptions { Steps = steps };
        HyperparameterSet set = Schedule(steps, 0.1, 0.9, 3e-4, 1.0, 2);
        var rows = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string name, double seconds)
        {
            if (!rows.TryGetValue(name, out List<double>? list))
            {
                rows[name] = list = [];
            }

            list.Add(seconds);
        }

        for (int r = 0; r < repeats; r++)
        {
            MachineLoad.Mark mark = MachineLoad.Now();
            Add("whole: plain run (T steps + validation CE)", Time(() => Outer(problem, set, Train(problem, set, reverseOptions))));
            Add("whole: exact reversal (forward + reverse)", Time(() => new ExactReversalReverseMode(reverseOptions).Compute(problem, set)));
            Add("whole: DrMAD (forward + reverse)", Time(() => new DrMad(reverseOptions).Compute(problem, set)));
            Add("whole: unrolled store-everything", Time(() => new UnrolledReverseMode(reverseOptions).Compute(problem, set)));
            Phases(problem, set, reverseOptions, Add);
            ExactPhases(problem, set, reverseOptions, Add);
            Add("others' CPU share", MachineLoad.OthersShareSince(mark));
        }

        Console.WriteLine("| phase | median s | min s | max s |");
        Console.WriteLine("|---|---|---|---|");
        foreach ((string name, List<double> values) in rows)
        {
            Console.WriteLine(Invariant($"| {name} | {Median(values):F3} | {values.Min():F3} | {values.Max():F3} |"));
        }

        return 0;
    }

    private static void Phases(MlpInnerProblem problem, HyperparameterSet set, ReverseModeOptions options, Action<string, double> add)
    {
        int steps = options.Steps;
        long[][] shapes = [.. problem.WeightShapes];
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = set.CreateTensors();
        double[] w0;
        using (torch.NewDisposeScope())
        {
            w0 = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        var clock = new Stopwatch();
        double leaves = 0, gradPlain = 0, gradGraph = 0, flatten = 0, hvp = 0, lossOnly = 0;
        for (int t = 0; t < steps; t++)
        {
            using var step = torch.NewDisposeScope();
            clock.Restart();
            Tensor[] w = FlatTensors.Leaves(w0, shapes);
            leaves += clock.Elapsed.TotalSeconds;
            clock.Restart();
            Tensor loss = problem.TrainingLoss(w, h, t);
            lossOnly += clock.Elapsed.TotalSeconds;
            clock.Restart();
            Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w);
            gradPlain += clock.Elapsed.TotalSeconds;
            clock.Restart();
            double[] flat = FlatTensors.Flatten(g);
            flatten += clock.Elapsed.TotalSeconds;
            clock.Restart();
            Tensor[] gg = TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w, createGraph: true);
            gradGraph += clock.Elapsed.TotalSeconds;
            clock.Restart();
            Tensor[] dv = FlatTensors.Unflatten(flat, shapes);
            _ = TorchAutograd.Grad([FlatTensors.Inner(gg, dv)], [.. w, .. h.Leaves], allowUnused: true);
            hvp += clock.Elapsed.TotalSeconds;
            _ = loss;
        }

        add("per-step: leaves from double[]", leaves);
        add("per-step: training loss forward only", lossOnly);
        add("per-step: gradient, no graph (forward + backward)", gradPlain);
        add("per-step: gradient, createGraph (forward + backward)", gradGraph);
        add("per-step: HVP (inner product + double backward, w and h)", hvp);
        add("per-step: flatten to double[]", flatten);

        double[] gradient = [.. w0.Select((x, i) => 1e-3 * Math.Sin(x + i))];
        var sgd = new FixedPointSgd(w0, options.FractionBits);
        long denominator = 1L << options.MomentumDenominatorBits;
        long numerator = (long)Math.Round(0.9 * denominator);
        double values = 0, velocityStep = 0, weightStep = 0, undoVelocity = 0, undoWeight = 0;
        for (int t = 0; t < steps; t++)
        {
            clock.Restart();
            _ = sgd.WeightValues();
            _ = sgd.VelocityValues();
            values += clock.Elapsed.TotalSeconds;
            clock.Restart();
            sgd.VelocityStep(gradient, numerator, denominator);
            velocityStep += clock.Elapsed.TotalSeconds;
            clock.Restart();
            sgd.WeightStep(0.1);
            weightStep += clock.Elapsed.TotalSeconds;
        }

        for (int t = 0; t < steps; t++)
        {
            clock.Restart();
            sgd.UndoWeightStep(0.1);
            undoWeight += clock.Elapsed.TotalSeconds;
            clock.Restart();
            sgd.UndoVelocityStep(gradient, numerator, denominator);
            undoVelocity += clock.Elapsed.TotalSeconds;
        }

        add("fixed point: weight and velocity values (x2 per step)", values);
        add("fixed point: velocity step", velocityStep);
        add("fixed point: weight step", weightStep);
        add("fixed point: undo weight step", undoWeight);
        add("fixed point: undo velocity step", undoVelocity);
    }

    // ExactReversalReverseMode.Compute, phase by phase.
    private static void ExactPhases(MlpInnerProblem problem, HyperparameterSet hyperparameters, ReverseModeOptions options, Action<string, double> add)
    {
        var clock = Stopwatch.StartNew();
        int steps = options.Steps;
        double[] learningRates = hyperparameters.Values(options.LearningRateName);
        long denominator = 1L << options.MomentumDenominatorBits;
        long[] numerators = [.. hyperparameters.Values(options.MomentumName).Select(m => Math.Clamp((long)Math.Round(m * denominator), 1, denominator))];
        long[][] shapes = [.. problem.WeightShapes];
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double[] initial;
        using (torch.NewDisposeScope())
        {
            initial = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        var sgd = new FixedPointSgd(initial, options.FractionBits);
        add("exact: set-up", clock.Elapsed.TotalSeconds);
        clock.Restart();
        double gradient = 0;
        var inner = new Stopwatch();
        for (int t = 0; t < steps; t++)
        {
            inner.Restart();
            double[] g = ReverseSweep.TrainingGradient(problem, h, sgd.WeightValues(), shapes, t);
            gradient += inner.Elapsed.TotalSeconds;
            sgd.VelocityStep(g, numerators[options.EntryOf(t, numerators.Length)], denominator);
            sgd.WeightStep(learningRates[options.EntryOf(t, learningRates.Length)]);
        }

        add("exact: forward loop", clock.Elapsed.TotalSeconds);
        add("exact: forward loop, TrainingGradient part", gradient);
        clock.Restart();
        double[] momenta = [.. numerators.Select(n => n / (double)denominator)];
        var sweep = new ReverseSweep(problem, hyperparameters, h, options, learningRates, momenta);
        sweep.Start(sgd.WeightValues());
        add("exact: Start (outer loss and its gradient)", clock.Elapsed.TotalSeconds);
        clock.Restart();
        for (int t = steps - 1; t >= 0; t--)
        {
            double[] velocityAfter = sgd.VelocityValues();
            sgd.UndoWeightStep(sweep.LearningRate(t));
            long numerator = numerators[options.EntryOf(t, numerators.Length)];
            sweep.Step(t, velocityAfter, sgd.WeightValues(), g =>
            {
                sgd.UndoVelocityStep(g, numerator, denominator);
                return sgd.VelocityValues();
            });
        }

        add("exact: reverse loop", clock.Elapsed.TotalSeconds);
        clock.Restart();
        _ = sweep.Finish();
        add("exact: Finish", clock.Elapsed.TotalSeconds);
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
