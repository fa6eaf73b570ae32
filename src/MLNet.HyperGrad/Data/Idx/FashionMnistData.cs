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
}
