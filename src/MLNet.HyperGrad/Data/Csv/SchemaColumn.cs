using System.Globalization;
using System.Text.Json.Serialization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>How one CSV feature column is encoded: part of a <see cref="TabularSchema"/>.</summary>
/// <remarks>
/// A numeric column gives one feature named after the column. A categorical column gives one
/// feature per category, named <c>column=category</c>, holding 1 for the row's category and 0
/// elsewhere; a category unseen when the schema was fitted gives all zeros.
/// </remarks>
public sealed class SchemaColumn
{
    private readonly string[] categories;

    /// <summary>Creates a column encoding.</summary>
    /// <param name="name">The column's name in the header (or <c>colN</c> without one).</param>
    /// <param name="sourceIndex">The column's 0-based position in the fitted file.</param>
    /// <param name="kind">Numeric or categorical.</param>
    /// <param name="categories">For a categorical column, its distinct values in ordinal order; empty for numeric.</param>
    /// <param name="imputeNumber">For a numeric column, the training mean used to fill missing cells; 0 for categorical.</param>
    /// <param name="imputeCategory">For a categorical column, the most frequent training category; null for numeric.</param>
    /// <exception cref="ArgumentException">The values are inconsistent with <paramref name="kind"/>.</exception>
    [JsonConstructor]
    public SchemaColumn(string name, int sourceIndex, ColumnKind kind, IReadOnlyList<string>? categories, double imputeNumber, string? imputeCategory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceIndex);
        string[] cats = categories is null ? [] : [.. categories];
        switch (kind)
        {
            case ColumnKind.Numeric:
                if (cats.Length != 0 || imputeCategory is not null || !double.IsFinite(imputeNumber))
                {
                    throw new ArgumentException($"Numeric column \"{name}\" must have no categories, no impute category and a finite impute number.", nameof(kind));
                }

                break;
            case ColumnKind.Categorical:
                if (cats.Length == 0 || cats.Distinct(StringComparer.Ordinal).Count() != cats.Length || cats.Any(c => c is null))
                {
                    throw new ArgumentException($"Categorical column \"{name}\" needs at least one category, all distinct and non-null.", nameof(categories));
                }

                if (imputeCategory is null || !cats.Contains(imputeCategory, StringComparer.Ordinal))
                {
                    throw new ArgumentException($"Categorical column \"{name}\" must impute one of its categories; found \"{imputeCategory}\".", nameof(imputeCategory));
                }

                break;
            default:
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Column kind {(int)kind} is not a ColumnKind."), nameof(kind));
        }

        Name = name;
        SourceIndex = sourceIndex;
        Kind = kind;
        this.categories = cats;
        ImputeNumber = imputeNumber;
        ImputeCategory = imputeCategory;
    }

    /// <summary>Gets the column's name in the header (or <c>colN</c> without one).</summary>
    public string Name { get; }

    /// <summary>Gets the column's 0-based position in the fitted file; used to find it in a file without a header.</summary>
    public int SourceIndex { get; }

    /// <summary>Gets how the column is encoded.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Gets the categories of a categorical column in one-hot order; empty for numeric.</summary>
    public IReadOnlyList<string> Categories => Array.AsReadOnly(categories);

    /// <summary>Gets the training mean that fills a missing cell of a numeric column; 0 for categorical.</summary>
    public double ImputeNumber { get; }

    /// <summary>Gets the most frequent training category that fills a missing cell of a categorical column; null for numeric.</summary>
    public string? ImputeCategory { get; }

    /// <summary>Gets the number of features the column encodes to: 1 for numeric, one per category otherwise.</summary>
    [JsonIgnore]
    public int Width => Kind == ColumnKind.Numeric ? 1 : categories.Length;

    /// <summary>Gets the names of the features the column encodes to.</summary>
    [JsonIgnore]
    public IEnumerable<string> FeatureNames => Kind == ColumnKind.Numeric ? [Name] : categories.Select(c => Name + "=" + c);
}
