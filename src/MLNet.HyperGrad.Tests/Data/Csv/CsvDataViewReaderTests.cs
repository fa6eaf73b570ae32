using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

public sealed class CsvDataViewReaderTests
{
    private const string Mixed = """
        size,color,price
        1.5,red,cheap
        NA,blue,dear
        2.5,,cheap
        3.0,red,dear
        """;

    [Fact]
    public void Read_MixedColumns_RawTypedColumnsWithNaNAndEmptyText()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("mixed.csv", Mixed);

        CsvDataViewSplit data = CsvDataViewReader.Read(path, new CsvReadOptions { LabelColumn = "price", MissingValuePolicy = MissingValuePolicy.Impute });

        Assert.Null(data.Validation);
        Assert.Equal(4, data.TrainRows);
        DataViewSchema schema = data.Train.Schema;
        Assert.Equal(NumberDataViewType.Single, schema["size"].Type);
        Assert.Equal(TextDataViewType.Instance, schema["color"].Type);
        Assert.Equal(TextDataViewType.Instance, schema["price"].Type);
        float[] size = [.. data.Train.GetColumn<float>("size")];
        Assert.Equal(1.5f, size[0]);
        Assert.True(float.IsNaN(size[1]));
        Assert.Equal(["red", "blue", string.Empty, "red"], data.Train.GetColumn<string>("color").ToArray());
        Assert.Equal(["cheap", "dear", "cheap", "dear"], data.Train.GetColumn<string>("price").ToArray());
    }

    [Fact]
    public void ReadSplit_SameSeed_SameRowsAsCsvReaderReadSplit()
    {
        using var dir = new TempDirectory();
        string path = SklearnCsv.Export("iris", dir.Path);
        var options = new CsvReadOptions { LabelColumn = "target" };

        CsvDataViewSplit views = CsvDataViewReader.ReadSplit(path, options, 0.2, seed: 7);
        CsvSplitDataset encoded = CsvReader.ReadSplit(path, options, 0.2, seed: 7);

        Assert.Equal(encoded.Split.Train.Rows, views.TrainRows);
        Assert.Equal(encoded.Split.Validation.Rows, views.ValidationRows);
        float[] first = [.. views.Validation!.GetColumn<float>("sepal_length_(cm)")];
        ReadOnlySpan<float> features = encoded.Split.Validation.Features;
        for (int r = 0; r < first.Length; r++)
        {
            Assert.Equal(features[r * encoded.Split.Validation.FeatureCount], first[r]);
        }

        string[] labels = [.. views.Validation.GetColumn<string>("target")];
        Assert.Equal(encoded.Split.Validation.Labels.ToArray().Select(i => encoded.Schema.ClassNames[(int)i]), labels);
    }

    [Fact]
    public void Read_WithSchemaTextInNumericColumn_ErrorNamesFileLineColumnValue()
    {
        using var dir = new TempDirectory();
        string train = dir.Write("train.csv", Mixed);
        string test = dir.Write("test.csv", "size,color,price\n1.0,red,cheap\nbig,blue,dear\n");
        var options = new CsvReadOptions { LabelColumn = "price", MissingValuePolicy = MissingValuePolicy.Impute };
        TabularSchema schema = CsvDataViewReader.Read(train, options).Schema;

        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => CsvDataViewReader.Read(test, options, schema));

        Assert.Contains("test.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"size\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("big", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithSchemaUnknownClass_ErrorNamesTheClass()
    {
        using var dir = new TempDirectory();
        string train = dir.Write("train.csv", Mixed);
        string test = dir.Write("test.csv", "size,color,price\n1.0,red,free\n");
        var options = new CsvReadOptions { LabelColumn = "price", MissingValuePolicy = MissingValuePolicy.Impute };
        TabularSchema schema = CsvDataViewReader.Read(train, options).Schema;

        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => CsvDataViewReader.Read(test, options, schema));

        Assert.Contains("\"free\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"cheap\", \"dear\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingUnderErrorPolicy_SameErrorAsCsvReader()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("mixed.csv", Mixed);
        var options = new CsvReadOptions { LabelColumn = "price", MissingValuePolicy = MissingValuePolicy.Error };

        DatasetFormatException views = Assert.Throws<DatasetFormatException>(() => CsvDataViewReader.Read(path, options));
        DatasetFormatException encoded = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, options));

        Assert.Equal(encoded.Message, views.Message);
        Assert.Contains("line 3", views.Message, StringComparison.Ordinal);
    }
}
