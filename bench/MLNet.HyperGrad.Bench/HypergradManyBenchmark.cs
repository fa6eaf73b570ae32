using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Issue 9's claim, on real data: many hyperparameters tuned by gradient against random search and Optuna 5's TPE
/// tuning the 4 global hyperparameters, at the same number of training runs.
/// </summary>
/// <remarks>
/// Data: Fashion-MNIST, pixels in [0, 1]; the first 10,000 training images train, the next 10,000 validate, the
/// official 10,000 test (<c>--quick</c>: 2,000 / 2,000 / 2,000). Inner problem (<see cref="MlpInnerProblem"/>,
/// float64): MLP 784-100-10 tanh, weights drawn once from seed 1, T = 100 steps of SGD with momentum
/// (v ← μ v + ∇L, w ← w − η v) on batches of 200 rows in order, loss = cross-entropy + ½ Σ λ ⊙ W² per weight.
/// The hyperparameters, in the box every approach shares: learning rate η ∈ [1e-3, 1] (log), momentum
/// μ ∈ [0.5, 0.99], L2 λ ∈ [1e-6, 1e-2] (log), init scale ∈ [0.25, 4] (log).
/// <list type="bullet">
/// <item>Gradient: a learning rate and a momentum per step (2T), an L2 coefficient per input unit of each layer
/// (<c>--l2 unit</c>, the default: l2.in0 [784], one per pixel, and l2.in1 [100], one per hidden unit) or per weight
/// (<c>--l2 weight</c>: l2.w0 [100, 784], l2.w1 [10, 100]) and an init scale per layer (2): 1,086 hyperparameters for
/// T = 100 (79,602 per weight). Started at η = 0.03, μ = 0.9, λ = 1e-4, scale 1 (the middle of the box on its log
/// scales; μ at the customary 0.9); each outer step is one hypergradient computation (exact reversal by default: one
/// forward training run of T steps and its reverse pass, counted as ONE training run) followed by one
/// <see cref="HyperparameterAdam"/> step (bounds = the box). A run more than <c>--backtrack</c> (1 % by default; 0: off)
/// above the best so far, or a diverged one (it counts as a run), sends the tuner back to the best point with half the
/// step size.</item>
/// <item>Random search and TPE: Optuna 5.0.0rc1 (RandomSampler, TPESampler() = multivariate TPE, seeded) through
/// ask-and-tell (<see cref="OptunaAskTell"/>) over the 4 globals, each trial one plain training run of the same T
/// steps with the globals broadcast to the same tensors; a diverged run is told as failed.</item>
/// </list>
/// Every approach gets N training runs (<c>--runs</c>, 50 by default, as issue 9's best-of-50 random search), interleaved run by run so that machine load
/// falls on all alike. The figure per approach is the lowest validation cross-entropy among its runs (for the
/// samplers the median over <c>--seeds</c> seeded searches) and the test cross-entropy of that configuration
/// retrained; wall time is the sum of its runs (sampler time included).
/// </remarks>
internal static class HypergradManyBenchmark
{
    private const double LearningRateMin = 1e-3;
    private const double LearningRateMax = 1.0;
    private const double MomentumMin = 0.5;
    private const double MomentumMax = 0.99;
    private const double L2Min = 1e-6;
    private const double L2Max = 1e-2;
    private const double InitScaleMin = 0.25;
    private const double InitScaleMax = 4.0;

    private static int EngineRetries { get; set; }

    private static readonly OptunaDimension[] Space =
    [
        new("learning_rate", LearningRateMin, LearningRateMax, Log: true),
        new("momentum", MomentumMin, MomentumMax, Log: false),
        new("l2", L2Min, L2Max, Log: true),
        new("init_scale", InitScaleMin, InitScaleMax, Log: true),
    ];

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        bool quick = options.ContainsKey("--quick");
        int runs = CsvLoadBenchmark.Int(options, "--runs", quick ? 4 : 50);
        int steps = CsvLoadBenchmark.Int(options, "--steps", quick ? 20 : 100);
        int batch = CsvLoadBenchmark.Int(options, "--batch", 200);
        int hidden = CsvLoadBenchmark.Int(options, "--hidden", 100);
        int seeds = CsvLoadBenchmark.Int(options, "--seeds", quick ? 1 : 3);
        int rows = CsvLoadBenchmark.Int(options, "--rows", quick ? 2000 : 10_000);
        double outerRate = options.TryGetValue("--outer-lr", out string? rate) ? double.Parse(rate, CultureInfo.InvariantCulture) : 0.1;
        double backtrack = options.TryGetValue("--backtrack", out string? tolerance) ? double.Parse(tolerance, CultureInfo.InvariantCulture) : 0.01;
        string methodName = options.TryGetValue("--method", out string? m) ? m : "exact";
        string l2Kind = options.TryGetValue("--l2", out string? k) ? k : "unit";
        if (l2Kind is not ("weight" or "unit"))
        {
            Console.Error.WriteLine($"hypergrad-many: --l2 must be weight (one per weight) or unit (one per input unit of each layer); got \"{l2Kind}\".");
            return 2;
        }

