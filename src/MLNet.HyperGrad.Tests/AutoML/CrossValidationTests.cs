using MLNet.HyperGrad.AutoML.Runners;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class CrossValidationTests
{
    [Fact]
    public void FoldsFor_FewerRowsThanTheThreshold_DefaultFolds()
    {
        Assert.Equal(CrossValidation.DefaultFolds, CrossValidation.FoldsFor(178, null));
        Assert.Equal(CrossValidation.DefaultFolds, CrossValidation.FoldsFor(CrossValidation.SmallDataRows - 1, null));
    }

    [Fact]
    public void FoldsFor_ThresholdOrMore_Holdout()
    {
        Assert.Equal(0, CrossValidation.FoldsFor(CrossValidation.SmallDataRows, null));
        Assert.Equal(0, CrossValidation.FoldsFor(569, null));
    }

    [Theory]
    [InlineData(178, 0, 0)]
    [InlineData(178, 1, 0)]
    [InlineData(178, 10, 10)]
    [InlineData(569, 3, 3)]
    [InlineData(4, 4, 4)]
    public void FoldsFor_Requested_OverridesTheSize(int rows, int requested, int expected)
        => Assert.Equal(expected, CrossValidation.FoldsFor(rows, requested));

    [Fact]
    public void FoldsFor_FewerRowsThanTheDefaultFolds_OneRowPerFold()
        => Assert.Equal(3, CrossValidation.FoldsFor(3, null));

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void FoldsFor_RequestedOutOfRange_Throws(int requested)
        => Assert.Throws<ArgumentOutOfRangeException>(() => CrossValidation.FoldsFor(10, requested));
}
