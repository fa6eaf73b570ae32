using Microsoft.ML;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// A CSV file read into ML.NET <see cref="IDataView"/>s of raw typed columns, with the schema fitted on
/// the training rows. Made by <see cref="CsvDataViewReader"/>.
/// </summary>
/// <remarks>
/// Each feature column of <see cref="Schema"/> is one column under its CSV name: a numeric column as
/// <c>Single</c> (NaN where the cell is missing), a categorical column as text (empty where the cell is
/// missing). The label keeps its CSV name: text for classification (the class name), <c>Single</c> for
/// regression. Nothing is imputed, encoded or scaled: <see cref="TabularFeaturizer"/> does that with
/// ML.NET's transforms, fitted on <see cref="Train"/>.
/// </remarks>
public sealed class CsvDataViewSplit
{
    internal CsvDataViewSplit(IDataView train, IDataView? validation, TabularSchema schema, int trainRows, int validationRows, int droppedRows)
    {
        Train = train;
        Validation = validation;
        Schema = schema;
        TrainRows = trainRows;
        ValidationRows = validationRows;
        DroppedRows = droppedRows;
    }

    /// <summary>Gets the training rows.</summary>
    public IDataView Train { get; }

    /// <summary>Gets the validation rows, or null when every row trains.</summary>
    public IDataView? Validation { get; }

    /// <summary>Gets the schema: column kinds and classes fitted on the training rows (its imputation values are not used here).</summary>
    public TabularSchema Schema { get; }

    /// <summary>Gets the number of training rows.</summary>
    public int TrainRows { get; }

    /// <summary>Gets the number of validation rows; 0 when <see cref="Validation"/> is null.</summary>
    public int ValidationRows { get; }

    /// <summary>Gets the number of data rows dropped for missing values (see <see cref="MissingValuePolicy"/>).</summary>
    public int DroppedRows { get; }
}
