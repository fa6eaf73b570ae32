using System.Globalization;
using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// The user's own history as the prior (issue 11), on real tables: several scikit-learn tables are tuned and stored in one SQLite
/// storage, then each table in turn is tuned again by the single-task GP tuner and by the meta tuner whose prior is pre-trained on the
/// OTHER tables' stored studies (<c>WithHyperGrad(o =&gt; o.TransferFrom(storage, filter))</c>, the plumbing <c>--transfer-from</c> uses).
/// </summary>
/// <remarks>
/// <para>Options: <c>--first-seed</c> (0) starts the seeds elsewhere; <c>--keep</c> keeps the temporary folder with history.db (every study) for inspection;
/// <c>--hedge</c> shares the meta tuner's trials with the single-task GP tuner (<c>HyperGradOptions.HedgeTransfer</c>).</para>
/// <para>Space: <see cref="RealTuningBenchmark.LightGbmSpace"/> (LightGBM, 7 tuned options; trees up to <c>--max-trees</c>, 200).
/// Data: each table read as the CLI reads a CSV (<see cref="CsvDataViewReader"/>, ML.NET's featurization), a seeded 25 % holdout,
/// scored by validation log-loss (minimized). Sources: every table tuned once by the GP tuner for <c>--source-trials</c> (20) trials,
/// study <c>src-&lt;table&gt;</c>, seed 100. Targets: per table and seed s (<c>--seeds</c>, 2), the single-task GP tuner and the meta
/// tuner (defaults: pre-training and tuner options at the library's defaults, seeded with s) each run <c>--trials</c> (30) trials; the
/// meta tuner's prior comes from <c>src-*</c> except the target's own table. Both start, as every new study does, at the space's
/// defaults (trial 0); the tuners propose from trial 1.</para>
/// <para>The figures are validation log-losses, not times: machine load changes how long the run takes, not its numbers (LightGBM and
/// the tuners are seeded; the prior's pre-training can differ in the last bits between runs, libtorch's threaded reductions).</para>
/// <para>Prints per target table the median over seeds of the best log-loss after 1, 3, 5, 10, 20, 30 trials for both tuners and the
/// trials the meta tuner needed to reach the single-task tuner's 30-trial best (per seed; "&gt;N" when it did not within N), then, last,
/// <c>transfer-real: meta reaches the single-task gp's N-trial log-loss in a median of K trials (per target and seed: ...)</c>.</para>
/// </remarks>
internal static class TransferRealBenchmark
{
    private static readonly int[] Checkpoints = [1, 3, 5, 10, 20, 30];

