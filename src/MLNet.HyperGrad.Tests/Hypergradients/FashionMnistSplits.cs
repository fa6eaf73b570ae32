using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>Small fixed splits of the real Fashion-MNIST training set: the first rows train, the next ones validate.</summary>
internal static class FashionMnistSplits
{
    private static readonly Lazy<TabularDataset> Head = new(() => FashionMnist.Load().Train.Subset(Enumerable.Range(0, 2000).ToArray()));

    /// <summary>Rows 0 … trainRows − 1 for training, the next validationRows for validation.</summary>
    public static (TabularDataset Train, TabularDataset Validation) Take(int trainRows, int validationRows) =>
        (Head.Value.Subset(Enumerable.Range(0, trainRows).ToArray()), Head.Value.Subset(Enumerable.Range(trainRows, validationRows).ToArray()));
}
