using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Search quality of our <see cref="GaussianProcessTuner"/> against Optuna 5's GPSampler and TPE on the standard test
/// functions (Branin, Hartmann-6, Rosenbrock-4, Ackley-5), in the same run: median simple regret after N trials over
/// seeds, and the proposal time at trial 50 and 200.
/// </summary>
/// <remarks>
/// Peers: <c>../shared/bench/optuna_peer.py FUNCTION --sampler gp|tpe --trials N --seeds S</c> (its JSON best-value
/// curves), and <c>bench/optuna_gp_timing.py</c>, which imports that script and times GPSampler's
/// <c>sample_relative</c>. Ours: the tuner with default options over a search space of one
/// <c>UniformDoubleOption</c> per coordinate with the function's bounds, trial k seeded like Optuna's seed k (the
/// seeds are each library's own; they are not the same random numbers). Regret = best found − known minimum.
/// Proposal time: each tuner's proposal at trial 50 (index 49), median over functions and seeds; at 200 trials, our
/// median over proposals 190-199 of one 200-trial run on <c>--long-function</c> (Hartmann-6 by default).
/// </remarks>
internal static class BayesianOptimizationBenchmark
{
    internal static readonly (string Name, double[] Lower, double[] Upper, double Min, Func<double[], double> F)[] Functions =
    [
        ("branin", [-5, 0], [10, 15], 0.397887, Branin),
        ("hartmann6", [0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1], -3.32237, Hartmann6),
        ("rosenbrock4", [-5, -5, -5, -5], [10, 10, 10, 10], 0.0, Rosenbrock),
        ("ackley5", [-32.768, -32.768, -32.768, -32.768, -32.768], [32.768, 32.768, 32.768, 32.768, 32.768], 0.0, Ackley),
    ];

    private static readonly double[,] H6A = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    private static readonly double[,] H6P =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    private static readonly double[] H6Alpha = [1.0, 1.2, 3.0, 3.2];

    private static GaussianProcessTunerOptions tunerOptions = new();

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int trials = CsvLoadBenchmark.Int(options, "--trials", 50);
        int seeds = CsvLoadBenchmark.Int(options, "--seeds", 10);
        int longTrials = CsvLoadBenchmark.Int(options, "--long-trials", 200);
        int timingSeeds = CsvLoadBenchmark.Int(options, "--timing-seeds", 2);
        string longFunction = options.TryGetValue("--long-function", out string? lf) ? lf : "hartmann6";
        if (options.ContainsKey("--profile"))
        {
            return Profile(CsvLoadBenchmark.Int(options, "--profile-n", 50));
        }

        bool peers = !options.ContainsKey("--no-peers");
        tunerOptions = new GaussianProcessTunerOptions
        {
            Warping = options.TryGetValue("--warping", out string? warping) ? Enum.Parse<OutputWarping>(warping, ignoreCase: true) : OutputWarping.None,
            Acquisition = options.TryGetValue("--acquisition", out string? acquisition) ? Enum.Parse<AcquisitionKind>(acquisition, ignoreCase: true) : AcquisitionKind.LogExpectedImprovement,
            TrustRegion = options.ContainsKey("--global") ? null : new TrustRegionOptions(),
        };
        if (options.ContainsKey("--warping") || options.ContainsKey("--acquisition") || options.ContainsKey("--global"))
        {
            Console.WriteLine($"ours with warping {tunerOptions.Warping}, acquisition {tunerOptions.Acquisition}, trust region {(tunerOptions.TrustRegion is null ? "off" : "on")} (not the defaults)");
        }