        options.TryGetValue("--summary", out string? summaryFile);
        if (runs < 1 || steps < 1 || batch < 1 || hidden < 1 || seeds < 1 || rows < 1 || !(outerRate > 0) || !(backtrack >= 0))
        {
            Console.Error.WriteLine(Invariant($"hypergrad-many: --runs, --steps, --batch, --hidden, --seeds, --rows and --outer-lr must be positive, --backtrack at least 0; got {runs}, {steps}, {batch}, {hidden}, {seeds}, {rows}, {outerRate}, {backtrack}."));
            return 2;
        }

        var reverseOptions = new ReverseModeOptions { Steps = steps };
        IHypergradientMethod method = methodName switch
        {
            "exact" => new ExactReversalReverseMode(reverseOptions),
            "checkpointed" => new CheckpointedReverseMode(reverseOptions),
            _ => throw new ArgumentException($"--method must be exact or checkpointed; got \"{methodName}\".", nameof(args)),
        };

        FashionMnistData data = FashionMnist.Load();
        if (2 * rows > data.Train.Rows || rows > data.Test.Rows)
        {
            Console.Error.WriteLine(Invariant($"hypergrad-many: --rows {rows} needs {2 * rows} training images and {rows} test images; the data has {data.Train.Rows} and {data.Test.Rows}."));
            return 2;
        }

        TabularDataset train = data.Train.Subset(Enumerable.Range(0, rows).ToArray());
        TabularDataset validation = data.Train.Subset(Enumerable.Range(rows, rows).ToArray());
        TabularDataset test = data.Test.Subset(Enumerable.Range(0, rows).ToArray());
        var mlp = new Mlp([train.FeatureCount, hidden, 10], Activation.Tanh);
        using var problem = new MlpInnerProblem(mlp, train, validation, batch, seed: 1);
        using var testProblem = new MlpInnerProblem(mlp, train, test, batch, seed: 1);
        if (options.TryGetValue("--threads", out string? threadText))
        {
            // One libtorch thread is far faster on a loaded machine (OpenMP threads spin waiting for a descheduled peer).
            TorchRuntime.Threads = int.Parse(threadText, CultureInfo.InvariantCulture);
        }

        int threads = TorchRuntime.Threads;

        bool perWeight = l2Kind == "weight";
        HyperparameterSet start = Layout(mlp, steps, perWeight, 0.03, 0.9, 1e-4, 1.0);
        Console.WriteLine(Invariant($"# hypergrad-many: Fashion-MNIST {rows} train / {rows} validation / {rows} test, MLP {string.Join("-", mlp.LayerSizes)} tanh float64, T = {steps} SGD-momentum steps, batch {batch}; N = {runs} training runs per approach; sampler seeds {seeds}; {Environment.ProcessorCount} cores, {threads} libtorch threads; load average at start {MachineLoad.LoadAverage()}"));
        Console.WriteLine(Invariant($"# gradient: {method.Name} reverse mode + HyperparameterAdam(lr {outerRate}, back to the best point with half the step when a run is {backtrack:P0} worse), {start.ElementCount:N0} hyperparameters ({string.Join(", ", start.Definitions.Select(d => $"{d.Name} [{string.Join("x", d.Shape)}]"))}); random and tpe: Optuna over the 4 globals, broadcast"));

