using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Issue 12's hypernetwork figures: softmax regression on Fashion-MNIST with one log-L2 hyperparameter θ (penalty ½·e^θ·‖W‖²,
/// weights not biases), tuned through a global best-response hypernetwork and through the local/joint version, against the grid
/// optimum; then (unless left out by <c>--only</c>) the complexity-control section (<see cref="LearnedComplexityBenchmark"/>).
/// </summary>
/// <remarks>
/// <para>Data: the fixed split of issue 9, Fashion-MNIST training images 0 … 9,999 train, 10,000 … 19,999 validate, pixels in [0, 1].
/// <b>Grid</b>: θ from <c>--grid-max</c> (−2) down to <c>--grid-min</c> (−10) by <c>--grid-step</c> (0.5); at each θ softmax regression
/// is trained to a full-batch gradient norm ≤ <c>--grid-tolerance</c> (1e-4) by Newton-CG (issue 9's inner solver, warm-started from
/// the previous θ), and the validation cross-entropy recorded; the grid optimum is the θ with the smallest one.
/// <b>Global</b> (Lorraine and Duvenaud's Algorithm 1): a <see cref="BestResponseHypernetwork"/> (<c>--hidden</c> 16 tanh units) trained
/// <c>--steps</c> (10,000) Adam steps (learning rate <c>--lr</c> 0.01, cosine decay to 5%), each on <c>--samples</c> (2) draws θ uniform on
/// [<c>--min</c>, <c>--max</c>] = [−11, −1], each draw on its own batch of <c>--batch</c> (500) training rows; then <c>--lambda-steps</c>
/// (300) Adam steps on θ (step <c>--lambda-lr</c> 0.1) from θ₀ = <c>--start</c> (−2) along the validation CE of the hypernetwork's weights
/// (all 10,000 validation rows). Every part uses <see cref="MlpInnerProblem"/> with centred inputs (the same objective; the
/// first bias re-parametrized) unless <c>--raw-inputs</c>; on raw pixels minibatch Adam stops short of the weak-L2 best response
/// (see <c>--only probe</c>) and the hypernetwork's predicted curve is that of under-trained models. <b>Local/joint</b> (Algorithm 2): from the same θ₀, a warm-up of <c>--local-warmup</c> (300) hypernetwork
/// steps with θ ~ θ₀ + <c>--local-scale</c> (0.5)·N(0, 1), then <c>--lambda-steps</c> rounds of <c>--local-steps</c> (20) hypernetwork steps
/// around the current θ and one θ step. For each, the true validation CE at the chosen θ (softmax regression trained at it as in the grid)
/// is reported beside the predicted one.</para>
/// <para>Last line: <c>hypernetwork argmin log-l2: &lt;x&gt; (grid optimum &lt;y&gt;)</c>, x the global hypernetwork's chosen θ (its
/// gradient-descent end point), also appended to <c>--summary FILE</c>. <c>--grid-optimum Y</c> skips the grid (taking Y from an earlier
/// run; then the true CE at the chosen θ is still computed). <c>--only grid,global,local,complexity</c> picks parts; complexity options
/// are <see cref="LearnedComplexityBenchmark"/>'s.</para>
/// </remarks>
internal static class LearnedHypernetworkBenchmark
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        HashSet<string> parts = [.. options.GetValueOrDefault("--only", "grid,global,local,complexity").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        int rows = CsvLoadBenchmark.Int(options, "--rows", 10_000);
        int batch = CsvLoadBenchmark.Int(options, "--batch", 500);
        int hidden = CsvLoadBenchmark.Int(options, "--hidden", 16);
        int seed = CsvLoadBenchmark.Int(options, "--seed", 0);
        double min = Double(options, "--min", -11), max = Double(options, "--max", -1), start = Double(options, "--start", -2);
        double gridMin = Double(options, "--grid-min", -10), gridMax = Double(options, "--grid-max", -2), gridStep = Double(options, "--grid-step", 0.5);
        double gridTolerance = Double(options, "--grid-tolerance", 1e-4);
        var search = new HypernetworkSearchOptions
        {
            TrainingSteps = CsvLoadBenchmark.Int(options, "--steps", 10_000),
            SamplesPerStep = CsvLoadBenchmark.Int(options, "--samples", 2),
            LearningRate = Double(options, "--lr", 0.01),
            HyperparameterSteps = CsvLoadBenchmark.Int(options, "--lambda-steps", 300),
            HyperparameterLearningRate = Double(options, "--lambda-lr", 0.1),
            LocalHypernetworkSteps = CsvLoadBenchmark.Int(options, "--local-steps", 20),
            LocalScale = Double(options, "--local-scale", 0.5),
            CurvePoints = (int)Math.Round((max - min) / 0.25) + 1,
            Seed = seed,
        };
        int localWarmup = CsvLoadBenchmark.Int(options, "--local-warmup", 300);
        string? summary = options.GetValueOrDefault("--summary");
        if (options.TryGetValue("--threads", out string? threads))
        {
            torch.set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));
        }

        var total = Stopwatch.StartNew();
        Console.WriteLine(Invariant($"# learned-hypernetwork {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC: softmax regression 784→10, penalty ½·e^θ·‖W‖² (weights), float64, {Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}; load average at start {MachineLoad.LoadAverage()} (timings on a shared machine are indicative)"));
        FashionMnistData data = FashionMnist.Load();
        (TabularDataset train, TabularDataset validation) = data.SplitTrain(rows, rows);
        Console.WriteLine(Invariant($"# data: Fashion-MNIST training images 0 … {rows - 1} train, {rows} … {(2 * rows) - 1} validate; pixels in [0, 1]"));
        var mlp = new Mlp([784, 10]);
        bool centred = !options.ContainsKey("--raw-inputs");
        using var problem = new MlpInnerProblem(mlp, train, validation, batch, seed: 3, centerInputs: centred);
        Console.WriteLine(centred
            ? "# inputs centred on the training mean for every part (MlpInnerProblem centerInputs: the first bias re-parametrized, the same objective; --raw-inputs turns it off)"
            : "# raw inputs (--raw-inputs): pixels in [0, 1], not centred");
        var theta = new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1);
        var solver = new ImplicitDifferentiation();
        double TrueValidation(double t, double[]? warm, out double[] solved)
        {
            HyperparameterSet h = new HyperparameterSet().Add(theta, Math.Exp(t));
            solved = solver.SolveFromInitialWeights(problem, h, gridTolerance, warm);
            return HypergradBench.Outer(problem, h, solved);
        }

        double gridOptimum = options.TryGetValue("--grid-optimum", out string? given) ? double.Parse(given, CultureInfo.InvariantCulture) : double.NaN;
        var grid = new SortedDictionary<double, double>();
        if (parts.Contains("grid") && double.IsNaN(gridOptimum))
        {
            var clock = Stopwatch.StartNew();
            double[]? warm = null;
            for (double t = gridMax; t >= gridMin - 1e-9; t -= gridStep)
            {
                grid[t] = TrueValidation(t, warm, out double[] solved);
                warm = solved;
                Console.WriteLine(Invariant($"grid: θ {t:F2}, validation CE {grid[t]:F4}, {clock.Elapsed.TotalSeconds:F0} s"));
            }

            gridOptimum = grid.MinBy(p => p.Value).Key;
            Console.WriteLine();
            Console.WriteLine(Invariant($"## Grid ({grid.Count} values of θ, Newton-CG to gradient norm ≤ {gridTolerance:G2}, {clock.Elapsed.TotalSeconds:F0} s at this load)"));
            Console.WriteLine("| θ | " + string.Join(" | ", grid.Keys.Select(t => t == gridOptimum ? Invariant($"**{t:F1}**") : Invariant($"{t:F1}"))) + " |");
            Console.WriteLine("|---|" + string.Concat(grid.Keys.Select(_ => "---|")));
            Console.WriteLine("| validation CE | " + string.Join(" | ", grid.Values.Select(v => Invariant($"{v:F4}"))) + " |");
            Console.WriteLine(Invariant($"grid optimum θ = {gridOptimum:F2} (validation CE {grid[gridOptimum]:F4})"));
        }
        else if (!double.IsNaN(gridOptimum))
        {
            Console.WriteLine(Invariant($"grid NOT run in this process: its optimum θ = {gridOptimum:F2} given by --grid-optimum"));
        }

        var set = new HyperparameterSet().Add(theta, Math.Exp(start));
        HyperparameterRange[] inputs = [new HyperparameterRange(MlpInnerProblem.L2Name, min, max)];
        double globalChoice = double.NaN;
        foreach ((string part, HypernetworkMode mode) in new[] { ("global", HypernetworkMode.Global), ("local", HypernetworkMode.Local) })
        {
            if (!parts.Contains(part))
            {
                continue;
            }

            var clock = Stopwatch.StartNew();
            using var network = new BestResponseHypernetwork(problem, set, inputs, hidden, (ulong)seed);
            HypernetworkSearchOptions used = mode == HypernetworkMode.Global ? search : search with { Mode = HypernetworkMode.Local, TrainingSteps = localWarmup };
            HypernetworkSearchResult result = HypernetworkSearch.Run(network, [start], used);
            double seconds = clock.Elapsed.TotalSeconds;
            double chosen = result.Lambda[0];
            double trueCe = TrueValidation(chosen, null, out _);
            HypernetworkCurvePoint argmin = result.CurveArgmin();
            Console.WriteLine();
            Console.WriteLine(Invariant($"## {(mode == HypernetworkMode.Global ? "Global best-response hypernetwork (Algorithm 1)" : "Local best-response hypernetwork, joint optimization (Algorithm 2)")}: {result.HypernetworkSteps} hypernetwork steps × {used.SamplesPerStep} draws of θ, {used.HyperparameterSteps} θ steps, {seconds:F0} s at this load"));
            Console.WriteLine("| θ step | hypernetwork steps | θ | predicted validation CE | training loss (last 100 steps) |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (HypernetworkStep s in result.Trajectory.Where(s => s.Step % 10 == 0 || s.Step == result.Trajectory.Count - 1))
            {
                Console.WriteLine(Invariant($"| {s.Step} | {s.HypernetworkSteps} | {s.Lambda[0]:F3} | {s.PredictedValidationLoss:F4} | {s.TrainingLoss:F4} |"));
            }

            Console.WriteLine();
            Console.WriteLine("Predicted validation CE along θ (hypernetwork), against the grid's trained softmax regression where the grid has θ:");
            Console.WriteLine("| θ | predicted | grid (trained) |");
            Console.WriteLine("|---|---|---|");
            foreach (HypernetworkCurvePoint p in result.Curve.Where(p => Math.Abs((p.Lambda[0] * 2) - Math.Round(p.Lambda[0] * 2)) < 1e-9))
            {
                string trained = grid.TryGetValue(Math.Round(p.Lambda[0] * 2) / 2, out double v) ? Invariant($"{v:F4}") : "";
                Console.WriteLine(Invariant($"| {p.Lambda[0]:F1} | {p.PredictedValidationLoss:F4} | {trained} |"));
            }

            Console.WriteLine(Invariant($"{part}: chosen θ {chosen:F3} (predicted validation CE {result.PredictedValidationLoss:F4}, true validation CE of softmax regression trained at it {trueCe:F4}); argmin of the predicted curve (step 0.25) θ {argmin.Lambda[0]:F2}; grid optimum θ {gridOptimum:F2}; |chosen − grid optimum| = {Math.Abs(chosen - gridOptimum):F2} ({(Math.Abs(chosen - gridOptimum) <= 0.5 ? "within" : "NOT within")} ±0.5)"));
            if (mode == HypernetworkMode.Global)
            {
                globalChoice = chosen;
            }
        }

        if (parts.Contains("probe"))
        {
            using var raw = new MlpInnerProblem(mlp, train, validation, batch, seed: 3);
            Probe(raw, train, theta, options, seed, (t) => TrueValidation(t, null, out _));
        }

        if (parts.Contains("complexity"))
        {
            LearnedComplexityBenchmark.Run(args, data);
        }

        Console.WriteLine(Invariant($"# total {total.Elapsed.TotalSeconds:F0} s; load average at end {MachineLoad.LoadAverage()}"));
        string line = Invariant($"hypernetwork argmin log-l2: {globalChoice:F2} (grid optimum {gridOptimum:F2})");
        Console.WriteLine(line);
        if (summary is not null)
        {
            File.AppendAllText(summary, line + Environment.NewLine);
        }

        return 0;
    }

    /// <summary>
    /// The diagnosis of the hypernetwork's under-training: one softmax regression per θ of <c>--probe-thetas</c> (−9,−8,−7) trained by
    /// minibatch Adam as the hypernetwork is, on the raw-input problem (batch <c>--batch</c>, learning rate <c>--lr</c>, cosine decay to 5% over <c>--probe-steps</c>
    /// (2000)), its validation CE every fifth of the run, beside the converged (Newton-CG) one; raw and with the inputs centred (the
    /// bias re-parametrized as b = b̃ − W·m, m the training mean, the same model and penalty).
    /// </summary>
    private static void Probe(MlpInnerProblem problem, TabularDataset train, Hyperparameter theta, Dictionary<string, string> options, int seed, Func<double, double> converged)
    {
        double[] thetas = [.. options.GetValueOrDefault("--probe-thetas", "-9,-8,-7").Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture))];
        int steps = CsvLoadBenchmark.Int(options, "--probe-steps", 2000);
        double lr = Double(options, "--lr", 0.01);
        Console.WriteLine();
        Console.WriteLine(Invariant($"## Probe: one softmax regression per θ by minibatch Adam (batch {problem.BatchSize}, lr {lr}, cosine to 5% over {steps} steps), validation CE every {steps / 5} steps, against Newton-CG"));
        Console.WriteLine("| θ | inputs | " + string.Join(" | ", Enumerable.Range(1, 5).Select(k => Invariant($"step {k * steps / 5}"))) + " | converged (Newton-CG) | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        Tensor mean;
        using (torch.no_grad())
        {
            using var scope = torch.NewDisposeScope();
            (Tensor x, _) = ClassificationCriteria.ToFloat64(train);
            mean = x.mean([0L]).DetachFromDisposeScope();
        }

        foreach (double t in thetas)
        {
            double truth = converged(t);
            foreach (bool centred in new[] { false, true })
            {
                var clock = Stopwatch.StartNew();
                HyperparameterSet h = new HyperparameterSet().Add(theta, Math.Exp(t));
                var weights = new List<Tensor>();
                using (torch.NewDisposeScope())
                using (torch.no_grad())
                {
                    weights.AddRange(problem.InitialWeights(h.CreateTensors()).Select(w => w.detach().clone().DetachFromDisposeScope().requires_grad_(true)));
                }

                Tensor[] Model() => centred ? [weights[0], weights[1] - torch.mv(weights[0], mean)] : [weights[0], weights[1]];
                Tensor[] first = [.. weights.Select(w => torch.zeros_like(w).DetachFromDisposeScope())];
                Tensor[] second = [.. weights.Select(w => torch.zeros_like(w).DetachFromDisposeScope())];
                var marks = new List<double>();
                for (int s = 0; s < steps; s++)
                {
                    using var scope = torch.NewDisposeScope();
                    Tensor loss = problem.TrainingLoss(Model(), h.CreateTensors(), s + (seed * steps));
                    Tensor[] g = TorchAutograd.Grad([loss], weights);
                    double rate = lr * (0.05 + (0.95 * 0.5 * (1 + Math.Cos(Math.PI * s / Math.Max(1, steps - 1)))));
                    using (torch.no_grad())
                    {
                        for (int i = 0; i < weights.Count; i++)
                        {
                            first[i].mul_(0.9).add_(g[i], 0.1);
                            second[i].mul_(0.999).addcmul_(g[i], g[i], 0.001);
                            Tensor denominator = second[i].div(1 - Math.Pow(0.999, s + 1)).sqrt_().add_(1e-8);
                            weights[i].addcdiv_(first[i], denominator, -rate / (1 - Math.Pow(0.9, s + 1)));
                        }
                    }

                    if ((s + 1) % Math.Max(1, steps / 5) == 0 && marks.Count < 5)
                    {
                        using var noGrad = torch.no_grad();
                        marks.Add(problem.OuterLoss(Model(), h.CreateTensors()).item<double>());
                    }
                }

                Console.WriteLine(Invariant($"| {t:F1} | {(centred ? "centred" : "raw")} | ") + string.Join(" | ", marks.Select(v => Invariant($"{v:F4}"))) + Invariant($" | {truth:F4} | {clock.Elapsed.TotalSeconds:F0} |"));
                foreach (Tensor w in weights.Concat(first).Concat(second))
                {
                    w.Dispose();
                }
            }
        }

        mean.Dispose();
    }

    private static double Double(Dictionary<string, string> options, string name, double fallback) =>
        options.TryGetValue(name, out string? text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