    public static int Run(string[] args)
    {
        OpenMpEnvironment.UsePassiveWaitUnlessSet();
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        string[] tables = options.TryGetValue("--tables", out string? names) ? names.Split(',', StringSplitOptions.RemoveEmptyEntries) : ["iris", "wine", "breast_cancer", "digits"];
        int seeds = CsvLoadBenchmark.Int(options, "--seeds", 2);
        int trials = CsvLoadBenchmark.Int(options, "--trials", 30);
        int sourceTrials = CsvLoadBenchmark.Int(options, "--source-trials", 20);
        int maxTrees = CsvLoadBenchmark.Int(options, "--max-trees", 200);
        int firstSeed = CsvLoadBenchmark.Int(options, "--first-seed", 0);
        bool keep = options.ContainsKey("--keep");
        PriorMeanKind? mean = options.TryGetValue("--mean", out string? meanName) ? Enum.Parse<PriorMeanKind>(meanName, ignoreCase: true) : null;
        bool empiricalCovariance = !options.TryGetValue("--empirical-cov", out string? empiricalCov) || bool.Parse(empiricalCov);
        int startup = CsvLoadBenchmark.Int(options, "--startup", new MetaGaussianProcessTunerOptions().StartupTrials);
        bool centre = !options.ContainsKey("--no-centre");
        bool hedge = options.ContainsKey("--hedge");
        if (tables.Length < 2 || seeds < 1 || trials < 2 || sourceTrials < 5 || maxTrees < 11 || firstSeed < 0)
        {
            Console.Error.WriteLine(Invariant($"transfer-real: at least 2 --tables, --seeds at least 1, --trials at least 2, --source-trials at least 5, --max-trees at least 11; got {tables.Length} tables, {seeds}, {trials}, {sourceTrials}, {maxTrees}."));
            return 2;
        }

        string directory = Directory.CreateTempSubdirectory("hg-transfer-real-").FullName;
        try
        {
            return RunAsync(directory, tables, Enumerable.Range(firstSeed, seeds).ToArray(), trials, sourceTrials, maxTrees, mean, startup, centre, empiricalCovariance, hedge).GetAwaiter().GetResult();
        }
        finally
        {
            if (keep)
            {
                Console.Error.WriteLine($"transfer-real: kept {directory} (history.db holds every study)");
            }
            else
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<int> RunAsync(string directory, string[] tables, int[] seeds, int trials, int sourceTrials, int maxTrees, PriorMeanKind? mean, int startup, bool centre, bool empiricalCovariance, bool hedge)
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "history.db"));
        Console.WriteLine(Invariant($"transfer-real: tables {string.Join(", ", tables)}; LightGBM (trees up to {maxTrees}), validation log-loss; sources {sourceTrials} GP trials each; targets {trials} trials, seed(s) {string.Join(", ", seeds)}; {Environment.ProcessorCount} cores; meta: {(mean is { } m ? $"{m} mean" : "default mean")}, {startup} startup trials, offset {(centre ? "centred on the prior" : "0 (--no-centre)")}{(hedge ? "; hedged with the single-task gp (--hedge: HedgeTransfer)" : "")}, empirical-covariance term {(empiricalCovariance ? "where the source studies share points (default)" : "off (--empirical-cov false)")}"));
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (string table in tables)
        {
            IReadOnlyList<double> best = await TuneAsync(storage, directory, table, "src-" + table, 100, sourceTrials, maxTrees, o => o.Tuner = TunerKind.GaussianProcess);
            Console.WriteLine(Invariant($"source src-{table}: best log-loss {best[^1]:F4} after {sourceTrials} trials ({started.Elapsed.TotalSeconds:F0} s)"));
        }

        var reached = new List<(string Table, int Seed, int? Trials)>();
        Console.WriteLine();
        Console.WriteLine(Invariant($"| target | tuner | {string.Join(" | ", Checkpoints.Where(c => c <= trials).Select(c => $"best after {c}"))} | trials to reach gp@{trials} |"));
        Console.WriteLine(Invariant($"|---|---|{string.Concat(Checkpoints.Where(c => c <= trials).Select(_ => "---|"))}---|"));
        foreach (string table in tables)
        {
            var gpCurves = new List<IReadOnlyList<double>>();
            var metaCurves = new List<IReadOnlyList<double>>();
            var reaches = new List<int?>();
            foreach (int seed in seeds)
            {
                IReadOnlyList<double> gp = await TuneAsync(storage, directory, table, Invariant($"gp-{table}-{seed}"), seed, trials, maxTrees, o => o.Tuner = TunerKind.GaussianProcess);
                string own = "src-" + table;
                StudyFilter others = StudyFilter.Where(s => s.Name.StartsWith("src-", StringComparison.Ordinal) && s.Name != own, $"the other tables' source studies (src-* but {own})");
                IReadOnlyList<double> meta = await TuneAsync(storage, directory, table, Invariant($"meta-{table}-{seed}"), seed, trials, maxTrees, o =>
                {
                    o.TransferFrom(storage, others);
                    o.Pretraining = mean is not null || !empiricalCovariance
                        ? new GpPriorPretrainingOptions { MeanKind = mean ?? new GpPriorPretrainingOptions().MeanKind, Seed = seed, EmpiricalCovariance = empiricalCovariance }
                        : null;
                    o.MetaTuner = new MetaGaussianProcessTunerOptions { StartupTrials = startup, CentreOnPrior = centre };
                    o.HedgeTransfer = hedge;
                });
                int index = Enumerable.Range(0, meta.Count).FirstOrDefault(k => meta[k] <= gp[^1], -1);
                int? reach = index < 0 ? null : index + 1;
                gpCurves.Add(gp);
                metaCurves.Add(meta);
                reaches.Add(reach);
                reached.Add((table, seed, reach));
                StudyRecord metaStudy = (await storage.GetStudyAsync(Invariant($"meta-{table}-{seed}")))!;
                TransferSummary summary = TransferSummary.FromAttributes(metaStudy.Attributes)!;
                Console.Error.WriteLine(Invariant($"  {table} seed {seed}: gp@{trials} {gp[^1]:F4}, meta@{trials} {meta[^1]:F4}, meta reaches gp@{trials} at {Reach(reach, trials)}; prior from {string.Join(", ", summary.Sources.Select(s => $"{s.Study} (NLL/point {s.NegativeLogLikelihoodPerPoint:F2})"))} ({started.Elapsed.TotalSeconds:F0} s)"));
            }

            Console.WriteLine(Row(table, "single-task gp", gpCurves, trials, "\u2013"));
            Console.WriteLine(Row(table, "meta (prior from the others)", metaCurves, trials, string.Join(", ", reaches.Select(r => Reach(r, trials)))));
        }

