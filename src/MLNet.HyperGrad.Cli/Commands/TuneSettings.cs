using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Outputs;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The validated flags of <c>hypergrad classification|regression</c>.</summary>
internal sealed record TuneSettings
{
    public required TaskKind Task { get; init; }

    public required string Dataset { get; init; }

    public string? LabelColumn { get; init; }

    public bool HasHeader { get; init; } = true;

    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];

    public string? ValidationDataset { get; init; }

    public string? TestDataset { get; init; }

    public uint TrainTimeSeconds { get; init; } = 120;

    public int? MaxTrials { get; init; }

    public TunerKind Tuner { get; init; } = TunerKind.GaussianProcess;

    /// <summary>Gets the method of --hypergradient-method, or null for the default (checkpointed) with --tuner hypergradient.</summary>
    public HypergradientMethodKind? HypergradientMethod { get; init; }

    /// <summary>The gradient tuner's runner on the tensor path: T = 100 inner steps of batch 200, an MLP 784-50-10, learning rates and momenta in 10 blocks of 10 steps, L2 and init scale per layer.</summary>
    public static HypergradientTrialRunnerOptions GradientRunnerOptions(TuneSettings settings, int threadsPerTrial) => new()
    {
        Method = settings.HypergradientMethod ?? HypergradientMethodKind.Checkpointed,
        LearningRateEntries = 10,
        MomentumEntries = 10,
        ThreadsPerTrial = threadsPerTrial,
    };
    /// <summary>The self-tuning runs on the tensor path: an MLP 784-256-256-10 trained --max-epochs epochs, dropout and L2 tuned online (<see cref="Hypernetworks.SelfTuningOptions"/>' other defaults).</summary>
    public static Hypernetworks.SelfTuningOptions SelfTuningOptions(TuneSettings settings) => new() { Epochs = settings.MaxEpochs };

    public Pruning.PrunerKind Pruner { get; init; } = Pruning.PrunerKind.None;

    /// <summary>Gets the filter of --transfer-from (earlier studies of the same --storage that form the prior), or null.</summary>
    public string? TransferFrom { get; init; }

    /// <summary>Gets the tuner the run uses: <see cref="TunerKind.MetaGaussianProcess"/> with --transfer-from (which turns the default gp into meta), else <see cref="Tuner"/>.</summary>
    public TunerKind EffectiveTuner => TransferFrom is not null && Tuner == TunerKind.GaussianProcess ? TunerKind.MetaGaussianProcess : Tuner;

    public string? StoragePath { get; init; }

    public string? StudyName { get; init; }

    public int Seed { get; init; }

    public string? OutputDirectory { get; init; }

    public int Parallelism { get; init; } = DefaultParallelism;

    /// <summary>
    /// The default parallelism of a run on Fashion-MNIST (the MLP on tensors): two trials per core, at least 2 and at most 8. Each
    /// worker process holds the images (about 820 MB per worker, measured) and libtorch's threads keep a core busier than ML.NET's
    /// trainers do, so two per core is the default there.
    /// </summary>
    public static int DefaultParallelism => Math.Clamp(2 * Environment.ProcessorCount, 2, 8);

    /// <summary>
    /// The default parallelism of a run on a CSV (ML.NET's trainers): four trials per core (<see cref="MaxParallelism"/>), at least 2
    /// and at most 8. ML.NET's trainers on a table keep a core busy for a fraction of a trial (featurization, evaluation, single-threaded
    /// phases), and a slow trial among fast ones (a FastTree or FastForest with thousands of trees) holds its slot for most of a short
    /// budget; with more slots the fast trials keep finishing around it. On the 2-core machine of bench/RESULTS.md
    /// (parallel-trials after the start-point race fix) 8 worker processes finished 29-31 trials in 30 s against 19-23 for 4.
    /// </summary>
    public static int DefaultTabularParallelism => Math.Clamp(4 * Environment.ProcessorCount, 2, 8);

    /// <summary>The default parallelism for <paramref name="dataset"/>: <see cref="DefaultParallelism"/> for Fashion-MNIST, <see cref="DefaultTabularParallelism"/> for a CSV.</summary>
    public static int DefaultParallelismFor(string dataset) =>
        string.Equals(dataset, "fashion-mnist", StringComparison.OrdinalIgnoreCase) ? DefaultParallelism : DefaultTabularParallelism;

    /// <summary>The most trials at once: 4 per core (more only makes trials fight over the cores).</summary>
    public static int MaxParallelism => 4 * Environment.ProcessorCount;

    public int MaxEpochs { get; init; } = 20;

    /// <summary>
    /// Gets when this process is one of the worker processes of a run (hidden <c>--worker-until</c>, given by <see cref="WorkerProcessesRun"/>):
    /// the end of the run's budget. A worker tunes one trial at a time until then, with the study-wide --max-trials, and writes no outputs.
    /// Null in a run started by the user.
    /// </summary>
    public DateTimeOffset? WorkerUntil { get; init; }

    /// <summary>
    /// Gets the tune command's arguments that <c>hypergrad worker</c> replays to join this run's study (<see cref="WorkerCommand"/>),
    /// stored with the study; null when the run has none (<c>hypergrad run</c>).
    /// </summary>
    public IReadOnlyList<string>? JoinArguments { get; init; }

    /// <summary>The study attributes by which <c>hypergrad worker</c> joins this run: its arguments and the end of its time budget (the workers' end, or <paramref name="clock"/>'s now plus --train-time).</summary>
    public IReadOnlyDictionary<string, string> WorkerJoinAttributes(TimeProvider clock) =>
        WorkerCommand.StudyAttributes(this, WorkerUntil ?? clock.GetUtcNow() + TimeSpan.FromSeconds(TrainTimeSeconds));

    /// <summary>Gets whether this process is a worker process (<see cref="WorkerUntil"/> is set).</summary>
    public bool IsWorker => WorkerUntil is not null;

    /// <summary>
    /// Gets the trials the study held before the worker processes of this run started, when this run only writes the outputs of a
    /// study its workers tuned; null in a run that tunes.
    /// </summary>
    public IReadOnlyList<MLNet.HyperGrad.Storage.TrialRecord>? ReportAfterWorkers { get; init; }

    /// <summary>Gets the setups the worker processes of this run reported, when this run only writes the outputs of a study its workers tuned; null otherwise.</summary>
    public WorkerSetups? WorkerSetups { get; init; }

    /// <summary>Gets a value indicating whether trials run at once go to worker processes (<c>--worker-processes</c>, true by default on the command line) rather than threads.</summary>
    /// <remarks>The workers stop with the run: Ctrl+C reaches them (exit 130, their running trials recorded as interrupted), and a run
    /// killed with kill -9 leaves none running (<see cref="ParentWatch"/>). Not recorded in the run's config: <c>hypergrad run</c> uses threads.</remarks>
    public bool WorkerProcesses { get; init; }

    /// <summary>Whether this run tunes in worker processes (<see cref="WorkerProcessesRun"/>): more than one trial at a time, and --worker-processes not false.</summary>
    public bool UsesWorkerProcesses => WorkerProcesses && Parallelism > 1 && !IsWorker && ReportAfterWorkers is null;

    /// <summary>Trials one process runs at once: <see cref="Parallelism"/>, or 1 in a worker process (the run's parallelism is its number of workers).</summary>
    public int TrialsAtOnce => IsWorker ? 1 : Parallelism;

    /// <summary>The settings of a worker process: the seconds left until <see cref="WorkerUntil"/> as its --train-time.</summary>
    public TuneSettings ForWorker(TimeProvider clock) => WorkerUntil is { } until
        ? this with { TrainTimeSeconds = (uint)Math.Clamp(Math.Floor((until - clock.GetUtcNow()).TotalSeconds), 1, uint.MaxValue) }
        : this;

    public MissingValuePolicy MissingValues { get; init; } = MissingValuePolicy.Impute;

    /// <summary>Gets the cross-validation folds asked for: null chooses by the data's size (<see cref="CrossValidation.FoldsFor"/>), 0 or 1 is a holdout split, k ≥ 2 is k folds.</summary>
    public int? CvFolds { get; init; }

    /// <summary>The trainers --trainers may name.</summary>
    public static IReadOnlyList<string> KnownTrainers { get; } = [.. MLNet.HyperGrad.Estimators.TunableTrainers.All.Select(t => t.Name)];

    /// <summary>Gets the trainers asked for with --trainers (lowercase names); empty for every trainer that suits the task.</summary>
    public IReadOnlyList<string> Trainers { get; init; } = [];

    /// <summary>Gets the metric asked for with --metric, or null for the task's default.</summary>
    public string? Metric { get; init; }

    /// <summary>Gets the folder named in the consumer project's nuget.config, or null for &lt;output&gt;/packages.</summary>
    public string? PackageSource { get; init; }

    /// <summary>Gets the folder the consumer project's nuget.config names: --package-source, or &lt;output&gt;/packages.</summary>
    public string ResolvedPackageSource => Path.GetFullPath(PackageSource ?? Path.Combine(ResolvedOutputDirectory, "packages"));

    /// <summary>The config that runs these settings again (<c>hypergrad run</c>), with the columns of the data as read.</summary>
    public RunConfig ToConfig(TabularSchema schema) => new()
    {
        Task = Task.ToString().ToLowerInvariant(),
        Dataset = Path.GetFullPath(Dataset),
        HasHeader = HasHeader,
        LabelColumn = schema.LabelColumn,
        IgnoreColumns = IgnoreColumns,
        Columns = [.. schema.Columns.Select(c => new RunConfigColumn(c.Name, c.Kind.ToString().ToLowerInvariant())), new RunConfigColumn(schema.LabelColumn, "label")],
        MissingValues = MissingValues.ToString(),
        ValidationDataset = ValidationDataset is null ? null : Path.GetFullPath(ValidationDataset),
        TestDataset = TestDataset is null ? null : Path.GetFullPath(TestDataset),
        Trainers = Trainers,
        Metric = Metric,
        TrainTimeSeconds = TrainTimeSeconds,
        MaxTrials = MaxTrials,
        Tuner = Tuner.ToString(),
        TransferFrom = TransferFrom,
        Seed = Seed,
        Study = ResolvedStudyName,
        Storage = ResolvedStoragePath,
        Output = ResolvedOutputDirectory,
        Parallelism = Parallelism,
        MaxEpochs = MaxEpochs,
        CvFolds = CvFolds,
        PackageSource = ResolvedPackageSource,
    };

    /// <summary>The settings a config records, checked: the task, tuner and missing-value policy must be names this command knows.</summary>
    /// <exception cref="ArgumentException">A value is not one this command knows; the message names the file, the field and the values allowed.</exception>
    public static TuneSettings FromConfig(RunConfig config, string path)
    {
        T Parse<T>(string field, string value)
            where T : struct, Enum =>
            Enum.TryParse(value, ignoreCase: true, out T parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new ArgumentException($"{path}: \"{field}\" is \"{value}\"; expected one of {string.Join(", ", Enum.GetNames<T>())}.");
        return new TuneSettings
        {
            Task = Parse<TaskKind>("task", config.Task),
            Dataset = config.Dataset,
            LabelColumn = config.LabelColumn,
            HasHeader = config.HasHeader,
            IgnoreColumns = config.IgnoreColumns,
            ValidationDataset = config.ValidationDataset,
            TestDataset = config.TestDataset,
            TrainTimeSeconds = config.TrainTimeSeconds,
            MaxTrials = config.MaxTrials,
            Tuner = TunerNames.TryParse(config.Tuner, out TunerKind namedTuner) ? namedTuner : Parse<TunerKind>("tuner", config.Tuner),
            TransferFrom = config.TransferFrom,
            StoragePath = config.Storage,
            StudyName = config.Study,
            Seed = config.Seed,
            OutputDirectory = config.Output,
            Parallelism = config.Parallelism,
            MaxEpochs = config.MaxEpochs,
            MissingValues = Parse<MissingValuePolicy>("missingValues", config.MissingValues),
            CvFolds = config.CvFolds,
            Trainers = config.Trainers,
            Metric = config.Metric,
            PackageSource = config.PackageSource,
        };
    }

    /// <summary>Checks the flags that the data cannot check, reporting every problem at once.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (TrainTimeSeconds < 1)
        {
            problems.Add("--train-time must be at least 1 second");
        }

        if (MaxTrials is < 1)
        {
            problems.Add($"--max-trials must be at least 1, got {MaxTrials}");
        }

        if (Parallelism < 1 || Parallelism > MaxParallelism)
        {
            problems.Add($"--parallelism must be between 1 and {MaxParallelism} (4 per core, {Environment.ProcessorCount} cores), got {Parallelism}");
        }

        if (MaxEpochs < 1)
        {
            problems.Add($"--max-epochs must be at least 1, got {MaxEpochs}");
        }

        if (CvFolds is < 0)
        {
            problems.Add($"--cv-folds must be 0 or 1 (a holdout split) or at least 2 (that many folds), got {CvFolds}");
        }

        if (CvFolds is >= 2 && ValidationDataset is not null)
        {
            problems.Add($"--cv-folds {CvFolds} and --validation-dataset both say how to score trials: give one of them");
        }

        if (Trainers.FirstOrDefault(t => !KnownTrainers.Contains(t)) is { } unknown)
        {
            problems.Add($"--trainers: no trainer is named \"{unknown}\"; the trainers are {string.Join(", ", KnownTrainers)}");
        }

        if (!IsFashionMnist && Pruner != Pruning.PrunerKind.None)
        {
            problems.Add($"--pruner {CliParsers.PrunerNames.First(kv => kv.Value == Pruner).Key}: pruning applies to fashion-mnist, whose MLP reports its validation loss after every epoch; a CSV goes through ML.NET pipelines, which do not report per epoch (use --pruner none)");
        }

        if (IsFashionMnist && Trainers.Any(t => t != "mlp"))
        {
            problems.Add($"--trainers {string.Join(",", Trainers)}: fashion-mnist is tuned with the MLP alone (--trainers mlp, the default for it)");
        }

        if (HypergradientMethod is { } method && Tuner != TunerKind.HyperGradient)
        {
            problems.Add($"--hypergradient-method {HypergradientMethodNames.NameOf(method)} needs --tuner hypergradient (got --tuner {TunerNames.NameOf(Tuner)})");
        }

        if (Tuner == TunerKind.HyperGradient && !IsFashionMnist)
        {
            problems.Add("--tuner hypergradient tunes the MLP's hyperparameter tensors on fashion-mnist only; a CSV run goes through ML.NET's featurization, where the gradient tuner is not wired: use --tuner random or grid, or the library's pipeline.WithHyperGrad(o => o.Method = ...)");
        }

        if (Tuner == TunerKind.SelfTuning && !IsFashionMnist)
        {
            problems.Add("--tuner self-tuning trains a self-tuning MLP on tensors, on fashion-mnist only; a CSV run goes through ML.NET's featurization, where it is not wired: use another --tuner, or the library's HyperGradExperiment.WithHyperGrad(o => o.Tuner = TunerKind.SelfTuning)");
        }

        if (Tuner == TunerKind.SelfTuning && Pruner != Pruning.PrunerKind.None)
        {
            problems.Add($"--pruner {CliParsers.PrunerNames.First(kv => kv.Value == Pruner).Key} with --tuner self-tuning: a self-tuning trial is one run that tunes online and reports no per-epoch loss to a pruner (use --pruner none)");
        }

        if (Tuner == TunerKind.Hypernetwork && !IsFashionMnist)
        {
            problems.Add("--tuner hypernetwork trains a best-response hypernetwork for the MLP's L2 on fashion-mnist only; a CSV run goes through ML.NET's featurization, where it is not wired: use --tuner random, grid or gp");
        }

        if (Tuner == TunerKind.MetaGaussianProcess && TransferFrom is null)
        {
            problems.Add("--tuner meta tunes with a Gaussian-process prior pre-trained on earlier studies of the same --storage: name them with --transfer-from <filter> (study names, patterns such as classification-*, or key=value)");
        }

        if (TransferFrom is not null && EffectiveTuner != TunerKind.MetaGaussianProcess)
        {
            problems.Add($"--transfer-from builds a prior for --tuner meta (the default gp becomes meta with it); got --tuner {TunerNames.NameOf(Tuner)}");
        }

        if (TransferFrom is not null)
        {
            try
            {
                Transfer.StudyFilter.Parse(TransferFrom);
            }
            catch (ArgumentException ex)
            {
                problems.Add("--transfer-from: " + CliErrors.UserMessage(ex).TrimEnd('.'));
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems) + ".");
        }
    }

    public bool IsFashionMnist => string.Equals(Dataset, "fashion-mnist", StringComparison.OrdinalIgnoreCase);

    /// <summary>The study's name: given, or the task and the dataset's file name.</summary>
    public string ResolvedStudyName => StudyName ?? $"{Task.ToString().ToLowerInvariant()}-{(IsFashionMnist ? "fashion-mnist" : Path.GetFileNameWithoutExtension(Dataset))}";

    public string ResolvedOutputDirectory => Path.GetFullPath(OutputDirectory ?? Path.Combine("hypergrad-output", ResolvedStudyName));

    /// <summary>The study's storage: a PostgreSQL URI or connection string as given, or the full path of the SQLite file (default &lt;output&gt;/study.db).</summary>
    public string ResolvedStoragePath => StoragePath is { } given && CliStorage.IsPostgres(given) ? given : Path.GetFullPath(StoragePath ?? Path.Combine(ResolvedOutputDirectory, "study.db"));

    /// <summary>Whether the study lives on a PostgreSQL server (<c>--storage postgres://...</c>).</summary>
    public bool UsesPostgres => CliStorage.IsPostgres(ResolvedStoragePath);

    /// <summary>The storage for messages and reports (a PostgreSQL password masked).</summary>
    public string StorageDescription => CliStorage.Describe(ResolvedStoragePath);

    /// <summary>The storage as the outputs line lists it: the SQLite file's name (and folder when not the output folder), or the masked PostgreSQL URI.</summary>
    public string StorageListing(string outputDirectory) => UsesPostgres
        ? "study " + ResolvedStudyName + " in " + StorageDescription
        : Path.GetFileName(ResolvedStoragePath) + (Path.GetDirectoryName(ResolvedStoragePath) == outputDirectory ? string.Empty : $" in {Path.GetDirectoryName(ResolvedStoragePath)}");
}
