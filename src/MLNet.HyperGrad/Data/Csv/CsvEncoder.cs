using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Applies a fitted <see cref="TabularSchema"/> to a CSV file as it streams, one record at a time.</summary>
internal static class CsvEncoder
{
    public static CsvDataset Encode(CsvRowReader reader, TabularSchema schema, MissingValuePolicy policy)
    {
        CsvHeader header = reader.Header;
        int label = header.Locate(schema.LabelColumn, schema.LabelIndex, "label column");
        int[] sources = [.. schema.Columns.Select(c => header.Locate(c.Name, c.SourceIndex, "feature column"))];
        var encoder = new CsvRowEncoder(header, schema.Columns, sources, policy);
        Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> classes = schema.ClassNames
            .Select((v, i) => (v, i))
            .ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        bool classification = schema.Task == TaskKind.Classification;
        var features = new RowBuffer<float>(schema.FeatureCount, reader.RecordsUpperBound, header.Path);
        var labels = new RowBuffer<long>(1, classification ? reader.RecordsUpperBound : 0, header.Path);
        var targets = new RowBuffer<float>(1, classification ? 0 : reader.RecordsUpperBound, header.Path);
        int dropped = 0;
        while (reader.MoveNext())
        {
            if (!Keep(encoder, reader, features, ref dropped))
            {
                continue;
            }

            ReadOnlySpan<char> cell = reader.Cell(label);
            if (CsvCells.IsMissing(cell))
            {
                if (policy == MissingValuePolicy.Error)
                {
                    throw header.MissingValue(reader.Line, label, cell);
                }

                features.RemoveLast();
                dropped++;
                continue;
            }

            if (classification)
            {
                labels.Append()[0] = classes.TryGetValue(cell, out int c) ? c : throw UnknownClass(reader, label, cell, schema.ClassNames);
            }
            else
            {
                targets.Append()[0] = CsvCells.TryParseNumber(cell, out double t) ? (float)t : throw header.NotANumber(reader.Line, label, cell);
            }
        }

        EnsureRows(reader, features.Rows, dropped);
        string[] names = [.. schema.FeatureNames];
        TabularDataset dataset = classification
            ? TabularDataset.OwnClassification(features.Items, labels.ToArray(), names, [.. schema.ClassNames])
            : TabularDataset.OwnRegression(features.Items, targets.ToArray(), names);
        return new CsvDataset(dataset, schema, dropped);
    }

    /// <summary>Encodes the features of every record, never reading the label column (which may be absent).</summary>
    /// <param name="reader">The open file.</param>
    /// <param name="schema">The fitted schema.</param>
    /// <param name="policy">What to do with a missing feature.</param>
    /// <param name="labelColumnPresent">Without a header: whether the label still holds its fitted position.</param>
    public static CsvFeatures EncodeFeatures(CsvRowReader reader, TabularSchema schema, MissingValuePolicy policy, bool labelColumnPresent)
    {
        CsvHeader header = reader.Header;
        bool shifted = !header.HasHeader && !labelColumnPresent;
        int[] sources = [.. schema.Columns.Select(c => header.Locate(c.Name, shifted && c.SourceIndex > schema.LabelIndex ? c.SourceIndex - 1 : c.SourceIndex, "feature column"))];
        var encoder = new CsvRowEncoder(header, schema.Columns, sources, policy);
        var features = new RowBuffer<float>(schema.FeatureCount, reader.RecordsUpperBound, header.Path);
        var lines = new RowBuffer<int>(1, reader.RecordsUpperBound, header.Path);
        int dropped = 0;
        while (reader.MoveNext())
        {
            if (Keep(encoder, reader, features, ref dropped))
            {
                lines.Append()[0] = reader.Line;
            }
        }

        EnsureRows(reader, features.Rows, dropped);
        return new CsvFeatures(header.Path, schema, features.Items, lines.ToArray(), dropped);
    }

    /// <summary>Encodes the current record's features as a new row, or counts it dropped for a missing value.</summary>
    private static bool Keep(CsvRowEncoder encoder, CsvRowReader reader, RowBuffer<float> features, ref int dropped)
    {
        if (encoder.Encode(reader, features.Append()))
        {
            return true;
        }

        features.RemoveLast();
        dropped++;
        return false;
    }

    private static void EnsureRows(CsvRowReader reader, int rows, int dropped)
    {
        if (reader.DataRecords == 0)
        {
            throw reader.NoDataRows();
        }

        if (rows == 0)
        {
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected at least one data row, found none left after dropping {dropped} rows with missing values"),
                reader.Header.Path, null, null, null);
        }
    }

    private static DatasetFormatException UnknownClass(CsvRowReader reader, int column, ReadOnlySpan<char> cell, IReadOnlyList<string> classes) =>
        new(
            $"expected one of the training classes {string.Join(", ", classes.Take(20).Select(c => "\"" + c + "\""))}{(classes.Count > 20 ? ", …" : string.Empty)}, found \"{CsvCells.Excerpt(cell)}\"",
            reader.Header.Path, reader.Line, reader.Header.ColumnNames[column], cell.ToString());
}
