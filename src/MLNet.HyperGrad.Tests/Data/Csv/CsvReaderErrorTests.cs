using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>Every CSV failure names the file, and the line, column and value where they apply.</summary>
public sealed class CsvReaderErrorTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Read_UnknownLabelColumn_ListsAvailableColumns()
    {
        string path = temp.Write("flowers.csv", "sepal,petal,species\n1,2,a\n3,4,b\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "Species" }));

        Assert.Contains("flowers.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("label column \"Species\" not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"sepal\", \"petal\", \"species\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Species", ex.Column);
    }

    [Fact]
    public void Read_LabelIndexOutOfRange_ListsAvailableColumns()
    {
        string path = temp.Write("plain.csv", "1,2\n3,4\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { HasHeader = false, LabelColumn = "5" }));

        Assert.Contains("\"col0\", \"col1\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("below 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownIgnoredColumn_Throws()
    {
        string path = temp.Write("t.csv", "x,y\n1,a\n2,b\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", IgnoreColumns = ["id"] }));

        Assert.Contains("ignored column \"id\" not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowWithTooManyFields_ReportsLineAndCounts()
    {
        string path = temp.Write("ragged.csv", "a,b,y\n1,2,p\n3,4,q\n5,6,p,extra\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("ragged.csv line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3 fields", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 4", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void Read_RowWithTooFewFieldsWithoutHeader_ComparesWithFirstRow()
    {
        string path = temp.Write("ragged.csv", "1,2,p\n3,q\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { HasHeader = false, LabelColumn = "2" }));

        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3 fields as in the first row (line 1), found 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnterminatedQuote_ReportsLineColumnAndValue()
    {
        string path = temp.Write("open.csv", "name,x,y\nok,1,a\n\"never closed,2,b\n3,c\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("open.csv line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("column \"name\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unterminated quoted field", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("\"never closed", ex.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TextAfterClosingQuote_ReportsLineAndColumn()
    {
        string path = temp.Write("bad.csv", "name,x,y\n\"ab\"c,1,a\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("bad.csv line 2, column \"name\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 'c'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyFile_SaysItIsEmpty()
    {
        string path = temp.Write("empty.csv", string.Empty);

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("empty.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the file is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderOnly_SaysThereAreNoDataRows()
    {
        string path = temp.Write("header.csv", "x,y\n\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("header.csv line 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no data rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RegressionLabelNotANumber_ReportsFileLineColumnValue()
    {
        string path = temp.Write("prices.csv", "x,price\n1,10\n2,12.5\n3,cheap\n");

        var ex = Assert.Throws<DatasetFormatException>(() =>
            CsvReader.Read(path, new CsvReadOptions { LabelColumn = "price", Task = TaskKind.Regression }));

        Assert.Contains("prices.csv line 4, column \"price\": expected a number, found \"cheap\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.FilePath);
        Assert.Equal(4, ex.Line);
        Assert.Equal("price", ex.Column);
        Assert.Equal("cheap", ex.Value);
    }

    [Fact]
    public void Read_TooManyCategories_NamesColumnAndSuggestsIgnoring()
    {
        string rows = string.Concat(Enumerable.Range(0, 6).Select(i => $"user{i},{i % 2}\n"));
        string path = temp.Write("users.csv", "name,y\n" + rows);

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", MaxCategories = 5 }));

        Assert.Contains("users.csv line 7, column \"name\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at most 5 categories", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--ignore-cols \"name\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal("user5", ex.Value);
    }

    [Fact]
    public void Read_MissingValueUnderErrorPolicy_ReportsFileLineColumnValue()
    {
        string path = temp.Write("gaps.csv", "x,width,y\n1,2,a\n3,NA,b\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("gaps.csv line 3, column \"width\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing value \"NA\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MissingValuePolicy.DropRow", ex.Message, StringComparison.Ordinal);
        Assert.Equal("NA", ex.Value);
    }

    [Fact]
    public void Read_MissingLabelUnderErrorPolicy_ReportsLabelColumn()
    {
        string path = temp.Write("gaps.csv", "x,y\n1,a\n2,\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("gaps.csv line 3, column \"y\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryRowDropped_SaysNoneRemain()
    {
        string path = temp.Write("gaps.csv", "x,y\n?,a\n1,\n");

        var ex = Assert.Throws<DatasetFormatException>(() =>
            CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.DropRow }));

        Assert.Contains("gaps.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found none of 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ColumnEntirelyMissingUnderImpute_SuggestsIgnoring()
    {
        string path = temp.Write("gaps.csv", "x,empty,y\n1,,a\n2,NA,b\n");

        var ex = Assert.Throws<DatasetFormatException>(() =>
            CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.Impute }));

        Assert.Contains("column \"empty\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--ignore-cols \"empty\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DuplicateHeaderNames_ReportsBothPositions()
    {
        string path = temp.Write("dup.csv", "x,x,y\n1,2,a\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("dup.csv line 1, column \"x\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("positions 0 and 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SingleClass_SaysTwoAreNeeded()
    {
        string path = temp.Write("one.csv", "x,y\n1,a\n2,a\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("at least two classes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"a\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OnlyLabelLeft_SaysNoFeatureColumns()
    {
        string path = temp.Write("bare.csv", "id,y\n1,a\n2,b\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", IgnoreColumns = ["id"] }));

        Assert.Contains("at least one feature column", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LabelAlsoIgnored_ThrowsArgumentException()
    {
        string path = temp.Write("t.csv", "x,y\n1,a\n2,b\n");

        Assert.Throws<ArgumentException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", IgnoreColumns = ["y"] }));
    }

    [Fact]
    public void Read_InvalidOptions_ReportsEveryFailureTogether()
    {
        string path = temp.Write("t.csv", "x,y\n1,a\n2,b\n");
        var options = new CsvReadOptions { Delimiter = '"', MaxCategories = 0, IgnoreColumns = [" "] };

        var ex = Assert.Throws<ArgumentException>(() => CsvReader.Read(path, options));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("Delimiter", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LabelColumn is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IgnoreColumns", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxCategories must be at least 1; found 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => CsvReader.Read(temp.File("absent.csv"), new CsvReadOptions { LabelColumn = "y" }));
    }
}
