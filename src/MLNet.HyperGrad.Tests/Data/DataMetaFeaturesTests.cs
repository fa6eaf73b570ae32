using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data;

public sealed class DataMetaFeaturesTests
{
    [Fact]
    public void Of_TrainAndValidation_CountsRowsOfBothAndTheClassEntropyOfTheirLabels()
    {
        // Labels 0,0,0,1 and 1,2: class counts 3, 2, 1 over 6 rows.
        TabularDataset train = TabularDataset.ForClassification(new float[8], [0, 0, 0, 1], ["x", "y"], ["a", "b", "c"]);
        TabularDataset validation = TabularDataset.ForClassification(new float[4], [1, 2], ["x", "y"], ["a", "b", "c"]);

        IReadOnlyDictionary<string, double> meta = DataMetaFeatures.Of(train, validation);

        double entropy = -((0.5 * Math.Log2(0.5)) + (1.0 / 3 * Math.Log2(1.0 / 3)) + (1.0 / 6 * Math.Log2(1.0 / 6)));
        Assert.Equal(6, meta["rows"]);
        Assert.Equal(Math.Log10(6), meta["log10 rows"], 12);
        Assert.Equal(2, meta["features"]);
        Assert.Equal(3, meta["classes"]);
        Assert.Equal(entropy, meta["class entropy"], 12);
        Assert.Equal(entropy / Math.Log2(3), meta["normalized class entropy"], 12);
        Assert.Equal(0.5, meta["majority class share"], 12);
    }

    [Fact]
    public void Of_Regression_HasNoClassFeatures()
    {
        TabularDataset data = TabularDataset.ForRegression(new float[3], [1f, 2f, 3f], ["x"]);

        IReadOnlyDictionary<string, double> meta = DataMetaFeatures.Of(data);

        Assert.Equal(3, meta["rows"]);
        Assert.False(meta.ContainsKey("classes"));
        Assert.False(meta.ContainsKey("class entropy"));
    }

    [Fact]
    public void Of_DataSetsOfOtherFeatureCounts_ThrowsNamingBoth()
    {
        TabularDataset a = TabularDataset.ForRegression(new float[2], [1f, 2f], ["x"]);
        TabularDataset b = TabularDataset.ForRegression(new float[4], [1f, 2f], ["x", "y"]);

        var error = Assert.Throws<ArgumentException>(() => DataMetaFeatures.Of(a, b));

        Assert.Equal("datasets", error.ParamName);
        Assert.Contains("1 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_CsvWithNumericAndCategoricalColumns_CountsColumnsByKindAndClassesFromTheLabelColumn()
    {
        using var directory = new TempDirectory();
        string csv = directory.Write("mixed.csv", "size,color,label\n1,red,yes\n2,blue,no\n3,red,yes\n4,green,yes\n5,blue,no\n6,red,yes\n7,green,no\n8,red,yes\n");
        CsvDataViewSplit data = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "label" });

        IReadOnlyDictionary<string, double> meta = DataMetaFeatures.Of(data.Schema, data.Train);

        Assert.Equal(8, meta["rows"]);
        Assert.Equal(2, meta["columns"]);
        Assert.Equal(1, meta["numeric columns"]);
        Assert.Equal(1, meta["categorical columns"]);
        Assert.Equal(4, meta["features"]);
        Assert.Equal(2, meta["classes"]);
        Assert.Equal(5.0 / 8, meta["majority class share"], 12);
        Assert.Equal(-((5.0 / 8 * Math.Log2(5.0 / 8)) + (3.0 / 8 * Math.Log2(3.0 / 8))), meta["class entropy"], 12);
    }

    [Fact]
    public void Of_IrisCsvSplit_CountsTrainingAndValidationRows()
    {
        using var directory = new TempDirectory();
        string iris = SklearnCsv.Export("iris", directory.Path);
        CsvDataViewSplit data = CsvDataViewReader.ReadSplit(iris, new CsvReadOptions { LabelColumn = "target" }, 0.2, seed: 1);

        IReadOnlyDictionary<string, double> meta = DataMetaFeatures.Of(data.Schema, data.Train, data.Validation!);

        Assert.Equal(150, meta["rows"]);
        Assert.Equal(4, meta["numeric columns"]);
        Assert.Equal(0, meta["categorical columns"]);
        Assert.Equal(3, meta["classes"]);
        Assert.Equal(1.0, meta["normalized class entropy"], 12);
    }

    [Fact]
    public void ToAttributes_ThenFromAttributes_RoundTripsExactlyAndIgnoresOtherAttributes()
    {
        var meta = new Dictionary<string, double> { ["rows"] = 150, ["class entropy"] = 1.0 / 3 };
        var attributes = new Dictionary<string, string>(DataMetaFeatures.ToAttributes(meta)) { ["seed"] = "3", ["identity: task"] = "classification", ["meta: broken"] = "n/a" };

        IReadOnlyDictionary<string, double> read = DataMetaFeatures.FromAttributes(attributes);

        Assert.Equal("150", attributes["meta: rows"]);
        Assert.Equal(meta, read);
    }

    [Fact]
    public void ToAttributes_NotFiniteValue_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => DataMetaFeatures.ToAttributes(new Dictionary<string, double> { ["rows"] = double.NaN }));

        Assert.Equal("metaFeatures", error.ParamName);
        Assert.Contains("\"rows\"", error.Message, StringComparison.Ordinal);
    }
}
