using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Real tuning (issue 10): our <see cref="GaussianProcessTuner"/> against our <see cref="RandomSearchTuner"/> and Optuna 5's
/// GPSampler and TPE (through ask-and-tell, <see cref="OptunaTuner"/>), all evaluating with OUR runners at equal trial
/// counts: the best validation metric after 20 and after N trials, over S seeds.
/// </summary>
/// <remarks>
/// <para>Tasks:</para>
/// <list type="bullet">
/// <item><c>fashion-mnist</c>: <see cref="MlpTrialRunner"/> on Fashion-MNIST training images 0 … R−1 (train) and R … 2R−1
/// (validation) (R = <c>--rows</c>, default 10,000: issue 9's fixed split), one hidden layer, <c>--epochs</c> epochs
/// (default 3); searched: learning rate [1e-4, 0.5] log, momentum [0, 0.99], L2 [1e-7, 1e-2] log, hidden units
/// [16, 256] log integer, batch size {32, 64, 128, 256}. Metric: validation accuracy (maximized).</item>
/// <item><c>breast_cancer</c>, <c>wine</c> (and <c>digits</c> on request): scikit-learn's tables exported as the
/// trainer-families benchmark does, LightGBM through <see cref="PipelineTrialRunner"/> (a seeded 25 % holdout, the same
/// rows for every trial) over AutoML's LightGBM space narrowed to the usual ranges: leaves [4, 256] log, learning rate
/// [1e-3, 1] log, trees [10, <c>--max-trees</c> (500)] log, minimum examples per leaf [5, 100] log, feature fraction
/// [0.4, 1], L1 and L2 [1e-8, 10] log (subsampling and bins fixed at LightGBM's defaults). Metric: validation log-loss
/// (minimized; accuracy on 45-143 validation rows ties too often to rank tuners).</item>
/// </list>
/// <para>Per task and seed s (<c>--first-seed</c> … +S−1; from 0 by default, so a run can be split over processes): the four tuners are created with seed s and step interleaved, trial by trial
/// (trial k of every tuner, then k+1), so machine load drifts over all alike. Every trial of seed s trains with seed s,
/// so the tuners of one seed search the same deterministic objective. Tuners at their defaults (ours: 10 Sobol startup
/// trials, log-EI; Optuna's GPSampler: 10 random startup trials; TPE: Optuna 5's default multivariate TPE). A trial
/// that throws or diverges (NaN) is counted as failed and reaches the tuner as a failure; it is not fatal. OpenMP's idle
/// workers sleep (<c>OMP_WAIT_POLICY=PASSIVE</c> unless set), as in the CLI.</para>
/// <para>Prints per task and tuner the median (and range) over seeds of the best validation metric after 20 and after N
/// trials, then, last, <c>gp vs random at 20 trials: k/m tasks better (median best validation metric)</c>.</para>
/// </remarks>
internal static class RealTuningBenchmark
{
    private const int EarlyTrials = 20;

    private static readonly string[] AllTuners = ["gp", "random", "optuna-gp", "optuna-tpe"];

