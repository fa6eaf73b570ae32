namespace MLNet.HyperGrad.Data.Idx;

/// <summary>The Fashion-MNIST training and test sets, as returned by <see cref="FashionMnist.Load"/>.</summary>
public sealed class FashionMnistData
{
    internal FashionMnistData(TabularDataset train, TabularDataset test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>Gets the training set: 60,000 rows of 784 features in [0, 1] and class indices 0 … 9.</summary>
    public TabularDataset Train { get; }

    /// <summary>Gets the test set: 10,000 rows of 784 features in [0, 1] and class indices 0 … 9.</summary>
    public TabularDataset Test { get; }

    /// <summary>Gets the ten class names, indexed by class index ("T-shirt/top" … "Ankle boot").</summary>
    public IReadOnlyList<string> ClassNames => Train.ClassNames;

    /// <summary>
    /// A fixed split of the training images that any language can reproduce: the first
    /// <paramref name="trainRows"/> images train, the next <paramref name="validationRows"/> validate
    /// (hyperparameter tuning uses 10,000 and 10,000, with <see cref="Test"/> as the test set).
    /// </summary>
    /// <param name="trainRows">Rows 0 … trainRows − 1 of <see cref="Train"/>; at least 1.</param>
    /// <param name="validationRows">The rows after them; at least 1.</param>
    /// <returns>Two new datasets.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1, or together they exceed the training images.</exception>
    public (TabularDataset Train, TabularDataset Validation) SplitTrain(int trainRows, int validationRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(validationRows, 1);
        if ((long)trainRows + validationRows > Train.Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(validationRows), validationRows, $"trainRows + validationRows must be at most the {Train.Rows} training images; got {trainRows} + {validationRows}.");
        }

        return (Train.Subset(Enumerable.Range(0, trainRows).ToArray()), Train.Subset(Enumerable.Range(trainRows, validationRows).ToArray()));
    }
}
