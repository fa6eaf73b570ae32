using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Data;

/// <summary>
/// Simple meta-features of a data set (rows, columns, classes, class entropy, numeric and categorical columns), stored with a
/// study so that transfer learning can relate it to earlier studies (<see cref="AutoML.HyperGradExperiment.SetStudyMetaFeatures"/>).
/// </summary>
/// <remarks>
/// The "simple" meta-features of the meta-learning literature (Vanschoren, "Meta-learning", in <i>Automated Machine
/// Learning</i>, 2019, table 2.1). They describe a study; unlike its identity (<see cref="AutoML.StudyIdentity"/>) they never
/// stop a study from being resumed. Every value is finite. Keys:
/// <list type="bullet">
/// <item><description><c>rows</c>: the rows tuned on (training and validation together), and <c>log10 rows</c>;</description></item>
/// <item><description><c>features</c>: the encoded features a model sees (a categorical column counts once per category);</description></item>
/// <item><description><c>numeric columns</c> and <c>categorical columns</c>, when the columns are known (a CSV's schema);</description></item>
/// <item><description>for classification, <c>classes</c>, <c>class entropy</c> (bits, of the class frequencies),
/// <c>normalized class entropy</c> (divided by log2 of the classes: 1 when balanced) and <c>majority class share</c>.</description></item>
/// </list>
/// </remarks>
public static class DataMetaFeatures
{
    /// <summary>The prefix of the study attributes that hold meta-features: <c>meta: rows</c>.</summary>
    public const string AttributePrefix = "meta: ";

    /// <summary>The meta-features of in-memory data sets, counted over all of them together (training and validation).</summary>
    /// <param name="datasets">The data; at least one, all of the same task and feature count.</param>
    /// <returns>The meta-features, by key.</returns>
    /// <exception cref="ArgumentException">No data set is given, or they differ in task or feature count.</exception>
    public static IReadOnlyDictionary<string, double> Of(params IReadOnlyList<TabularDataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Count == 0 || datasets.Any(d => d is null))
        {
            throw new ArgumentException($"Expected at least one data set and no null, got {datasets.Count} with {datasets.Count(d => d is null)} null.", nameof(datasets));
        }

        TabularDataset first = datasets[0];
        if (datasets.FirstOrDefault(d => d.Task != first.Task || d.FeatureCount != first.FeatureCount) is { } other)
        {
            throw new ArgumentException($"Expected data sets of one task and feature count ({first.Task}, {first.FeatureCount} features), got one with {other.Task}, {other.FeatureCount} features.", nameof(datasets));
        }

        var features = new Dictionary<string, double>(StringComparer.Ordinal);
        AddRows(features, datasets.Sum(d => d.Rows));
        features["features"] = first.FeatureCount;
        if (first.Task == TaskKind.Classification)
        {
            int classes = datasets.Max(d => d.ClassCount);
            var counts = new long[classes];
            foreach (TabularDataset d in datasets)
            {
                foreach (long label in d.Labels)
                {
                    counts[label]++;
                }
            }

            AddClasses(features, counts);
        }

