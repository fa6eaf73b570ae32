using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// The user's own history as the prior (issue 11) for Fashion-MNIST MLPs: studies of the MLP space on other, disjoint subsets of
/// the Fashion-MNIST training images are tuned and stored, then a new subset is tuned by the single-task GP tuner and by the meta
/// tuner pre-trained on those studies (<c>WithHyperGrad(o =&gt; o.TransferFrom(storage, filter))</c>, the plumbing of
/// <c>--transfer-from</c>); how many trials the meta tuner needs to reach the single-task tuner's N-trial result.
/// </summary>
/// <remarks>
/// <para>Subsets: subset k trains on training images [2kR, 2kR + R) and validates on [2kR + R, 2(k + 1)R) (R = <c>--rows</c>,
/// 1,000), so no two subsets share an image. Subset 0 is the target; subsets 1 … <c>--sources</c> (3) are tuned first by the GP
/// tuner for <c>--source-trials</c> (20) trials each (study <c>fm-src-k</c>, seed 100 + k) and stored in one SQLite storage.</para>
/// <para>Space: bo-real's MLP space (<see cref="MlpTrialRunner.CreateSearchSpace"/>: learning rate [1e-4, 0.5] log, momentum [0, 0.99],
/// L2 [1e-7, 1e-2] log, hidden units [16, 256] log integer, batch size {32, 64, 128, 256}) with one hidden layer and
/// <c>--epochs</c> (2) epochs fixed; metric: validation accuracy (maximized). Each trial trains with one libtorch thread.</para>
/// <para>Per seed s (<c>--first-seed</c> … +<c>--seeds</c> − 1; 0-2 by default): the target is tuned for <c>--trials</c> (30)
/// trials by the single-task GP tuner and by the meta tuner (prior from every <c>fm-src-*</c> study; pre-training and tuner
/// options at the library's defaults, seeded with s; <c>--mean constant|linear|mlp</c> and <c>--startup N</c> change the prior's mean and
/// the meta tuner's space-filling start; <c>--hedge</c> shares the meta tuner's trials with the single-task GP tuner,
/// <c>HyperGradOptions.HedgeTransfer</c>; <c>--keep</c> keeps the temporary folder with history.db). Both start, as every new study does, at the space's defaults (trial 0).</para>
/// <para>Prints the median over seeds of the best validation accuracy after 1, 3, 5, 10, 20, 30 trials for both tuners, per seed
/// the trials the meta tuner needed to reach the single-task tuner's N-trial best, the prior's sources and how much each was
/// trusted, and, last, <c>transfer-fashion: meta reaches the single-task gp's N-trial accuracy in a median of K trials (...)</c>.</para>
/// </remarks>
internal static class TransferFashionBenchmark
{
    private static readonly int[] Checkpoints = [1, 3, 5, 10, 20, 30];

