using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Outputs;

/// <summary>What the outputs of a tuning run say about it beyond its study: the task, the data and the tuner.</summary>
public sealed record StudyOutputOptions
{
    /// <summary>Gets the task; it names the metric (<see cref="TaskMetric"/>) and the learning curve.</summary>
    public required TaskKind Task { get; init; }

    /// <summary>Gets the tuner's name, shown in the report.</summary>
    /// <value>The default is empty.</value>
    public string Tuner { get; init; } = string.Empty;

    /// <summary>Gets the study's seed, shown in the report.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }

    /// <summary>Gets where the study is stored (a file path), shown in the report, or null.</summary>
    public string? StoragePath { get; init; }

    /// <summary>Gets a one-line description of the data (<c>data.csv (569 rows, 30 features, label "target")</c>), or null.</summary>
    public string? DataDescription { get; init; }

    /// <summary>Gets the number of training rows, or null when unknown.</summary>
    public int? TrainRows { get; init; }

    /// <summary>Gets the number of validation rows, or null when unknown.</summary>
    public int? ValidationRows { get; init; }
}
