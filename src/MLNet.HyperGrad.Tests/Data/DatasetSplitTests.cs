using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Tests.Data;

public sealed class DatasetSplitTests
{
    /// <summary>Imbalanced classes: 50, 30, 15 and 5 rows, interleaved; feature 0 is the row index.</summary>
    private static TabularDataset Imbalanced()
    {
        int[] sizes = [50, 30, 15, 5];
        var labels = new List<long>();
        for (int c = 0; c < sizes.Length; c++)
        {
            labels.AddRange(Enumerable.Repeat((long)c, sizes[c]));
        }

        long[] y = [.. labels.Select((l, i) => (l, key: (i * 37) % labels.Count)).OrderBy(p => p.key).Select(p => p.l)];
        float[] x = [.. Enumerable.Range(0, y.Length).Select(i => (float)i)];
        return TabularDataset.ForClassification(x, y, ["row"], ["a", "b", "c", "d"]);
    }

    [Fact]
    public void TrainValidation_SameSeed_GivesSameSplit()
    {
        TrainValidationSplit a = DatasetSplit.TrainValidation(Imbalanced(), 0.2, seed: 7);
        TrainValidationSplit b = DatasetSplit.TrainValidation(Imbalanced(), 0.2, seed: 7);

        Assert.Equal(a.ValidationRows, b.ValidationRows);
        Assert.Equal(a.TrainRows, b.TrainRows);
        Assert.Equal(a.Validation.Features.ToArray(), b.Validation.Features.ToArray());
    }

    [Fact]
    public void TrainValidation_DifferentSeed_GivesDifferentSplit()
    {
        TrainValidationSplit a = DatasetSplit.TrainValidation(Imbalanced(), 0.2, seed: 7);
        TrainValidationSplit b = DatasetSplit.TrainValidation(Imbalanced(), 0.2, seed: 8);

        Assert.NotEqual(a.ValidationRows, b.ValidationRows);
    }

    [Fact]
    public void TrainValidation_Stratified_KeepsEveryClassWithinOneRowOfItsProportion()
    {
        TabularDataset data = Imbalanced();
        foreach (double fraction in new[] { 0.1, 0.2, 0.25, 0.33, 0.5, 0.9 })
        {
            for (int seed = 0; seed < 5; seed++)
            {
                TrainValidationSplit split = DatasetSplit.TrainValidation(data, fraction, seed);
                int[] total = Counts(data.Labels);
                int[] validation = Counts(split.Validation.Labels);
                for (int c = 0; c < total.Length; c++)
                {
                    Assert.InRange(validation[c], (total[c] * fraction) - 1, (total[c] * fraction) + 1);
                }

                Assert.Equal((int)Math.Round(data.Rows * fraction, MidpointRounding.AwayFromZero), split.Validation.Rows);
            }
        }
    }

    [Fact]
    public void TrainValidation_Split_PartitionsRowsAndCopiesTheirData()
    {
        TabularDataset data = Imbalanced();
        TrainValidationSplit split = DatasetSplit.TrainValidation(data, 0.3, seed: 1);

        int[] all = [.. split.TrainRows.Concat(split.ValidationRows).Order()];
        Assert.Equal(Enumerable.Range(0, data.Rows), all);
        for (int i = 0; i < split.Validation.Rows; i++)
        {
            int source = split.ValidationRows[i];
            Assert.Equal(source, split.Validation.Row(i)[0]);
            Assert.Equal(data.Labels[source], split.Validation.Labels[i]);
        }
    }

    [Fact]
    public void TrainValidation_NotStratified_CanMissAProportionButIsSeeded()
    {
        TabularDataset data = Imbalanced();
        TrainValidationSplit a = DatasetSplit.TrainValidation(data, 0.2, seed: 3, stratify: false);
        TrainValidationSplit b = DatasetSplit.TrainValidation(data, 0.2, seed: 3, stratify: false);

        Assert.Equal(20, a.Validation.Rows);
        Assert.Equal(a.ValidationRows, b.ValidationRows);
    }

    [Fact]
    public void TrainValidation_Regression_SplitsBySeed()
    {
        TabularDataset data = TabularDataset.ForRegression(
            [.. Enumerable.Range(0, 40).Select(i => (float)i)], [.. Enumerable.Range(0, 40).Select(i => i * 0.5f)], ["x"]);

        TrainValidationSplit split = DatasetSplit.TrainValidation(data, 0.25, seed: 11);

        Assert.Equal(10, split.Validation.Rows);
        Assert.Equal(30, split.Train.Rows);
        Assert.Equal(split.Validation.Row(0)[0] * 0.5f, split.Validation.Targets[0]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void TrainValidation_FractionOutsideOpenInterval_ThrowsArgumentOutOfRange(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplit.TrainValidation(Imbalanced(), fraction, seed: 0));
    }

    [Fact]
    public void TrainValidation_FractionLeavingAPartEmpty_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => DatasetSplit.TrainValidation(Imbalanced(), 0.001, seed: 0));
        Assert.Contains("0 validation", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DatasetSplit.TrainValidation(Imbalanced(), 0.999, seed: 0));
    }

    private static int[] Counts(ReadOnlySpan<long> labels)
    {
        int[] counts = new int[4];
        foreach (long l in labels)
        {
            counts[l]++;
        }

        return counts;
    }
}
