using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;
using TorchSharp;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Issue 14: the learned black-box tuner (Chen et al. 2017) against our GP tuner and Optuna 5's GPSampler and TPE on
/// Branin, Hartmann-6, Rosenbrock-4 and Ackley-5, in the same run; its meta-training cost; and how it generalizes across
/// dimensions on held-out Gaussian-process functions.
/// </summary>
/// <remarks>
/// <para>Meta-training (unless <c>--load shipped|FILE</c>): <see cref="BlackBoxMetaTrainer"/> with the options the shipped
/// network was trained with by default (<c>--design shrinking --dim-weights 1,1,1,2,2,2 --episodes 2000 --final-lr-fraction 0.1
/// --seed 33</c>, the library's defaults otherwise; H45's recipe, the seed chosen on the validation family by the lead's declared
/// round of 2026-12-05); <c>--seed 20</c> re-trains the network shipped before it (H45), and <c>--design original --dim-weights
/// uniform --episodes 200 --final-lr-fraction 1 --seed 1</c> the one before that. Options (<c>--episodes</c>, <c>--batch</c>, <c>--unroll</c>, <c>--meta-lr</c>, <c>--final-lr-fraction</c> (cosine decay of the meta learning rate to this fraction; 1 is constant), <c>--seed</c>,
/// <c>--hidden</c>, <c>--ls-min</c>, <c>--ls-max</c>, <c>--min-dim</c>, <c>--max-dim</c>, <c>--loss oi|log-regret</c>, <c>--regret-floor</c>,
/// <c>--design original|relative|shrinking|relative-shrinking</c> (<see cref="BlackBoxLstmDesign"/>), <c>--dim-weights W1,...|uniform</c> (one per dimension) override them) on <c>--threads</c> threads (1 by default); it prints the wall time and whether the result
/// is bit-identical to the shipped network, and <c>--save FILE</c> writes it (the shipped file is
/// src/MLNet.HyperGrad/LearnedOptimizers/BlackBox/learned-bo.hgb, written this way).</para>
/// <para>Test functions: each tuner over one <c>UniformDoubleOption</c> per coordinate with the function's bounds, trial k
/// seeded with seed k, <c>--trials</c> trials; median over <c>--seeds</c> seeds of the simple regret (best − known minimum).
/// Peers from <c>../shared/bench/optuna_peer.py</c> as in <c>bo</c>. The portfolio (GP + learned) runs too. Tuner time per
/// trial: for the learned tuner, Propose plus Update (the LSTM step happens in Update); for the GP tuner, its proposal
/// (its Update only stores the result); the figure is the median at trial 50 (index 49) over functions and seeds.</para>
/// <para>Generalization: fresh GP-prior functions (seed <c>--gen-seed</c> + d, 1000 by default, never used in training; a
/// different base, e.g. 2000, gives a validation set for choosing between trained networks; the prior is <c>--gen-ls-min</c>/<c>--gen-ls-max</c>,
/// else the training's <c>--ls-min</c>/<c>--ls-max</c>) of dimensions 1 to 6 and 10,
/// <c>--gen-functions</c> each, <c>--trials</c> trials: the median best value of the network and of random search, the
/// share of functions on which the network finds a lower value, and the median regret of both against each function's
/// minimum as estimated for the log-regret loss (1,024 uniform points, then projected Adam from the best 8); a summary
/// line gives the geometric mean over the seven dimensions of the learned-to-random median-regret ratio and the total
/// number of functions on which the network is better.</para>
/// <para>Ensembles: <c>--ensemble FILE,FILE,...</c> (a name may be <c>shipped</c>) compares each network alone with the
/// coordinate-wise-median and round-robin ensembles through the tuner's own path on the same GP functions and noise
/// (<c>--gen-seed 2000</c> for the validation set), then runs the test functions with the ensemble (<c>--combine
/// median|round-robin</c>, median by default) unless <c>--meta-only</c>.</para>
/// <para>Last line: <c>learned tuner wins vs optuna tpe: &lt;k&gt;/4; proposal ms &lt;x&gt; (gp tuner &lt;y&gt;)</c>.</para>
/// </remarks>
internal static class LearnedBlackBoxBenchmark
{
    /// <summary>The meta-training seed of the shipped network (the default of <c>--seed</c>, so a plain run re-trains it).</summary>
    private const int ShippedSeed = 33;

