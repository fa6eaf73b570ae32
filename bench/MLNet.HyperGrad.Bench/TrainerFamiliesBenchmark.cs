using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// The best validation and test metric per trainer family at a fixed budget, on three of scikit-learn's real
/// tables: digits (multiclass, 1,797 x 64), breast_cancer (binary, 569 x 30) and diabetes (regression, 442 x 10).
/// </summary>
/// <remarks>
/// Per data set: a seeded 80/20 train/test split (<c>TrainTestSplit</c>). Per trainer family of
/// <see cref="TunableTrainers"/> that suits the task: the pipeline label → <c>NormalizeMinMax("Features")</c> →
/// <c>Trainers.Tunable(family)</c> with AutoML's default search space, tuned by <c>.WithHyperGrad()</c> with random
/// search (the first trial at AutoML's starting point) for at most <c>--trials</c> trials or <c>--family-time</c>
/// seconds, validated on a seeded 20 % holdout of the training rows; the best validation metric is the tuning's
/// best trial, the test metric that of the best hyperparameters refitted on all training rows, scored on the test
/// rows. Metrics: micro accuracy (classification), R² (regression).
/// </remarks>
internal static class TrainerFamiliesBenchmark
{
    private static readonly (string Name, PredictionTask Task)[] DataSets =
    [
        ("digits", PredictionTask.MulticlassClassification),
        ("breast_cancer", PredictionTask.BinaryClassification),
        ("diabetes", PredictionTask.Regression),
    ];

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int trials = CsvLoadBenchmark.Int(options, "--trials", 10);
        int familyTime = CsvLoadBenchmark.Int(options, "--family-time", 40);
        int seed = CsvLoadBenchmark.Int(options, "--seed", 1);
        string[] only = options.TryGetValue("--trainers", out string? names) ? names.Split(',') : [.. TunableTrainers.All.Select(t => t.Name)];
        string directory = Directory.CreateTempSubdirectory("hg-trainer-families-").FullName;
        try
        {
            Console.WriteLine(Invariant($"# trainer-families: --trials {trials} --family-time {familyTime} --seed {seed}, random search over AutoML's default spaces, {Environment.ProcessorCount} cores; load average at start {MachineLoad.LoadAverage()}"));
            Console.WriteLine("| data set | task | metric | trainer | trials (failed/interrupted) | best validation | test | seconds |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach ((string name, PredictionTask task) in DataSets)
            {
                var mlContext = new MLContext(seed);
                IDataView data = Load(mlContext, Export(name, directory), task);
                var split = mlContext.Data.TrainTestSplit(data, 0.2, seed: seed);
                EvaluationMetric metric = EvaluationMetricExtensions.DefaultFor(task);
                foreach (TunableTrainer trainer in TunableTrainers.For(task).Where(t => only.Contains(t.Name)))
                {
                    var stopwatch = Stopwatch.StartNew();
                    var pipeline = Label(mlContext, task)
                        .Append(mlContext.Transforms.NormalizeMinMax("Features"))
                        .Append(new TunableTrainerEstimator(trainer, task, seed: seed));
                    ITransformer model = pipeline.WithHyperGrad(o =>
                    {
                        o.MaxTrials = trials;
                        o.TrainingTimeInSeconds = (uint)familyTime;
                        o.Seed = seed;
                        o.Metric = metric;
                    }).Fit(split.TrainSet);
                    PipelineTuning tuning = model.GetHyperGradTuning()!;
                    double test = Score(mlContext, model.Transform(split.TestSet), task);
                    int failed = tuning.Trials.Count(t => t.IsFailed);
                    Console.WriteLine(Invariant($"| {name} | {task} | {metric} | {trainer.Name} | {tuning.Trials.Count} ({failed}) | {tuning.BestTrial.Metric:F4} | {test:F4} | {stopwatch.Elapsed.TotalSeconds:F0} |"));
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static double Score(MLContext mlContext, IDataView scored, PredictionTask task) => task switch
    {
        PredictionTask.MulticlassClassification => mlContext.MulticlassClassification.Evaluate(scored).MicroAccuracy,
        PredictionTask.BinaryClassification => mlContext.BinaryClassification.EvaluateNonCalibrated(scored).Accuracy,
        _ => mlContext.Regression.Evaluate(scored).RSquared,
    };

    internal static IEstimator<ITransformer> Label(MLContext mlContext, PredictionTask task) => task switch
    {
        PredictionTask.MulticlassClassification => mlContext.Transforms.Conversion.MapValueToKey("Label", "target"),
        PredictionTask.BinaryClassification => mlContext.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("malignant", true), new KeyValuePair<string, bool>("benign", false)], "target"),
        _ => mlContext.Transforms.CopyColumns("Label", "target"),
    };

    internal static IDataView Load(MLContext mlContext, string path, PredictionTask task)
    {
        int features = File.ReadLines(path).First().Split(',').Length - 1;
        return mlContext.Data.LoadFromTextFile(
            path,
            [
                new TextLoader.Column("Features", DataKind.Single, 0, features - 1),
                new TextLoader.Column("target", task == PredictionTask.Regression ? DataKind.Single : DataKind.String, features),
            ],
            separatorChar: ',',
            hasHeader: true);
    }

    /// <summary>Writes load_<paramref name="name"/>() as CSV: the features, then "target" (class names, or the value for diabetes).</summary>
    internal static string Export(string name, string directory)
    {
        const string Script = """
            import csv, sys
            from sklearn import datasets
            name, path = sys.argv[1], sys.argv[2]
            d = getattr(datasets, "load_" + name)()
            names = getattr(d, "target_names", None)
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow([n.replace(" ", "_") for n in d.feature_names] + ["target"])
                for row, t in zip(d.data, d.target):
                    w.writerow([repr(float(v)) for v in row] + [names[t] if names is not None and name != "diabetes" else repr(float(t))])
            """;
        string path = Path.Combine(directory, name + ".csv");
        var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(name);
        start.ArgumentList.Add(path);
        using Process python = Process.Start(start)!;
        python.WaitForExit();
        return python.ExitCode == 0 ? path : throw new InvalidOperationException($"exporting scikit-learn's {name} failed (needs python3-sklearn)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
