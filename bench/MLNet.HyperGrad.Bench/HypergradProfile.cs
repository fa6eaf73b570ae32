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
/// validate). The whole runs are timed (wall and process CPU seconds); then each phase of a plain step, of a reverse
/// step and of the fixed-point bookkeeping is timed on its own in CPU seconds of the calling thread (libtorch's work
/// runs there with one thread, the default here), summed over T steps; repeats interleaved, medians printed. The whole
/// runs are timed with the inner problem's analytic reverse step (the default) and with autograd only.
///   hypergrad-profile [--steps 100] [--repeats 3] [--threads 1] [--pairs N: only N rounds of plain run and exact reversal with and without fused backward products]
/// </summary>
internal static class HypergradProfile
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int steps = CsvLoadBenchmark.Int(options, "--steps", 100);
        int repeats = CsvLoadBenchmark.Int(options, "--repeats", 3);
        torch.set_num_threads(CsvLoadBenchmark.Int(options, "--threads", 1));
        Console.WriteLine(Invariant($"# hypergrad-profile {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC: T = {steps}, batch 200, MLP 784-50-10 tanh, float64; libtorch threads {torch.get_num_threads()}; load average {MachineLoad.LoadAverage()}"));
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

        void Whole(string name, Action action)
        {
            var wall = Stopwatch.StartNew();
            double cpu = CpuClock.ProcessSeconds();
            double thread = CpuClock.ThreadSeconds();
            int collections = GC.CollectionCount(0);
            action();
            Add($"whole, wall: {name}", wall.Elapsed.TotalSeconds);
            Add($"whole, process CPU: {name}", CpuClock.ProcessSeconds() - cpu);
            Add($"whole, calling thread's CPU: {name}", CpuClock.ThreadSeconds() - thread);
            Add($"whole, gen-0 collections: {name}", GC.CollectionCount(0) - collections);
        }

        int pairs = CsvLoadBenchmark.Int(options, "--pairs", 0);
        if (pairs > 0)
        {
            // --pairs N: only N rounds of {plain run, exact reversal with the backward products fused, unfused}, the order of
            // the two exact runs alternating by round; calling thread's CPU s and the paired ratios (median, range).
            var plainCpu = new List<double>();
            var fusedCpu = new List<double>();
            var unfusedCpu = new List<double>();
            double Cpu(Action action)
            {
                double mark = CpuClock.ThreadSeconds();
                action();
                return CpuClock.ThreadSeconds() - mark;
            }

            double Exact(bool fused)
            {
                problem.FusedBackwardProducts = fused;
                return Cpu(() => new ExactReversalReverseMode(reverseOptions).Compute(problem, set));
            }

            _ = Exact(true);
            _ = Exact(false);
            _ = Cpu(() => Outer(problem, set, Train(problem, set, reverseOptions)));
            MachineLoad.Mark start = MachineLoad.Now();
            for (int r = 0; r < pairs; r++)
            {
                plainCpu.Add(Cpu(() => Outer(problem, set, Train(problem, set, reverseOptions))));
                if (r % 2 == 0)
                {
                    fusedCpu.Add(Exact(true));
                    unfusedCpu.Add(Exact(false));
                }
                else
                {
                    unfusedCpu.Add(Exact(false));
                    fusedCpu.Add(Exact(true));
                }
            }

            problem.FusedBackwardProducts = true;
            string Summary(IEnumerable<double> values) => Invariant($"{Median(values):F3} ({values.Min():F3} … {values.Max():F3})");
            Console.WriteLine(Invariant($"{pairs} rounds, calling thread's CPU s, median (range); others' CPU share {MachineLoad.OthersShareSince(start):P0}; load average now {MachineLoad.LoadAverage()}"));
            Console.WriteLine($"plain run (in place): {Summary(plainCpu)}");
            Console.WriteLine($"exact reversal, fused backward products: {Summary(fusedCpu)}; ratio to the round's plain run {Summary(fusedCpu.Zip(plainCpu, (e, p) => e / p))}");
            Console.WriteLine($"exact reversal, unfused backward products: {Summary(unfusedCpu)}; ratio to the round's plain run {Summary(unfusedCpu.Zip(plainCpu, (e, p) => e / p))}");
            Console.WriteLine($"fused / unfused, paired: {Summary(fusedCpu.Zip(unfusedCpu, (f, u) => f / u))}");
            return 0;
        }

        for (int r = 0; r < repeats; r++)
        {
            MachineLoad.Mark mark = MachineLoad.Now();
            // Each whole run twice: with the problem's analytic steps (the default) and with autograd only (as before the analytic step).
            // And exact reversal with the analytic step's fused forward products a·[W | V]ᵀ (FusedForwardProducts).
            foreach ((bool analytic, bool fused) in new[] { (true, false), (true, true), (false, false) })
            {
                problem.AnalyticReverseSteps = analytic;
                problem.FusedForwardProducts = fused;
                string how = analytic ? fused ? "analytic steps, fused forward products" : "analytic steps" : "autograd steps";
                if (fused)
                {
                    Whole($"exact reversal (forward + reverse), {how}", () =>
                    {
                        HypergradientResult result = new ExactReversalReverseMode(reverseOptions).Compute(problem, set);
                        Add($"exact reversal: gradients recomputed after a checksum mismatch (of {steps}), {how}", result.Cost.GradientEvaluations - (2 * steps));
                        if (result.ExactlyReversed != true)
                        {
                            throw new InvalidOperationException($"Exact reversal did not come back exactly ({how}).");
                        }
                    });
                    continue;
                }

                Whole($"plain run (T steps + validation CE), {how}", () => Outer(problem, set, Train(problem, set, reverseOptions)));
                if (analytic)
                {
                    // The plain run before H41 (flat arrays, copies per step): the same bits, checked once.
                    Whole($"plain run, flat arrays as before H41 (T steps + validation CE), {how}", () => Outer(problem, set, TrainFlat(problem, set, reverseOptions)));
                    if (r == 0 && !Train(problem, set, reverseOptions).AsSpan().SequenceEqual(TrainFlat(problem, set, reverseOptions)))
                    {
                        throw new InvalidOperationException("The in-place plain run's weights differ from the flat-array run's.");
                    }
                }

                Whole($"exact reversal (forward + reverse), {how}", () =>
                {
                    HypergradientResult result = new ExactReversalReverseMode(reverseOptions).Compute(problem, set);
                    Add($"exact reversal: gradients recomputed after a checksum mismatch (of {steps}), {how}", result.Cost.GradientEvaluations - (2 * steps));
                    if (result.ExactlyReversed != true)
                    {
                        throw new InvalidOperationException($"Exact reversal did not come back exactly ({how}).");
                    }
                });
                Whole($"DrMAD (forward + reverse), {how}", () => new DrMad(reverseOptions).Compute(problem, set));
            }

            problem.AnalyticReverseSteps = true;
            problem.FusedForwardProducts = false;
            // And exact reversal with the first layer's backward products fused, [δ | Rδ]ᵀ·X (FusedBackwardProducts).
            bool fusedBackward = problem.FusedBackwardProducts;
            problem.FusedBackwardProducts = !fusedBackward;
            string backwardHow = fusedBackward ? "analytic steps, backward products NOT fused (the default fuses them)" : "analytic steps, fused backward products [δ | Rδ]ᵀ·X";
            Whole($"exact reversal (forward + reverse), {backwardHow}", () =>
            {
                HypergradientResult result = new ExactReversalReverseMode(reverseOptions).Compute(problem, set);
                Add($"exact reversal: gradients recomputed after a checksum mismatch (of {steps}), {backwardHow}", result.Cost.GradientEvaluations - (2 * steps));
                if (result.ExactlyReversed != true)
                {
                    throw new InvalidOperationException($"Exact reversal did not come back exactly ({backwardHow}).");
                }
            });
            problem.FusedBackwardProducts = fusedBackward;
            Whole("unrolled store-everything", () => new UnrolledReverseMode(reverseOptions).Compute(problem, set));
            Phases(problem, set, reverseOptions, Add);
            AnalyticPhases(problem, set, reverseOptions, Add);
            Products(Add);
            ExactPhases(problem, set, reverseOptions, Add);
            Add("others' CPU share", MachineLoad.OthersShareSince(mark));
        }

        Console.WriteLine("| phase (seconds per run of T steps) | median | min | max |");
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

        double[] flat = new double[w0.Length];
        var phase = new double[9];
        double mark = CpuClock.ThreadSeconds();
        void Lap(int i)
        {
            double now = CpuClock.ThreadSeconds();
            phase[i] += now - mark;
            mark = now;
        }

        mark = CpuClock.ThreadSeconds();
        for (int t = 0; t < steps; t++)
        {
            DisposeScope step = torch.NewDisposeScope();
            Lap(8);
            Tensor[] w = FlatTensors.Leaves(w0, shapes);
            Lap(0);
            _ = problem.TrainingLoss(w, h, t);
            Lap(1);
            Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w);
            Lap(2);
            FlatTensors.FlattenInto(g, flat);
            Lap(3);
            Tensor[] gg = TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w, createGraph: true);
            Lap(4);
            _ = TorchAutograd.Grad([FlatTensors.Inner(gg, FlatTensors.Unflatten(flat, shapes))], [.. w, .. h.Leaves], allowUnused: true, retainGraph: true);
            Lap(5);
            _ = TorchAutograd.Grad(gg, [.. w, .. h.Leaves], FlatTensors.Unflatten(flat, shapes), allowUnused: true, retainGraph: true);
            Lap(6);
            _ = TorchAutograd.Grad(gg, w, FlatTensors.Unflatten(flat, shapes), retainGraph: true);
            Lap(7);
            step.Dispose();
            Lap(8);
        }

        add("step: leaves from double[]", phase[0]);
        add("step: training loss, forward only", phase[1]);
        add("step: gradient without graph (forward + backward)", phase[2]);
        add("step: flatten into double[]", phase[3]);
        add("step: gradient with createGraph (forward + backward)", phase[4]);
        add("step: Hessian-vector product (inner product + double backward, w and h)", phase[5]);
        add("step: Hessian-vector product (gradient outputs, w and h)", phase[6]);
        add("step: Hessian-vector product (gradient outputs, w only)", phase[7]);
        add("step: opening and disposing the step's dispose scope (all of the above's tensors)", phase[8]);

        double[] gradient = [.. w0.Select((x, i) => 1e-3 * Math.Sin(x + i))];
        var sgd = new FixedPointSgd(w0, options.FractionBits);
        long denominator = 1L << options.MomentumDenominatorBits;
        long numerator = (long)Math.Round(0.9 * denominator);
        Array.Clear(phase);
        mark = CpuClock.ThreadSeconds();
        for (int t = 0; t < steps; t++)
        {
            sgd.WeightValues(flat);
            sgd.VelocityValues(flat);
            Lap(0);
            sgd.VelocityStep(gradient, numerator, denominator);
            Lap(1);
            sgd.WeightStep(0.1);
            Lap(2);
        }

        // The reverse pass's overloads, as ReverseSweep.StepExact calls them (values out, adjoint sums in the same pass).
        long[] rounded = new long[w0.Length];
        double[] adjoint = [.. w0.Select((x, i) => Math.Cos(i))];
        double dot = 0;
        for (int t = 0; t < steps; t++)
        {
            sgd.UndoWeightStep(0.1, 0, flat, adjoint, ref dot);
            Lap(3);
            ChecksumLanes lanes = FixedPointSgd.StartChecksum();
            sgd.RoundGradient(gradient, 0, rounded, ref lanes);
            Lap(5);
            dot += sgd.UndoVelocityStep(rounded, numerator, denominator, adjoint);
            Lap(4);
        }

        add(Invariant($"fixed point: weight and velocity values into buffers (vectorized: {sgd.Vectorized})"), phase[0]);
        add("fixed point: velocity step (μ = 0.9) with the checksum", phase[1]);
        add("fixed point: weight step", phase[2]);
        add("fixed point: undo weight step, with the values and the learning rate's adjoint", phase[3]);
        add("fixed point: rounding and checksum of the gradient", phase[5]);
        add("fixed point: undo velocity step from the rounded gradient, with the momentum's adjoint", phase[4]);
    }

    // The analytic step's parts (calling thread's CPU seconds, summed over T steps).
    // The first layer's products of a reverse step alone, 100 calls each (calling thread's CPU s): separate or fused forward
    // (X·Wᵀ and X·Vᵀ against X·[W | V]ᵀ) and backward (δᵀ·X and Rδᵀ·X against [δ | Rδ]ᵀ·X and Xᵀ·[δ | Rδ]), batch 200, 784 → 50.
    private static void Products(Action<string, double> add)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var random = new Random(3);
        Tensor Random(long rows, long columns) => TensorData.FromSpan<double>([.. Enumerable.Range(0, (int)(rows * columns)).Select(_ => random.NextDouble() - 0.5)], [rows, columns]);
        Tensor x = Random(200, 784);
        Tensor w = Random(50, 784);
        Tensor v = Random(50, 784);
        Tensor delta = Random(200, 50);
        Tensor rdelta = Random(200, 50);
        Tensor both = torch.cat([w, v], 0);
        Tensor deltas = torch.cat([delta, rdelta], 1);
        double Time(Func<Tensor[]> products)
        {
            double mark = CpuClock.ThreadSeconds();
            for (int i = 0; i < 100; i++)
            {
                using (torch.NewDisposeScope())
                {
                    _ = products();
                }
            }

            return CpuClock.ThreadSeconds() - mark;
        }

        _ = Time(() => [torch.mm(x, both.t())]);
        add("products ×100: X·Wᵀ and X·Vᵀ, separate", Time(() => [torch.mm(x, w.t()), torch.mm(x, v.t())]));
        add("products ×100: X·[W | V]ᵀ, fused", Time(() => [torch.mm(x, both.t())]));
        add("products ×100: δᵀ·X and Rδᵀ·X, separate", Time(() => [torch.mm(delta.t(), x), torch.mm(rdelta.t(), x)]));
        add("products ×100: [δ | Rδ]ᵀ·X, fused", Time(() => [torch.mm(deltas.t(), x)]));
        add("products ×100: Xᵀ·[δ | Rδ], fused, transposed result", Time(() => [torch.mm(x.t(), deltas)]));

        // Start's two products over 10,000 validation rows (the outer gradient's forward and backward), 1 call each (×100 / 50 rows:
        // the same multiply-adds as 100 batch products of 200 rows would be 2 × 50 of them).
        Tensor xv = Random(10_000, 784);
        Tensor dv = Random(10_000, 50);
        double Once(Func<Tensor> product)
        {
            double mark = CpuClock.ThreadSeconds();
            using (torch.NewDisposeScope())
            {
                _ = product();
            }

            return CpuClock.ThreadSeconds() - mark;
        }

        _ = Once(() => torch.mm(xv, w.t()));
        add("Start's products, once each: X_val·W₀ᵀ (10,000 rows)", Once(() => torch.mm(xv, w.t())));
        add("Start's products, once each: δᵀ·X_val (10,000 rows)", Once(() => torch.mm(dv.t(), xv)));
    }

    private static void AnalyticPhases(MlpInnerProblem problem, HyperparameterSet set, ReverseModeOptions options, Action<string, double> add)
    {
        IAnalyticReverseStep step = problem;
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = set.CreateTensors();
        double[] w0;
        using (torch.NewDisposeScope())
        {
            w0 = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        double[] direction = [.. w0.Select((x, i) => 1e-3 * Math.Cos(x + i))];
        double[] gradient = new double[w0.Length];
        double[] product = new double[w0.Length];
        double plain = 0;
        double reverse = 0;
        for (int t = 0; t < options.Steps; t++)
        {
            double mark = CpuClock.ThreadSeconds();
            step.AnalyticTrainingGradient(w0, h, t, gradient);
            double middle = CpuClock.ThreadSeconds();
            using (torch.NewDisposeScope())
            {
                _ = step.AnalyticReverseStep(w0, direction, h, t, gradient, product);
            }

            plain += middle - mark;
            reverse += CpuClock.ThreadSeconds() - middle;
        }

        add("analytic: gradient (forward + backward, no graph)", plain);
        add("analytic: reverse step (gradient + Hessian-vector product + mixed term)", reverse);
        double fusedReverse = 0;
        problem.FusedForwardProducts = true;
        for (int t = 0; t < options.Steps; t++)
        {
            double mark = CpuClock.ThreadSeconds();
            using (torch.NewDisposeScope())
            {
                _ = step.AnalyticReverseStep(w0, direction, h, t, gradient, product);
            }

            fusedReverse += CpuClock.ThreadSeconds() - mark;
        }

        problem.FusedForwardProducts = false;
        add("analytic: reverse step with fused forward products a·[W | V]ᵀ", fusedReverse);
    }

    // ExactReversalReverseMode.Compute, phase by phase (calling thread's CPU seconds).
    private static void ExactPhases(MlpInnerProblem problem, HyperparameterSet hyperparameters, ReverseModeOptions options, Action<string, double> add)
    {
        double mark = CpuClock.ThreadSeconds();
        double Lap()
        {
            double now = CpuClock.ThreadSeconds();
            double spent = now - mark;
            mark = now;
            return spent;
        }

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
        double[] weights = new double[initial.Length];
        add("exact: set-up", Lap());
        ulong[] checksums = new ulong[steps];
        double[] momenta = [.. numerators.Select(n => n / (double)denominator)];
        using var sweep = new ReverseSweep(problem, hyperparameters, h, options, learningRates, momenta);
        IReadOnlyList<Tensor> weightTensors = sweep.WeightTensors ?? throw new InvalidOperationException("The profile's problem must take analytic steps.");
        IAnalyticReverseStep analytic = problem;
        ExactReversalReverseMode.AnalyticForward(sgd, analytic, weightTensors, h, options, numerators, denominator, learningRates, checksums);

        add("exact: forward loop", Lap());
        sgd.WeightValues(weights);
        sweep.Start(weights);
        add("exact: Start (outer loss and its gradient)", Lap());
        for (int t = steps - 1; t >= 0; t--)
        {
            sweep.StepExact(t, sgd, numerators[options.EntryOf(t, numerators.Length)], denominator, checksums[t]);
        }

        add("exact: reverse loop", Lap());
        _ = sweep.Finish();
        add("exact: Finish", Lap());
    }
}
