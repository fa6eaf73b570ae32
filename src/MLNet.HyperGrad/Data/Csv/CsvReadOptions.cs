using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>How <see cref="CsvReader"/> reads a CSV file; validated once when reading starts.</summary>
/// <remarks>
/// Numbers are always parsed with the invariant culture (a dot for decimals, no thousands
/// separators), whatever the machine's culture. When a <see cref="TabularSchema"/> is applied, only
/// <see cref="HasHeader"/>, <see cref="Delimiter"/> and <see cref="MissingValuePolicy"/> are used: the
/// label, the feature columns, their encoding and the task come from the schema.
/// </remarks>
public sealed class CsvReadOptions
{
    /// <summary>Gets a value indicating whether the first record names the columns.</summary>
    /// <value>The default is true. Without a header, columns are named <c>col0</c>, <c>col1</c>, … (0-based).</value>
    public bool HasHeader { get; init; } = true;

    /// <summary>Gets the character between fields.</summary>
    /// <value>
    /// The default is a comma. It must be a tab or a printable ASCII character other than a double
    /// quote or <c>#</c> (the characters the Sep parser supports).
    /// </value>
    public char Delimiter { get; init; } = ',';

    /// <summary>Gets the label column: its name, or its 0-based index as text.</summary>
    /// <value>
    /// No default; required to fit a schema. A value that parses as an integer is taken as an index
    /// only when the file has no header or no column has that name.
    /// </value>
    public string? LabelColumn { get; init; }

    /// <summary>Gets the columns to leave out (identifiers, free text): names or 0-based indices as text.</summary>
    /// <value>The default is none. Indices follow the same rule as <see cref="LabelColumn"/>.</value>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];

    /// <summary>Gets what the label means.</summary>
    /// <value>
    /// The default is <see cref="TaskKind.Classification"/>: distinct label strings become classes,
    /// sorted numerically when all are numbers and ordinally otherwise. For
    /// <see cref="TaskKind.Regression"/> every label must be a number.
    /// </value>
    public TaskKind Task { get; init; } = TaskKind.Classification;

    /// <summary>Gets what to do with missing cells.</summary>
    /// <value>The default is <see cref="MissingValuePolicy.Error"/>.</value>
    public MissingValuePolicy MissingValuePolicy { get; init; } = MissingValuePolicy.Error;

    /// <summary>Gets the most distinct values a categorical feature column may have.</summary>
    /// <value>The default is 100; at least 1. A column with more is an error that suggests ignoring it.</value>
    public int MaxCategories { get; init; } = 100;

    /// <summary>Checks every option and reports every failure together.</summary>
    /// <param name="fitting">Whether a schema will be fitted (then a label column is required).</param>
    /// <param name="parameterName">The caller's name for the options, for the exception.</param>
    /// <exception cref="ArgumentException">At least one option is invalid; the message lists all.</exception>
    internal void Validate(bool fitting, string parameterName)
    {
        var failures = new List<string>();
        if (!(Delimiter == '\t' || (Delimiter is >= ' ' and <= '~' and not '"' and not '#')))
        {
            failures.Add($"Delimiter must be a tab or a printable ASCII character other than a double quote or '#'; found U+{(int)Delimiter:X4}");
        }

        if (fitting && string.IsNullOrWhiteSpace(LabelColumn))
        {
            failures.Add("LabelColumn is required: give the label column's name or 0-based index");
        }

        if (IgnoreColumns is null)
        {
            failures.Add("IgnoreColumns must not be null; use an empty list");
        }
        else if (IgnoreColumns.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("IgnoreColumns must not contain null or blank entries");
        }

        if (!Enum.IsDefined(Task))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Task {(int)Task} is not a TaskKind"));
        }

        if (!Enum.IsDefined(MissingValuePolicy))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"MissingValuePolicy {(int)MissingValuePolicy} is not a MissingValuePolicy"));
        }

        if (MaxCategories < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"MaxCategories must be at least 1; found {MaxCategories}"));
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid CSV options: " + string.Join("; ", failures) + ".", parameterName);
        }
    }
}
