namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Encodes the feature cells of one CSV record with a fitted <see cref="TabularSchema"/>.</summary>
internal sealed class CsvRowEncoder
{
    private readonly CsvHeader header;
    private readonly SchemaColumn[] columns;
    private readonly int[] sources;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>>[] vocabularies;
    private readonly MissingValuePolicy policy;

    /// <param name="header">The file's columns.</param>
    /// <param name="columns">The schema's feature columns.</param>
    /// <param name="sources">Where each feature column is in the file.</param>
    /// <param name="policy">What to do with a missing cell.</param>
    public CsvRowEncoder(CsvHeader header, IReadOnlyList<SchemaColumn> columns, int[] sources, MissingValuePolicy policy)
    {
        this.header = header;
        this.columns = [.. columns];
        this.sources = sources;
        this.policy = policy;
        vocabularies = [.. this.columns.Select(c => c.Categories
            .Select((v, i) => (v, i))
            .ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>())];
    }

    /// <summary>Encodes the current record's features into <paramref name="row"/> (all of it is written).</summary>
    /// <returns>False when the row is dropped for a missing value.</returns>
    /// <exception cref="DatasetFormatException">A numeric cell is not a number, or a cell is missing under <see cref="MissingValuePolicy.Error"/>.</exception>
    public bool Encode(CsvRowReader reader, Span<float> row)
    {
        row.Clear();
        int offset = 0;
        for (int k = 0; k < columns.Length; k++)
        {
            SchemaColumn column = columns[k];
            ReadOnlySpan<char> cell = reader.Cell(sources[k]);
            if (CsvCells.IsMissing(cell))
            {
                switch (policy)
                {
                    case MissingValuePolicy.Error:
                        throw header.MissingValue(reader.Line, sources[k], cell);
                    case MissingValuePolicy.DropRow:
                        return false;
                    default:
                        if (column.Kind == ColumnKind.Numeric)
                        {
                            row[offset] = (float)column.ImputeNumber;
                            offset += 1;
                            continue;
                        }

                        cell = column.ImputeCategory;
                        break;
                }
            }

            if (column.Kind == ColumnKind.Numeric)
            {
                row[offset] = CsvCells.TryParseNumber(cell, out double v) ? (float)v : throw header.NotANumber(reader.Line, sources[k], cell);
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
}