        // A target the meta tuner did not bring to the single-task result within the budget counts as budget + 1.
        double median = Median([.. reached.Select(r => (double)(r.Trials ?? trials + 1))]);
        Console.WriteLine();
        Console.WriteLine(Invariant($"transfer-real: meta reaches the single-task gp's {trials}-trial log-loss in a median of {(median > trials ? $">{trials}" : median.ToString("0.#", CultureInfo.InvariantCulture))} trials, counting >{trials} as {trials + 1} (per target and seed: {string.Join(", ", reached.Select(r => $"{r.Table}/{r.Seed} {Reach(r.Trials, trials)}"))}); {started.Elapsed.TotalMinutes:F1} min"));
        return 0;
    }

    /// <summary>Tunes LightGBM on a table as a study of <paramref name="storage"/>; returns the best validation log-loss after each trial.</summary>
    private static async Task<IReadOnlyList<double>> TuneAsync(SqliteStudyStorage storage, string directory, string table, string study, int seed, int trials, int maxTrees, Action<HyperGradOptions> tuner)
    {
        string csv = Path.Combine(directory, table + ".csv");
        if (!File.Exists(csv))
        {
            TrainerFamiliesBenchmark.Export(table, directory);
        }

        CsvDataViewSplit data = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "target" });
        TabularSchema schema = data.Schema;
        PredictionTask task = schema.ClassNames.Count == 2 ? PredictionTask.BinaryClassification : PredictionTask.MulticlassClassification;
        IEstimator<ITransformer> Pipeline(MLContext ml, Parameter parameter) =>
            TabularFeaturizer.Create(ml, schema, task == PredictionTask.BinaryClassification).Append(TunableTrainers.LightGbm.CreateEstimator(ml, task, parameter["lightgbm"]));
        using var runner = new PipelineTrialRunner(data.Train, Pipeline, new PipelineTrialRunnerOptions { Task = task, Metric = EvaluationMetric.LogLoss, ValidationFraction = 0.25, SplitSeed = 1 });
        await new HyperGradExperiment()
            .AddSearchSpace("lightgbm", RealTuningBenchmark.LightGbmSpace(maxTrees))
            .SetTrialRunner(runner)
            .SetStudy(storage, study)
            .SetStudyMetaFeatures(DataMetaFeatures.Of(schema, data.Train))
            .SetSeed(seed)
            .SetMaxModelToExplore(trials)
            .SetTrainingTimeInSeconds(24 * 3600)
            .WithHyperGrad(tuner)
            .RunAsync();
        StudyRecord record = (await storage.GetStudyAsync(study))!;
        var best = new List<double>();
        double so = double.PositiveInfinity;
        foreach (TrialRecord trial in (await storage.GetTrialsAsync(record.Id)).OrderBy(t => t.Number))
        {
            if (trial.State == TrialState.Complete && trial.Loss is double loss && double.IsFinite(loss))
            {
                so = Math.Min(so, loss);
            }

            best.Add(so);
        }

        return best;
    }

    private static string Row(string table, string tuner, List<IReadOnlyList<double>> curves, int trials, string reach) =>
        Invariant($"| {table} | {tuner} | {string.Join(" | ", Checkpoints.Where(c => c <= trials).Select(c => Median([.. curves.Select(curve => curve[Math.Min(c, curve.Count) - 1])]).ToString("F4", CultureInfo.InvariantCulture)))} | {reach} |");

    private static string Reach(int? trials, int limit) => trials is int k ? k.ToString(CultureInfo.InvariantCulture) : Invariant($">{limit}");

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