    public static int Run(string[] args)
    {
        // Before libtorch or LightGBM load OpenMP: spinning idle workers slow every trial on a shared machine (RESULTS.md, parallel trials).
        OpenMpEnvironment.UsePassiveWaitUnlessSet();
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        bool quick = options.ContainsKey("--quick");
        var settings = new Settings(
            Seeds: CsvLoadBenchmark.Int(options, "--seeds", quick ? 2 : 5),
            Trials: CsvLoadBenchmark.Int(options, "--trials", quick ? 6 : 50),
            Rows: CsvLoadBenchmark.Int(options, "--rows", quick ? 500 : 10_000),
            Epochs: CsvLoadBenchmark.Int(options, "--epochs", quick ? 1 : 3),
            MaxTrees: CsvLoadBenchmark.Int(options, "--max-trees", quick ? 40 : 500),
            Threads: CsvLoadBenchmark.Int(options, "--threads", Environment.ProcessorCount),
            FirstSeed: CsvLoadBenchmark.Int(options, "--first-seed", 0));
        string[] tasks = options.TryGetValue("--tasks", out string? names) ? names.Split(',', StringSplitOptions.RemoveEmptyEntries) : ["fashion-mnist", "breast_cancer", "wine"];
        string[] tuners = options.ContainsKey("--no-peers") ? ["gp", "random"] : AllTuners;
        if (options.TryGetValue("--tuners", out string? only))
        {
            tuners = only.Split(',', StringSplitOptions.RemoveEmptyEntries);
        }

        if (settings.Seeds < 1 || settings.Trials < 1 || settings.Rows < 10 || settings.Epochs < 1 || settings.MaxTrees < 11 || settings.Threads < 1 || settings.FirstSeed < 0)
        {
            Console.Error.WriteLine(Invariant($"bo-real: --seeds and --trials must be at least 1, --rows at least 10, --epochs at least 1, --max-trees at least 11, --threads at least 1, --first-seed at least 0; got {settings}."));
            return 2;
        }

        int early = Math.Min(EarlyTrials, settings.Trials);
        Console.WriteLine(Invariant($"# bo-real: tasks {string.Join(",", tasks)}; tuners {string.Join(",", tuners)}; seeds {settings.FirstSeed}-{settings.FirstSeed + settings.Seeds - 1} x {settings.Trials} trials; Fashion-MNIST {settings.Rows} train / {settings.Rows} validation rows, {settings.Epochs} epochs, {settings.Threads} libtorch threads; LightGBM trees up to {settings.MaxTrees}; {Environment.ProcessorCount} cores; load average at start {MachineLoad.LoadAverage()}"));
        var verdicts = new List<(string Task, double Gp, double Random, bool Maximize)>();
        var table = new List<string>
        {
            Invariant($"| task | metric | tuner | best after {early}: median (range) | best after {settings.Trials}: median (range) | failed trials | trial s (median) | proposal ms (median) |"),
            "|---|---|---|---|---|---|---|---|",
        };
        foreach (string taskName in tasks)
        {
            using RealTask task = RealTask.Create(taskName, settings);
            var outcomes = tuners.ToDictionary(t => t, _ => new List<TunerOutcome>(), StringComparer.Ordinal);
            var clock = Stopwatch.StartNew();
            for (int seed = settings.FirstSeed; seed < settings.FirstSeed + settings.Seeds; seed++)
            {
                TunerOutcome[] runs = RunSeed(task, tuners, seed, settings.Trials);
                for (int i = 0; i < tuners.Length; i++)
                {
                    outcomes[tuners[i]].Add(runs[i]);
                }

                Console.WriteLine(Invariant($"  {task.Name} seed {seed}: {string.Join("; ", tuners.Select((t, i) => $"{t} {Format(task, runs[i].BestAfter(early))} / {Format(task, runs[i].BestAfter(settings.Trials))}"))} (after {early} / {settings.Trials}; {clock.Elapsed.TotalSeconds:F0} s so far; load {MachineLoad.LoadAverage()})"));
            }

            foreach (string tuner in tuners)
            {
                List<TunerOutcome> runs = outcomes[tuner];
                table.Add(Invariant($"| {task.Name} | {task.MetricName} | {tuner} | {Summary(task, runs, early)} | {Summary(task, runs, settings.Trials)} | {runs.Sum(r => r.Failed)} | {CsvLoadBenchmark.Median([.. runs.SelectMany(r => r.TrialSeconds)]):F2} | {CsvLoadBenchmark.Median([.. runs.SelectMany(r => r.ProposalMilliseconds)]):F1} |"));
            }

            if (outcomes.TryGetValue("gp", out List<TunerOutcome>? gpRuns) && outcomes.TryGetValue("random", out List<TunerOutcome>? randomRuns))
            {
                verdicts.Add((task.Name, MedianBest(task, gpRuns, early), MedianBest(task, randomRuns, early), task.Maximize));
            }

            foreach (string line in table)
            {
                Console.WriteLine(line);
            }

            table.RemoveRange(2, table.Count - 2);
            Console.WriteLine(Invariant($"  {task.Name}: {clock.Elapsed.TotalSeconds:F0} s; load {MachineLoad.LoadAverage()}"));
        }

        int better = 0;
        foreach ((string name, double gp, double random, bool maximize) in verdicts)
        {
            bool wins = maximize ? gp > random : gp < random;
            better += wins ? 1 : 0;
            Console.WriteLine(Invariant($"  {name}: gp {gp:G5} vs random {random:G5} at {early} trials ({(maximize ? "higher" : "lower")} is better): {(wins ? "gp better" : "gp not better")}"));
        }

        Console.WriteLine(Invariant($"timing measured on a machine with load {MachineLoad.LoadAverage()}"));
        Console.WriteLine(Invariant($"gp vs random at {early} trials: {better}/{verdicts.Count} tasks better (median best validation metric)"));
        return 0;
    }

