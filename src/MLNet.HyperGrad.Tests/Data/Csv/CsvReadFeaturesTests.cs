using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>Label-optional reading of prediction files with a fitted schema.</summary>
public sealed class CsvReadFeaturesTests : IDisposable
{
    // The label sits between features so that a file without it shifts the later columns left.
    private const string Training = "size,label,colour,weight\n1.5,yes,red,10\n2.5,no,blue,20\n3.5,yes,red,30\n";

    private readonly TempDirectory temp = new();
    private readonly TabularSchema schema;

    public CsvReadFeaturesTests()
    {
        schema = CsvReader.Read(temp.Write("train.csv", Training), new CsvReadOptions { LabelColumn = "label" }).Schema;
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ReadFeatures_HeaderWithoutLabel_EncodesLikeRead()
    {
        string labelled = temp.Write("labelled.csv", "size,label,colour,weight\n4,no,blue,40\n5,yes,green,50\n");
        string unlabelled = temp.Write("unlabelled.csv", "size,colour,weight\n4,blue,40\n5,green,50\n");

        TabularDataset expected = CsvReader.Read(labelled, new CsvReadOptions(), schema).Dataset;
        CsvFeatures features = CsvReader.ReadFeatures(unlabelled, new CsvReadOptions(), schema);

        Assert.Equal(2, features.Rows);
        Assert.Equal(["size", "colour=blue", "colour=red", "weight"], features.FeatureNames);
        Assert.Equal(expected.Features.ToArray(), features.Features.ToArray());
        Assert.Equal(new float[] { 4, 1, 0, 40 }, features.Row(0).ToArray());
        Assert.Equal(new float[] { 5, 0, 0, 50 }, features.Row(1).ToArray());
        Assert.Equal([2, 3], features.Lines);
        Assert.Same(schema, features.Schema);
        Assert.Equal(unlabelled, features.FilePath);
    }

    [Fact]
    public void ReadFeatures_HeaderWithReorderedColumnsAndUnknownLabel_IgnoresLabelFindsColumnsByName()
    {
        string path = temp.Write("reordered.csv", "weight,label,colour,size\n40,maybe,blue,4\n");

        CsvFeatures features = CsvReader.ReadFeatures(path, new CsvReadOptions(), schema);

        Assert.Equal(new float[] { 4, 1, 0, 40 }, features.Features.ToArray());
    }

    [Fact]
    public void ReadFeatures_NoHeaderWithoutLabel_ShiftsColumnsAfterTheLabel()
    {
        string path = temp.Write("plain.csv", "4,blue,40\n5,red,50\n");

        CsvFeatures features = CsvReader.ReadFeatures(path, new CsvReadOptions { HasHeader = false }, schema);

        Assert.Equal(new float[] { 4, 1, 0, 40, 5, 0, 1, 50 }, features.Features.ToArray());
        Assert.Equal([1, 2], features.Lines);
    }

    [Fact]
    public void ReadFeatures_NoHeaderWithLabelPresent_SkipsTheLabelPosition()
    {
        string path = temp.Write("plain.csv", "4,no,blue,40\n5,?,red,50\n");

        CsvFeatures features = CsvReader.ReadFeatures(path, new CsvReadOptions { HasHeader = false }, schema, labelColumnPresent: true);

        Assert.Equal(new float[] { 4, 1, 0, 40, 5, 0, 1, 50 }, features.Features.ToArray());
    }

    [Fact]
    public void ReadFeatures_MissingFeatureColumn_ThrowsNamingFileAndColumn()
    {
        string path = temp.Write("short.csv", "size,colour\n4,blue\n");

        var e = Assert.Throws<DatasetFormatException>(() => CsvReader.ReadFeatures(path, new CsvReadOptions(), schema));

        Assert.Equal(path, e.FilePath);
        Assert.Equal("weight", e.Column);
        Assert.Contains("\"weight\" is missing", e.Message);
    }

    [Fact]
    public void ReadFeatures_NonNumberInNumericColumn_ThrowsWithLineColumnAndValue()
    {
        string path = temp.Write("bad.csv", "size,colour,weight\n4,blue,40\n5,red,heavy\n");

        var e = Assert.Throws<DatasetFormatException>(() => CsvReader.ReadFeatures(path, new CsvReadOptions(), schema));

        Assert.Equal(path, e.FilePath);
        Assert.Equal(3, e.Line);
        Assert.Equal("weight", e.Column);
        Assert.Equal("heavy", e.Value);
        Assert.StartsWith($"{path} line 3, column \"weight\": expected a number", e.Message);
    }

    [Fact]
    public void ReadFeatures_MissingValueUnderErrorPolicy_Throws()
    {
        string path = temp.Write("gap.csv", "size,colour,weight\n4,,40\n");

        var e = Assert.Throws<DatasetFormatException>(() => CsvReader.ReadFeatures(path, new CsvReadOptions(), schema));

        Assert.Equal(2, e.Line);
        Assert.Equal("colour", e.Column);
    }

    [Fact]
    public void ReadFeatures_DropRow_LinesMapRowsBackToTheFile()
    {
        string path = temp.Write("gaps.csv", "size,colour,weight\n4,blue,40\nNA,red,50\n6,red,60\n");

        CsvFeatures features = CsvReader.ReadFeatures(path, new CsvReadOptions { MissingValuePolicy = MissingValuePolicy.DropRow }, schema);

        Assert.Equal(2, features.Rows);
        Assert.Equal(1, features.DroppedRows);
        Assert.Equal([2, 4], features.Lines);
        Assert.Equal(6f, features.Row(1)[0]);
    }

    [Fact]
    public void ReadFeatures_Impute_UsesTrainingMeanAndMode()
    {
        string path = temp.Write("gaps.csv", "size,colour,weight\n?,,40\n");

        CsvFeatures features = CsvReader.ReadFeatures(path, new CsvReadOptions { MissingValuePolicy = MissingValuePolicy.Impute }, schema);

        Assert.Equal(new float[] { 2.5f, 0, 1, 40 }, features.Features.ToArray());
    }

    [Fact]
    public void ReadFeatures_EveryRowDropped_Throws()
    {
        string path = temp.Write("empty.csv", "size,colour,weight\n,red,1\n");

        var e = Assert.Throws<DatasetFormatException>(
            () => CsvReader.ReadFeatures(path, new CsvReadOptions { MissingValuePolicy = MissingValuePolicy.DropRow }, schema));

        Assert.Contains("none left after dropping 1 rows", e.Message);
    }

    [Fact]
    public void ReadFeatures_RowOutOfRange_Throws()
    {
        CsvFeatures features = CsvReader.ReadFeatures(temp.Write("one.csv", "size,colour,weight\n4,blue,40\n"), new CsvReadOptions(), schema);

        Assert.Throws<ArgumentOutOfRangeException>(() => features.Row(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => features.Row(-1).ToArray());
    }
}
