using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>Parsing and encoding of hand-made CSV files.</summary>
public sealed class CsvReaderTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Read_HeaderAndLabelByName_ReadsNumericFeaturesAndClasses()
    {
        string path = temp.Write("iris.csv", "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.5,setosa\n");

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "species" });
        TabularDataset data = result.Dataset;

        Assert.Equal(4, data.Rows);
        Assert.Equal(["sepal", "petal"], data.FeatureNames);
        Assert.Equal(new float[] { 5.1f, 1.4f, 7.0f, 4.7f, 6.3f, 6.0f, 4.9f, 1.5f }, data.Features.ToArray());
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames);
        Assert.Equal(new long[] { 0, 1, 2, 0 }, data.Labels.ToArray());
        Assert.Equal("species", result.Schema.LabelColumn);
        Assert.Equal(0, result.DroppedRows);
    }

    [Fact]
    public void Read_NoHeaderLabelByIndex_NamesColumnsByPosition()
    {
        string path = temp.Write("plain.csv", "1,a,0.5\n2,b,1.5\n3,a,2.5\n");

        TabularDataset data = CsvReader.Read(path, new CsvReadOptions { HasHeader = false, LabelColumn = "1" }).Dataset;

        Assert.Equal(["col0", "col2"], data.FeatureNames);
        Assert.Equal(["a", "b"], data.ClassNames);
        Assert.Equal(new long[] { 0, 1, 0 }, data.Labels.ToArray());
        Assert.Equal(new float[] { 1, 0.5f, 2, 1.5f, 3, 2.5f }, data.Features.ToArray());
    }

    [Fact]
    public void Read_NoHeaderLabelByGeneratedName_FindsColumn()
    {
        string path = temp.Write("plain.csv", "1,0.5,x\n2,1.5,y\n");

        TabularDataset data = CsvReader.Read(path, new CsvReadOptions { HasHeader = false, LabelColumn = "col2" }).Dataset;

        Assert.Equal(["x", "y"], data.ClassNames);
    }

    [Fact]
    public void Read_IntegerTextThatIsAColumnName_PrefersTheName()
    {
        // Column "0" is at position 2; "0" must resolve by name, while "1" (no such name) is an index.
        string path = temp.Write("numbered.csv", "id,x,0\n1,5,a\n2,6,b\n");

        TabularDataset byName = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "0", IgnoreColumns = ["id"] }).Dataset;
        TabularDataset byIndex = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "0", IgnoreColumns = ["1"], Task = TaskKind.Classification }).Dataset;

        Assert.Equal(["a", "b"], byName.ClassNames);
        Assert.Equal(["x"], byName.FeatureNames);
        Assert.Equal(["id"], byIndex.FeatureNames);
    }

    [Fact]
    public void Read_CategoricalColumn_OneHotInOrdinalOrderWithNamedFeatures()
    {
        string path = temp.Write("colors.csv", "color,size,y\nred,1,p\nblue,2,q\nred,3,p\nGreen,4,q\n");

        TabularDataset data = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }).Dataset;

        Assert.Equal(["color=Green", "color=blue", "color=red", "size"], data.FeatureNames);
        Assert.Equal(new float[] { 0, 0, 1, 1 }, data.Row(0).ToArray());
        Assert.Equal(new float[] { 0, 1, 0, 2 }, data.Row(1).ToArray());
        Assert.Equal(new float[] { 1, 0, 0, 4 }, data.Row(3).ToArray());
    }

    [Fact]
    public void Read_NumericColumnWithOneStrayWord_BecomesCategorical()
    {
        string path = temp.Write("stray.csv", "v,y\n1,a\n2,b\nthree,a\n");

        TabularSchema schema = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }).Schema;

        Assert.Equal(ColumnKind.Categorical, schema.Columns[0].Kind);
        Assert.Equal(["1", "2", "three"], schema.Columns[0].Categories);
    }

    [Fact]
    public void Read_QuotedFieldsWithDelimitersNewlinesAndQuotes_AreOneField()
    {
        string text = "name,\"size, cm\",y\n\"Smith, J\",1.5,a\n\"multi\nline\",2,b\n\"say \"\"hi\"\"\",3,a\n";
        string path = temp.Write("quoted.csv", text);

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" });

        Assert.Equal(["Smith, J", "multi\nline", "say \"hi\""], result.Schema.Columns[0].Categories);
        Assert.Equal("size, cm", result.Schema.Columns[1].Name);
        Assert.Equal(new float[] { 1, 0, 0, 1.5f }, result.Dataset.Row(0).ToArray());
        Assert.Equal(new float[] { 0, 0, 1, 3 }, result.Dataset.Row(2).ToArray());
    }

    [Fact]
    public void Read_ErrorAfterMultiLineRecord_ReportsPhysicalLine()
    {
        // Line 2 holds a record spanning lines 2-4, so the bad record starts on line 5.
        string path = temp.Write("lines.csv", "note,x,y\n\"a\nb\nc\",1,p\nplain,1\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Equal(5, ex.Line);
        Assert.Contains("line 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SemicolonDelimiterCrLfAndBlankLines_Parsed()
    {
        string path = temp.Write("semi.csv", "a;b;y\r\n1,5;2;x\r\n\r\n3;4;z\r\n\r\n");

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", Delimiter = ';' });

        Assert.Equal(2, result.Dataset.Rows);
        Assert.Equal(ColumnKind.Categorical, result.Schema.Columns[0].Kind); // "1,5" is not an invariant-culture number
        Assert.Equal(new float[] { 2, 4 }, new[] { result.Dataset.Row(0)[2], result.Dataset.Row(1)[2] });
    }

    [Fact]
    public void Read_NumericClassLabels_SortedNumerically()
    {
        string path = temp.Write("digits.csv", "x,y\n1,10\n2,2\n3,1\n4,2\n");

        TabularDataset data = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }).Dataset;

        Assert.Equal(["1", "2", "10"], data.ClassNames);
        Assert.Equal(new long[] { 2, 1, 0, 1 }, data.Labels.ToArray());
    }

    [Fact]
    public void Read_IgnoreColumnsByNameAndIndex_LeavesThemOut()
    {
        string path = temp.Write("ids.csv", "id,comment,x,y\n1,hello,0.5,a\n2,world,1.5,b\n");

        TabularDataset data = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", IgnoreColumns = ["id", "1"] }).Dataset;

        Assert.Equal(["x"], data.FeatureNames);
        Assert.Equal(new float[] { 0.5f, 1.5f }, data.Features.ToArray());
    }

    [Fact]
    public void Read_Regression_ParsesTargetsWithInvariantCulture()
    {
        string path = temp.Write("reg.csv", "x,price\n1,1.5e3\n2,-0.25\n3, 7 \n");

        TabularDataset data = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "price", Task = TaskKind.Regression }).Dataset;

        Assert.Equal(TaskKind.Regression, data.Task);
        Assert.Empty(data.ClassNames);
        Assert.Equal(new float[] { 1500, -0.25f, 7 }, data.Targets.ToArray());
    }

    [Fact]
    public void Read_MissingValuesDropRow_DropsRowsWithMissingFeatureOrLabel()
    {
        string path = temp.Write("gaps.csv", "x,c,y\n1,red,a\nNA,red,b\n3,,a\n4,blue,null\n5,blue,b\n");

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.DropRow });

        Assert.Equal(3, result.DroppedRows);
        Assert.Equal(new float[] { 1, 0, 1, 5, 1, 0 }, result.Dataset.Features.ToArray());
        Assert.Equal(new long[] { 0, 1 }, result.Dataset.Labels.ToArray());
    }

    [Fact]
    public void Read_MissingValuesImpute_FillsMeanAndMostFrequentAndDropsMissingLabels()
    {
        string path = temp.Write("gaps.csv", "x,c,y\n1,red,a\n?,red,b\n3,N/A,a\n4,blue,\n5,blue,b\n8,blue,b\n");

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.Impute });

        // The row with a missing label is dropped before fitting: x mean over 1, 3, 5, 8 is 4.25; "blue" 2 vs "red" 2 tie goes to "blue".
        Assert.Equal(1, result.DroppedRows);
        Assert.Equal(4.25, result.Schema.Columns[0].ImputeNumber, 12);
        Assert.Equal("blue", result.Schema.Columns[1].ImputeCategory);
        Assert.Equal(new float[] { 4.25f, 0, 1 }, result.Dataset.Row(1).ToArray());
        Assert.Equal(new float[] { 3, 1, 0 }, result.Dataset.Row(2).ToArray());
    }

    [Fact]
    public void Read_AllMissingMarkers_RecognizedCaseInsensitively()
    {
        string path = temp.Write("markers.csv", "x,y\n1,a\n,a\nna,b\nn/a,b\nNAN,a\n?,b\nNULL,a\n\"\",b\n2,b\n");

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.DropRow });

        Assert.Equal(7, result.DroppedRows);
        Assert.Equal(ColumnKind.Numeric, result.Schema.Columns[0].Kind);
    }

    [Fact]
    public void Read_ByteOrderMark_IsNotPartOfTheFirstName()
    {
        string path = temp.File("bom.csv");
        File.WriteAllText(path, "x,y\n1,a\n2,b\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        TabularDataset data = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }).Dataset;

        Assert.Equal(["x"], data.FeatureNames);
    }
}