    /// <summary>Runs every tuner for one seed, interleaved trial by trial.</summary>
    private static TunerOutcome[] RunSeed(RealTask task, string[] tuners, int seed, int trials)
    {
        var instances = new ITuner[tuners.Length];
        try
        {
            for (int i = 0; i < tuners.Length; i++)
            {
                instances[i] = CreateTuner(tuners[i], task.Space, seed);
            }

            TunerOutcome[] outcomes = [.. tuners.Select(_ => new TunerOutcome())];
            for (int id = 0; id < trials; id++)
            {
                for (int i = 0; i < instances.Length; i++)
                {
                    Step(task, instances[i], outcomes[i], id, seed);
                }
            }

            return outcomes;
        }
        finally
        {
            foreach (ITuner? tuner in instances)
            {
                (tuner as IDisposable)?.Dispose();
            }
        }
    }

    private static void Step(RealTask task, ITuner tuner, TunerOutcome outcome, int id, int seed)
    {
        var settings = new TrialSettings { TrialId = id, Seed = seed, StartedAtUtc = TimeProvider.System.GetUtcNow().UtcDateTime };
        var watch = Stopwatch.StartNew();
        Parameter parameter = tuner.Propose(settings);
        outcome.ProposalMilliseconds.Add(watch.Elapsed.TotalMilliseconds);
        settings = settings with { Parameter = parameter };
        watch.Restart();
        TrialResult result;
        try
        {
            result = task.Evaluate(settings) with { TrialSettings = settings };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            result = TrialResult.Failed(settings, ex, watch.Elapsed.TotalMilliseconds);
        }

        outcome.TrialSeconds.Add(watch.Elapsed.TotalSeconds);
        bool failed = result.IsFailed || !double.IsFinite(result.Loss) || result.Loss == double.MaxValue;
        outcome.Failed += failed ? 1 : 0;
        double previous = outcome.BestLoss.Count > 0 ? outcome.BestLoss[^1] : double.PositiveInfinity;
        outcome.BestLoss.Add(failed ? previous : Math.Min(previous, result.Loss));
        tuner.Update(result with { DurationInMilliseconds = watch.Elapsed.TotalMilliseconds });
    }

    private static ITuner CreateTuner(string name, SearchSpace space, int seed) => name switch
    {
        "gp" => new GaussianProcessTuner(space, seed),
        "random" => new RandomSearchTuner(space, seed),
        "optuna-gp" => new OptunaTuner("gp", space, seed),
        "optuna-tpe" => new OptunaTuner("tpe", space, seed),
        _ => throw new ArgumentException($"Unknown tuner \"{name}\"; the tuners are {string.Join(", ", AllTuners)}.", nameof(name)),
    };

    private static double MedianBest(RealTask task, List<TunerOutcome> runs, int trials) =>
        CsvLoadBenchmark.Median([.. runs.Select(r => task.ToMetric(r.BestAfter(trials)))]);

    private static string Summary(RealTask task, List<TunerOutcome> runs, int trials)
    {
        double[] metrics = [.. runs.Select(r => task.ToMetric(r.BestAfter(trials)))];
        return Invariant($"{Format(CsvLoadBenchmark.Median([.. metrics]))} ({Format(metrics.Min())}-{Format(metrics.Max())})");
    }

    private static string Format(RealTask task, double loss) => Format(task.ToMetric(loss));