    /// <summary>The shipped network's episodes (the default of <c>--episodes</c>).</summary>
    private const int ShippedEpisodes = 2000;

    /// <summary>The shipped network's final meta-learning-rate fraction (the default of <c>--final-lr-fraction</c>).</summary>
    private const double ShippedFinalFraction = 0.1;

    /// <summary>The shipped network's dimension weights (the default of <c>--dim-weights</c>; <c>uniform</c> draws d uniformly).</summary>
    private static readonly double[] ShippedDimensionWeights = [1, 1, 1, 2, 2, 2];

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int trials = CsvLoadBenchmark.Int(options, "--trials", 50);
        int seeds = CsvLoadBenchmark.Int(options, "--seeds", 10);
        int threads = CsvLoadBenchmark.Int(options, "--threads", 1);
        int genFunctions = CsvLoadBenchmark.Int(options, "--gen-functions", 64);
        bool peers = !options.ContainsKey("--no-peers");
        bool gp = !options.ContainsKey("--no-gp");
        torch.set_num_threads(threads);
        Console.WriteLine($"learned-bo: {trials} trials, {seeds} seeds, {threads} torch thread(s); machine load {MachineLoad.LoadAverage()} (2 cores shared with other sessions: timings are on a loaded machine)");
        if (options.TryGetValue("--ensemble", out string? ensemble))
        {
            return Ensemble(ensemble, options, trials, seeds, genFunctions, peers, gp);
        }

