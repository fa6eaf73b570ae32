using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MLNet.HyperGrad.IO;

namespace MLNet.HyperGrad.Outputs;

/// <summary>
/// What a tuning run on a CSV was asked to do, saved as <c>hypergrad.config.json</c> in its output folder so that
/// <c>hypergrad run &lt;config&gt;</c> runs it again, as ML.NET Model Builder's <c>.mbconfig</c> does: with the
/// study still in its storage the run resumes it; without it, the run tunes and trains from the start.
/// </summary>
/// <remarks>
/// Paths are stored as given when the run started, made absolute, so the config works from any folder.
/// <see cref="Columns"/> records the data's columns as the run saw them; a later run reads the data again and
/// the study's identity check refuses data that changed.
/// </remarks>
public sealed record RunConfig
{
    /// <summary>The file name in the output folder: <c>hypergrad.config.json</c>.</summary>
    public const string FileName = "hypergrad.config.json";

    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Gets the format version, <see cref="CurrentVersion"/>.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Gets the task: <c>classification</c> or <c>regression</c>.</summary>
    public required string Task { get; init; }

    /// <summary>Gets the training data: a CSV file's absolute path.</summary>
    public required string Dataset { get; init; }

    /// <summary>Gets a value indicating whether the CSV's first line names its columns.</summary>
    /// <value>The default is true.</value>
    public bool HasHeader { get; init; } = true;

    /// <summary>Gets the label column's name.</summary>
    public required string LabelColumn { get; init; }

    /// <summary>Gets the columns left out.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];

    /// <summary>Gets the columns the run used, label included, with their kinds.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<RunConfigColumn> Columns { get; init; } = [];

    /// <summary>Gets what missing cells do: <c>Error</c>, <c>DropRow</c> or <c>Impute</c>.</summary>
    /// <value>The default is <c>Impute</c>.</value>
    public string MissingValues { get; init; } = "Impute";

    /// <summary>Gets the validation CSV's absolute path, or null for a split of <see cref="Dataset"/>.</summary>
    public string? ValidationDataset { get; init; }

    /// <summary>Gets the test CSV's absolute path, or null.</summary>
    public string? TestDataset { get; init; }

    /// <summary>Gets the trainers the study chooses among (<c>mlp</c>, <c>lightgbm</c>, …).</summary>
    /// <value>The default is none, which means every trainer that suits the task.</value>
    public IReadOnlyList<string> Trainers { get; init; } = [];

    /// <summary>Gets the metric the study optimizes, or null for the task's default.</summary>
    public string? Metric { get; init; }

    /// <summary>Gets the seconds each run may tune for.</summary>
    /// <value>The default is 120.</value>
    public uint TrainTimeSeconds { get; init; } = 120;

    /// <summary>Gets the most trials in the whole study, or null for no limit.</summary>
    public int? MaxTrials { get; init; }

    /// <summary>Gets the tuner's name: a <see cref="AutoML.TunerKind"/> name, or the CLI's <c>--tuner</c> name.</summary>
    /// <value>The default is <c>GaussianProcess</c>, the CLI's default (<c>--tuner gp</c>), for a config written by hand without it.</value>
    public string Tuner { get; init; } = "GaussianProcess";

    /// <summary>Gets the filter of the earlier studies whose trials form the transfer prior (<c>--transfer-from</c>), or null for none.</summary>
    public string? TransferFrom { get; init; }

    /// <summary>Gets the study's seed.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }

    /// <summary>Gets the study's name.</summary>
    public required string Study { get; init; }

    /// <summary>Gets the study's SQLite file, an absolute path.</summary>
    public required string Storage { get; init; }

    /// <summary>Gets the output folder, an absolute path.</summary>
    public required string Output { get; init; }

    /// <summary>Gets the trials run at once.</summary>
    /// <value>The default is 1.</value>
    public int Parallelism { get; init; } = 1;

    /// <summary>Gets the most epochs an MLP trial may train.</summary>
    /// <value>The default is 20.</value>
    public int MaxEpochs { get; init; } = 20;

    /// <summary>Gets the cross-validation folds asked for, or null to choose by the data's size.</summary>
    public int? CvFolds { get; init; }

    /// <summary>Gets the folder that holds the MLNet.HyperGrad package for the generated consumer project, an absolute path.</summary>
    public string? PackageSource { get; init; }

    /// <summary>Serializes the config (camelCase JSON).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes the config to a file, replacing it whole (a failure leaves the previous file).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file could not be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Reads a config written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The config.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The file is not a config of this version; the message names the file, the line and what was expected.</exception>
    public static RunConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no config file \"{path}\" (hypergrad writes one as <output>/{FileName}).", path);
        }

        RunConfig config;
        try
        {
            config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), JsonOptions)
                ?? throw new ArgumentException($"{path}: expected a config JSON object, found null.");
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? string.Create(CultureInfo.InvariantCulture, $" line {line + 1}") : string.Empty;
            string property = e.Path is { Length: > 0 } p ? $" at {p}" : string.Empty;
            throw new ArgumentException($"{path}{where}{property}: not a hypergrad config ({e.Message})", e);
        }

        if (config.Version != CurrentVersion)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{path}: config version {config.Version} is not supported; expected {CurrentVersion}."));
        }

        return config;
    }
}
