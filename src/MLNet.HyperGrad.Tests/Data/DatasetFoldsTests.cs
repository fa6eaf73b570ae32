using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Tests.Data;

public sealed class DatasetFoldsTests
{
    /// <summary>23 rows of three classes (12, 7, 4), the label also the only feature's integer part, the row number its fraction.</summary>
    private static TabularDataset Imbalanced()
    {
        long[] labels = [.. Enumerable.Repeat(0L, 12), .. Enumerable.Repeat(1L, 7), .. Enumerable.Repeat(2L, 4)];
        float[] features = [.. labels.Select((l, i) => l + (i / 100f))];
        return TabularDataset.ForClassification(features, labels, ["x"], ["a", "b", "c"]);
    }

    [Fact]
    public void KFold_Classification_EveryRowValidatedOnceAndEveryFoldKeepsTheClassProportions()
    {
        TabularDataset data = Imbalanced();
        IReadOnlyList<TrainValidationSplit> folds = DatasetFolds.KFold(data, 3, seed: 7);

        Assert.Equal(3, folds.Count);
        Assert.Equal(Enumerable.Range(0, data.Rows), folds.SelectMany(f => f.ValidationRows).Order());
        foreach (TrainValidationSplit fold in folds)
        {
            Assert.Equal(Enumerable.Range(0, data.Rows).Except(fold.ValidationRows), fold.TrainRows);
            Assert.Equal(data.Rows, fold.Train.Rows + fold.Validation.Rows);
        }

        Assert.InRange(folds.Max(f => f.Validation.Rows) - folds.Min(f => f.Validation.Rows), 0, 1);
        for (int c = 0; c < 3; c++)
        {
            int[] perFold = [.. folds.Select(f => f.Validation.Labels.ToArray().Count(l => l == c))];
            Assert.InRange(perFold.Max() - perFold.Min(), 0, 1);
        }
    }

    [Fact]
    public void KFold_SameSeed_SameFoldsAndAnotherSeedOthers()
    {
        TabularDataset data = Imbalanced();
        int[][] Folds(int seed) => [.. DatasetFolds.KFold(data, 4, seed).Select(f => f.ValidationRows.ToArray())];

        Assert.Equal(Folds(3), Folds(3));
        Assert.NotEqual(Folds(3), Folds(4));
    }

    [Fact]
    public void KFold_Regression_PlainFoldsOfNearlyEqualSize()
    {
        var data = TabularDataset.ForRegression([.. Enumerable.Range(0, 11).Select(i => (float)i)], [.. Enumerable.Range(0, 11).Select(i => i * 2f)], ["x"]);
        IReadOnlyList<TrainValidationSplit> folds = DatasetFolds.KFold(data, 5, seed: 1);
        Assert.Equal([3, 2, 2, 2, 2], folds.Select(f => f.Validation.Rows));
        Assert.Equal(Enumerable.Range(0, 11), folds.SelectMany(f => f.ValidationRows).Order());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(24)]
    public void KFold_FoldsOutOfRange_ThrowsNamingTheRange(int folds)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DatasetFolds.KFold(Imbalanced(), folds, seed: 0));
        Assert.Contains("from 2 to 23 folds", ex.Message, StringComparison.Ordinal);
    }
}
