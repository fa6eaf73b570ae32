using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Applies a <see cref="TabularSchema"/> to a CSV table, producing a <see cref="TabularDataset"/>.</summary>
internal static class CsvEncoder
{
    public static CsvDataset Encode(CsvTable table, TabularSchema schema, MissingValuePolicy policy)
    {
        int label = Locate(table, schema.LabelColumn, schema.LabelIndex, "label column");
        IReadOnlyList<SchemaColumn> columns = schema.Columns;
        int[] sources = [.. columns.Select(c => Locate(table, c.Name, c.SourceIndex, "feature column"))];
        Dictionary<string, int>[] vocabularies = Vocabularies(columns);
        var classes = schema.ClassNames.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => (long)p.i, StringComparer.Ordinal);

        int d = schema.FeatureCount;
        var features = new List<float>(table.Records.Count * d);
        var labels = new List<long>(table.Records.Count);
        var targets = new List<float>(table.Records.Count);
        float[] row = new float[d];
        int dropped = 0;
        foreach (CsvRecord record in table.Records)
        {
            if (!EncodeRow(table, record, columns, sources, vocabularies, policy, row))
            {
                dropped++;
                continue;
            }

            string cell = record.Fields[label].Trim();
            if (CsvCells.IsMissing(cell))
            {
                if (policy == MissingValuePolicy.Error)
                {
                    throw MissingError(table, record, label);
                }

                dropped++;
                continue;
            }

            if (schema.Task == TaskKind.Classification)
            {
                labels.Add(classes.TryGetValue(cell, out long c) ? c : throw UnknownClass(table, record, label, cell, schema.ClassNames));
            }
            else
            {
                targets.Add(CsvCells.TryParseNumber(cell, out double t) ? (float)t : throw NotANumber(table, record, label, cell));
            }

            features.AddRange(row);
        }

        if (labels.Count + targets.Count == 0)
        {
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected at least one data row, found none left after dropping {dropped} rows with missing values"),
                table.Path, null, null, null);
        }

        string[] names = [.. schema.FeatureNames];
        TabularDataset dataset = schema.Task == TaskKind.Classification
            ? TabularDataset.OwnClassification([.. features], [.. labels], names, [.. schema.ClassNames])
            : TabularDataset.OwnRegression([.. features], [.. targets], names);
        return new CsvDataset(dataset, schema, dropped);
    }

    /// <summary>Encodes the features of every row, never reading the label column (which may be absent).</summary>
    /// <param name="table">The table.</param>
    /// <param name="schema">The fitted schema.</param>
    /// <param name="policy">What to do with a missing feature.</param>
    /// <param name="labelColumnPresent">Without a header: whether the label still holds its fitted position.</param>
    public static CsvFeatures EncodeFeatures(CsvTable table, TabularSchema schema, MissingValuePolicy policy, bool labelColumnPresent)
    {
        IReadOnlyList<SchemaColumn> columns = schema.Columns;
        bool shifted = !table.HasHeader && !labelColumnPresent;
        int[] sources = [.. columns.Select(c => Locate(table, c.Name, shifted && c.SourceIndex > schema.LabelIndex ? c.SourceIndex - 1 : c.SourceIndex, "feature column"))];
        Dictionary<string, int>[] vocabularies = Vocabularies(columns);

        int d = schema.FeatureCount;
        var features = new List<float>(table.Records.Count * d);
        var lines = new List<int>(table.Records.Count);
        float[] row = new float[d];
        int dropped = 0;
        foreach (CsvRecord record in table.Records)
        {
            if (!EncodeRow(table, record, columns, sources, vocabularies, policy, row))
            {
                dropped++;
                continue;
            }

            features.AddRange(row);
            lines.Add(record.Line);
        }

        if (lines.Count == 0)
        {
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected at least one data row, found none left after dropping {dropped} rows with missing values"),
                table.Path, null, null, null);
        }

        return new CsvFeatures(table.Path, schema, [.. features], [.. lines], dropped);
    }

    public static DatasetFormatException MissingError(CsvTable table, CsvRecord record, int column) =>
        new(
            $"expected a value, found the missing value \"{record.Fields[column]}\"; choose MissingValuePolicy.DropRow or MissingValuePolicy.Impute to accept missing values",
            table.Path, record.Line, table.ColumnNames[column], record.Fields[column]);

    /// <summary>Encodes one row's features into <paramref name="row"/>.</summary>
    /// <returns>False when the row is dropped for a missing value.</returns>
    private static bool EncodeRow(
        CsvTable table, CsvRecord record, IReadOnlyList<SchemaColumn> columns, int[] sources, Dictionary<string, int>[] vocabularies, MissingValuePolicy policy, float[] row)
    {
        Array.Clear(row);
        int offset = 0;
        for (int k = 0; k < columns.Count; k++)
        {
            SchemaColumn column = columns[k];
            string cell = record.Fields[sources[k]].Trim();
            if (CsvCells.IsMissing(cell))
            {
                switch (policy)
                {
                    case MissingValuePolicy.Error:
                        throw MissingError(table, record, sources[k]);
                    case MissingValuePolicy.DropRow:
                        return false;
                    default:
                        if (column.Kind == ColumnKind.Numeric)
                        {
                            row[offset] = (float)column.ImputeNumber;
                            offset += 1;
                            continue;
                        }

                        cell = column.ImputeCategory!;
                        break;
                }
            }

            if (column.Kind == ColumnKind.Numeric)
            {
                row[offset] = CsvCells.TryParseNumber(cell, out double v) ? (float)v : throw NotANumber(table, record, sources[k], cell);
            }
            else if (vocabularies[k].TryGetValue(cell, out int category))
            {
                // An unseen category leaves every one-hot feature of the column at 0.
                row[offset + category] = 1;
            }

            offset += column.Width;
        }

        return true;
    }

    private static Dictionary<string, int>[] Vocabularies(IReadOnlyList<SchemaColumn> columns) =>
        [.. columns.Select(c => c.Categories.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal))];

    private static int Locate(CsvTable table, string name, int sourceIndex, string role)
    {
        int index = table.HasHeader ? Array.IndexOf(table.ColumnNames, name) : (sourceIndex < table.ColumnNames.Length ? sourceIndex : -1);
        if (index < 0)
        {
            string wanted = table.HasHeader ? $"\"{name}\"" : string.Create(CultureInfo.InvariantCulture, $"\"{name}\" at 0-based position {sourceIndex}");
            throw new DatasetFormatException(
                $"the schema's {role} {wanted} is missing: expected it among the columns {table.ListColumns()}",
                table.Path, null, name, null);
        }

        return index;
    }

    private static DatasetFormatException NotANumber(CsvTable table, CsvRecord record, int column, string cell) =>
        new($"expected a number, found \"{CsvCells.Excerpt(cell)}\"", table.Path, record.Line, table.ColumnNames[column], cell);

    private static DatasetFormatException UnknownClass(CsvTable table, CsvRecord record, int column, string cell, IReadOnlyList<string> classes) =>
        new(
            $"expected one of the training classes {string.Join(", ", classes.Take(20).Select(c => "\"" + c + "\""))}{(classes.Count > 20 ? ", …" : string.Empty)}, found \"{CsvCells.Excerpt(cell)}\"",
            table.Path, record.Line, table.ColumnNames[column], cell);
}
