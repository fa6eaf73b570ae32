namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// A CSV file read into training and validation rows, with the schema fitted on the training rows
/// only. Made by <see cref="CsvReader.ReadSplit"/>.
/// </summary>
public sealed class CsvSplitDataset
{
    internal CsvSplitDataset(TrainValidationSplit split, TabularSchema schema, int droppedRows)
    {
        Split = split;
        Schema = schema;
        DroppedRows = droppedRows;
    }

    /// <summary>Gets the training and validation rows, both encoded with <see cref="Schema"/>.</summary>
    /// <remarks>
    /// <see cref="TrainValidationSplit.TrainRows"/> and <see cref="TrainValidationSplit.ValidationRows"/>
    /// index the data records that were kept (records dropped for missing values are not counted), in
    /// file order.
    /// </remarks>
    public TrainValidationSplit Split { get; }

    /// <summary>Gets the schema: column kinds, categories and imputation values fitted on the training rows alone.</summary>
    public TabularSchema Schema { get; }

    /// <summary>Gets the number of data rows dropped for missing values (see <see cref="MissingValuePolicy"/>) before the split.</summary>
    public int DroppedRows { get; }
}