    public static int Run(string[] args)
    {
        OpenMpEnvironment.UsePassiveWaitUnlessSet();
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int rows = CsvLoadBenchmark.Int(options, "--rows", 1000);
        int epochs = CsvLoadBenchmark.Int(options, "--epochs", 2);
        int sources = CsvLoadBenchmark.Int(options, "--sources", 3);
        int sourceTrials = CsvLoadBenchmark.Int(options, "--source-trials", 20);
        int trials = CsvLoadBenchmark.Int(options, "--trials", 30);
        int seeds = CsvLoadBenchmark.Int(options, "--seeds", 3);
        int firstSeed = CsvLoadBenchmark.Int(options, "--first-seed", 0);
        PriorMeanKind? mean = options.TryGetValue("--mean", out string? meanName) ? Enum.Parse<PriorMeanKind>(meanName, ignoreCase: true) : null;
        int startup = CsvLoadBenchmark.Int(options, "--startup", new MetaGaussianProcessTunerOptions().StartupTrials);
        bool centre = !options.ContainsKey("--no-centre");
        bool hedge = options.ContainsKey("--hedge");
        bool keep = options.ContainsKey("--keep");
        if (rows < 50 || epochs < 1 || sources < 1 || sourceTrials < 5 || trials < 2 || seeds < 1 || firstSeed < 0 || 2L * rows * (sources + 1) > 60_000)
        {
            Console.Error.WriteLine(Invariant($"transfer-fashion: --rows at least 50, --epochs at least 1, --sources at least 1, --source-trials at least 5, --trials at least 2, --seeds at least 1, and 2 x rows x (sources + 1) at most the 60,000 training images; got rows {rows}, epochs {epochs}, sources {sources}, source trials {sourceTrials}, trials {trials}, seeds {seeds}."));
            return 2;
        }

        FashionMnistData data = FashionMnist.Load();
        string directory = Directory.CreateTempSubdirectory("hg-transfer-fashion-").FullName;
        try
        {
            return RunAsync(data, directory, rows, epochs, sources, sourceTrials, trials, [.. Enumerable.Range(firstSeed, seeds)], mean, startup, centre, hedge).GetAwaiter().GetResult();
        }
        finally
        {
            if (keep)
            {
                Console.Error.WriteLine($"transfer-fashion: kept {directory} (history.db holds every study)");
            }
            else
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<int> RunAsync(FashionMnistData data, string directory, int rows, int epochs, int sources, int sourceTrials, int trials, int[] seeds, PriorMeanKind? mean, int startup, bool centre, bool hedge)
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "history.db"));
        Console.WriteLine(Invariant($"transfer-fashion: Fashion-MNIST subsets of {rows} train + {rows} validation images (disjoint), MLP one hidden layer, {epochs} epochs, validation accuracy; target subset 0; sources subsets 1-{sources}, {sourceTrials} GP trials each; targets {trials} trials, seed(s) {string.Join(", ", seeds)}; {Environment.ProcessorCount} cores, load average at start {MachineLoad.LoadAverage()}; meta: {(mean is { } m ? $"{m} mean" : "default mean")}, {startup} startup trials, offset {(centre ? "centred on the prior" : "0 (--no-centre)")}{(hedge ? "; hedged with the single-task gp (--hedge: HedgeTransfer)" : "")}"));
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (int k = 1; k <= sources; k++)
        {
            IReadOnlyList<double> best = await TuneAsync(storage, data, k, rows, epochs, Invariant($"fm-src-{k}"), 100 + k, sourceTrials, o => o.Tuner = TunerKind.GaussianProcess);
            Console.WriteLine(Invariant($"source fm-src-{k} (images {2 * k * rows}-{(2 * (k + 1) * rows) - 1}): best validation accuracy {best[^1]:F4} after {sourceTrials} trials ({started.Elapsed.TotalSeconds:F0} s)"));
        }

        var gpCurves = new List<IReadOnlyList<double>>();
        var metaCurves = new List<IReadOnlyList<double>>();
        var reaches = new List<(int Seed, int? Trials)>();
        StudyFilter filter = StudyFilter.NamePrefix("fm-src-");
        foreach (int seed in seeds)
        {
            IReadOnlyList<double> gp = await TuneAsync(storage, data, 0, rows, epochs, Invariant($"fm-gp-{seed}"), seed, trials, o => o.Tuner = TunerKind.GaussianProcess);
            IReadOnlyList<double> meta = await TuneAsync(storage, data, 0, rows, epochs, Invariant($"fm-meta-{seed}"), seed, trials, o =>
            {
                o.TransferFrom(storage, filter);
                o.Pretraining = mean is { } kind ? new GpPriorPretrainingOptions { MeanKind = kind, Seed = seed } : null;
                o.MetaTuner = new MetaGaussianProcessTunerOptions { StartupTrials = startup, CentreOnPrior = centre };
                o.HedgeTransfer = hedge;
            });
            int index = Enumerable.Range(0, meta.Count).FirstOrDefault(i => meta[i] >= gp[^1], -1);
            int? reach = index < 0 ? null : index + 1;
            gpCurves.Add(gp);
            metaCurves.Add(meta);
            reaches.Add((seed, reach));
            StudyRecord study = (await storage.GetStudyAsync(Invariant($"fm-meta-{seed}")))!;
            TransferSummary summary = TransferSummary.FromAttributes(study.Attributes)!;
            Console.WriteLine(Invariant($"seed {seed}: gp@{trials} {gp[^1]:F4}, meta@{trials} {meta[^1]:F4}, meta reaches gp@{trials} at {Reach(reach, trials)}; prior from {string.Join(", ", summary.Sources.Select(s => $"{s.Study} ({s.Trials} trials, NLL/point {s.NegativeLogLikelihoodPerPoint:F2})"))} ({started.Elapsed.TotalSeconds:F0} s)"));
        }

