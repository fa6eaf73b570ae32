using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Tests.Data;

public sealed class StandardizerTests
{
    // Feature 0: 1, 2, 3, 4 (mean 2.5, population std sqrt(1.25)); feature 1 constant 7.
    private static readonly TabularDataset Train = TabularDataset.ForRegression(
        new float[] { 1, 7, 2, 7, 3, 7, 4, 7 }, new float[] { 0, 1, 2, 3 }, ["x", "c"]);

    [Fact]
    public void Fit_TrainingSplit_GivesPopulationMeanAndStd()
    {
        Standardizer s = Standardizer.Fit(Train);

        Assert.Equal(2.5, s.Means[0], 12);
        Assert.Equal(Math.Sqrt(1.25), s.StandardDeviations[0], 12);
        Assert.Equal(7, s.Means[1], 12);
        Assert.Equal(0, s.StandardDeviations[1]);
    }

    [Fact]
    public void Transform_TrainingSplit_GivesZeroMeanUnitVarianceAndCentresConstant()
    {
        TabularDataset z = Standardizer.Fit(Train).Transform(Train);

        float[] x = [.. Enumerable.Range(0, 4).Select(i => z.Row(i)[0])];
        Assert.Equal(0, x.Average(), 6);
        Assert.Equal(1, x.Select(v => v * v).Average(), 5);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(0f, z.Row(i)[1]));
        Assert.Equal(Train.Targets.ToArray(), z.Targets.ToArray());
        Assert.Equal(Train.FeatureNames, z.FeatureNames);
    }

    [Fact]
    public void Transform_ValidationSplit_UsesTrainingStatisticsOnly()
    {
        TabularDataset validation = TabularDataset.ForRegression(new float[] { 10, 9, 20, 5 }, new float[] { 0, 1 }, ["x", "c"]);

        TabularDataset z = Standardizer.Fit(Train).Transform(validation);

        double std = Math.Sqrt(1.25);
        Assert.Equal((10 - 2.5) / std, z.Row(0)[0], 5);
        Assert.Equal((20 - 2.5) / std, z.Row(1)[0], 5);
        Assert.Equal(2f, z.Row(0)[1]); // constant in training: centred, divided by 1
        Assert.Equal(-2f, z.Row(1)[1]);
    }

    [Fact]
    public void Fit_ConstantColumnOfNonRepresentableValue_HasExactlyZeroStd()
    {
        TabularDataset data = TabularDataset.ForRegression(
            [.. Enumerable.Repeat(0.1f, 999)], [.. Enumerable.Repeat(1f, 999)], ["c"]);

        Standardizer s = Standardizer.Fit(data);

        Assert.Equal(0, s.StandardDeviations[0]);
        Assert.All(s.Transform(data).Features.ToArray(), v => Assert.True(Math.Abs(v) < 1e-6));
    }

    [Fact]
    public void Transform_WrongFeatureCount_ThrowsArgumentException()
    {
        TabularDataset other = TabularDataset.ForRegression(new float[] { 1 }, new float[] { 0 }, ["x"]);

        var ex = Assert.Throws<ArgumentException>(() => Standardizer.Fit(Train).Transform(other));
        Assert.Contains("fitted on 2 features; the dataset has 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_RoundTrip_KeepsStatisticsAndTransform()
    {
        Standardizer s = Standardizer.Fit(Train);

        Standardizer back = Standardizer.FromJson(s.ToJson());

        Assert.Equal(s.Means, back.Means);
        Assert.Equal(s.StandardDeviations, back.StandardDeviations);
        Assert.Equal(s.Transform(Train).Features.ToArray(), back.Transform(Train).Features.ToArray());
    }

    [Fact]
    public void FromJson_NegativeStd_ThrowsDatasetFormatException()
    {
        var ex = Assert.Throws<DatasetFormatException>(() => Standardizer.FromJson("""{"Means":[1],"StandardDeviations":[-1]}"""));
        Assert.Contains("non-negative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LengthMismatch_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new Standardizer([1, 2], [1]));
    }

    [Fact]
    public void Apply_Rows_MatchesTransformBitForBit()
    {
        var data = TabularDataset.ForRegression(new float[] { 0.1f, 7, 3.3f, 8, -2.7f, 7 }, new float[] { 0, 1, 2 }, ["x", "c"]);
        Standardizer s = Standardizer.Fit(Train);
        float[] applied = new float[data.Features.Length];

        s.Apply(data.Features, applied);

        Assert.Equal(s.Transform(data).Features.ToArray(), applied);
    }

    [Fact]
    public void Apply_PartialRowOrWrongDestination_ThrowsArgumentException()
    {
        Standardizer s = Standardizer.Fit(Train);

        Assert.Throws<ArgumentException>(() => s.Apply(new float[3], new float[3]));
        Assert.Throws<ArgumentException>(() => s.Apply(new float[4], new float[2]));
    }
}