        string[] only = options.TryGetValue("--functions", out string? names) ? names.Split(',') : [.. Functions.Select(f => f.Name)];
        string peer = options.TryGetValue("--peer", out string? path) ? path : FindShared("optuna_peer.py");
        string timingScript = Path.Combine(AppContext.BaseDirectory, "optuna_gp_timing.py");
        Console.WriteLine($"bo: {trials} trials, {seeds} seeds; peer {peer}; machine load {MachineLoad.LoadAverage()}");
        Console.WriteLine("| function | ours GP | Optuna GPSampler | Optuna TPE | ours vs GP |");
        Console.WriteLine("|---|---|---|---|---|");
        int wins = 0;
        int tpeLosses = 0;
        var ourMs50 = new List<double>();
        var ourMs200 = new List<double>();
        var optunaMs50 = new List<double>();
        foreach (var function in Functions.Where(f => only.Contains(f.Name)))
        {
            var ours = new List<double>();
            for (int seed = 0; seed < seeds; seed++)
            {
                (double best, IReadOnlyList<TimeSpan> durations) = RunOurs(function, seed, trials);
                ours.Add(best - function.Min);
                if (durations.Count >= 50)
                {
                    ourMs50.Add(durations[49].TotalMilliseconds);
                }
            }

            double[] gp = peers ? RunPeer(peer, function.Name, "gp", trials, seeds) : [double.NaN];
            double[] tpe = peers ? RunPeer(peer, function.Name, "tpe", trials, seeds) : [double.NaN];
            double ourMedian = Median(ours);
            double gpMedian = Median(gp);
            double tpeMedian = Median(tpe);
            wins += ourMedian <= gpMedian ? 1 : 0;
            tpeLosses += ourMedian > tpeMedian ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {function.Name} | {ourMedian:G3} | {gpMedian:G3} | {tpeMedian:G3} | {(ourMedian <= gpMedian ? "win" : "loss")} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ours per seed: {string.Join(" ", ours.Select(v => v.ToString("G3", CultureInfo.InvariantCulture)))}"));

            optunaMs50.AddRange(!peers ? [] : RunOptunaTiming(timingScript, peer, function.Name, Math.Min(trials, 50), timingSeeds));
            if (longTrials >= 200 && function.Name == longFunction)
            {
                (_, IReadOnlyList<TimeSpan> longDurations) = RunOurs(function, 0, longTrials);
                ourMs200.AddRange(longDurations.Skip(190).Take(10).Select(d => d.TotalMilliseconds));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours worse than Optuna TPE on {tpeLosses} function(s); timing measured on a loaded machine ({MachineLoad.LoadAverage()})"));
        Console.WriteLine($"gp regret wins vs optuna gp: {wins}/{Functions.Count(f => only.Contains(f.Name))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gp proposal ms at 50 / 200 trials: {Median(ourMs50):F1} / {Median(ourMs200):F1} (optuna gp at 50: {Median(optunaMs50):F1})"));
        return 0;
    }

