namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Encodes the rows of a <see cref="CsvScan"/> with the schema fitted on it.</summary>
internal static class CsvScanEncoder
{
    /// <summary>Encodes every kept row.</summary>
    /// <param name="scan">The scanned file; its buffer becomes the dataset's when every feature column is numeric.</param>
    /// <param name="schema">The schema fitted on <paramref name="scan"/>.</param>
    /// <param name="classIndices">Every row's class index (classification); null for regression.</param>
    /// <remarks>
    /// A numeric cell that is missing gets the column's training mean, a categorical one the most
    /// frequent training category; a category the schema does not hold (seen only in validation
    /// rows) encodes as all zeros. Cells that are not numbers in numeric columns must have been
    /// reported before.
    /// </remarks>
    public static TabularDataset Encode(CsvScan scan, TabularSchema schema, long[]? classIndices)
    {
        IReadOnlyList<SchemaColumn> columns = schema.Columns;
        float[] features = columns.All(c => c.Kind == ColumnKind.Numeric) ? ImputeInPlace(scan, columns) : Expand(scan, columns, schema.FeatureCount);
        string[] names = [.. schema.FeatureNames];
        return classIndices is not null
            ? TabularDataset.OwnClassification(features, classIndices, names, [.. schema.ClassNames])
            : TabularDataset.OwnRegression(features, scan.Targets!.ToArray(), names);
    }

    /// <summary>Every column numeric: the scanned values are the features once missing cells are filled.</summary>
    private static float[] ImputeInPlace(CsvScan scan, IReadOnlyList<SchemaColumn> columns)
    {
        if (scan.MissingCells > 0)
        {
            float[] means = [.. columns.Select(c => (float)c.ImputeNumber)];
            for (int r = 0; r < scan.Rows; r++)
            {
                Span<float> row = scan.Values.Row(r);
                for (int k = 0; k < row.Length; k++)
                {
                    if (float.IsNaN(row[k]))
                    {
                        row[k] = means[k];
                    }
                }
            }
        }

        return scan.Values.Items;
    }

    private static float[] Expand(CsvScan scan, IReadOnlyList<SchemaColumn> columns, int featureCount)
    {
        int rows = scan.Rows;
        int width = columns.Count;
        ReadOnlySpan<float> values = scan.Values.Written;
        float[] features = new float[(long)rows * featureCount];
        int offset = 0;
        for (int k = 0; k < width; k++)
        {
            SchemaColumn column = columns[k];
            if (column.Kind == ColumnKind.Numeric)
            {
                float mean = (float)column.ImputeNumber;
                for (int r = 0; r < rows; r++)
                {
                    float v = values[(r * width) + k];
                    features[((long)r * featureCount) + offset] = float.IsNaN(v) ? mean : v;
                }
            }
            else
            {
                int[] index = CategoryIndices(scan.Categories[k], column);
                int impute = Array.IndexOf([.. column.Categories], column.ImputeCategory);
                for (int r = 0; r < rows; r++)
                {
                    int code = scan.Categories[k].Code(r);
                    int category = code < 0 ? impute : index[code];
                    if (category >= 0)
                    {
                        features[((long)r * featureCount) + offset + category] = 1;
                    }
                }
            }

            offset += column.Width;
        }

        return features;
    }

    /// <summary>Maps each scanned code to its one-hot position in the schema, or -1 for a category it lacks.</summary>
    private static int[] CategoryIndices(CategoryTracker tracker, SchemaColumn column)
    {
        var positions = column.Categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return [.. tracker.Values.Select(v => positions.TryGetValue(v, out int i) ? i : -1)];
    }
}