        var gradient = new GradientTuning(method, problem, start, outerRate, backtrack, mlp.LayerCount);
        var random = Enumerable.Range(0, seeds).Select(s => new SamplerSearch(problem, mlp, steps, perWeight, new OptunaAskTell("random", s, Space))).ToList();
        var tpe = Enumerable.Range(0, seeds).Select(s => new SamplerSearch(problem, mlp, steps, perWeight, new OptunaAskTell("tpe", s, Space))).ToList();
        Console.WriteLine(Invariant($"# Optuna {random[0].Peer.Version} (vendored, /usr/bin/python3) through bench/peers/optuna_ask_tell.py"));
        try
        {
            Console.WriteLine("| run | gradient CE | gradient best | random best (median) | tpe best (median) |");
            Console.WriteLine("|---|---|---|---|---|");
            for (int run = 1; run <= runs; run++)
            {
                double g = gradient.Next();
                random.ForEach(r => r.Next());
                tpe.ForEach(t => t.Next());
                Console.WriteLine(Invariant($"| {run} | {g:F4} | {gradient.Best:F4} | {Median(random.Select(r => r.Best)):F4} | {Median(tpe.Select(t => t.Best)):F4} |"));
            }

            // Test cross-entropy of each best configuration: retrained with the plain trainer (also a check that the
            // gradient method's validation figure is what plain training at its hyperparameters gives).
            (double gradientValidation, double gradientTest) = Evaluate(problem, testProblem, gradient.BestSet ?? start, steps);
            double[] randomTest = [.. random.Select(r => Evaluate(problem, testProblem, r.BestSet ?? start, steps).Test)];
            double[] tpeTest = [.. tpe.Select(t => Evaluate(problem, testProblem, t.BestSet ?? start, steps).Test)];

            Console.WriteLine();
            Console.WriteLine("| approach | hyperparameters | training runs (failed) | best validation CE | test CE of that configuration | wall s |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine(Invariant($"| gradient ({method.Name} + Adam) | {start.ElementCount:N0} | {runs} ({gradient.Failed}) | {gradient.Best:F4} | {gradientTest:F4} | {gradient.Seconds:F0} |"));
            Console.WriteLine(Invariant($"| random search (Optuna RandomSampler), median of {seeds} | 4 | {runs} ({string.Join("/", random.Select(r => r.Failed))}) | {Median(random.Select(r => r.Best)):F4} [{string.Join(", ", random.Select(r => r.Best.ToString("F4", CultureInfo.InvariantCulture)))}] | {Median(randomTest):F4} | {Median(random.Select(r => r.Seconds)):F0} |"));
            Console.WriteLine(Invariant($"| TPE (Optuna 5 TPESampler), median of {seeds} | 4 | {runs} ({string.Join("/", tpe.Select(t => t.Failed))}) | {Median(tpe.Select(t => t.Best)):F4} [{string.Join(", ", tpe.Select(t => t.Best.ToString("F4", CultureInfo.InvariantCulture)))}] | {Median(tpeTest):F4} | {Median(tpe.Select(t => t.Seconds)):F0} |"));
            Console.WriteLine();
            Console.WriteLine(Invariant($"# gradient: {gradient.Backtracks} backtracks, outer step size at the end {gradient.Rate:G3}"));
            Console.WriteLine(Invariant($"# gradient best (run {gradient.BestRun}) retrained by plain SGD: validation CE {gradientValidation:F6} (the method reported {gradient.Best:F6})"));
            if (gradient.BestSet is HyperparameterSet best)
            {
                Console.WriteLine("# gradient best: " + Describe(best));
            }

            foreach ((string name, List<SamplerSearch> searches) in new[] { ("random", random), ("tpe", tpe) })
            {
                for (int s = 0; s < searches.Count; s++)
                {
                    Console.WriteLine(Invariant($"# {name} seed {s} best: {searches[s].BestText}"));
                }
            }

            Console.WriteLine(Invariant($"# load average at end {MachineLoad.LoadAverage()}; TorchSharp engine errors retried: {EngineRetries}"));
            string line = Invariant($"many hyperparameters at equal training runs: gradient {gradient.Best:F4}, random {Median(random.Select(r => r.Best)):F4}, tpe {Median(tpe.Select(t => t.Best)):F4}");
            Console.WriteLine(line);
            if (summaryFile is not null)
            {
                File.AppendAllText(summaryFile, line + Environment.NewLine);
            }

            return 0;
        }
        finally
        {
            random.ForEach(r => r.Peer.Dispose());
            tpe.ForEach(t => t.Peer.Dispose());
        }
    }