        return features;
    }

    /// <summary>The meta-features of a CSV read into an <see cref="IDataView"/> of raw columns (<see cref="CsvDataViewReader"/>).</summary>
    /// <param name="schema">The schema fitted on the data: its columns say which are numeric and which categorical.</param>
    /// <param name="data">The rows tuned on, with the label column named by <paramref name="schema"/>; more views (validation rows) may follow.</param>
    /// <returns>The meta-features, by key.</returns>
    /// <exception cref="ArgumentException">A view has no label column of the schema's name, or no row count.</exception>
    public static IReadOnlyDictionary<string, double> Of(TabularSchema schema, params IReadOnlyList<IDataView> data)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(data);
        var features = new Dictionary<string, double>(StringComparer.Ordinal);
        long rows = 0;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (IDataView view in data)
        {
            ArgumentNullException.ThrowIfNull(view, nameof(data));
            if (view.Schema.GetColumnOrNull(schema.LabelColumn) is not { } label)
            {
                throw new ArgumentException($"Expected a label column \"{schema.LabelColumn}\" in every view, got a view with columns {string.Join(", ", view.Schema.Select(c => c.Name))}.", nameof(data));
            }

            if (schema.Task == TaskKind.Classification)
            {
                if (label.Type.RawType != typeof(ReadOnlyMemory<char>))
                {
                    throw new ArgumentException($"Expected the label column \"{schema.LabelColumn}\" to hold text (class names), got {label.Type}.", nameof(data));
                }

                foreach (ReadOnlyMemory<char> value in view.GetColumn<ReadOnlyMemory<char>>(schema.LabelColumn))
                {
                    string name = value.ToString();
                    counts[name] = counts.GetValueOrDefault(name) + 1;
                    rows++;
                }
            }
            else
            {
                rows += view.GetRowCount() ?? view.GetColumn<float>(schema.LabelColumn).LongCount();
            }
        }

        AddRows(features, rows);
        features["columns"] = schema.Columns.Count;
        features["numeric columns"] = schema.Columns.Count(c => c.Kind == ColumnKind.Numeric);
        features["categorical columns"] = schema.Columns.Count(c => c.Kind == ColumnKind.Categorical);
        features["features"] = schema.FeatureCount;
        if (schema.Task == TaskKind.Classification)
        {
            AddClasses(features, [.. schema.ClassNames.Select(c => counts.GetValueOrDefault(c))]);
        }

        return features;
    }

    /// <summary>The study attributes that store meta-features: <see cref="AttributePrefix"/> and the key, the value as round-trip text.</summary>
    /// <param name="metaFeatures">The meta-features; every value finite.</param>
    /// <returns>The attributes.</returns>
    /// <exception cref="ArgumentException">A key is empty or a value is not finite.</exception>
    public static IReadOnlyDictionary<string, string> ToAttributes(IReadOnlyDictionary<string, double> metaFeatures)
    {
        ArgumentNullException.ThrowIfNull(metaFeatures);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, double value) in metaFeatures)
        {
            if (string.IsNullOrWhiteSpace(key) || !double.IsFinite(value))
            {
                throw new ArgumentException($"Expected meta-features with non-empty keys and finite values, got \"{key}\" = {value.ToString("R", CultureInfo.InvariantCulture)}.", nameof(metaFeatures));
            }

            attributes[AttributePrefix + key] = value.ToString("R", CultureInfo.InvariantCulture);
        }

        return attributes;
    }

    /// <summary>The meta-features a study's attributes hold (the inverse of <see cref="ToAttributes"/>); attributes of other kinds and values that are not finite numbers are left out.</summary>
    /// <param name="attributes">A study's attributes.</param>
    /// <returns>The meta-features, by key (without the prefix); empty when the study records none.</returns>
    public static IReadOnlyDictionary<string, double> FromAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var features = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach ((string key, string text) in attributes)
        {
            if (key.StartsWith(AttributePrefix, StringComparison.Ordinal) && key.Length > AttributePrefix.Length
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            {
                features[key[AttributePrefix.Length..]] = value;
            }
        }

        return features;
    }

    private static void AddRows(Dictionary<string, double> features, long rows)
    {
        features["rows"] = rows;
        features["log10 rows"] = rows > 0 ? Math.Log10(rows) : 0;
    }

    private static void AddClasses(Dictionary<string, double> features, long[] counts)
    {
        long total = counts.Sum();
        double entropy = 0;
        foreach (long count in counts.Where(c => c > 0))
        {
            double p = (double)count / total;
            entropy -= p * Math.Log2(p);
        }

        features["classes"] = counts.Length;
        features["class entropy"] = entropy;
        features["normalized class entropy"] = counts.Length > 1 ? entropy / Math.Log2(counts.Length) : 0;
        features["majority class share"] = total > 0 ? (double)counts.Max() / total : 0;
    }
}
