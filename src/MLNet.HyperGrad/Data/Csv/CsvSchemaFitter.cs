using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Fits a <see cref="TabularSchema"/> on a training CSV table.</summary>
internal static class CsvSchemaFitter
{
    public static TabularSchema Fit(CsvTable table, CsvReadOptions options)
    {
        int label = table.Resolve(options.LabelColumn!, "label column");
        var ignored = new HashSet<int>(options.IgnoreColumns.Select(c => table.Resolve(c, "ignored column")));
        if (ignored.Contains(label))
        {
            throw new ArgumentException($"The label column \"{table.ColumnNames[label]}\" cannot also be ignored.", nameof(options));
        }

        int[] features = [.. Enumerable.Range(0, table.ColumnNames.Length).Where(c => c != label && !ignored.Contains(c))];
        if (features.Length == 0)
        {
            throw new DatasetFormatException(
                $"expected at least one feature column besides the label \"{table.ColumnNames[label]}\" and the ignored columns, found none among {table.ListColumns()}",
                table.Path, null, null, null);
        }

        List<CsvRecord> rows = TrainingRows(table, label, features, options.MissingValuePolicy);
        if (rows.Count == 0)
        {
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected at least one row without missing values to fit on, found none of {table.Records.Count}"),
                table.Path, null, null, null);
        }

        SchemaColumn[] columns = [.. features.Select(c => FitColumn(table, rows, c, options.MaxCategories))];
        string[] classes = options.Task == TaskKind.Classification ? FitClasses(table, rows, label) : [];
        return new TabularSchema(TabularSchema.CurrentVersion, options.Task, table.ColumnNames[label], label, classes, columns);
    }

    /// <summary>The rows the encoding is fitted on: those the encoder will keep.</summary>
    private static List<CsvRecord> TrainingRows(CsvTable table, int label, int[] features, MissingValuePolicy policy)
    {
        var rows = new List<CsvRecord>(table.Records.Count);
        foreach (CsvRecord record in table.Records)
        {
            bool labelMissing = CsvCells.IsMissing(record.Fields[label]);
            int missingFeature = Array.FindIndex(features, c => CsvCells.IsMissing(record.Fields[c]));
            if (policy == MissingValuePolicy.Error && (labelMissing || missingFeature >= 0))
            {
                int column = labelMissing && (missingFeature < 0 || label < features[missingFeature]) ? label : features[missingFeature];
                throw CsvEncoder.MissingError(table, record, column);
            }

            bool drop = labelMissing || (policy == MissingValuePolicy.DropRow && missingFeature >= 0);
            if (!drop)
            {
                rows.Add(record);
            }
        }

        return rows;
    }

    private static SchemaColumn FitColumn(CsvTable table, List<CsvRecord> rows, int column, int maxCategories)
    {
        string name = table.ColumnNames[column];
        var values = new List<(string Cell, int Line)>(rows.Count);
        foreach (CsvRecord record in rows)
        {
            string cell = record.Fields[column].Trim();
            if (!CsvCells.IsMissing(cell))
            {
                values.Add((cell, record.Line));
            }
        }

        if (values.Count == 0)
        {
            throw new DatasetFormatException(
                $"expected at least one value, found every cell missing; leave the column out with --ignore-cols \"{name}\" (CsvReadOptions.IgnoreColumns)",
                table.Path, null, name, null);
        }

        double sum = 0;
        bool numeric = true;
        foreach ((string cell, _) in values)
        {
            if (!CsvCells.TryParseNumber(cell, out double v))
            {
                numeric = false;
                break;
            }

            sum += v;
        }

        return numeric
            ? new SchemaColumn(name, column, ColumnKind.Numeric, [], sum / values.Count, null)
            : FitCategorical(table, name, column, values, maxCategories);
    }

    private static SchemaColumn FitCategorical(CsvTable table, string name, int column, List<(string Cell, int Line)> values, int maxCategories)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string cell, int line) in values)
        {
            if (!counts.TryGetValue(cell, out int n) && counts.Count == maxCategories)
            {
                int distinct = values.Select(v => v.Cell).Distinct(StringComparer.Ordinal).Count();
                throw new DatasetFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"expected at most {maxCategories} categories (MaxCategories) in a non-numeric column, found {distinct}, the first extra being \"{CsvCells.Excerpt(cell)}\"; if the column is an identifier or free text leave it out with --ignore-cols \"{name}\" (CsvReadOptions.IgnoreColumns), otherwise raise MaxCategories"),
                    table.Path, line, name, cell);
            }

            counts[cell] = n + 1;
        }

        string[] categories = [.. counts.Keys.Order(StringComparer.Ordinal)];
        string mostFrequent = categories.OrderByDescending(c => counts[c]).ThenBy(c => c, StringComparer.Ordinal).First();
        return new SchemaColumn(name, column, ColumnKind.Categorical, categories, 0, mostFrequent);
    }

    private static string[] FitClasses(CsvTable table, List<CsvRecord> rows, int label)
    {
        string[] distinct = [.. rows.Select(r => r.Fields[label].Trim()).Distinct(StringComparer.Ordinal)];
        double[] numbers = new double[distinct.Length];
        bool numeric = true;
        for (int i = 0; i < distinct.Length && numeric; i++)
        {
            numeric = CsvCells.TryParseNumber(distinct[i], out numbers[i]);
        }

        string[] sorted = numeric
            ? [.. distinct.Select((s, i) => (s, numbers[i])).OrderBy(p => p.Item2).ThenBy(p => p.s, StringComparer.Ordinal).Select(p => p.s)]
            : [.. distinct.Order(StringComparer.Ordinal)];
        if (sorted.Length < 2)
        {
            throw new DatasetFormatException(
                $"expected at least two classes in the label column for classification, found only \"{sorted[0]}\"",
                table.Path, null, table.ColumnNames[label], sorted[0]);
        }

        return sorted;
    }
}
