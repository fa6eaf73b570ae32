namespace MLNet.HyperGrad.Data.Csv;

/// <summary>A CSV file read into a dataset, with the schema that encoded it.</summary>
public sealed class CsvDataset
{
    internal CsvDataset(TabularDataset dataset, TabularSchema schema, int droppedRows)
    {
        Dataset = dataset;
        Schema = schema;
        DroppedRows = droppedRows;
    }

    /// <summary>Gets the encoded rows.</summary>
    public TabularDataset Dataset { get; }

    /// <summary>Gets the schema: fitted on this file, or the one that was applied to it.</summary>
    public TabularSchema Schema { get; }

    /// <summary>Gets the number of data rows dropped for missing values (see <see cref="MissingValuePolicy"/>).</summary>
    public int DroppedRows { get; }
}
