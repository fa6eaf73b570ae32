using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data;

public sealed class TabularFeaturizerTests
{
    private const string Mixed = """
        size,color,price
        1.0,red,cheap
        NA,blue,dear
        3.0,,cheap
        4.0,red,dear
        """;

    [Fact]
    public void Create_MixedColumns_MeanImputedOneHotNormalizedFeaturesAndKeyLabel()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("mixed.csv", Mixed);
        CsvDataViewSplit data = CsvDataViewReader.Read(path, new CsvReadOptions { LabelColumn = "price", MissingValuePolicy = MissingValuePolicy.Impute });
        var ml = new MLContext(seed: 1);

        IDataView featurized = TabularFeaturizer.Create(ml, data.Schema).Fit(data.Train).Transform(data.Train);

        float[][] features = [.. featurized.GetColumn<float[]>(TabularFeaturizer.FeaturesColumn)];
        Assert.Equal(3, features[0].Length); // size + blue + red
        // size 1, (mean 8/3), 3, 4 normalized to unit variance without centering (ML.NET's default): the imputed row lies between rows 0 and 2.
        Assert.True(features[0][0] < features[1][0] && features[1][0] < features[2][0]);
        Assert.Equal(features[0][1..], features[3][1..]);
        Assert.Equal(0f, features[2][1]);
        Assert.Equal(0f, features[2][2]);
        uint[] keys = [.. featurized.GetColumn<uint>(TabularFeaturizer.LabelColumn)];
        Assert.Equal([1u, 2u, 1u, 2u], keys);
        VBuffer<ReadOnlyMemory<char>> names = default;
        featurized.Schema[TabularFeaturizer.LabelColumn].GetKeyValues(ref names);
        Assert.Equal(["cheap", "dear"], names.DenseValues().Select(n => n.ToString()));
    }

    [Fact]
    public void Create_Binary_BooleanLabelTrueForSecondClass()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("mixed.csv", Mixed);
        CsvDataViewSplit data = CsvDataViewReader.Read(path, new CsvReadOptions { LabelColumn = "price", MissingValuePolicy = MissingValuePolicy.Impute });
        var ml = new MLContext(seed: 1);

        IDataView featurized = TabularFeaturizer.Create(ml, data.Schema, binaryLabel: true).Fit(data.Train).Transform(data.Train);

        Assert.Equal([false, true, false, true], featurized.GetColumn<bool>(TabularFeaturizer.LabelColumn).ToArray());
    }

    [Fact]
    public void Create_FittedOnTrainingRowsOnly_ValidationRowsDoNotMoveTheMean()
    {
        using var dir = new TempDirectory();
        string train = dir.Write("train.csv", "x,y\n1,1.0\n2,2.0\n3,3.0\n");
        string other = dir.Write("other.csv", "x,y\n100,1.0\nNA,2.0\n");
        var options = new CsvReadOptions { LabelColumn = "y", Task = TaskKind.Regression, MissingValuePolicy = MissingValuePolicy.Impute };
        CsvDataViewSplit data = CsvDataViewReader.Read(train, options);
        var ml = new MLContext(seed: 1);
        ITransformer fitted = TabularFeaturizer.Create(ml, data.Schema).Fit(data.Train);

        float[][] features = [.. fitted.Transform(CsvDataViewReader.Read(other, options, data.Schema)).GetColumn<float[]>(TabularFeaturizer.FeaturesColumn)];
        float[][] trainFeatures = [.. fitted.Transform(data.Train).GetColumn<float[]>(TabularFeaturizer.FeaturesColumn)];

        Assert.Equal(trainFeatures[1][0], features[1][0]); // the missing x gets the training mean, 2
        Assert.Equal([1f, 2f], fitted.Transform(CsvDataViewReader.Read(other, options, data.Schema)).GetColumn<float>(TabularFeaturizer.LabelColumn).ToArray());
    }

    [Fact]
    public void Create_BinaryOnThreeClasses_Throws()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("three.csv", "x,y\n1,a\n2,b\n3,c\n");
        CsvDataViewSplit data = CsvDataViewReader.Read(path, new CsvReadOptions { LabelColumn = "y" });

        ArgumentException error = Assert.Throws<ArgumentException>(() => TabularFeaturizer.Create(new MLContext(1), data.Schema, binaryLabel: true));

        Assert.Contains("3 classes", error.Message, StringComparison.Ordinal);
    }
}