    /// <summary>Where one proposal's time goes on Hartmann-6 with n random observations: fit, model, optimizer.</summary>
    private static int Profile(int n)
    {
        var random = new Random(1);
        double[][] x = [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, 6).Select(_ => random.NextDouble()).ToArray())];
        double[] y = OutputTransform.Apply([.. x.Select(Hartmann6)], OutputWarping.None);
        for (int repeat = 0; repeat < 3; repeat++)
        {
            var watch = Stopwatch.StartNew();
            GaussianProcessHyperparameters cold = GaussianProcessFit.Fit(Matern52Kernel.Instance, x, y, seed: 1);
            double coldMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            GaussianProcessHyperparameters warm = GaussianProcessFit.Fit(Matern52Kernel.Instance, x, y, warmStart: cold, seed: 1);
            double warmMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            using var model = new GaussianProcess(Matern52Kernel.Instance, x, y, warm);
            double modelMs = watch.Elapsed.TotalMilliseconds;
            var acquisition = new LogExpectedImprovement(y.Min());
            Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> f = t =>
            {
                (TorchSharp.torch.Tensor mean, TorchSharp.torch.Tensor variance) = model.Posterior(t);
                return acquisition.Evaluate(mean, variance);
            };
            watch.Restart();
            new AcquisitionOptimizer(new AcquisitionOptimizerOptions { RefinedCount = 0 }).Maximize(f, 6, 1);
            double scoreMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            new AcquisitionOptimizer().Maximize(f, 6, 1);
            double tensorMs = watch.Elapsed.TotalMilliseconds;
            int calls = 0;
            Func<double[], (double Value, double[] Gradient)> point = p =>
            {
                calls++;
                double[] gm = new double[6];
                double[] gv = new double[6];
                (double m, double v) = model.PosteriorWithGradient(p, gm, gv);
                (double a, double am, double av) = ((IAcquisitionFunction)acquisition).EvaluateWithGradient(m, v);
                return (a, [.. gm.Select((g, j) => (am * g) + (av * gv[j]))]);
            };
            watch.Restart();
            new AcquisitionOptimizer().Maximize(f, 6, 1, pointAcquisition: point);
            double optimizeMs = watch.Elapsed.TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"n {n}: cold fit {coldMs:F1} ms, warm fit {warmMs:F1} ms, model {modelMs:F1} ms, score 1024 {scoreMs:F1} ms, score + refine {optimizeMs:F1} ms ({calls} point evaluations; {tensorMs:F1} ms refining through tensors); load {MachineLoad.LoadAverage()}"));
        }

        return 0;
    }

    private static (double Best, IReadOnlyList<TimeSpan> Durations) RunOurs((string Name, double[] Lower, double[] Upper, double Min, Func<double[], double> F) function, int seed, int trials)
    {
        var space = new SearchSpace();
        for (int i = 0; i < function.Lower.Length; i++)
        {
            space[$"x{i}"] = new UniformDoubleOption(function.Lower[i], function.Upper[i]);
        }

        var tuner = new GaussianProcessTuner(space, seed, tunerOptions);
        double best = double.PositiveInfinity;
        for (int id = 0; id < trials; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            Parameter p = tuner.Propose(settings);
            double[] x = [.. Enumerable.Range(0, function.Lower.Length).Select(i => p[$"x{i}"].AsType<double>())];
            double loss = function.F(x);
            best = Math.Min(best, loss);
            tuner.Update(new TrialResult { TrialSettings = settings with { Parameter = p }, Loss = loss, Metric = -loss });
        }

        return (best, tuner.ProposalDurations);
    }

    internal static double[] RunPeer(string peer, string function, string sampler, int trials, int seeds)
    {
        string output = Python(peer, function, "--sampler", sampler, "--trials", trials.ToString(CultureInfo.InvariantCulture), "--seeds", seeds.ToString(CultureInfo.InvariantCulture));
        var regrets = new List<double>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument json = JsonDocument.Parse(line);
            JsonElement curve = json.RootElement.GetProperty("best_curve");
            regrets.Add(curve[curve.GetArrayLength() - 1].GetDouble() - json.RootElement.GetProperty("known_min").GetDouble());
        }

        return [.. regrets];
    }

    private static double[] RunOptunaTiming(string script, string peer, string function, int trials, int seeds)
    {
        string output = Python(script, peer, function, "--trials", trials.ToString(CultureInfo.InvariantCulture), "--seeds", seeds.ToString(CultureInfo.InvariantCulture));
        var ms = new List<double>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument json = JsonDocument.Parse(line);
            JsonElement times = json.RootElement.GetProperty("proposal_ms");
            ms.Add(times[times.GetArrayLength() - 1].GetDouble());
        }

        return [.. ms];
    }

    private static string Python(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} failed ({process.ExitCode}): {errors.Result}");
        }

        return output;
    }

    internal static string FindShared(string file)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "bench", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{file} not found in a shared/bench folder above the benchmark; pass --peer <path>.");
    }

    internal static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Branin(double[] x)
    {
        double t = x[1] - (5.1 / (4 * Math.PI * Math.PI) * x[0] * x[0]) + (5 / Math.PI * x[0]) - 6;
        return (t * t) + (10 * (1 - (1 / (8 * Math.PI))) * Math.Cos(x[0])) + 10;
    }

    private static double Hartmann6(double[] x) => ValidationFunctions.Hartmann(x, H6Alpha, H6A, H6P);

    private static double Rosenbrock(double[] x)
    {
        double sum = 0;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            sum += (100 * (x[i + 1] - (x[i] * x[i])) * (x[i + 1] - (x[i] * x[i]))) + ((1 - x[i]) * (1 - x[i]));
        }

        return sum;
    }

    private static double Ackley(double[] x)
    {
        int d = x.Length;
        double squares = x.Sum(v => v * v);
        double cosines = x.Sum(v => Math.Cos(2 * Math.PI * v));
        return (-20 * Math.Exp(-0.2 * Math.Sqrt(squares / d))) - Math.Exp(cosines / d) + 20 + Math.E;
    }
}