    private static string Format(double metric) => metric.ToString("F4", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The sizes of the run.</summary>
    internal sealed record Settings(int Seeds, int Trials, int Rows, int Epochs, int MaxTrees, int Threads, int FirstSeed);

    /// <summary>One tuner's run for one seed: the best loss after each trial, failures and times.</summary>
    private sealed class TunerOutcome
    {
        public List<double> BestLoss { get; } = [];

        public List<double> TrialSeconds { get; } = [];

        public List<double> ProposalMilliseconds { get; } = [];

        public int Failed { get; set; }

        public double BestAfter(int trials) => BestLoss.Count == 0 ? double.PositiveInfinity : BestLoss[Math.Min(trials, BestLoss.Count) - 1];
    }

    /// <summary>
    /// AutoML's LightGBM space narrowed to the usual ranges: leaves [4, 256] log, learning rate [1e-3, 1] log, trees [10, <paramref name="maxTrees"/>]
    /// log, minimum examples per leaf [5, 100] log, feature fraction [0.4, 1], L1 and L2 [1e-8, 10] log; subsampling and bins fixed at LightGBM's defaults.
    /// </summary>
    internal static SearchSpace LightGbmSpace(int maxTrees)
    {
        SearchSpace space = TunableTrainers.LightGbm.CreateSearchSpace();
        space["number_of_leaves"] = new UniformIntOption(4, 256, logBase: true, defaultValue: 31);
        space["learning_rate"] = new UniformDoubleOption(1e-3, 1.0, logBase: true, defaultValue: 0.1);
        space["number_of_trees"] = new UniformIntOption(10, maxTrees, logBase: true, defaultValue: Math.Min(100, maxTrees));
        space["minimum_example_count_per_leaf"] = new UniformIntOption(5, 100, logBase: true, defaultValue: 20);
        space["feature_fraction"] = new UniformDoubleOption(0.4, 1.0, defaultValue: 1.0);
        space["l1_regularization"] = new UniformDoubleOption(1e-8, 10, logBase: true, defaultValue: 1e-8);
        space["l2_regularization"] = new UniformDoubleOption(1e-8, 10, logBase: true, defaultValue: 1e-8);
        space["subsample_fraction"] = new ChoiceOption([1.0], 1.0);
        space["maximum_bin_count_per_feature"] = new ChoiceOption([255], 255);
        return space;
    }

    /// <summary>A task: its search space, how a trial is evaluated by our runner, and its metric.</summary>
    private sealed class RealTask : IDisposable
    {
        private readonly ITrialRunner runner;
        private readonly Func<Parameter, Parameter> wrap;
        private string? directory;

        private RealTask(string name, string metricName, bool maximize, SearchSpace space, ITrialRunner runner, Func<Parameter, Parameter> wrap)
        {
            Name = name;
            MetricName = metricName;
            Maximize = maximize;
            Space = space;
            this.runner = runner;
            this.wrap = wrap;
        }

        public string Name { get; }

        public string MetricName { get; }

        public bool Maximize { get; }

        public SearchSpace Space { get; }

        public static RealTask Create(string name, Settings settings) => name switch
        {
            "fashion-mnist" => FashionMnistTask(settings),
            "breast_cancer" => LightGbmTask(name, PredictionTask.BinaryClassification, settings),
            "wine" or "digits" => LightGbmTask(name, PredictionTask.MulticlassClassification, settings),
            _ => throw new ArgumentException($"Unknown task \"{name}\"; the tasks are fashion-mnist, breast_cancer, wine, digits.", nameof(name)),
        };

        /// <summary>The metric of a loss: minus the loss for a maximized metric (NaN when no trial succeeded).</summary>
        public double ToMetric(double loss) => double.IsPositiveInfinity(loss) ? double.NaN : Maximize ? -loss : loss;

        public TrialResult Evaluate(TrialSettings settings) =>
            runner.RunAsync(settings with { Parameter = wrap(settings.Parameter) }, CancellationToken.None).GetAwaiter().GetResult();

        public void Dispose()
        {
            runner.Dispose();
            if (directory is not null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        private static RealTask FashionMnistTask(Settings settings)
        {
            FashionMnistData data = FashionMnist.Load();
            (TabularDataset train, TabularDataset validation) = data.SplitTrain(settings.Rows, settings.Rows);
            SearchSpace space = MlpTrialRunner.CreateSearchSpace(maxEpochs: settings.Epochs, maxHiddenWidth: 256);
            space["epochs"] = new ChoiceOption([settings.Epochs], settings.Epochs);
            space["depth"] = new ChoiceOption([1], 1);
            var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = settings.Threads });
            return new RealTask("fashion-mnist", "validation accuracy", maximize: true, space, runner, p => Parameter.CreateNestedParameter((MlpTrialRunner.SearchSpaceKey, p)));
        }

        private static RealTask LightGbmTask(string name, PredictionTask task, Settings settings)
        {
            var mlContext = new MLContext(seed: 1);
            string directory = Directory.CreateTempSubdirectory("hg-bo-real-").FullName;
            IDataView data = mlContext.Data.Cache(TrainerFamiliesBenchmark.Load(mlContext, TrainerFamiliesBenchmark.Export(name, directory), task));
            SearchSpace space = LightGbmSpace(settings.MaxTrees);
            var runner = new PipelineTrialRunner(
                data,
                (context, p) => TrainerFamiliesBenchmark.Label(context, task).Append(TunableTrainers.LightGbm.CreateEstimator(context, task, p)),
                new PipelineTrialRunnerOptions { Task = task, Metric = EvaluationMetric.LogLoss, ValidationFraction = 0.25, SplitSeed = 1 });
            return new RealTask(name, "validation log-loss", maximize: false, space, runner, p => p) { directory = directory };
        }
    }
}