        Console.WriteLine();
        Console.WriteLine(Invariant($"median over {seeds.Length} seeds of the best validation accuracy after k trials (target subset 0); loaded machine, load average now {MachineLoad.LoadAverage()}"));
        Console.WriteLine(Invariant($"| tuner | {string.Join(" | ", Checkpoints.Where(c => c <= trials).Select(c => $"best after {c}"))} | trials to reach gp@{trials} |"));
        Console.WriteLine(Invariant($"|---|{string.Concat(Checkpoints.Where(c => c <= trials).Select(_ => "---|"))}---|"));
        Console.WriteLine(Row("single-task gp", gpCurves, trials, "\u2013"));
        Console.WriteLine(Row("meta (prior from fm-src-*)", metaCurves, trials, string.Join(", ", reaches.Select(r => Reach(r.Trials, trials)))));
        double median = Median([.. reaches.Select(r => (double)(r.Trials ?? trials + 1))]);
        Console.WriteLine();
        Console.WriteLine(Invariant($"transfer-fashion: meta reaches the single-task gp's {trials}-trial accuracy in a median of {(median > trials ? $">{trials}" : median.ToString("0.#", CultureInfo.InvariantCulture))} trials, counting >{trials} as {trials + 1} (per seed: {string.Join(", ", reaches.Select(r => $"{r.Seed} {Reach(r.Trials, trials)}"))}); {started.Elapsed.TotalMinutes:F1} min"));
        return 0;
    }

    /// <summary>Tunes the MLP on subset <paramref name="subset"/> as a study of <paramref name="storage"/>; returns the best validation accuracy after each trial.</summary>
    private static async Task<IReadOnlyList<double>> TuneAsync(SqliteStudyStorage storage, FashionMnistData data, int subset, int rows, int epochs, string study, int seed, int trials, Action<HyperGradOptions> tuner)
    {
        int start = 2 * subset * rows;
        TabularDataset train = data.Train.Subset([.. Enumerable.Range(start, rows)]);
        TabularDataset validation = data.Train.Subset([.. Enumerable.Range(start + rows, rows)]);
        SearchSpace space = MlpTrialRunner.CreateSearchSpace(maxEpochs: epochs, maxHiddenWidth: 256);
        space["epochs"] = new ChoiceOption([epochs], epochs);
        space["depth"] = new ChoiceOption([1], 1);
        using var runner = new MlpTrialRunner(train, validation, new MlpTrialRunnerOptions { ThreadsPerTrial = 1 });
        await new HyperGradExperiment()
            .SetDataset(train, validation)
            .AddSearchSpace(MlpTrialRunner.SearchSpaceKey, space)
            .SetTrialRunner(runner)
            .SetStudy(storage, study)
            .SetSeed(seed)
            .SetMaxModelToExplore(trials)
            .SetTrainingTimeInSeconds(24 * 3600)
            .WithHyperGrad(tuner)
            .RunAsync();
        StudyRecord record = (await storage.GetStudyAsync(study))!;
        var best = new List<double>();
        double so = double.NegativeInfinity;
        foreach (TrialRecord trial in (await storage.GetTrialsAsync(record.Id)).OrderBy(t => t.Number))
        {
            if (trial.State == TrialState.Complete && trial.Loss is double loss && double.IsFinite(loss))
            {
                so = Math.Max(so, -loss);
            }

            best.Add(so);
        }

        return best;
    }

    private static string Row(string tuner, List<IReadOnlyList<double>> curves, int trials, string reach) =>
        Invariant($"| {tuner} | {string.Join(" | ", Checkpoints.Where(c => c <= trials).Select(c => Median([.. curves.Select(curve => curve[Math.Min(c, curve.Count) - 1])]).ToString("F4", CultureInfo.InvariantCulture)))} | {reach} |");

    private static string Reach(int? trials, int limit) => trials is int k ? k.ToString(CultureInfo.InvariantCulture) : Invariant($">{limit}");

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
