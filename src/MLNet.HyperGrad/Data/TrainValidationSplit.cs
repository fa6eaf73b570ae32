namespace MLNet.HyperGrad.Data;

/// <summary>A dataset split in two, as returned by <see cref="DatasetSplit.TrainValidation"/>.</summary>
public sealed class TrainValidationSplit
{
    private readonly int[] trainRows;
    private readonly int[] validationRows;

    internal TrainValidationSplit(TabularDataset train, TabularDataset validation, int[] trainRows, int[] validationRows)
    {
        Train = train;
        Validation = validation;
        this.trainRows = trainRows;
        this.validationRows = validationRows;
    }

    /// <summary>Gets the training part.</summary>
    public TabularDataset Train { get; }

    /// <summary>Gets the validation part.</summary>
    public TabularDataset Validation { get; }

    /// <summary>Gets the rows of the original dataset in <see cref="Train"/>, ascending.</summary>
    public IReadOnlyList<int> TrainRows => Array.AsReadOnly(trainRows);

    /// <summary>Gets the rows of the original dataset in <see cref="Validation"/>, ascending.</summary>
    public IReadOnlyList<int> ValidationRows => Array.AsReadOnly(validationRows);
}