    /// <summary>The hyperparameter tensors of the inner run, each filled with one global value.</summary>
    /// <param name="mlp">The architecture.</param>
    /// <param name="steps">T: one learning rate and one momentum per step.</param>
    /// <param name="perWeight">An L2 coefficient per weight ("l2.w{l}"), or per input unit of each layer ("l2.in{l}").</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="l2">λ.</param>
    /// <param name="initScale">The init scale of every layer.</param>
    internal static HyperparameterSet Layout(Mlp mlp, int steps, bool perWeight, double learningRate, double momentum, double l2, double initScale)
    {
        var set = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, steps), learningRate)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, steps), momentum)
            .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, mlp.LayerCount), initScale);
        for (int l = 0; l < mlp.LayerCount; l++)
        {
            set.Add(
                perWeight
                    ? new Hyperparameter(MlpInnerProblem.PerWeightL2Name(l), HyperparameterTransform.Log, mlp.LayerSizes[l + 1], mlp.LayerSizes[l])
                    : new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(l), HyperparameterTransform.Log, mlp.LayerSizes[l]),
                l2);
        }

        return set;
    }

    /// <summary>One plain training run (float64 SGD with momentum, the update the reverse-mode methods differentiate).</summary>
    /// <returns>The final weights, flat.</returns>
    internal static double[] Train(IInnerProblem problem, HyperparameterSet set, int steps)
    {
        var schedule = new ReverseModeOptions { Steps = steps };
        double[] learningRates = set.Values(schedule.LearningRateName);
        double[] momenta = set.Values(schedule.MomentumName);
        long[][] shapes = [.. problem.WeightShapes];
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = set.CreateTensors();
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        double[] v = new double[w.Length];
        for (int t = 0; t < steps; t++)
        {
            double[] g;
            using (torch.NewDisposeScope())
            {
                Tensor[] weights = FlatTensors.Leaves(w, shapes);
                g = FlatTensors.Flatten(TorchAutograd.Grad([problem.TrainingLoss(weights, h, t)], weights));
            }

            ReverseSweep.ForwardStep(w, v, g, learningRates[schedule.EntryOf(t, learningRates.Length)], momenta[schedule.EntryOf(t, momenta.Length)]);
        }

        return w;
    }

    /// <summary>The outer loss of a problem at flat weights (NaN where training diverged).</summary>
    internal static double OuterLoss(IInnerProblem problem, HyperparameterSet set, double[] weights)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            return problem.OuterLoss(FlatTensors.Unflatten(weights, [.. problem.WeightShapes]), set.CreateTensors()).item<double>();
        }
    }

    private static (double Validation, double Test) Evaluate(IInnerProblem problem, IInnerProblem testProblem, HyperparameterSet set, int steps)
    {
        double[] w = Train(problem, set, steps);
        return (OuterLoss(problem, set, w), OuterLoss(testProblem, set, w));
    }

    private static string Describe(HyperparameterSet set)
    {
        var parts = new List<string>();
        foreach (Hyperparameter d in set.Definitions)
        {
            double[] v = set.Values(d.Name);
            double[] sorted = [.. v.Order()];
            parts.Add(d.ElementCount == 1 || d.ElementCount <= 2
                ? Invariant($"{d.Name} [{string.Join(", ", v.Select(x => x.ToString("G3", CultureInfo.InvariantCulture)))}]")
                : Invariant($"{d.Name} min {sorted[0]:G3} median {sorted[sorted.Length / 2]:G3} max {sorted[^1]:G3}"));
        }

        double[] lr = set.Values("learning_rate");
        int quarter = Math.Max(1, lr.Length / 4);
        parts.Add("learning-rate schedule by quarters (mean) [" + string.Join(", ", lr.Chunk(quarter).Select(c => c.Average().ToString("G3", CultureInfo.InvariantCulture))) + "]");
        return string.Join("; ", parts);
    }

    /// <summary>
    /// Runs a computation, once more if TorchSharp throws an engine error: twice in about 100 loaded-machine runs a
    /// libtorch check on a temporary Scalar failed (Tensor.add's alpha, Tensor.pow(2) of square(): "toDouble" / "Scalar.h"
    /// internal assert), never reproducibly, which looks like the implicit Scalar being finalized during the native
    /// call. Each retry is printed and counted in <see cref="EngineRetries"/>.
    /// </summary>
    private static T Retrying<T>(Func<T> compute, string what)
    {
        try
        {
            return compute();
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            EngineRetries++;
            Console.WriteLine(Invariant($"# engine error in {what}, retried once: {e.Message.Split('\n')[0]}"));
            return compute();
        }
    }

    private static double Median(IEnumerable<double> values) => CsvLoadBenchmark.Median([.. values]);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The gradient tuner: one hypergradient computation and one outer Adam step per training run.</summary>
    /// <remarks>
    /// Backtracking: a run whose validation loss exceeds the best so far by more than the relative tolerance, or whose
    /// inner training diverged, sends the tuner back to the best point with half the outer step size and fresh Adam
    /// moments, stepping at once along the best point's stored hypergradient (no run is spent recomputing it).
    /// </remarks>
    private sealed class GradientTuning(IHypergradientMethod method, IInnerProblem problem, HyperparameterSet start, double outerRate, double tolerance, int layers)
    {
        private HyperparameterSet current = start;
        private HyperparameterAdam adam = Adam(outerRate, layers);
        private HypergradientResult? bestResult;
        private int run;

        public double Best { get; private set; } = double.PositiveInfinity;

        public HyperparameterSet? BestSet { get; private set; }

        public int BestRun { get; private set; }

        public int Failed { get; private set; }

        public int Backtracks { get; private set; }

        public double Rate { get; private set; } = outerRate;

        public double Seconds { get; private set; }

        public double Next()
        {
            run++;
            var stopwatch = Stopwatch.StartNew();
            try
            {
                HypergradientResult result = Retrying(() => method.Compute(problem, current), Invariant($"gradient run {run}"));
                if (result.OuterLoss < Best)
                {
                    (Best, BestSet, BestRun, bestResult) = (result.OuterLoss, current, run, result);
                    current = adam.Step(current, result);
                }
                else if (tolerance > 0 && result.OuterLoss > Best * (1 + tolerance))
                {
                    Retreat();
                }
                else
                {
                    current = adam.Step(current, result);
                }

                return result.OuterLoss;
            }
            catch (HyperGradException)
            {
                Failed++;
                Retreat();
                return double.NaN;
            }
            finally
            {
                Seconds += stopwatch.Elapsed.TotalSeconds;
            }
        }

        private void Retreat()
        {
            Backtracks++;
            Rate /= 2;
            adam = Adam(Rate, layers);
            current = BestSet is HyperparameterSet best ? adam.Step(best, bestResult!) : current;
        }

        private static HyperparameterAdam Adam(double rate, int layers)
        {
            var adam = new HyperparameterAdam(rate)
                .Bound("learning_rate", LearningRateMin, LearningRateMax)
                .Bound("momentum", MomentumMin, MomentumMax)
                .Bound(MlpInnerProblem.InitScaleName, InitScaleMin, InitScaleMax);
            for (int l = 0; l < layers; l++)
            {
                adam.Bound(MlpInnerProblem.PerWeightL2Name(l), L2Min, L2Max).Bound(MlpInnerProblem.PerInputUnitL2Name(l), L2Min, L2Max);
            }

            return adam;
        }
    }

    /// <summary>A seeded Optuna search over the 4 globals, each trial one plain training run.</summary>
    private sealed class SamplerSearch(IInnerProblem problem, Mlp mlp, int steps, bool perWeight, OptunaAskTell peer)
    {
        public OptunaAskTell Peer { get; } = peer;

        public double Best { get; private set; } = double.PositiveInfinity;

        public HyperparameterSet? BestSet { get; private set; }

        public string BestText { get; private set; } = "none";

        public int Failed { get; private set; }

        public double Seconds { get; private set; }

        public void Next()
        {
            var stopwatch = Stopwatch.StartNew();
            IReadOnlyDictionary<string, double> x = Peer.Ask();
            HyperparameterSet set = Layout(mlp, steps, perWeight, x["learning_rate"], x["momentum"], x["l2"], x["init_scale"]);
            double loss = Retrying(() => OuterLoss(problem, set, Train(problem, set, steps)), "a sampler's trial");
            if (double.IsFinite(loss))
            {
                Peer.Tell(loss);
                if (loss < Best)
                {
                    (Best, BestSet) = (loss, set);
                    BestText = Invariant($"validation CE {loss:F4} at learning_rate {x["learning_rate"]:G3}, momentum {x["momentum"]:G3}, l2 {x["l2"]:G3}, init_scale {x["init_scale"]:G3}");
                }
            }
            else
            {
                Failed++;
                Peer.TellFailed();
            }

            Seconds += stopwatch.Elapsed.TotalSeconds;
        }
    }
}
