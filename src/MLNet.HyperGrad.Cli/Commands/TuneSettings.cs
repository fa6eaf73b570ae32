using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

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

    public TunerKind Tuner { get; init; } = TunerKind.Random;

    public string? StoragePath { get; init; }

    public string? StudyName { get; init; }

    public int Seed { get; init; }

    public string? OutputDirectory { get; init; }

    public int Parallelism { get; init; } = DefaultParallelism;

    /// <summary>The default parallelism: one trial per core, at most 4.</summary>
    public static int DefaultParallelism => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>The most trials at once: 4 per core (more only makes trials fight over the cores).</summary>
    public static int MaxParallelism => 4 * Environment.ProcessorCount;

    public int MaxEpochs { get; init; } = 20;

    public MissingValuePolicy MissingValues { get; init; } = MissingValuePolicy.Impute;

    /// <summary>Gets the cross-validation folds asked for: null chooses by the data's size (<see cref="CrossValidation.FoldsFor"/>), 0 or 1 is a holdout split, k ≥ 2 is k folds.</summary>
    public int? CvFolds { get; init; }

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

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems) + ".");
        }
    }

    public bool IsFashionMnist => string.Equals(Dataset, "fashion-mnist", StringComparison.OrdinalIgnoreCase);

    /// <summary>The study's name: given, or the task and the dataset's file name.</summary>
    public string ResolvedStudyName => StudyName ?? $"{Task.ToString().ToLowerInvariant()}-{(IsFashionMnist ? "fashion-mnist" : Path.GetFileNameWithoutExtension(Dataset))}";

    public string ResolvedOutputDirectory => Path.GetFullPath(OutputDirectory ?? Path.Combine("hypergrad-output", ResolvedStudyName));

    public string ResolvedStoragePath => Path.GetFullPath(StoragePath ?? Path.Combine(ResolvedOutputDirectory, "study.db"));
}