        BlackBoxLstm network = Network(options);
        using (network)
        {
            if (options.ContainsKey("--validation-family"))
            {
                return ValidationFamily(network, trials, seeds);
            }

            if (!options.ContainsKey("--no-generalization"))
            {
                var prior = new BlackBoxMetaTrainingOptions();
                // The validation prior: --gen-ls-min/--gen-ls-max, else the training prior's --ls-min/--ls-max, else the default.
                double lsMin = options.TryGetValue("--gen-ls-min", out string? a) || options.TryGetValue("--ls-min", out a) ? double.Parse(a, CultureInfo.InvariantCulture) : prior.LengthScaleMin;
                double lsMax = options.TryGetValue("--gen-ls-max", out string? b) || options.TryGetValue("--ls-max", out b) ? double.Parse(b, CultureInfo.InvariantCulture) : prior.LengthScaleMax;
                int genSeed = CsvLoadBenchmark.Int(options, "--gen-seed", 1000);
                Generalization(network, trials, genFunctions, lsMin, lsMax, genSeed);
            }

            if (options.ContainsKey("--meta-only"))
            {
                return 0;
            }

            return TestFunctions((space, seed) => new LearnedBlackBoxTuner(space, seed, network), options, trials, seeds, peers, gp);
        }
    }

    /// <summary>
    /// <c>--ensemble FILE,FILE,...</c> (a name may be <c>shipped</c>): the tuner whose networks all read every result and
    /// whose proposal is the coordinate-wise median of theirs, or (<c>--combine round-robin</c>) theirs in turn. Generalization (unless <c>--no-generalization</c>) runs the tuner itself (the float64 path) in
    /// lockstep on fresh GP functions, for each network alone and for the ensemble, on the same functions and noise; then
    /// (unless <c>--meta-only</c>) the test functions with the ensemble.
    /// </summary>
    private static int Ensemble(string list, Dictionary<string, string> options, int trials, int seeds, int genFunctions, bool peers, bool gp)
    {
        string[] files = list.Split(',');
        List<BlackBoxLstm> networks = [.. files.Select(f => f == "shipped" ? BlackBoxLstm.LoadShipped() : BlackBoxLstm.Load(f))];
        try
        {
            string[] names = files;
            for (int k = 0; k < networks.Count; k++)
            {
                byte[] bytes = files[k] == "shipped" ? BlackBoxLstm.ShippedBytes() : File.ReadAllBytes(files[k]);
                string sha = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "…";
                Console.WriteLine($"ensemble member {k}: {names[k]} ({networks[k].HiddenSize} units; SHA-256 {sha})");
            }

            if (!options.ContainsKey("--no-generalization"))
            {
                var prior = new BlackBoxMetaTrainingOptions();
                int genSeed = CsvLoadBenchmark.Int(options, "--gen-seed", 1000);
                var configurations = new List<(string Name, Func<SearchSpace, int, ITuner> Make)>();
                for (int k = 0; k < networks.Count; k++)
                {
                    BlackBoxLstm member = networks[k];
                    configurations.Add(($"member {k} alone ({names[k]})", (space, seed) => new LearnedBlackBoxTuner(space, seed, member)));
                }

                configurations.Add(($"ensemble of {networks.Count} (coordinate-wise median)", (space, seed) => new LearnedBlackBoxTuner(space, networks, BlackBoxEnsembleCombination.Median, seed)));
                configurations.Add(($"ensemble of {networks.Count} (round-robin)", (space, seed) => new LearnedBlackBoxTuner(space, networks, BlackBoxEnsembleCombination.RoundRobin, seed)));
                TunerGeneralization(configurations, trials, genFunctions, prior.LengthScaleMin, prior.LengthScaleMax, genSeed);
            }

            if (options.ContainsKey("--meta-only"))
            {
                return 0;
            }

            BlackBoxEnsembleCombination combination = options.TryGetValue("--combine", out string? combine) ? combine switch
            {
                "median" => BlackBoxEnsembleCombination.Median,
                "round-robin" => BlackBoxEnsembleCombination.RoundRobin,
                _ => throw new ArgumentException($"--combine must be median or round-robin; got {combine}."),
            } : BlackBoxEnsembleCombination.Median;
            Console.WriteLine($"test functions: the ensemble, combination {combination}");
            return TestFunctions((space, seed) => new LearnedBlackBoxTuner(space, networks, combination, seed), options, trials, seeds, peers, gp);
        }
        finally
        {
            foreach (BlackBoxLstm network in networks)
            {
                network.Dispose();
            }
        }
    }

    /// <summary>
    /// Each configuration's tuner (the float64 tuner path, not the tensor rollout) on <paramref name="count"/> fresh GP
    /// functions per dimension, in lockstep (one tuner per function, tuner seed = the function's index, so every
    /// configuration sees the same functions and the same noise), against random search on the same functions; the
    /// regret is against the meta-trainer's minimum estimate, as in <see cref="Generalization"/>.
    /// </summary>
    private static void TunerGeneralization(List<(string Name, Func<SearchSpace, int, ITuner> Make)> configurations, int trials, int count, double lsMin, double lsMax, int seedBase)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generalization through the tuner: {count} fresh Matérn-5/2 GP functions per dimension (length scales log-uniform in [{lsMin}, {lsMax}]; seed {seedBase} + d), {trials} trials; regret = best − estimated minimum; ratio = geometric mean over d of learned/random median regret"));
        int[] dimensions = [1, 2, 3, 4, 5, 6, 10];
        var medians = new double[configurations.Count, dimensions.Length];
        var betters = new int[configurations.Count, dimensions.Length];
        var randomMedians = new double[dimensions.Length];
        for (int j = 0; j < dimensions.Length; j++)
        {
            int d = dimensions[j];
            using var generator = new torch.Generator((ulong)(seedBase + d));
            using GpPriorFunctions functions = GpPriorFunctions.Sample(count, d, lsMin, lsMax, 128, generator, torch.ScalarType.Float32);
            double[] random = BlackBoxMetaTrainer.RandomSearchBest(functions, trials, generator);
            functions.EstimateMinimum(BlackBoxMetaTrainer.MinimumCandidates, BlackBoxMetaTrainer.MinimumStarts, BlackBoxMetaTrainer.MinimumSteps, 1e-3, generator);
            double[] minimum = functions.Minimum!.to(torch.ScalarType.Float64).data<double>().ToArray();
            randomMedians[j] = BayesianOptimizationBenchmark.Median([.. random.Select((v, i) => Math.Max(v - minimum[i], 0))]);
            for (int c = 0; c < configurations.Count; c++)
            {
                double[] learned = LockstepBest(configurations[c].Make, functions, trials);
                medians[c, j] = BayesianOptimizationBenchmark.Median([.. learned.Select((v, i) => Math.Max(v - minimum[i], 0))]);
                betters[c, j] = learned.Zip(random).Count(p => p.First < p.Second);
            }
        }

        Console.WriteLine("| configuration | " + string.Join(" | ", dimensions.Select(d => $"d={d} regret (better)")) + " | ratio | better |");
        Console.WriteLine("|---|" + string.Concat(dimensions.Select(_ => "---|")) + "---|---|");
        Console.WriteLine("| random search | " + string.Join(" | ", randomMedians.Select(v => v.ToString("G3", CultureInfo.InvariantCulture))) + " | 1 | - |");
        for (int c = 0; c < configurations.Count; c++)
        {
            double logRatio = 0;
            int better = 0;
            var cells = new List<string>();
            for (int j = 0; j < dimensions.Length; j++)
            {
                logRatio += Math.Log(Math.Max(medians[c, j], 1e-12) / Math.Max(randomMedians[j], 1e-12));
                better += betters[c, j];
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{medians[c, j]:G3} ({betters[c, j]})"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {configurations[c].Name} | {string.Join(" | ", cells)} | {Math.Exp(logRatio / dimensions.Length):F3} | {better}/{count * dimensions.Length} |"));
        }

        Console.WriteLine();
    }

    /// <summary>One tuner per function (seed = its index), all stepping together: the best value each finds in <paramref name="trials"/> trials.</summary>
    private static double[] LockstepBest(Func<SearchSpace, int, ITuner> make, GpPriorFunctions functions, int trials)
    {
        int b = (int)functions.Count, d = (int)functions.Dimension;
        SearchSpace space = Space(new double[d], [.. Enumerable.Repeat(1.0, d)]);
        ITuner[] tuners = [.. Enumerable.Range(0, b).Select(i => make(space, i))];
        double[] best = [.. Enumerable.Repeat(double.PositiveInfinity, b)];
        for (int id = 0; id < trials; id++)
        {
            var settings = new TrialSettings[b];
            double[] flat = new double[b * d];
            for (int i = 0; i < b; i++)
            {
                settings[i] = new TrialSettings { TrialId = id };
                Parameter p = tuners[i].Propose(settings[i]);
                settings[i] = settings[i] with { Parameter = p };
                for (int k = 0; k < d; k++)
                {
                    flat[(i * d) + k] = p[$"x{k}"].AsType<double>();
                }
            }

            double[] y;
            using (torch.no_grad())
            using (torch.NewDisposeScope())
            {
                y = functions.Evaluate(torch.tensor(flat, [b, d], torch.ScalarType.Float64).to(functions.Dtype)).to(torch.ScalarType.Float64).data<double>().ToArray();
            }

            for (int i = 0; i < b; i++)
            {
                best[i] = Math.Min(best[i], y[i]);
                tuners[i].Update(new TrialResult { TrialSettings = settings[i], Loss = y[i], Metric = -y[i] });
            }
        }

        return best;
    }

    private static BlackBoxLstm Network(Dictionary<string, string> options)
    {
        if (options.TryGetValue("--load", out string? load))
        {
            BlackBoxLstm loaded = load == "shipped" ? BlackBoxLstm.LoadShipped() : BlackBoxLstm.Load(load);
            Console.WriteLine($"network: {(load == "shipped" ? "the shipped one" : load)}, design {loaded.Design}, {loaded.HiddenSize} units, {loaded.ParameterCount} weights (not meta-trained in this run)");
            return loaded;
        }

        var defaults = new BlackBoxMetaTrainingOptions();
        var training = new BlackBoxMetaTrainingOptions
        {
            Episodes = CsvLoadBenchmark.Int(options, "--episodes", ShippedEpisodes),
            BatchSize = CsvLoadBenchmark.Int(options, "--batch", defaults.BatchSize),
            UnrollLength = CsvLoadBenchmark.Int(options, "--unroll", defaults.UnrollLength),
            MetaLearningRate = options.TryGetValue("--meta-lr", out string? lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : defaults.MetaLearningRate,
            FinalMetaLearningRateFraction = options.TryGetValue("--final-lr-fraction", out string? fraction) ? double.Parse(fraction, CultureInfo.InvariantCulture) : ShippedFinalFraction,
            Seed = (ulong)CsvLoadBenchmark.Int(options, "--seed", ShippedSeed),
            LengthScaleMin = options.TryGetValue("--ls-min", out string? lsMin) ? double.Parse(lsMin, CultureInfo.InvariantCulture) : defaults.LengthScaleMin,
            LengthScaleMax = options.TryGetValue("--ls-max", out string? lsMax) ? double.Parse(lsMax, CultureInfo.InvariantCulture) : defaults.LengthScaleMax,
            MinDimension = CsvLoadBenchmark.Int(options, "--min-dim", defaults.MinDimension),
            MaxDimension = CsvLoadBenchmark.Int(options, "--max-dim", defaults.MaxDimension),
            DimensionWeights = options.TryGetValue("--dim-weights", out string? dimWeights) ? dimWeights == "uniform" ? null : [.. dimWeights.Split(',').Select(w => double.Parse(w, CultureInfo.InvariantCulture))] : options.ContainsKey("--min-dim") || options.ContainsKey("--max-dim") ? null : ShippedDimensionWeights,
            Loss = options.TryGetValue("--loss", out string? loss) ? loss switch
            {
                "oi" => BlackBoxMetaLoss.ObservedImprovement,
                "log-regret" => BlackBoxMetaLoss.LogRegret,
                _ => throw new ArgumentException($"--loss must be oi or log-regret; got {loss}."),
            } : defaults.Loss,
            RegretFloor = options.TryGetValue("--regret-floor", out string? floor) ? double.Parse(floor, CultureInfo.InvariantCulture) : defaults.RegretFloor,
        };
        int hidden = CsvLoadBenchmark.Int(options, "--hidden", 32);
        BlackBoxLstmDesign design = options.TryGetValue("--design", out string? designName) ? designName switch
        {
            "original" => BlackBoxLstmDesign.Original,
            "relative" => BlackBoxLstmDesign.RelativeInputs,
            "shrinking" => BlackBoxLstmDesign.ShrinkingScale,
            "relative-shrinking" => BlackBoxLstmDesign.RelativeInputsAndShrinkingScale,
            _ => throw new ArgumentException($"--design must be original, relative, shrinking or relative-shrinking; got {designName}."),
        } : BlackBoxLstmDesign.ShrinkingScale;
        BlackBoxLstm network = BlackBoxLstm.Create(hidden, training.Seed, design: design);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"meta-training: design {design}, {hidden} units ({network.ParameterCount} weights), {training.Episodes} episodes of {training.BatchSize} Matérn-5/2 GP functions (d in {training.MinDimension}-{training.MaxDimension}, {(training.DimensionWeights is { } dw ? "weights " + string.Join(",", dw.Select(w => w.ToString(CultureInfo.InvariantCulture))) : "uniform")}, length scales log-uniform in [{training.LengthScaleMin}, {training.LengthScaleMax}], {training.FourierFeatures} Fourier features), horizon {training.Horizon} after a random first point, unrolls of {training.UnrollLength}, loss {training.Loss}{(training.Loss == BlackBoxMetaLoss.LogRegret ? $" (floor {training.RegretFloor})" : "")}, Adam {training.MetaLearningRate}{(training.FinalMetaLearningRateFraction == 1 ? " (constant)" : $" decaying by a cosine to {training.FinalMetaLearningRateFraction} of it at the last episode")}, seed {training.Seed}"));
        var watch = Stopwatch.StartNew();
        var window = new List<BlackBoxMetaTrainingEpisode>();
        var progress = new Progress(report =>
        {
            window.Add(report);
            if (report.Episode % 25 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  episodes {report.Episode - window.Count + 1}-{report.Episode}: mean observed improvement {window.Average(r => r.ObservedImprovement):F3}, mean best value {window.Average(r => r.BestValue):F3}{(training.FinalMetaLearningRateFraction == 1 ? "" : $", meta lr {report.MetaLearningRate:G3}")}; {watch.Elapsed.TotalSeconds:F0} s"));
                window.Clear();
            }
        });
        new BlackBoxMetaTrainer(training).Train(network, progress);
        double seconds = watch.Elapsed.TotalSeconds;
        string file = Path.Combine(Path.GetTempPath(), $"learned-bo-{Environment.ProcessId}.hgb");
        network.Save(file);
        byte[] bytes = File.ReadAllBytes(file);
        File.Delete(file);
        bool identical = false;
        try
        {
            identical = BlackBoxLstm.ShippedBytes().AsSpan().SequenceEqual(bytes);
        }
        catch (LearnedOptimizers.LearnedOptimizerFormatException)
        {
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"meta-training cost: {seconds:F0} s wall on {torch.get_num_threads()} thread(s), loaded machine ({MachineLoad.LoadAverage()}); SHA-256 {Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}…, {(identical ? "bit-identical to" : "differs from")} the shipped network"));
        if (options.TryGetValue("--save", out string? save))
        {
            network.Save(save);
            Console.WriteLine($"saved to {save}");
        }

        return network;
    }

    private static void Generalization(BlackBoxLstm network, int trials, int count, double lsMin, double lsMax, int seedBase)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generalization: {count} fresh Matérn-5/2 GP functions per dimension (the training prior: length scales log-uniform in [{lsMin}, {lsMax}]; seed {seedBase} + d, never used in training), {trials} trials; trained on d = 1-6"));
        Console.WriteLine("| d | learned median best | random median best | learned better on | learned median regret | random median regret |");
        Console.WriteLine("|---|---|---|---|---|---|");
        int[] dimensions = [1, 2, 3, 4, 5, 6, 10];
        double logRatioSum = 0;
        int betterTotal = 0;
        foreach (int d in dimensions)
        {
            using var generator = new torch.Generator((ulong)(seedBase + d));
            using GpPriorFunctions functions = GpPriorFunctions.Sample(count, d, lsMin, lsMax, 128, generator, network.Weights[0].dtype);
            double[] learned = BlackBoxMetaTrainer.BestFound(network, functions, trials, generator);
            double[] random = BlackBoxMetaTrainer.RandomSearchBest(functions, trials, generator);
            int better = learned.Zip(random).Count(p => p.First < p.Second);

            // Regret against each function's minimum as estimated by the meta-trainer's estimate (after both searches,
            // so it does not change their random streams); a search that beat the estimate counts as regret 0.
            functions.EstimateMinimum(BlackBoxMetaTrainer.MinimumCandidates, BlackBoxMetaTrainer.MinimumStarts, BlackBoxMetaTrainer.MinimumSteps, 1e-3, generator);
            double[] minimum = functions.Minimum!.to(torch.ScalarType.Float64).data<double>().ToArray();
            double[] learnedRegret = [.. learned.Select((v, i) => Math.Max(v - minimum[i], 0))];
            double[] randomRegret = [.. random.Select((v, i) => Math.Max(v - minimum[i], 0))];
            logRatioSum += Math.Log(Math.Max(BayesianOptimizationBenchmark.Median(learnedRegret), 1e-12) / Math.Max(BayesianOptimizationBenchmark.Median(randomRegret), 1e-12));
            betterTotal += better;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {d} | {BayesianOptimizationBenchmark.Median(learned):F3} | {BayesianOptimizationBenchmark.Median(random):F3} | {better}/{count} | {BayesianOptimizationBenchmark.Median(learnedRegret):G3} | {BayesianOptimizationBenchmark.Median(randomRegret):G3} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generalization summary: learned/random median-regret ratio {Math.Exp(logRatioSum / dimensions.Length):F3} (geometric mean over d; below 1 is better than random search), learned better on {betterTotal}/{count * dimensions.Length} functions"));
        Console.WriteLine();
    }

    private static int TestFunctions(Func<SearchSpace, int, LearnedBlackBoxTuner> learnedTuner, Dictionary<string, string> options, int trials, int seeds, bool peers, bool gp)
    {
        string[] only = options.TryGetValue("--functions", out string? names) ? names.Split(',') : [.. BayesianOptimizationBenchmark.Functions.Select(f => f.Name)];
        string peer = options.TryGetValue("--peer", out string? path) ? path : peers ? BayesianOptimizationBenchmark.FindShared("optuna_peer.py") : "none";
        Console.WriteLine($"test functions: peer {peer}");
        Console.WriteLine("| function | learned | portfolio (gp + learned) | ours GP | Optuna GPSampler | Optuna TPE | learned vs TPE |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        int wins = 0;
        var learnedMs = new List<double>();
        var gpMs = new List<double>();
        var functionsRun = BayesianOptimizationBenchmark.Functions.Where(f => only.Contains(f.Name)).ToArray();
        foreach (var function in functionsRun)
        {
            var learned = new List<double>();
            var portfolio = new List<double>();
            var ours = new List<double>();
            for (int seed = 0; seed < seeds; seed++)
            {
                SearchSpace space = Space(function.Lower, function.Upper);
                (double best, List<double> ms) = RunTuner(learnedTuner(space, seed), function.F, function.Lower.Length, trials);
                learned.Add(best - function.Min);
                if (ms.Count >= 50)
                {
                    learnedMs.Add(ms[49]);
                }

                if (gp)
                {
                    var gpTuner = new GaussianProcessTuner(space, seed);
                    (double gpBest, _) = RunTuner(gpTuner, function.F, function.Lower.Length, trials);
                    ours.Add(gpBest - function.Min);
                    if (gpTuner.ProposalDurations.Count >= 50)
                    {
                        gpMs.Add(gpTuner.ProposalDurations[49].TotalMilliseconds);
                    }

                    var members = new (string, ITuner)[] { ("gp", new GaussianProcessTuner(space, seed)), ("learned", learnedTuner(space, seed)) };
                    (double portfolioBest, _) = RunTuner(new PortfolioTuner(members, seed), function.F, function.Lower.Length, trials);
                    portfolio.Add(portfolioBest - function.Min);
                }
            }

            double[] optunaGp = peers ? BayesianOptimizationBenchmark.RunPeer(peer, function.Name, "gp", trials, seeds) : [double.NaN];
            double[] tpe = peers ? BayesianOptimizationBenchmark.RunPeer(peer, function.Name, "tpe", trials, seeds) : [double.NaN];
            double learnedMedian = BayesianOptimizationBenchmark.Median(learned);
            double tpeMedian = BayesianOptimizationBenchmark.Median(tpe);
            bool win = learnedMedian <= tpeMedian;
            wins += win ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {function.Name} | {learnedMedian:G3} | {BayesianOptimizationBenchmark.Median(portfolio):G3} | {BayesianOptimizationBenchmark.Median(ours):G3} | {BayesianOptimizationBenchmark.Median(optunaGp):G3} | {tpeMedian:G3} | {(win ? "win" : "loss")} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  learned per seed: {string.Join(" ", learned.Select(v => v.ToString("G3", CultureInfo.InvariantCulture)))}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timings on a loaded machine ({MachineLoad.LoadAverage()})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"learned tuner wins vs optuna tpe: {wins}/{functionsRun.Length}; proposal ms {BayesianOptimizationBenchmark.Median(learnedMs):F3} (gp tuner {BayesianOptimizationBenchmark.Median(gpMs):F1})"));
        return 0;
    }

    /// <summary>
    /// <c>--validation-family</c>: the network on <see cref="ValidationFunctions"/> (classic functions that are not the four test
    /// functions), <paramref name="seeds"/> seeds of <paramref name="trials"/> trials each, against random search with the same
    /// seeds; per function the median simple regret of both; last line the geometric mean over the family of learned/random
    /// median regret (lower is better) and on how many functions the learned tuner's median is at most random search's.
    /// </summary>
    private static int ValidationFamily(BlackBoxLstm network, int trials, int seeds)
    {
        Console.WriteLine("validation family (not the test functions): median simple regret over seeds");
        Console.WriteLine("| function | d | learned | random search | learned / random |");
        Console.WriteLine("|---|---|---|---|---|");
        double logRatioSum = 0;
        int better = 0;
        foreach (var function in ValidationFunctions.Functions)
        {
            var learned = new List<double>();
            var random = new List<double>();
            for (int seed = 0; seed < seeds; seed++)
            {
                SearchSpace space = Space(function.Lower, function.Upper);
                learned.Add(RunTuner(new LearnedBlackBoxTuner(space, seed, network), function.F, function.Lower.Length, trials).Best - function.Min);
                random.Add(RunTuner(new RandomSearchTuner(space, seed), function.F, function.Lower.Length, trials).Best - function.Min);
            }

            double learnedMedian = BayesianOptimizationBenchmark.Median(learned);
            double randomMedian = BayesianOptimizationBenchmark.Median(random);
            // A floor keeps a function solved to rounding by both from dividing zero by zero.
            double ratio = Math.Max(learnedMedian, 1e-12) / Math.Max(randomMedian, 1e-12);
            logRatioSum += Math.Log(ratio);
            better += learnedMedian <= randomMedian ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {function.Name} | {function.Lower.Length} | {learnedMedian:G4} | {randomMedian:G4} | {ratio:G3} |"));
        }

        int count = ValidationFunctions.Functions.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation family: ratio {Math.Exp(logRatioSum / count):F3}; learned at most random search on {better}/{count}"));
        return 0;
    }

    private static SearchSpace Space(double[] lower, double[] upper)
    {
        var space = new SearchSpace();
        for (int i = 0; i < lower.Length; i++)
        {
            space[$"x{i}"] = new UniformDoubleOption(lower[i], upper[i]);
        }

        return space;
    }

    /// <summary>Runs a tuner; returns the best loss and, per trial, the milliseconds spent in Propose and Update.</summary>
    private static (double Best, List<double> Milliseconds) RunTuner(ITuner tuner, Func<double[], double> f, int d, int trials)
    {
        double best = double.PositiveInfinity;
        var ms = new List<double>(trials);
        for (int id = 0; id < trials; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            long t0 = Stopwatch.GetTimestamp();
            Parameter p = tuner.Propose(settings);
            double proposeMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            double[] x = [.. Enumerable.Range(0, d).Select(i => p[$"x{i}"].AsType<double>())];
            double loss = f(x);
            best = Math.Min(best, loss);
            long t1 = Stopwatch.GetTimestamp();
            tuner.Update(new TrialResult { TrialSettings = settings with { Parameter = p }, Loss = loss, Metric = -loss });
            ms.Add(proposeMs + Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
        }

        return (best, ms);
    }

    private sealed class Progress(Action<BlackBoxMetaTrainingEpisode> report) : IProgress<BlackBoxMetaTrainingEpisode>
    {
        public void Report(BlackBoxMetaTrainingEpisode value) => report(value);
    }
}
