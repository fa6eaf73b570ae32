using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// The encoding fitted on a training CSV file: the label, the feature columns with their one-hot
/// vocabularies and imputation values, and the classes. Applying it to another file (validation,
/// test, prediction) encodes that file exactly as the training file was encoded.
/// </summary>
/// <remarks>
/// Immutable, and round-trips through <see cref="ToJson"/> and <see cref="FromJson"/> so that a
/// saved model re-applies it at prediction time. Features are laid out column by column in
/// <see cref="Columns"/> order.
/// </remarks>
public sealed class TabularSchema
{
    /// <summary>The version <see cref="ToJson"/> writes and <see cref="FromJson"/> accepts.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly SchemaColumn[] columns;
    private readonly string[] classNames;
    private readonly ReadOnlyCollection<string> featureNames;

    /// <summary>Creates a schema.</summary>
    /// <param name="version">The format version; must be <see cref="CurrentVersion"/>.</param>
    /// <param name="task">What the label means.</param>
    /// <param name="labelColumn">The label column's name.</param>
    /// <param name="labelIndex">The label column's 0-based position in the fitted file.</param>
    /// <param name="classNames">For classification, the class names indexed by class index (at least one); empty for regression.</param>
    /// <param name="columns">The feature columns, in feature order; at least one, distinct names and positions, none the label.</param>
    /// <exception cref="ArgumentException">The parts are inconsistent.</exception>
    [JsonConstructor]
    public TabularSchema(int version, TaskKind task, string labelColumn, int labelIndex, IReadOnlyList<string>? classNames, IReadOnlyList<SchemaColumn> columns)
    {
        if (version != CurrentVersion)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Schema version {version} is not supported; expected {CurrentVersion}."), nameof(version));
        }

        ArgumentException.ThrowIfNullOrEmpty(labelColumn);
        ArgumentOutOfRangeException.ThrowIfNegative(labelIndex);
        ArgumentNullException.ThrowIfNull(columns);
        string[] classes = classNames is null ? [] : [.. classNames];
        if (task == TaskKind.Classification && (classes.Length == 0 || classes.Any(c => c is null) || classes.Distinct(StringComparer.Ordinal).Count() != classes.Length))
        {
            throw new ArgumentException("A classification schema needs at least one class name, all distinct and non-null.", nameof(classNames));
        }

        if (task == TaskKind.Regression && classes.Length != 0)
        {
            throw new ArgumentException("A regression schema has no class names.", nameof(classNames));
        }

        if (!Enum.IsDefined(task))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task {(int)task} is not a TaskKind."), nameof(task));
        }

        SchemaColumn[] cols = [.. columns];
        if (cols.Length == 0 || cols.Any(c => c is null))
        {
            throw new ArgumentException("A schema needs at least one feature column, none null.", nameof(columns));
        }

        if (cols.Select(c => c.Name).Append(labelColumn).Distinct(StringComparer.Ordinal).Count() != cols.Length + 1 ||
            cols.Select(c => c.SourceIndex).Append(labelIndex).Distinct().Count() != cols.Length + 1)
        {
            throw new ArgumentException("Feature columns and the label must have distinct names and positions.", nameof(columns));
        }

        Version = version;
        Task = task;
        LabelColumn = labelColumn;
        LabelIndex = labelIndex;
        this.classNames = classes;
        this.columns = cols;
        featureNames = Array.AsReadOnly(cols.SelectMany(c => c.FeatureNames).ToArray());
    }

    /// <summary>Gets the format version, <see cref="CurrentVersion"/>.</summary>
    public int Version { get; }

    /// <summary>Gets what the label means.</summary>
    public TaskKind Task { get; }

    /// <summary>Gets the label column's name.</summary>
    public string LabelColumn { get; }

    /// <summary>Gets the label column's 0-based position in the fitted file; used to find it in a file without a header.</summary>
    public int LabelIndex { get; }

    /// <summary>Gets the class names indexed by class index; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames => Array.AsReadOnly(classNames);

    /// <summary>Gets the feature columns, in feature order.</summary>
    public IReadOnlyList<SchemaColumn> Columns => Array.AsReadOnly(columns);

    /// <summary>Gets the name of every encoded feature, in order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> FeatureNames => featureNames;

    /// <summary>Gets the number of encoded features.</summary>
    [JsonIgnore]
    public int FeatureCount => featureNames.Count;

    /// <summary>Serializes the schema to JSON (enums as names).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a schema written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="DatasetFormatException">The text is not valid JSON or describes an inconsistent schema.</exception>
    public static TabularSchema FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<TabularSchema>(json, JsonOptions)
                ?? throw new DatasetFormatException("expected a schema JSON object, found null");
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new DatasetFormatException($"invalid schema JSON: {e.Message}", e);
        }
    }
}
