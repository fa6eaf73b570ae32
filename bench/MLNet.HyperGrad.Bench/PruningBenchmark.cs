using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Early stopping on a real tuning run: the Fashion-MNIST MLP tuned by random search (the same seed, so the same
/// trial sequence in every arm) without a pruner, with the median pruner and with the learning-curve pruner.
/// </summary>
/// <remarks>
/// Set-up: the first <c>--rows</c> training images (default 8,000), split 75/25 into train/validation (seed 1);
/// the MLP's search space (<see cref="MlpTrialRunner.CreateSearchSpace"/>, hidden width up to 128) with the epochs
/// fixed at <c>--epochs</c> (default 15): pruning replaces tuning the number of epochs; <c>--trials</c> trials
/// (default 24), one at a time, all cores per trial, study seed <c>--seed</c> (default 1). Per arm: the total
/// training time (sum of trial durations), the epochs trained, and the best final validation accuracy (the
/// experiment's best trial: complete trials only). The arms run one after another in the order none, median,
/// learning-curve, <c>--repeats</c> times (default 1) with the order rotated each repeat; medians over repeats.
/// Pruners at their defaults: <see cref="MedianPruner"/> (5 startup trials), <see cref="LearningCurvePruner"/>
/// (threshold 0.05, 4 epochs, 3 startup trials).
/// <para>Cost of the pruner itself (load-robust): each arm's pruner is wrapped so that every decision's CPU time
/// is read from the calling thread's clock (<see cref="CpuClock.ThreadSeconds"/>; the pruners are plain C#, so all
/// their work runs on that thread), and the arm's whole process CPU time (<see cref="CpuClock.ProcessSeconds"/>,
/// libtorch's threads included) gives the CPU time of a training epoch: (process CPU − pruner CPU) / epochs, per-trial
/// set-up included. <c>--curves FILE</c> writes the first repeat's no-pruner validation-loss curves (every trial run
/// to the end) as CSV <c>trial,epoch,value</c>: the recorded real curves the pruning tests replay. <c>--threads N</c> gives
/// every trial N libtorch threads (default: all cores; with 1, no libtorch thread spins waiting for a busy core, so the
/// process CPU time is the work done); <c>--arms none,median,learning-curve</c> runs only the arms named.</para>
/// <para><c>--breakdown</c> splits every arm's trial wall time into set-up, training minibatches, validation evaluation,
/// the gaps between epochs, pruner decisions and teardown (<see cref="TrialTimeBreakdown"/>; it needs the runner's progress
/// callback, so the arm gets its own runner with all cores per trial unless <c>--threads</c> says otherwise, as the
/// experiment's default would). <c>--trial-log FILE</c> writes the first repeat's trials of every arm as CSV
/// <c>arm,trial,state,epochs,accuracy,last_validation_loss,width,depth,batch,learning_rate,wall_s,thread_cpu_s</c> (round-trip numbers; the two times
/// with <c>--breakdown</c> only), to show that two builds train the
/// same trials to the same results. <c>--replay</c> replays both pruners over the first no-pruner arm's full curves judging
/// the validation loss (as the runner reports it by default) and the validation error 1 − accuracy (the metric trials are ranked by),
/// and prints each replay's epochs, best complete accuracy and time saved weighted by per-trial CPU (with <c>--breakdown</c>). <c>--judged error</c> makes the runner report the validation error instead of the loss
/// (<see cref="MlpReportedValue.ValidationError"/>), so the live pruners judge it; the default is <c>loss</c>.</para>
/// </remarks>
internal static class PruningBenchmark
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int rows = CsvLoadBenchmark.Int(options, "--rows", 8000);
        int epochs = CsvLoadBenchmark.Int(options, "--epochs", 15);
        int trials = CsvLoadBenchmark.Int(options, "--trials", 24);
        int seed = CsvLoadBenchmark.Int(options, "--seed", 1);
        int repeats = CsvLoadBenchmark.Int(options, "--repeats", 1);
        string? curvesFile = options.GetValueOrDefault("--curves");
        int threads = CsvLoadBenchmark.Int(options, "--threads", 0);
        string[] only = options.TryGetValue("--arms", out string? list) ? list.Split(',') : ["none", "median", "learning-curve"];
        bool breakdown = options.ContainsKey("--breakdown");
        bool replay = options.ContainsKey("--replay");
        string judged = options.GetValueOrDefault("--judged") ?? "loss";
        if (judged is not ("loss" or "error"))
        {
            throw new ArgumentException($"--judged must be loss or error; got \"{judged}\".");
        }

        MlpReportedValue reported = judged == "error" ? MlpReportedValue.ValidationError : MlpReportedValue.ValidationLoss;
        string? trialLog = options.GetValueOrDefault("--trial-log");
        var logLines = new List<string> { "arm,trial,state,epochs,accuracy,last_validation_loss,width,depth,batch,learning_rate,wall_s,thread_cpu_s" };

        FashionMnistData data = FashionMnist.Load();
        TabularDataset subset = data.Train.Subset([.. Enumerable.Range(0, rows)]);
        TrainValidationSplit split = DatasetSplit.TrainValidation(subset, 0.25, seed: 1);
        Console.WriteLine(Invariant($"# pruning: Fashion-MNIST first {rows} training images, {split.Train.Rows} train / {split.Validation.Rows} validation; MLP random search, {trials} trials x {epochs} epochs (fixed), seed {seed}, {Environment.ProcessorCount} cores; pruners judge the validation {judged}; load average at start {MachineLoad.LoadAverage()}"));

        (string Name, Func<IPruner?> Create)[] arms =
        [
            ("none", () => null),
            ("median", () => new MedianPruner()),
            ("learning-curve", () => new LearningCurvePruner()),
        ];
        arms = [.. arms.Where(a => only.Contains(a.Name))];
        var results = new Dictionary<string, List<ArmResult>> { ["none"] = [], ["median"] = [], ["learning-curve"] = [] };
        for (int r = 0; r < repeats; r++)
        {
            foreach (var arm in arms.Skip(r % arms.Length).Concat(arms.Take(r % arms.Length)))
            {
                TrialTimeBreakdown? probe = breakdown ? new TrialTimeBreakdown() : null;
                ArmResult result = RunArm(split, epochs, trials, seed, threads, arm.Create(), probe, reported);
                results[arm.Name].Add(result);
                Console.WriteLine(Invariant($"  repeat {r + 1}: {arm.Name,-15} {result.Seconds,7:F1} s training, {result.Epochs,4} epochs, {result.Pruned,2} pruned, best validation accuracy {result.BestAccuracy:P2} (trial {result.BestTrial})"));
                double epochCpu = (result.ProcessCpuSeconds - result.PrunerCpuSeconds) / result.Epochs;
                Console.WriteLine(Invariant($"             CPU: process {result.ProcessCpuSeconds:F2} s ({epochCpu * 1000:F1} ms per epoch, set-up included); pruner {result.PrunerCpuSeconds:F3} s over {result.Decisions} decisions ({result.PrunerCpuSeconds / Math.Max(result.Decisions, 1) * 1000:F2} ms each, {result.PrunerCpuSeconds / result.ProcessCpuSeconds:P1} of the process CPU)"));
                if (probe is not null)
                {
                    Console.WriteLine(Invariant($"             where the trials' wall time went ({arm.Name}; {result.OutsideTrialsSeconds:F3} s of the arm's wall time ran outside any trial):"));
                    foreach (string line in probe.Describe(result.Epochs))
                    {
                        Console.WriteLine(line);
                    }
                }

                if (r == 0)
                {
                    logLines.AddRange(result.Trials.Select(t => Invariant($"{arm.Name},{t.Key},{t.Value},{(probe?.PerTrial.TryGetValue(t.Key, out var time) == true ? Invariant($"{time.Wall:F4},{time.Cpu:F4}") : ",")}")));
                }

                if (replay && r == 0 && arm.Name == "none")
                {
                    foreach (string line in ReplayJudged(result, probe))
                    {
                        Console.WriteLine(line);
                    }
                }

                if (curvesFile is not null && r == 0 && arm.Name == "none")
                {
                    File.WriteAllLines(curvesFile, ["trial,epoch,value", .. result.Curves.SelectMany(c => c.Value.Select((v, i) => Invariant($"{c.Key},{i + 1},{v:R}")))]);
                    Console.WriteLine($"  curves written to {curvesFile}");
                }
            }
        }

        if (trialLog is not null)
        {
            File.WriteAllLines(trialLog, logLines);
            Console.WriteLine($"  first repeat's trials written to {trialLog}");
        }

        double Median(string arm, Func<ArmResult, double> f) => CsvLoadBenchmark.Median([.. results[arm].Select(f)]);
        if (results["none"].Count == 0 || results["learning-curve"].Count == 0)
        {
            return 0;
        }

        double baseSeconds = Median("none", a => a.Seconds);
        double baseEpochs = Median("none", a => a.Epochs);
        double baseAccuracy = Median("none", a => a.BestAccuracy);
        foreach (var arm in arms)
        {
            double seconds = Median(arm.Name, a => a.Seconds);
            double trained = Median(arm.Name, a => a.Epochs);
            double accuracy = Median(arm.Name, a => a.BestAccuracy);
            Console.WriteLine(Invariant($"{arm.Name}: training {seconds:F1} s ({1 - (seconds / baseSeconds):P1} saved), {trained:F0} epochs ({1 - (trained / baseEpochs):P1} saved), best validation accuracy {accuracy:P2} ({(accuracy - baseAccuracy) * 100:+0.00;-0.00;0.00} points)"));
        }

        double lcSaved = 100 * (1 - (Median("learning-curve", a => a.Seconds) / baseSeconds));
        double lcChange = 100 * (Median("learning-curve", a => a.BestAccuracy) - baseAccuracy);
        Console.WriteLine(Invariant($"pruning (learning-curve) saved {lcSaved:F1}% of training time; best accuracy change {lcChange:+0.00;-0.00;0.00} points"));
        return 0;
    }

    private static ArmResult RunArm(TrainValidationSplit split, int epochs, int trials, int seed, int threads, IPruner? pruner, TrialTimeBreakdown? probe, MlpReportedValue reported)
    {
        SearchSpace space = MlpTrialRunner.CreateSearchSpace(maxEpochs: epochs, maxHiddenWidth: 128);
        space["epochs"] = new ChoiceOption([epochs], epochs);
        var monitor = new Tally();
        var timed = pruner is null ? null : new TimedPruner(pruner, probe);
        var experiment = new HyperGradExperiment()
            .SetDataset(split.Train, split.Validation)
            .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, space)
            .SetSeed(seed)
            .SetTrainingTimeInSeconds(100_000)
            .SetMaxModelToExplore(trials)
            .WithHyperGrad()
            .SetPruner(timed)
            .SetMonitor(monitor);
        if (threads > 0 || probe is not null || reported != MlpReportedValue.ValidationLoss)
        {
            // The experiment's own default is all cores per trial (one trial at a time).
            var runnerOptions = new MlpTrialRunnerOptions { ThreadsPerTrial = threads > 0 ? threads : Environment.ProcessorCount, OnProgress = probe is null ? null : probe.OnProgress, ReportedValue = reported };
            experiment.SetTrialRunner(context =>
            {
                var runner = new MlpTrialRunner(context.Train!, context.Validation!, runnerOptions);
                return probe is null ? runner : probe.Wrap(runner);
            });
        }

        double cpu = CpuClock.ProcessSeconds();
        long wall = System.Diagnostics.Stopwatch.GetTimestamp();
        TrialResult best = experiment.RunAsync().GetAwaiter().GetResult();
        double wallSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(wall).TotalSeconds;
        cpu = CpuClock.ProcessSeconds() - cpu;
        return new ArmResult(monitor.Milliseconds / 1000, monitor.Epochs, monitor.Pruned, best.Metric, best.TrialSettings.TrialId, cpu, timed?.CpuSeconds ?? 0, timed?.Decisions ?? 0, monitor.Curves, wallSeconds - (monitor.Milliseconds / 1000), monitor.Trials, monitor.MetricCurves);
    }

    /// <summary>
    /// The pruners replayed over the no-pruner arm's full curves (<see cref="PrunerReplay"/>), judging either the validation
    /// loss (what the runner reports: the replay must reproduce the live arms) or the validation error 1 − accuracy (the
    /// metric the experiment ranks trials by). Per replay: epochs trained, trials pruned, the best final accuracy among
    /// the trials left complete, and the time saved weighted by each trial's own thread CPU per epoch in the no-pruner arm
    /// (with <c>--breakdown</c>; the pruner's own CPU not included).
    /// </summary>
    private static IEnumerable<string> ReplayJudged(ArmResult none, TrialTimeBreakdown? probe)
    {
        var loss = new SortedDictionary<int, double[]>(none.Curves.ToDictionary(c => c.Key, c => c.Value.ToArray()));
        var error = new SortedDictionary<int, double[]>(none.MetricCurves.ToDictionary(c => c.Key, c => c.Value.Select(a => 1 - a).ToArray()));
        int finalStep = loss.Values.Max(c => c.Length);
        double allCpu = probe is null ? double.NaN : loss.Keys.Sum(t => probe.PerTrial[t].Cpu);
        yield return Invariant($"  replayed over the no-pruner arm's curves (judged value: loss = validation cross-entropy, as the runner reports; error = 1 - validation accuracy, the ranked metric):");
        (string Name, Func<IPruner> Create)[] pruners = [("median", () => new MedianPruner()), ("learning-curve", () => new LearningCurvePruner())];
        foreach (var pruner in pruners)
        {
            foreach ((string judged, SortedDictionary<int, double[]> curves) in new[] { ("loss", loss), ("error", error) })
            {
                List<PrunerReplay.Decision> decisions = PrunerReplay.Run(pruner.Create(), curves);
                Dictionary<int, int> trained = loss.Keys.ToDictionary(t => t, t => decisions.FirstOrDefault(d => d.Trial == t && d.Prune)?.Epoch ?? finalStep);
                int epochs = trained.Values.Sum();
                int[] complete = [.. trained.Where(t => t.Value == finalStep).Select(t => t.Key)];
                int best = complete.MaxBy(t => none.MetricCurves[t][^1]);
                double cpuSaved = probe is null ? double.NaN : 1 - (trained.Sum(t => probe.PerTrial[t.Key].Cpu * t.Value / finalStep) / allCpu);
                yield return Invariant($"    {pruner.Name,-15} judging {judged,-5}: {epochs,4} epochs ({1 - ((double)epochs / (finalStep * loss.Count)):P1} saved), {trained.Count(t => t.Value < finalStep),2} pruned, best complete accuracy {none.MetricCurves[best][^1]:P2} (trial {best}), time saved by per-trial CPU {cpuSaved:P1}; pruned {string.Join(' ', trained.Where(t => t.Value < finalStep).Select(t => Invariant($"{t.Key}@{t.Value}")))}");
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record ArmResult(double Seconds, int Epochs, int Pruned, double BestAccuracy, int BestTrial, double ProcessCpuSeconds, double PrunerCpuSeconds, int Decisions, SortedDictionary<int, IReadOnlyList<double>> Curves, double OutsideTrialsSeconds, SortedDictionary<int, string> Trials, SortedDictionary<int, IReadOnlyList<double>> MetricCurves);

    /// <summary>A pruner that sums the calling thread's CPU time over its inner pruner's decisions.</summary>
    private sealed class TimedPruner(IPruner inner, TrialTimeBreakdown? probe) : IPruner
    {
        private readonly Lock gate = new();

        public double CpuSeconds { get; private set; }

        public int Decisions { get; private set; }

        public bool ShouldPrune(PrunerTrial trial, IReadOnlyList<PrunerTrial> trials)
        {
            long wall = System.Diagnostics.Stopwatch.GetTimestamp();
            double start = CpuClock.ThreadSeconds();
            bool prune = inner.ShouldPrune(trial, trials);
            double spent = CpuClock.ThreadSeconds() - start;
            probe?.OnDecision(trial.Number, System.Diagnostics.Stopwatch.GetElapsedTime(wall).TotalSeconds, spent);
            lock (gate)
            {
                CpuSeconds += spent;
                Decisions++;
            }

            return prune;
        }
    }

    /// <summary>Sums the trials' durations and epochs.</summary>
    private sealed class Tally : IMonitor
    {
        public double Milliseconds { get; private set; }

        public int Epochs { get; private set; }

        public int Pruned { get; private set; }

        public SortedDictionary<int, IReadOnlyList<double>> Curves { get; } = [];

        /// <summary>Gets each trial's validation metric curve (accuracy), by trial number.</summary>
        public SortedDictionary<int, IReadOnlyList<double>> MetricCurves { get; } = [];

        /// <summary>Gets each trial's state, epochs, final accuracy and last validation loss (round-trip formatted), by trial number.</summary>
        public SortedDictionary<int, string> Trials { get; } = [];

        public void ReportRunningTrial(TrialSettings settings)
        {
        }

        public void ReportCompletedTrial(TrialResult result)
        {
            Milliseconds += result.DurationInMilliseconds;
            Epochs += (result as LearningCurveTrialResult)?.ValidationLossCurve.Count ?? 0;
            Curves[result.TrialSettings.TrialId] = (result as LearningCurveTrialResult)?.ValidationLossCurve ?? [];
            MetricCurves[result.TrialSettings.TrialId] = (result as LearningCurveTrialResult)?.ValidationMetricCurve ?? [];
            IReadOnlyList<double> curve = (result as LearningCurveTrialResult)?.ValidationLossCurve ?? [];
            string shape = result is MlpTrialResult { Hyperparameters: { } h } ? string.Create(CultureInfo.InvariantCulture, $"{h.HiddenWidth},{h.Depth},{h.BatchSize},{h.LearningRate:G4}") : ",,,";
            Trials[result.TrialSettings.TrialId] = string.Create(CultureInfo.InvariantCulture, $"{result.State},{curve.Count},{result.Metric:R},{(curve.Count > 0 ? curve[^1] : double.NaN):R},{shape}");
            Pruned += result.State == TrialState.Pruned ? 1 : 0;
        }

        public void ReportBestTrial(TrialResult result)
        {
        }

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
        {
        }
    }
}
