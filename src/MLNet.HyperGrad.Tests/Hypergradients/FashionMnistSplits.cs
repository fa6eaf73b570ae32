using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>Small fixed splits of the real Fashion-MNIST training set: the first rows train, the next ones validate.</summary>
internal static class FashionMnistSplits
{
    private static readonly Lazy<FashionMnistData> Data = new(() => FashionMnist.Load());

    /// <summary>Rows 0 … trainRows − 1 for training, the next validationRows for validation (<see cref="FashionMnistData.SplitTrain"/>).</summary>
    public static (TabularDataset Train, TabularDataset Validation) Take(int trainRows, int validationRows) =>
        Data.Value.SplitTrain(trainRows, validationRows);
}
